#include "node/memtable.h"

#include <algorithm>
#include <numeric>

#include "table/row_compare.h"

namespace silt::node {
namespace {

RowBatch EmptyBatch(const std::vector<ColumnDef>& columns) {
  RowBatch b;
  for (const ColumnDef& c : columns) b.columns.emplace_back(c.type);
  return b;
}

uint64_t BatchBytes(const RowBatch& rows) {
  uint64_t bytes = 0;
  for (const ColumnVector& c : rows.columns) {
    bytes += c.physical() == PhysicalType::kString ? c.string_bytes() + 4 * c.size()
                                                   : c.type().value_width() * c.size();
  }
  return bytes;
}

}  // namespace

MemTable::MemTable(std::vector<ColumnDef> columns)
    : columns_(std::move(columns)), tail_(EmptyBatch(columns_)) {}

void MemTable::SealTail() {
  if (tail_.rows == 0) return;
  sealed_.push_back(Chunk{std::make_shared<const RowBatch>(std::move(tail_)), tail_deleted_});
  tail_ = EmptyBatch(columns_);
  tail_deleted_.reset();
  tail_copy_.reset();
}

void MemTable::Append(const RowBatch& rows) {
  if (rows.rows == 0) return;
  std::lock_guard lock(mu_);
  if (rows.rows >= kChunkRows) {
    // A big batch is a chunk of its own.
    SealTail();
    sealed_.push_back(Chunk{std::make_shared<const RowBatch>(rows), nullptr});
  } else {
    for (size_t c = 0; c < columns_.size(); ++c) {
      tail_.columns[c].AppendFrom(rows.columns[c], 0, rows.rows);
    }
    tail_.rows += rows.rows;
    tail_copy_.reset();
    if (tail_.rows >= kChunkRows) SealTail();
  }
  rows_ += rows.rows;
  bytes_ += BatchBytes(rows);
}

uint64_t MemTable::Delete(const std::vector<DeleteVector>& deleted) {
  std::lock_guard lock(mu_);
  uint64_t newly = 0;
  for (size_t k = 0; k < deleted.size(); ++k) {
    if (deleted[k].empty()) continue;
    std::shared_ptr<const DeleteVector>* slot = nullptr;
    if (k < sealed_.size()) {
      slot = &sealed_[k].deleted;
    } else if (k == sealed_.size()) {
      slot = &tail_deleted_;
    } else {
      continue;  // the View had no such chunk
    }
    auto next = *slot ? std::make_shared<DeleteVector>(**slot) : std::make_shared<DeleteVector>();
    const uint64_t before = next->Cardinality();
    next->UnionWith(deleted[k]);
    newly += next->Cardinality() - before;
    *slot = std::move(next);
  }
  deleted_rows_ += newly;
  return newly;
}

MemTable::View MemTable::GetView() const {
  std::lock_guard lock(mu_);
  View v;
  v.chunks = sealed_;
  if (tail_.rows > 0) {
    if (!tail_copy_) tail_copy_ = std::make_shared<const RowBatch>(tail_);
    v.chunks.push_back(Chunk{tail_copy_, tail_deleted_});
  }
  v.rows = rows_;
  v.deleted_rows = deleted_rows_;
  return v;
}

uint64_t MemTable::rows() const {
  std::lock_guard lock(mu_);
  return rows_;
}

uint64_t MemTable::live_rows() const {
  std::lock_guard lock(mu_);
  return rows_ - deleted_rows_;
}

uint64_t MemTable::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::vector<RowBatch> SortedLiveRows(const MemTable::View& view,
                                     const std::vector<ColumnDef>& columns,
                                     const std::vector<uint32_t>& sort_key, size_t batch_rows) {
  // (chunk, row) of every live row.
  std::vector<std::pair<uint32_t, uint32_t>> order;
  order.reserve(view.rows - view.deleted_rows);
  for (uint32_t k = 0; k < view.chunks.size(); ++k) {
    const auto& chunk = view.chunks[k];
    for (uint32_t i = 0; i < chunk.rows->rows; ++i) {
      if (chunk.deleted && chunk.deleted->Contains(i)) continue;
      order.emplace_back(k, i);
    }
  }
  if (!sort_key.empty()) {
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      return CompareKeyRows(view.chunks[a.first].rows->columns, a.second,
                            view.chunks[b.first].rows->columns, b.second, sort_key) < 0;
    });
  }
  std::vector<RowBatch> out;
  for (size_t start = 0; start < order.size(); start += batch_rows) {
    const size_t n = std::min(batch_rows, order.size() - start);
    RowBatch b = EmptyBatch(columns);
    for (size_t j = start; j < start + n;) {
      // Copy runs of consecutive rows of one chunk at once.
      const auto [k, i] = order[j];
      size_t run = 1;
      while (j + run < start + n && order[j + run].first == k && order[j + run].second == i + run) {
        ++run;
      }
      for (size_t c = 0; c < columns.size(); ++c) {
        b.columns[c].AppendFrom(view.chunks[k].rows->columns[c], i, run);
      }
      j += run;
    }
    b.rows = n;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace silt::node

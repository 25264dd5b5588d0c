#include "table/rowset_reader.h"

#include <fmt/format.h>

#include "common/path.h"
#include "table/block_decoder.h"

namespace silt {

Result<std::unique_ptr<RowSetReader>> RowSetReader::Open(Env* env, const std::string& dir) {
  std::unique_ptr<RowSetReader> r(new RowSetReader());
  r->env_ = env;
  r->dir_ = dir;
  const std::string header_path = JoinPath(dir, std::string(kRowSetHeaderFileName));
  SILT_ASSIGN_OR_RETURN(std::string header, env->ReadFile(header_path));
  SILT_ASSIGN_OR_RETURN(r->meta_, RowSetMeta::Decode(header, header_path));
  const RowSetMeta& m = r->meta_;
  for (uint32_t c = 0; c < m.columns.size(); ++c) {
    const std::string idx_path = JoinPath(dir, ColumnIndexFileName(c));
    SILT_ASSIGN_OR_RETURN(std::string data, env->ReadFile(idx_path));
    SILT_ASSIGN_OR_RETURN(ColumnIndex idx,
                          ColumnIndex::Decode(data, c, m.columns[c].type, idx_path));
    // Every column must cut the rows where the header and column 0 do.
    if (idx.blocks.size() != m.block_count) {
      return Status::Corruption(
          idx_path, 0,
          fmt::format("{} blocks, the rowset header says {}", idx.blocks.size(), m.block_count));
    }
    if (idx.row_count() != m.row_count) {
      return Status::Corruption(
          idx_path, 0,
          fmt::format("{} rows, the rowset header says {}", idx.row_count(), m.row_count));
    }
    if (c > 0) {
      for (size_t k = 0; k < idx.blocks.size(); ++k) {
        if (idx.blocks[k].stats.row_count != r->indexes_[0].blocks[k].stats.row_count) {
          return Status::Corruption(
              idx_path, 0,
              fmt::format("block {} has {} rows, column 0's has {}", k,
                          idx.blocks[k].stats.row_count, r->indexes_[0].blocks[k].stats.row_count));
        }
      }
    }
    const std::string data_path = JoinPath(dir, ColumnDataFileName(c));
    SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(data_path, OpenMode::kRead));
    SILT_ASSIGN_OR_RETURN(uint64_t size, file->Size());
    if (size != idx.data_size()) {
      return Status::Corruption(
          data_path, std::min(size, idx.data_size()),
          fmt::format("column file of {} bytes, its index says {}{}", size, idx.data_size(),
                      size < idx.data_size() ? " (truncated)" : ""));
    }
    r->indexes_.push_back(std::move(idx));
    r->data_files_.push_back(std::move(file));
    r->data_paths_.push_back(data_path);
  }
  return r;
}

const MappedRegion* RowSetReader::MappedColumnData(uint32_t column) const {
  std::lock_guard<std::mutex> lock(map_mu_);
  if (map_tried_.empty()) {
    map_tried_.assign(data_files_.size(), 0);
    maps_.resize(data_files_.size());
  }
  if (!map_tried_[column]) {
    map_tried_[column] = 1;
    if (data_files_[column]->MapIsLive()) {
      auto m = data_files_[column]->Map();
      // On failure the scan reads the file instead.
      if (m.ok()) maps_[column] = std::move(*m);
    }
  }
  return maps_[column].get();
}

int RowSetReader::FindColumn(std::string_view name) const {
  for (size_t c = 0; c < meta_.columns.size(); ++c) {
    if (meta_.columns[c].name == name) return static_cast<int>(c);
  }
  return -1;
}

Status RowSetReader::ApplyDeleteVector(const DeleteVector& dv) {
  if (!dv.empty() && dv.Maximum() >= meta_.row_count) {
    return Status::InvalidArgument(
        fmt::format("{}: deleted row {} beyond the {} rows", dir_, dv.Maximum(), meta_.row_count));
  }
  deleted_.UnionWith(dv);
  return Status::OK();
}

Status RowSetReader::ApplyDeleteVectorFile(const std::string& path) {
  SILT_ASSIGN_OR_RETURN(DeleteVector::Decoded d, ReadDeleteVectorFile(env_, path));
  if (d.rowset_id != meta_.rowset_id || d.row_count != meta_.row_count) {
    return Status::Corruption(
        path, kEnvelopePrefixSize,
        fmt::format("delete vector of rowset {} ({} rows) applied to rowset "
                    "{} ({} rows) at {}",
                    d.rowset_id, d.row_count, meta_.rowset_id, meta_.row_count, dir_));
  }
  deleted_.UnionWith(d.rows);
  return Status::OK();
}

Result<std::unique_ptr<RowSetScan>> RowSetReader::NewScan(const ScanOptions& options) const {
  std::vector<uint32_t> columns = options.columns;
  if (columns.empty()) {
    for (uint32_t c = 0; c < meta_.columns.size(); ++c) columns.push_back(c);
  }
  for (uint32_t c : columns) {
    if (c >= meta_.columns.size()) {
      return Status::InvalidArgument(fmt::format("{}: no column {}", dir_, c));
    }
  }
  for (const auto& p : options.predicates) {
    if (p.column >= meta_.columns.size()) {
      return Status::InvalidArgument(fmt::format("{}: no column {}", dir_, p.column));
    }
    SILT_RETURN_IF_ERROR(p.Validate(meta_.columns[p.column].type));
  }
  return std::unique_ptr<RowSetScan>(new RowSetScan(this, std::move(columns), options.predicates));
}

RowSetScan::RowSetScan(const RowSetReader* reader, std::vector<uint32_t> columns,
                       std::vector<ZonePredicate> predicates)
    : reader_(reader), columns_(std::move(columns)), predicates_(std::move(predicates)) {}

Result<bool> RowSetScan::Next(RowBatch* batch) {
  const auto& blocks0 = reader_->indexes_[0].blocks;
  while (next_block_ < blocks0.size()) {
    const size_t k = next_block_++;
    bool skip = false;
    for (const auto& p : predicates_) {
      if (!p.MayMatch(reader_->indexes_[p.column].blocks[k].stats)) {
        skip = true;
        break;
      }
    }
    if (skip) {
      ++counters_.blocks_skipped_zone_map;
      ++reader_->total_blocks_skipped_;
      continue;
    }
    const uint64_t first = blocks0[k].first_row;
    const uint32_t n = blocks0[k].stats.row_count;
    const uint64_t deleted = reader_->deleted_.CountInRange(first, first + n);
    if (deleted == n) {
      ++counters_.blocks_skipped_deleted;
      ++reader_->total_blocks_skipped_;
      continue;
    }
    SILT_RETURN_IF_ERROR(ReadBlock(k, batch));
    ++counters_.blocks_read;
    ++reader_->total_blocks_read_;
    counters_.column_blocks_read += columns_.size();
    if (deleted > 0) {
      keep_.assign(n, 1);
      reader_->deleted_.ClearDeleted(first, n, keep_.data());
      for (auto& col : batch->columns) {
        ColumnVector kept(col.type());
        size_t i = 0;
        while (i < n) {
          if (!keep_[i]) {
            ++i;
            continue;
          }
          size_t j = i;
          while (j < n && keep_[j]) ++j;
          kept.AppendFrom(col, i, j - i);
          i = j;
        }
        col = std::move(kept);
      }
      counters_.rows_deleted += deleted;
    }
    batch->rows = n - deleted;
    counters_.rows_returned += batch->rows;
    return true;
  }
  return false;
}

Status RowSetScan::ReadBlock(size_t k, RowBatch* batch) {
  batch->columns.resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const uint32_t c = columns_[i];
    const BlockIndexEntry& e = reader_->indexes_[c].blocks[k];
    const ColumnDef& def = reader_->meta_.columns[c];
    buffer_.resize(e.length);
    SILT_RETURN_IF_ERROR(
        reader_->data_files_[c]->ReadExact(e.offset, std::span<char>(buffer_.data(), e.length)));
    SILT_ASSIGN_OR_RETURN(BlockDecoder dec,
                          BlockDecoder::Open(buffer_, def.type, reader_->data_paths_[c], e.offset));
    if (dec.row_count() != e.stats.row_count) {
      return Status::Corruption(
          reader_->data_paths_[c], e.offset + 4,
          fmt::format("block of {} rows, its index says {}", dec.row_count(), e.stats.row_count));
    }
    ColumnVector& out = batch->columns[i];
    if (!(out.type() == def.type)) {
      out = ColumnVector(def.type);
    } else {
      out.Clear();
    }
    out.Reserve(e.stats.row_count);
    SILT_RETURN_IF_ERROR(dec.DecodeTo(&out));
  }
  return Status::OK();
}

}  // namespace silt

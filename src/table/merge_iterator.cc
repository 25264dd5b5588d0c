#include "table/merge_iterator.h"

#include <fmt/format.h>

#include "table/row_compare.h"

namespace silt {

MergeIterator::MergeIterator(std::vector<std::unique_ptr<RowIterator>> inputs,
                             std::vector<uint32_t> key, size_t batch_rows)
    : key_(std::move(key)), batch_rows_(batch_rows == 0 ? 1 : batch_rows) {
  inputs_.resize(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) inputs_[i].it = std::move(inputs[i]);
}

Status MergeIterator::Fill(size_t i) {
  Input& in = inputs_[i];
  while (!in.done && in.pos >= in.batch.rows) {
    SILT_ASSIGN_OR_RETURN(bool more, in.it->Next(&in.batch));
    in.pos = 0;
    if (!more) {
      in.done = true;
      in.batch = RowBatch();
      in.it.reset();
      break;
    }
    for (uint32_t k : key_) {
      if (k >= in.batch.columns.size()) {
        return Status::InvalidArgument(fmt::format(
            "merge key column {} of an input batch with {} columns", k, in.batch.columns.size()));
      }
    }
  }
  return Status::OK();
}

bool MergeIterator::Before(size_t a, size_t b) const {
  const int c = CompareKeyRows(inputs_[a].batch.columns, inputs_[a].pos, inputs_[b].batch.columns,
                               inputs_[b].pos, key_);
  return c < 0 || (c == 0 && a < b);
}

Result<bool> MergeIterator::Next(RowBatch* out) {
  if (!started_) {
    for (size_t i = 0; i < inputs_.size(); ++i) SILT_RETURN_IF_ERROR(Fill(i));
    started_ = true;
  }
  bool first = true;
  out->rows = 0;
  while (out->rows < batch_rows_) {
    // The input whose current row is smallest, and the runner-up. A linear
    // pass: compactions merge a handful of rowsets.
    size_t best = SIZE_MAX, second = SIZE_MAX;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (inputs_[i].done) continue;
      if (best == SIZE_MAX || Before(i, best)) {
        second = best;
        best = i;
      } else if (second == SIZE_MAX || Before(i, second)) {
        second = i;
      }
    }
    if (best == SIZE_MAX) break;
    Input& in = inputs_[best];
    if (first) {
      out->columns.resize(in.batch.columns.size());
      for (size_t c = 0; c < out->columns.size(); ++c) {
        if (out->columns[c].type() == in.batch.columns[c].type()) {
          out->columns[c].Clear();
        } else {
          out->columns[c] = ColumnVector(in.batch.columns[c].type());
        }
      }
      first = false;
    }
    // Take the run of rows of `best` that still sort before `second`'s row.
    const size_t start = in.pos;
    const size_t limit = std::min(in.batch.rows, start + (batch_rows_ - out->rows));
    ++in.pos;
    while (in.pos < limit && (second == SIZE_MAX || Before(best, second))) ++in.pos;
    for (size_t c = 0; c < out->columns.size(); ++c) {
      out->columns[c].AppendFrom(in.batch.columns[c], start, in.pos - start);
    }
    out->rows += in.pos - start;
    SILT_RETURN_IF_ERROR(Fill(best));
  }
  return out->rows > 0;
}

}  // namespace silt

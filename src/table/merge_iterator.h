// MergeIterator: a k-way merge of iterators whose rows are each sorted by a
// key, into one stream sorted by that key (e.g. to compact rowsets that
// share a sort key). Rows with equal keys come out in input order (all of
// input 0's before input 1's) and, within one input, in their order there,
// so the output is deterministic.
//
// Key order per column: nulls first, then silt's total order of the type
// (table/row_compare.h), the order RowSetBuilder checks a sort key against.
// Inputs must produce the same column types; an input out of order is not
// detected here (RowSetBuilder verifies the order when the rowset is written).
//
// Output batches hold up to `batch_rows` rows; runs of rows from one input
// are copied at once, so merging inputs with little overlap costs little
// more than concatenating them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "table/column_vector.h"
#include "table/row_iterator.h"

namespace silt {

class MergeIterator final : public RowIterator {
 public:
  // `key`: indexes into the inputs' batch columns, most significant first.
  MergeIterator(std::vector<std::unique_ptr<RowIterator>> inputs, std::vector<uint32_t> key,
                size_t batch_rows = ColumnVector::kBatchRows);
  Result<bool> Next(RowBatch* batch) override;

 private:
  struct Input {
    std::unique_ptr<RowIterator> it;
    RowBatch batch;
    size_t pos = 0;
    bool done = false;
  };
  // Loads the next batch of input i if its current one is used up.
  Status Fill(size_t i);
  // True if input a's current row goes before input b's (ties: lower index first).
  bool Before(size_t a, size_t b) const;

  std::vector<Input> inputs_;
  std::vector<uint32_t> key_;
  size_t batch_rows_;
  bool started_ = false;
};

}  // namespace silt

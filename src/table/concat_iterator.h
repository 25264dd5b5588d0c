// ConcatIterator: the batches of several iterators, one input after another
// (e.g. the scans of the rowsets a compaction rewrites, when order does not
// matter). Inputs must produce the same column types.
#pragma once

#include <memory>
#include <vector>

#include "table/row_iterator.h"

namespace silt {

class ConcatIterator final : public RowIterator {
 public:
  explicit ConcatIterator(std::vector<std::unique_ptr<RowIterator>> inputs)
      : inputs_(std::move(inputs)) {}
  Result<bool> Next(RowBatch* batch) override;

 private:
  std::vector<std::unique_ptr<RowIterator>> inputs_;
  size_t current_ = 0;
};

}  // namespace silt

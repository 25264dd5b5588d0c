#include "table/concat_iterator.h"

namespace silt {

Result<bool> ConcatIterator::Next(RowBatch* batch) {
  while (current_ < inputs_.size()) {
    SILT_ASSIGN_OR_RETURN(bool more, inputs_[current_]->Next(batch));
    if (more) return true;
    inputs_[current_].reset();  // release its buffers early
    ++current_;
  }
  return false;
}

}  // namespace silt

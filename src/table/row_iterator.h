// RowBatch and RowIterator: what rowset scans, ConcatIterator and
// MergeIterator hand out, batch by batch.
#pragma once

#include <cstddef>
#include <vector>

#include "silt/status.h"
#include "table/column_vector.h"

namespace silt {

// Rows of the selected columns; every vector holds `rows` rows.
struct RowBatch {
  std::vector<ColumnVector> columns;
  size_t rows = 0;
};

class RowIterator {
 public:
  virtual ~RowIterator() = default;
  // Replaces *batch with the next batch (never empty) and returns true, or
  // returns false at the end. Errors (e.g. Corruption) end the iteration.
  virtual Result<bool> Next(RowBatch* batch) = 0;
};

}  // namespace silt

// Row comparison by key columns, for sort-order checks (RowSetBuilder) and
// k-way merging (MergeIterator). Order per column: null first, then silt's
// total order of the type (table/value_order.h), so float64 NaN is largest
// and strings compare bytewise unsigned.
#pragma once

#include <cstdint>
#include <vector>

#include "table/column_vector.h"

namespace silt {

// <0, 0, >0 as row i of a sorts before, with, after row j of b (same type).
int CompareCells(const ColumnVector& a, size_t i, const ColumnVector& b, size_t j);

// Lexicographic over `key` (indexes into both column lists).
int CompareKeyRows(const std::vector<ColumnVector>& a, size_t i, const std::vector<ColumnVector>& b,
                   size_t j, const std::vector<uint32_t>& key);

}  // namespace silt

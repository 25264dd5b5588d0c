// ZonePredicate: a simple condition on one column that a block's statistics
// (its zone map: min, max, null count) can rule out, so the block is skipped
// without being read. A scan takes a conjunction of them.
//
// Literals are Values of the column's kind: an int for bool and the integer
// types (dates as days, decimals scaled, timestamps in microseconds), a
// double for float64, a string for strings. Comparisons use silt's total
// order (NaN largest) and SQL's null rule: a comparison with a null row or a
// null literal is not true, so a null literal rules out every block.
#pragma once

#include <cstdint>
#include <string>

#include "silt/status.h"
#include "silt/types.h"
#include "table/block_decoder.h"
#include "table/block_stats.h"

namespace silt {

struct ZonePredicate {
  enum class Kind : uint8_t { kCompare, kBetween, kIsNull, kIsNotNull };
  Kind kind = Kind::kCompare;
  uint32_t column = 0;  // rowset column id
  CompareOp op = CompareOp::kEq;
  Value value;  // the literal; the lower bound of between
  Value upper;  // between only (inclusive)

  static ZonePredicate Compare(uint32_t column, CompareOp op, Value v) {
    return {Kind::kCompare, column, op, std::move(v), Value()};
  }
  static ZonePredicate Between(uint32_t column, Value lo, Value hi) {
    return {Kind::kBetween, column, CompareOp::kEq, std::move(lo), std::move(hi)};
  }
  static ZonePredicate IsNull(uint32_t column) {
    return {Kind::kIsNull, column, CompareOp::kEq, Value(), Value()};
  }
  static ZonePredicate IsNotNull(uint32_t column) {
    return {Kind::kIsNotNull, column, CompareOp::kEq, Value(), Value()};
  }

  // InvalidArgument if a literal's kind does not suit a column of `type`.
  Status Validate(const DataType& type) const;
  // False only if no row of a block with these statistics can satisfy it.
  bool MayMatch(const BlockStats& stats) const;
  // True if the row's value satisfies it (for tests and models; v may be null).
  bool Matches(const Value& v) const;
  std::string ToString() const;
};

}  // namespace silt

// BlockStats: what the block index records about one block, computed by
// BlockBuilder while it encodes (docs/rowset_format.md, "Statistics").
//
// min and max are over the non-null values, in silt's order for the type
// (signed integers; float64 in the total order of CompareDoubles, where NaN is
// the largest; strings bytewise). Both are null when every row is null.
// distinct_count is exact: blocks are small enough to count in a hash set.
#pragma once

#include <cstdint>
#include <string>

#include "common/coding.h"
#include "silt/status.h"
#include "silt/types.h"

namespace silt {

struct BlockStats {
  uint32_t row_count = 0;
  uint32_t null_count = 0;
  uint32_t distinct_count = 0;  // distinct non-null values
  Value min;
  Value max;

  // Appends the stats in the index form: varint32 row_count, null_count,
  // distinct_count; u8 has_min_max; then min and max as zigzag varint64
  // (integers, bool), fixed64 bits (float64) or length-prefixed bytes.
  void EncodeTo(const DataType& type, std::string* out) const;
  // Inverse of EncodeTo; Corruption (with r's file and offset) on bad input.
  static Status DecodeFrom(const DataType& type, ByteReader* r, BlockStats* out);

  std::string ToString(const DataType& type) const;
  friend bool operator==(const BlockStats&, const BlockStats&) = default;
};

}  // namespace silt

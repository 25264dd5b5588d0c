// Choosing a block's encoding from statistics of its values.
//
// ProfileColumn makes one pass over the rows of a block and gathers what the
// encodings' sizes depend on (BlockStats plus runs, value range and string
// bytes); ChooseEncoding then applies the rules of docs/rowset_format.md
// ("How an encoding is chosen"):
//   - dictionary is eligible iff 1 <= distinct * 5 < rows (the RisingLight
//     rule, applied per block and per column); strings and float64 take it
//     whenever it is eligible, integers when it is also the smallest;
//   - otherwise the smallest of plain, run-length and (integers, dates,
//     timestamps, decimals, bool) frame-of-reference bit-packing, ties going
//     to the faster decoder (bit-packed, plain, dictionary, run-length).
#pragma once

#include <cstddef>
#include <cstdint>

#include "silt/types.h"
#include "table/block_format.h"
#include "table/block_stats.h"
#include "table/column_vector.h"

namespace silt {

struct ColumnProfile {
  BlockStats stats;
  // Runs of equal values, where a null continues the run before it (leading
  // nulls join the first run): the run-length encoder's run count.
  uint64_t runs = 0;
  // Integers and bool: the minimum non-null value (0 if none) and the bits
  // that max - min needs.
  int64_t int_min = 0;
  int range_width = 0;
  // Strings: bytes of the non-null values, of the run values and of the
  // distinct values; the longest value.
  uint64_t string_bytes = 0;
  uint64_t run_string_bytes = 0;
  uint64_t distinct_string_bytes = 0;
  uint64_t max_string_length = 0;
};

ColumnProfile ProfileColumn(const ColumnVector& column, size_t begin, size_t n);

// Whether an encoding can represent a type at all.
bool EncodingApplies(Encoding e, PhysicalType p);
// The dictionary rule: 1 <= distinct * 5 < rows.
bool DictionaryEligible(const ColumnProfile& profile);
// Raw payload bytes the encoding would produce (without the validity
// bitmap); SIZE_MAX when it does not apply.
size_t EstimateEncodedSize(Encoding e, PhysicalType p, const ColumnProfile& profile);
Encoding ChooseEncoding(PhysicalType p, const ColumnProfile& profile);

}  // namespace silt

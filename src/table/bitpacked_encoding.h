// Frame-of-reference bit-packing for bool and the integer types (int32,
// int64, decimal, date, timestamp); docs/rowset_format.md, "bit-packed":
//
//   fixed64 reference (the minimum non-null value, as int64; 0 if none),
//   u8 width W (the bits of max - min), then n deltas value - reference
//   bit-packed at W bits. Null rows have delta 0.
//
// A block of equal values has W = 0 and no packed bytes at all.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "table/column_vector.h"

namespace silt {

void EncodeBitPacked(const ColumnVector& col, size_t begin, size_t n, std::string* out);
// The same bytes when the caller knows the reference (the minimum non-null
// value, 0 if none) and the width (bits of max - min) already, e.g. from
// ColumnProfile's int_min and range_width.
void EncodeBitPacked(const ColumnVector& col, size_t begin, size_t n, int64_t reference, int width,
                     std::string* out);

// A bit-packed payload, parsed but not unpacked.
struct BitPackedPayload {
  uint64_t reference = 0;   // value i = reference + delta i (as the type's integer)
  int width = 0;            // bits per delta
  std::string_view packed;  // PackedBytes(n, width) bytes of deltas
};

// Reads the reference, the width and the packed deltas of n rows of `type`.
// Corruption if W is wider than the type (1 for bool, 32 for int32, 64 for
// int64), the reference does not fit the type, or the bytes run out; also if
// the type has no integers.
Status ReadBitPackedPayload(ByteReader* r, size_t n, const DataType& type, BitPackedPayload* out);

// Reads a bit-packed payload for n rows and appends them to out, with the
// checks of ReadBitPackedPayload.
Status DecodeBitPacked(ByteReader* r, size_t n, ColumnVector* out);

}  // namespace silt

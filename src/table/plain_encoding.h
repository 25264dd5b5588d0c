// Plain encoding: values one after another (docs/rowset_format.md, "plain").
//
//   fixed width: n values of 1 (bool, 0 or 1), 4 or 8 bytes, little-endian;
//   strings:     n fixed32 end offsets (relative to the bytes that follow,
//                nondecreasing), then the bytes.
// Null rows hold 0 or the empty string. Run-length and dictionary blocks
// store their run values and dictionaries in this layout too.
#pragma once

#include <cstddef>
#include <string>

#include "common/coding.h"
#include "table/column_vector.h"

namespace silt {

// Appends rows [begin, begin + n) of col.
void EncodePlain(const ColumnVector& col, size_t begin, size_t n, std::string* out);

// Reads n plain values from r and appends them to out as valid rows.
// Corruption (at r's offset) if the bytes run out, a bool is not 0 or 1, or
// string offsets decrease or exceed the limits of block_format.h.
Status DecodePlain(ByteReader* r, size_t n, ColumnVector* out);

}  // namespace silt

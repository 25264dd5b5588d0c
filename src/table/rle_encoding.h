// Run-length encoding (docs/rowset_format.md, "run-length"):
//
//   varint64 run count R, R varint32 run lengths (each >= 1, summing to the
//   row count), then the R run values in the plain layout.
//
// A null row continues the run before it (leading nulls join the first run;
// an all-null block is one run of 0 or ""), so nulls never break a run; the
// validity bitmap says which rows are null.
#pragma once

#include <cstddef>
#include <string>

#include "common/coding.h"
#include "table/column_vector.h"

namespace silt {

void EncodeRunLength(const ColumnVector& col, size_t begin, size_t n, std::string* out);

// Parsed form: the run values and lengths, for decoding and for evaluating
// predicates once per run.
struct RunLengthBlock {
  explicit RunLengthBlock(DataType type) : values(type) {}
  ColumnVector values;
  std::vector<uint32_t> lengths;
};
// Reads a run-length payload for n rows (consuming it) into *out.
Status ParseRunLength(ByteReader* r, size_t n, RunLengthBlock* out);
// Appends the n rows the runs describe.
Status ExpandRunLength(const RunLengthBlock& runs, ColumnVector* out, const ByteReader& where);

}  // namespace silt

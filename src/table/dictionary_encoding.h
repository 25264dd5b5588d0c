// Dictionary encoding (docs/rowset_format.md, "dictionary"):
//
//   varint32 dictionary size D, the D distinct non-null values in ascending
//   order (silt's total order) in the plain layout, u8 code width
//   W = bits(D - 1), then the n row codes bit-packed at W bits.
//
// Null rows have code 0. D >= 1 unless the block has no rows (an all-null
// block has one placeholder entry, 0 or ""). The sorted
// dictionary gives the block's min and max for free and lets predicates be
// evaluated once per dictionary value and then looked up by code, without
// materializing the values (BlockDecoder::EvaluateComparison).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/coding.h"
#include "table/column_vector.h"

namespace silt {

void EncodeDictionary(const ColumnVector& col, size_t begin, size_t n, std::string* out);
// The same bytes, reusing the numbering of the values that `numbering` made
// when it profiled exactly these rows (falls back to the above if it made
// none), so that the values are not hashed a second time.
class ColumnProfiler;
void EncodeDictionary(const ColumnVector& col, size_t begin, size_t n,
                      const ColumnProfiler& numbering, std::string* out);

// Parsed form: the dictionary values and the unpacked codes (each < D).
struct DictionaryBlock {
  explicit DictionaryBlock(DataType type) : dictionary(type) {}
  ColumnVector dictionary;
  std::vector<uint32_t> codes;
};
// True if the dictionary's values are strictly ascending in the order the
// encoder sorts by (the value order of docs/rowset_format.md).
bool DictionaryStrictlyAscending(const ColumnVector& dict);
// Reads a dictionary payload for n rows (consuming it) into *out; checks
// that the dictionary is strictly ascending and every code is in range.
Status ParseDictionary(ByteReader* r, size_t n, DictionaryBlock* out);
// Appends the n rows the codes describe.
Status ExpandDictionary(const DictionaryBlock& dict, ColumnVector* out, const ByteReader& where);

}  // namespace silt

// Block-level pieces of the scan executor (docs/query.md, "Pushdown"):
//
// ColumnBlockReader reads one column's blocks for a scan, fetching runs of
// consecutive wanted blocks with one read of up to kChunkBytes instead of
// one read per block.
//
// SimpleFilter is a WHERE conjunct of the form `column OP literal`,
// `column [NOT] BETWEEN lo AND hi`, `column IN (literals)` or
// `column IS [NOT] NULL`, with literals already in the column's own
// representation. It becomes a ZonePredicate (block skipping) and is
// evaluated on a block without the general expression evaluator: on decoded
// values with one typed loop, or on a dictionary block once per dictionary
// entry and then by code, without materializing the values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"
#include "table/block_decoder.h"
#include "table/column_vector.h"
#include "table/dictionary_encoding.h"
#include "table/rowset_reader.h"
#include "table/zone_predicate.h"

namespace silt {

class ColumnBlockReader {
 public:
  static constexpr size_t kChunkBytes = 1u << 20;

  // `blocks` are the block numbers the scan will open, ascending; it and
  // `buffer` (reused between readers, so its pages are touched once per
  // query rather than once per rowset) must outlive the reader.
  ColumnBlockReader(const RowSetReader* reader, uint32_t column,
                    const std::vector<uint32_t>* blocks, std::string* buffer)
      : reader_(reader), column_(column), blocks_(blocks), buffer_(*buffer) {}

  // Opens block k (one of `blocks`, in ascending order of calls). The
  // decoder refers to this reader's buffer: use it before the next Open.
  Result<BlockDecoder> Open(uint32_t k);

 private:
  const RowSetReader* reader_;
  uint32_t column_;
  const std::vector<uint32_t>* blocks_;
  size_t cursor_ = 0;  // position in blocks_ of the last block opened
  std::string& buffer_;
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  bool loaded_ = false;
  bool map_tried_ = false;
  const MappedRegion* map_ = nullptr;  // the reader's mapping of the column file, if any
};

// Scratch space of SimpleFilter::AndEncoded, kept between blocks.
struct EncodedFilterScratch {
  ColumnVector dictionary{DataType()};
  std::vector<uint8_t> table;
};

struct SimpleFilter {
  enum class Kind : uint8_t { kCompare, kBetween, kIn, kIsNull, kIsNotNull, kNever };
  Kind kind = Kind::kCompare;
  uint32_t column = 0;  // rowset column id
  CompareOp op = CompareOp::kEq;
  Value lo;                    // compare: the literal; between: the lower bound
  Value hi;                    // between: the upper bound
  std::vector<Value> list;     // in: the literals (no nulls)
  bool list_has_null = false;  // in: a null literal was listed (only matters for NOT IN)

  // The block-skipping form (IN becomes BETWEEN its least and greatest).
  ZonePredicate ToZonePredicate() const;
  // match[i] = 0 for every row i < col.size() that does not satisfy it.
  void Apply(const ColumnVector& col, uint8_t* match) const;
  // The same on a dictionary block of n rows, given its parsed dictionary
  // and validity bits (nullptr: no nulls): the dictionary is tested once,
  // rows by code. `table` is scratch space.
  void ApplyCodes(const DictionaryBlock& dict, const uint8_t* validity_bits, size_t n,
                  std::vector<uint8_t>* table, uint8_t* match) const;
  // The same on an encoded block, as a row bitmap (packed_filter.h): clears
  // bit i of `bits` for each row i < dec.row_count() that does not satisfy
  // it, testing the values where they lie: a bit-packed block of integers
  // on its deltas (the condition becomes a range of deltas), a dictionary
  // block on its codes (the condition is tested once per dictionary value;
  // on the sorted dictionary a range condition is a range of codes). False,
  // with `bits` untouched, for blocks it does not handle (other encodings,
  // IN on bit-packed values): the caller decodes the block and uses Apply.
  Result<bool> AndEncoded(const BlockDecoder& dec, EncodedFilterScratch* scratch,
                          uint8_t* bits) const;
};

}  // namespace silt

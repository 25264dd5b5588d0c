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
#include <string_view>
#include <vector>

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

// ProfileColumn with memory kept between blocks, which also leaves behind
// what the dictionary encoder needs so that it does not hash every value a
// second time. One per thread (BlockBuilder owns one).
//
// How it counts distinct values: integers and bool whose block spans fewer
// than 2^20 values (keys, dates, quantities, prices in small blocks) set bits
// in a bitmap of the range, which costs a few cycles per value and needs no
// hashing; float64, strings and wider integer ranges go through a hash table
// that numbers the values in order of first appearance (ids() and keys()).
// Min and max are compared only when a value is seen for the first time.
class ColumnProfiler {
 public:
  ColumnProfiler();
  ~ColumnProfiler();
  ColumnProfiler(const ColumnProfiler&) = delete;
  ColumnProfiler& operator=(const ColumnProfiler&) = delete;

  // The profile of rows [begin, begin + n) of `column` (valid until the next
  // call).
  const ColumnProfile& Profile(const ColumnVector& column, size_t begin, size_t n);

  // After Profile: whether the rows' values were numbered. If so, ids()[i]
  // is the number of row begin + i's value (0 for a null row), and value k
  // is fixed_keys()[k] (ValueKey, for fixed-width types) or string_keys()[k]
  // (pointing into the column).
  bool numbered() const { return numbered_; }
  const std::vector<uint32_t>& ids() const { return ids_; }
  const std::vector<uint64_t>& fixed_keys() const { return fixed_keys_; }
  const std::vector<std::string_view>& string_keys() const { return string_keys_; }

 private:
  template <typename T>
  void ProfileFixed(const ColumnVector& col, size_t begin, size_t n);
  template <typename T>
  bool CountDistinctInRange(const T* v, const ColumnVector& col, size_t begin, size_t n,
                            uint64_t min_key, uint64_t range);
  template <typename T>
  void NumberFixed(const T* v, const ColumnVector& col, size_t begin, size_t n);
  void ProfileStrings(const ColumnVector& col, size_t begin, size_t n);
  void ResetTable(size_t n);

  ColumnProfile profile_;
  bool numbered_ = false;
  std::vector<uint32_t> ids_;
  std::vector<uint64_t> fixed_keys_;
  std::vector<std::string_view> string_keys_;
  std::vector<uint64_t> short_keys_;  // strings: ShortKey of value k (8 bytes at most)
  // The bitmap of a small value range; all zero between calls.
  std::vector<uint64_t> bitmap_;
  // Open-addressing hash table: slot -> (generation, hash tag, id). A slot
  // is empty unless its generation is the current one, so the table is not
  // cleared between blocks.
  struct Slot {
    uint32_t generation;
    uint32_t tag;
    uint32_t id;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  uint32_t generation_ = 0;
};

// Whether an encoding can represent a type at all.
bool EncodingApplies(Encoding e, PhysicalType p);
// The dictionary rule: 1 <= distinct * 5 < rows.
bool DictionaryEligible(const ColumnProfile& profile);
// Raw payload bytes the encoding would produce (without the validity
// bitmap); SIZE_MAX when it does not apply.
size_t EstimateEncodedSize(Encoding e, PhysicalType p, const ColumnProfile& profile);
Encoding ChooseEncoding(PhysicalType p, const ColumnProfile& profile);

}  // namespace silt

// BlockDecoder: verifies one encoded column block and decodes it into a
// ColumnVector, or evaluates a comparison on it (docs/rowset_format.md).
//
// Hardened: any byte string either decodes or yields
// Corruption("FILE at offset N: what"), where FILE and the block's OFFSET
// come from the caller. Lengths are checked against the bytes present and the
// limits in block_format.h before anything is allocated. The checksum is
// verified before any other field is trusted. A decoder is immutable once
// opened: its const methods may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/coding.h"
#include "silt/status.h"
#include "silt/types.h"
#include "table/bitpacked_encoding.h"
#include "table/block_format.h"
#include "table/column_vector.h"
#include "table/dictionary_encoding.h"

namespace silt {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
const char* CompareOpName(CompareOp op);

// Whether `a OP b` holds, given c = the three-way comparison of a and b.
inline bool CompareOpHolds(CompareOp op, int c) {
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
  }
  return false;
}

class BlockDecoder {
 public:
  // `block` is exactly one block (header, payload, checksum) of a column of
  // `type`; it must outlive the decoder unless the block is compressed.
  // `file` and `offset` (of the block's first byte) go into error messages.
  static Result<BlockDecoder> Open(std::string_view block, const DataType& type,
                                   std::string_view file = "<memory>", uint64_t offset = 0);

  // The size of the whole block whose first bytes are `header` (at least
  // kBlockHeaderSize of them), for walking blocks laid end to end.
  static Result<size_t> BlockSize(std::string_view header, std::string_view file = "<memory>",
                                  uint64_t offset = 0);

  uint32_t row_count() const { return row_count_; }
  Encoding encoding() const { return encoding_; }
  Compression compression() const { return compression_; }
  bool has_validity() const { return has_validity_; }
  const DataType& type() const { return type_; }
  // The block's validity bitmap (bit i set = row i not null), or nullptr
  // when no row is null.
  const uint8_t* validity_bits() const {
    return has_validity_ ? reinterpret_cast<const uint8_t*>(raw().data()) : nullptr;
  }

  // Appends the block's rows to *out, whose type must have the same values
  // as the block's (InvalidArgument otherwise). On error, the rows already
  // appended to *out are unspecified.
  Status DecodeTo(ColumnVector* out) const;

  // Appends rows sel[0..m) of the block (ascending row numbers below
  // row_count()) to *out, like DecodeTo would for those rows only. A
  // bit-packed block unpacks just those rows; other encodings decode the
  // whole block and copy the rows.
  Status DecodeSelected(const uint32_t* sel, size_t m, ColumnVector* out) const;

  // match[i] = 1 if row i is not null and `row OP literal` holds, else 0,
  // for row_count() rows. The literal is an int (bool and integer types), a
  // double (float64) or a string; float64 uses the total order of
  // CompareDoubles. Dictionary blocks compare each dictionary value once and
  // look rows up by code; run-length blocks compare each run once.
  Status EvaluateComparison(CompareOp op, const Value& literal, uint8_t* match) const;

  // For a dictionary block: the sorted dictionary and one code per row
  // (null rows have code 0), e.g. to group or filter by code without
  // materializing strings. InvalidArgument for other encodings.
  Status ReadDictionary(DictionaryBlock* out) const;

  // The packed values of a block, for filters that test them where they lie
  // (packed_filter.h) instead of decoding the block.
  // reference, width and the deltas (PackedBytes(row_count(), width) bytes).
  using BitPackedView = BitPackedPayload;
  // A bit-packed block of bool or an integer type, with the checks DecodeTo
  // makes. InvalidArgument for other encodings and types.
  Status ReadBitPacked(BitPackedView* out) const;

  struct DictionaryCodes {
    int width = 0;            // bits per code
    std::string_view packed;  // PackedBytes(row_count(), width) bytes
  };
  // A dictionary block's sorted dictionary (appended to *dictionary, which
  // must be empty and have the block's value type) and its codes still
  // packed, with the checks of ReadDictionary except one: the codes are not
  // unpacked, so the caller must pass the largest code it reads to
  // CheckDictionaryCode. InvalidArgument for other encodings.
  Status ReadDictionaryPacked(ColumnVector* dictionary, DictionaryCodes* out) const;
  // OK if max_code < dictionary_size, else the Corruption ReadDictionary
  // reports for a code out of range.
  Status CheckDictionaryCode(uint64_t max_code, size_t dictionary_size) const;

 private:
  BlockDecoder() = default;

  std::string_view raw() const {
    return compression_ == Compression::kNone ? block_.substr(kBlockHeaderSize, stored_length_)
                                              : std::string_view(decompressed_);
  }
  // A reader over the encoded values (after the validity bitmap).
  ByteReader ValuesReader() const;
  Status CheckFullyRead(const ByteReader& r) const;
  void ApplyValidity(uint8_t* match) const;

  DataType type_;
  std::string file_;
  uint64_t offset_ = 0;
  std::string_view block_;
  std::string decompressed_;
  Encoding encoding_ = Encoding::kPlain;
  Compression compression_ = Compression::kNone;
  bool has_validity_ = false;
  uint32_t row_count_ = 0;
  uint32_t stored_length_ = 0;
  uint32_t raw_length_ = 0;
};

// Open + DecodeTo.
Status DecodeBlock(std::string_view block, const DataType& type, ColumnVector* out,
                   std::string_view file = "<memory>", uint64_t offset = 0);

}  // namespace silt

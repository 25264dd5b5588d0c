#include "table/block_decoder.h"

#include <fmt/format.h>

#include <cstring>

#include "common/coding.h"
#include "common/hash.h"
#include "table/bitpacked_encoding.h"
#include "table/bitpacking.h"
#include "table/compression.h"
#include "table/dictionary_encoding.h"
#include "table/encoding.h"
#include "table/plain_encoding.h"
#include "table/rle_encoding.h"
#include "table/value_order.h"

namespace silt {

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

Result<size_t> BlockDecoder::BlockSize(std::string_view header, std::string_view file,
                                       uint64_t offset) {
  if (header.size() < kBlockHeaderSize) {
    return Status::Corruption(
        file, offset,
        fmt::format("truncated block header: {} of {} bytes", header.size(), kBlockHeaderSize));
  }
  const uint32_t stored = DecodeFixed32(header.data() + 8);
  if (stored > kMaxBlockPayloadBytes) {
    return Status::Corruption(file, offset + 8,
                              fmt::format("block payload length {} exceeds the limit", stored));
  }
  return kBlockHeaderSize + static_cast<size_t>(stored) + kBlockTrailerSize;
}

Result<BlockDecoder> BlockDecoder::Open(std::string_view block, const DataType& type,
                                        std::string_view file, uint64_t offset) {
  auto corrupt = [&](uint64_t at, std::string_view what) {
    return Status::Corruption(file, offset + at, what);
  };
  SILT_ASSIGN_OR_RETURN(size_t size, BlockSize(block, file, offset));
  if (block.size() != size) {
    return corrupt(0, fmt::format("block of {} bytes, header says {}", block.size(), size));
  }
  const size_t checked = size - kBlockTrailerSize;
  const uint64_t stored_sum = DecodeFixed64(block.data() + checked);
  const uint64_t actual_sum = Hash64(block.substr(0, checked));
  if (stored_sum != actual_sum) {
    return corrupt(checked, fmt::format("block checksum mismatch: stored {:016x}, computed {:016x}",
                                        stored_sum, actual_sum));
  }

  BlockDecoder d;
  d.type_ = type;
  d.file_ = std::string(file);
  d.offset_ = offset;
  d.block_ = block;
  const uint8_t encoding = static_cast<uint8_t>(block[0]);
  const uint8_t type_id = static_cast<uint8_t>(block[1]);
  const uint8_t flags = static_cast<uint8_t>(block[2]);
  const uint8_t version = static_cast<uint8_t>(block[3]);
  if (version != kBlockFormatVersion) {
    return corrupt(3, fmt::format("unknown block format version {}", version));
  }
  if (type_id != static_cast<uint8_t>(type.id())) {
    return corrupt(1, fmt::format("block of type {} in a {} column",
                                  IsValidTypeId(type_id) ? TypeIdName(TypeId{type_id}) : "?",
                                  type.ToString()));
  }
  if (encoding > kMaxEncodingId ||
      !EncodingApplies(static_cast<Encoding>(encoding), type.physical())) {
    return corrupt(0, fmt::format("encoding {} is not valid for {}", encoding, type.ToString()));
  }
  if ((flags & ~kBlockKnownFlags) != 0) return corrupt(2, fmt::format("unknown flags {}", flags));
  const uint8_t codec = (flags & kBlockCompressionMask) >> kBlockCompressionShift;
  if (codec > static_cast<uint8_t>(Compression::kZstd)) {
    return corrupt(2, fmt::format("unknown compression {}", codec));
  }
  d.encoding_ = static_cast<Encoding>(encoding);
  d.compression_ = static_cast<Compression>(codec);
  d.has_validity_ = (flags & kBlockFlagValidity) != 0;
  d.row_count_ = DecodeFixed32(block.data() + 4);
  d.stored_length_ = DecodeFixed32(block.data() + 8);
  d.raw_length_ = DecodeFixed32(block.data() + 12);
  if (d.row_count_ > kMaxBlockRows) {
    return corrupt(4, fmt::format("{} rows exceed the block limit", d.row_count_));
  }
  if (d.raw_length_ > kMaxBlockPayloadBytes) {
    return corrupt(12, fmt::format("raw payload length {} exceeds the limit", d.raw_length_));
  }
  if (d.compression_ == Compression::kNone) {
    if (d.raw_length_ != d.stored_length_) {
      return corrupt(12, "raw and stored lengths differ in an uncompressed block");
    }
  } else {
    SILT_RETURN_IF_ERROR(
        DecompressPayload(d.compression_, block.substr(kBlockHeaderSize, d.stored_length_),
                          d.raw_length_, &d.decompressed_, file, offset + kBlockHeaderSize));
  }
  if (d.has_validity_) {
    const size_t n = d.row_count_;
    const std::string_view raw = d.raw();
    const size_t bytes = (n + 7) / 8;
    if (raw.size() < bytes) return corrupt(kBlockHeaderSize, "truncated validity bitmap");
    if (n % 8 != 0 && (static_cast<uint8_t>(raw[bytes - 1]) >> (n % 8)) != 0) {
      return corrupt(kBlockHeaderSize + bytes - 1, "validity bitmap has bits past the last row");
    }
    if (!type.nullable()) {
      for (size_t k = 0; k < bytes; ++k) {
        const uint8_t full = k + 1 < bytes || n % 8 == 0 ? 0xff : (1u << (n % 8)) - 1;
        if (static_cast<uint8_t>(raw[k]) != full) {
          return corrupt(kBlockHeaderSize + k, "null in a not-null column");
        }
      }
    }
  }
  return d;
}

ByteReader BlockDecoder::ValuesReader() const {
  const size_t skip = has_validity_ ? (row_count_ + 7) / 8 : 0;
  const std::string_view raw = this->raw();
  if (compression_ == Compression::kNone) {
    return ByteReader(raw.substr(skip), file_, offset_ + kBlockHeaderSize + skip);
  }
  // Offsets inside a decompressed payload are not file offsets: name the block.
  return ByteReader(
      raw.substr(skip),
      fmt::format("{} (decompressed payload of the block at offset {})", file_, offset_), skip);
}

Status BlockDecoder::CheckFullyRead(const ByteReader& r) const {
  if (!r.empty()) {
    return r.Error(fmt::format("{} unexpected bytes after the {} values", r.remaining(),
                               EncodingName(encoding_)));
  }
  return Status::OK();
}

Status BlockDecoder::DecodeTo(ColumnVector* out) const {
  if (!out->type().SameValues(type_)) {
    return Status::InvalidArgument(fmt::format("decoding a {} block into a {} vector",
                                               type_.ToString(), out->type().ToString()));
  }
  const size_t start = out->size();
  const size_t n = row_count_;
  ByteReader r = ValuesReader();
  switch (encoding_) {
    case Encoding::kPlain:
      SILT_RETURN_IF_ERROR(DecodePlain(&r, n, out));
      break;
    case Encoding::kRunLength: {
      RunLengthBlock runs(type_.WithNullable(false));
      SILT_RETURN_IF_ERROR(ParseRunLength(&r, n, &runs));
      SILT_RETURN_IF_ERROR(CheckFullyRead(r));
      SILT_RETURN_IF_ERROR(ExpandRunLength(runs, out, r));
      break;
    }
    case Encoding::kDictionary: {
      DictionaryBlock dict(type_.WithNullable(false));
      SILT_RETURN_IF_ERROR(ParseDictionary(&r, n, &dict));
      SILT_RETURN_IF_ERROR(CheckFullyRead(r));
      SILT_RETURN_IF_ERROR(ExpandDictionary(dict, out, r));
      break;
    }
    case Encoding::kBitPacked:
      SILT_RETURN_IF_ERROR(DecodeBitPacked(&r, n, out));
      break;
  }
  SILT_RETURN_IF_ERROR(CheckFullyRead(r));
  if (has_validity_) {
    out->SetValidity(start, reinterpret_cast<const uint8_t*>(raw().data()), n);
  }
  return Status::OK();
}

namespace {

// Reads the `width`-bit value at bit `bit` of `in` (size bytes).
inline uint64_t ReadPacked(const uint8_t* in, size_t size, uint64_t bit, int width) {
  const size_t byte = bit >> 3;
  const int shift = static_cast<int>(bit & 7);
  uint64_t word = 0;
  if (byte + 8 <= size) {
    std::memcpy(&word, in + byte, 8);
  } else {
    std::memcpy(&word, in + byte, size - byte);
  }
  uint64_t v = word >> shift;
  if (width + shift > 64) {
    // The value spills into a ninth byte.
    v |= static_cast<uint64_t>(in[byte + 8]) << (64 - shift);
  }
  return width == 64 ? v : v & ((uint64_t{1} << width) - 1);
}

template <typename T>
void UnpackSelected(const uint8_t* in, size_t size, int width, uint64_t ref, const uint32_t* sel,
                    size_t m, T* out) {
  if (width == 0) {
    for (size_t j = 0; j < m; ++j) out[j] = static_cast<T>(ref);
    return;
  }
  for (size_t j = 0; j < m; ++j) {
    out[j] =
        static_cast<T>(ref + ReadPacked(in, size, static_cast<uint64_t>(sel[j]) * width, width));
  }
}

}  // namespace

Status BlockDecoder::DecodeSelected(const uint32_t* sel, size_t m, ColumnVector* out) const {
  if (!out->type().SameValues(type_)) {
    return Status::InvalidArgument(fmt::format("decoding a {} block into a {} vector",
                                               type_.ToString(), out->type().ToString()));
  }
  const PhysicalType p = type_.physical();
  const size_t start = out->size();
  if (encoding_ == Encoding::kBitPacked &&
      (p == PhysicalType::kInt32 || p == PhysicalType::kInt64)) {
    // The checks of DecodeBitPacked, then only the selected rows.
    ByteReader r = ValuesReader();
    BitPackedPayload payload;
    SILT_RETURN_IF_ERROR(ReadBitPackedPayload(&r, row_count_, type_, &payload));
    SILT_RETURN_IF_ERROR(CheckFullyRead(r));
    const uint8_t* in = reinterpret_cast<const uint8_t*>(payload.packed.data());
    const size_t size = payload.packed.size();
    if (p == PhysicalType::kInt32) {
      UnpackSelected(in, size, payload.width, payload.reference, sel, m,
                     out->AppendUninitialized<int32_t>(m));
    } else {
      UnpackSelected(in, size, payload.width, payload.reference, sel, m,
                     out->AppendUninitialized<int64_t>(m));
    }
    if (has_validity_) {
      const uint8_t* bits = reinterpret_cast<const uint8_t*>(raw().data());
      std::vector<uint8_t> picked((m + 7) / 8, 0);
      for (size_t j = 0; j < m; ++j) {
        if ((bits[sel[j] >> 3] >> (sel[j] & 7)) & 1)
          picked[j >> 3] |= static_cast<uint8_t>(1u << (j & 7));
      }
      out->SetValidity(start, picked.data(), m);
    }
    return Status::OK();
  }
  ColumnVector all(type_);
  SILT_RETURN_IF_ERROR(DecodeTo(&all));
  for (size_t j = 0; j < m; ++j) out->AppendFrom(all, sel[j], 1);
  return Status::OK();
}

namespace {

// match[i] = (value(i) OP literal) for i < n. The op is switched on outside
// the loop so each loop is a simple compare the compiler can vectorize.
template <typename Get, typename L>
void CompareAll(size_t n, CompareOp op, Get get, L lit, uint8_t* match) {
  switch (op) {
    case CompareOp::kEq:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) == lit;
      break;
    case CompareOp::kNe:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) != lit;
      break;
    case CompareOp::kLt:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) < lit;
      break;
    case CompareOp::kLe:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) <= lit;
      break;
    case CompareOp::kGt:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) > lit;
      break;
    case CompareOp::kGe:
      for (size_t i = 0; i < n; ++i) match[i] = get(i) >= lit;
      break;
  }
}

// Compares rows [0, n) of a non-null vector with the literal.
void CompareVector(const ColumnVector& v, size_t n, CompareOp op, const Value& lit,
                   uint8_t* match) {
  VisitPhysicalType(v.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      const std::string_view s = lit.string_value();
      CompareAll(
          n, op, [&](size_t i) { return v.GetString(i); }, s, match);
    } else if constexpr (std::is_same_v<T, double>) {
      const double x = lit.double_value();
      const T* vals = v.values<T>();
      for (size_t i = 0; i < n; ++i) match[i] = CompareOpHolds(op, CompareDoubles(vals[i], x));
    } else {
      const int64_t x = lit.int_value();
      const T* vals = v.values<T>();
      CompareAll(
          n, op, [&](size_t i) { return static_cast<int64_t>(vals[i]); }, x, match);
    }
  });
}

}  // namespace

void BlockDecoder::ApplyValidity(uint8_t* match) const {
  if (!has_validity_) return;
  const uint8_t* bits = reinterpret_cast<const uint8_t*>(raw().data());
  for (size_t i = 0; i < row_count_; ++i) match[i] &= (bits[i >> 3] >> (i & 7)) & 1;
}

Status BlockDecoder::EvaluateComparison(CompareOp op, const Value& literal, uint8_t* match) const {
  const size_t n = row_count_;
  if (literal.is_null()) {
    if (n > 0) std::memset(match, 0, n);
    return Status::OK();
  }
  const PhysicalType p = type_.physical();
  const bool kind_ok = p == PhysicalType::kString    ? literal.is_string()
                       : p == PhysicalType::kFloat64 ? literal.is_double()
                                                     : literal.is_int();
  if (!kind_ok) {
    return Status::InvalidArgument(
        fmt::format("cannot compare a {} column with that literal", type_.ToString()));
  }
  ByteReader r = ValuesReader();
  if (encoding_ == Encoding::kDictionary) {
    DictionaryBlock dict(type_.WithNullable(false));
    SILT_RETURN_IF_ERROR(ParseDictionary(&r, n, &dict));
    SILT_RETURN_IF_ERROR(CheckFullyRead(r));
    std::vector<uint8_t> table(dict.dictionary.size());
    CompareVector(dict.dictionary, table.size(), op, literal, table.data());
    for (size_t i = 0; i < n; ++i) match[i] = table[dict.codes[i]];
  } else if (encoding_ == Encoding::kRunLength) {
    RunLengthBlock runs(type_.WithNullable(false));
    SILT_RETURN_IF_ERROR(ParseRunLength(&r, n, &runs));
    SILT_RETURN_IF_ERROR(CheckFullyRead(r));
    std::vector<uint8_t> per_run(runs.lengths.size());
    CompareVector(runs.values, per_run.size(), op, literal, per_run.data());
    size_t row = 0;
    for (size_t k = 0; k < per_run.size(); ++k) {
      std::memset(match + row, per_run[k], runs.lengths[k]);
      row += runs.lengths[k];
    }
  } else {
    ColumnVector values(type_.WithNullable(false));
    SILT_RETURN_IF_ERROR(DecodeTo(&values));
    CompareVector(values, n, op, literal, match);
  }
  ApplyValidity(match);
  return Status::OK();
}

Status BlockDecoder::ReadDictionary(DictionaryBlock* out) const {
  if (encoding_ != Encoding::kDictionary) {
    return Status::InvalidArgument(
        fmt::format("a {} block has no dictionary", EncodingName(encoding_)));
  }
  if (!out->dictionary.type().SameValues(type_)) {
    return Status::InvalidArgument(fmt::format("reading a {} dictionary into a {} vector",
                                               type_.ToString(),
                                               out->dictionary.type().ToString()));
  }
  ByteReader r = ValuesReader();
  SILT_RETURN_IF_ERROR(ParseDictionary(&r, row_count_, out));
  return CheckFullyRead(r);
}

Status BlockDecoder::ReadBitPacked(BitPackedView* out) const {
  const PhysicalType p = type_.physical();
  if (encoding_ != Encoding::kBitPacked ||
      (p != PhysicalType::kBool && p != PhysicalType::kInt32 && p != PhysicalType::kInt64)) {
    return Status::InvalidArgument(fmt::format("a {} block of {} is not bit-packed integers",
                                               EncodingName(encoding_), type_.ToString()));
  }
  // The checks of DecodeBitPacked.
  ByteReader r = ValuesReader();
  SILT_RETURN_IF_ERROR(ReadBitPackedPayload(&r, row_count_, type_, out));
  return CheckFullyRead(r);
}

Status BlockDecoder::ReadDictionaryPacked(ColumnVector* dictionary, DictionaryCodes* out) const {
  if (encoding_ != Encoding::kDictionary) {
    return Status::InvalidArgument(
        fmt::format("a {} block has no dictionary", EncodingName(encoding_)));
  }
  if (!dictionary->type().SameValues(type_) || !dictionary->empty()) {
    return Status::InvalidArgument(fmt::format("reading a {} dictionary into a {} vector",
                                               type_.ToString(), dictionary->type().ToString()));
  }
  // The checks of ParseDictionary, but for the codes' range.
  ByteReader r = ValuesReader();
  const size_t n = row_count_;
  uint32_t d;
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&d));
  if (d > n || (n > 0 && d == 0)) {
    return r.Error(fmt::format("dictionary of {} values for {} rows", d, n));
  }
  SILT_RETURN_IF_ERROR(DecodePlain(&r, d, dictionary));
  if (!DictionaryStrictlyAscending(*dictionary)) {
    return r.Error("dictionary values are not strictly ascending");
  }
  uint8_t width;
  SILT_RETURN_IF_ERROR(r.ReadU8(&width));
  const int expected = d <= 1 ? 0 : BitWidth(d - 1);
  if (width != expected) {
    return r.Error(fmt::format("code width {} for a dictionary of {} values", width, d));
  }
  SILT_RETURN_IF_ERROR(r.ReadBytes(PackedBytes(n, width), &out->packed));
  SILT_RETURN_IF_ERROR(CheckFullyRead(r));
  out->width = width;
  return Status::OK();
}

Status BlockDecoder::CheckDictionaryCode(uint64_t max_code, size_t dictionary_size) const {
  if (row_count_ == 0 || max_code < dictionary_size) return Status::OK();
  ByteReader r = ValuesReader();
  SILT_RETURN_IF_ERROR(r.Skip(r.remaining()));
  return r.Error(
      fmt::format("dictionary code {} out of range ({} values)", max_code, dictionary_size));
}

Status DecodeBlock(std::string_view block, const DataType& type, ColumnVector* out,
                   std::string_view file, uint64_t offset) {
  SILT_ASSIGN_OR_RETURN(BlockDecoder decoder, BlockDecoder::Open(block, type, file, offset));
  return decoder.DecodeTo(out);
}

}  // namespace silt

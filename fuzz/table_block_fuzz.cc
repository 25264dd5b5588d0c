// Fuzzes the column block decoders (src/table/block_decoder.h): any input
// must decode or fail with Corruption, never crash, read out of bounds or
// allocate without limit; whatever decodes must re-encode and decode to the
// same values.
//
// Input: byte 0 picks the column type (bits 0-2), not-null (bit 3) and the
// mode (bit 4):
//   raw mode:   the rest is a block without its checksum; the fuzzer appends
//               a valid XXH3 so the decoders, not the checksum, see the bytes;
//   build mode: the rest is column values; they are built into a block with
//               the encoding and compression bytes 1-2 pick, then byte 3-4
//               name a byte to flip (checksum fixed up) before decoding.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "common/coding.h"
#include "common/hash.h"
#include "table/bitpacking.h"
#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/encoding.h"

namespace {

using silt::ColumnVector;
using silt::DataType;

DataType PickType(uint8_t b) {
  static const DataType kTypes[] = {
      DataType::Bool(),          DataType::Int32(), DataType::Int64(),     DataType::Float64(),
      *DataType::Decimal(12, 2), DataType::Date(),  DataType::Timestamp(), DataType::String()};
  DataType t = kTypes[b & 7];
  return (b & 8) ? t.NotNull() : t;
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void AppendChecksum(std::string* block) { silt::PutFixed64(block, silt::Hash64(*block)); }

// Decodes; on success re-encodes the values and checks they survive.
void DecodeAndVerify(const std::string& block, const DataType& type) {
  auto dec = silt::BlockDecoder::Open(block, type, "fuzz", 0);
  if (!dec.ok()) {
    Check(dec.status().IsCorruption());
    return;
  }
  ColumnVector out(type);
  silt::Status s = dec->DecodeTo(&out);
  if (!s.ok()) {
    Check(s.IsCorruption());
    return;
  }
  Check(out.size() == dec->row_count());
  std::string match(out.size(), '\0');
  const silt::PhysicalType p = type.physical();
  const silt::Value lit = p == silt::PhysicalType::kString    ? silt::Value::String("m")
                          : p == silt::PhysicalType::kFloat64 ? silt::Value::Double(0.5)
                                                              : silt::Value::Int(0);
  s = dec->EvaluateComparison(silt::CompareOp::kLe, lit, reinterpret_cast<uint8_t*>(match.data()));
  Check(s.ok());
  if (dec->encoding() == silt::Encoding::kDictionary) {
    silt::DictionaryBlock dict(type);
    Check(dec->ReadDictionary(&dict).ok());
    Check(dict.codes.size() == out.size());
    // The packed read the encoded filters use (packed_filter.h) accepts what
    // decoded, and sees the same dictionary.
    ColumnVector values(type);
    silt::BlockDecoder::DictionaryCodes codes;
    Check(dec->ReadDictionaryPacked(&values, &codes).ok());
    Check(values.size() == dict.dictionary.size());
    Check(codes.packed.size() == silt::PackedBytes(out.size(), codes.width));
  }
  if (dec->encoding() == silt::Encoding::kBitPacked) {
    silt::BlockDecoder::BitPackedView view;
    const silt::Status st = dec->ReadBitPacked(&view);
    Check(st.ok() || st.IsInvalidArgument());  // InvalidArgument: not an integer type
    if (st.ok()) Check(view.packed.size() == silt::PackedBytes(out.size(), view.width));
  }
  silt::BlockBuilder builder;
  auto again = builder.Build(out);
  Check(again.ok());
  ColumnVector back(type);
  Check(silt::DecodeBlock(again->data, type, &back).ok());
  Check(back.Equals(out));
}

// Column values from bytes: fixed-width values straight from the input,
// strings as (length byte, bytes); a 0xEE byte before a value makes a null.
ColumnVector MakeColumn(const DataType& type, silt::ByteReader* r) {
  ColumnVector v(type);
  while (!r->empty() && v.size() < 3000) {
    uint8_t tag = 0;
    if (type.nullable() && r->rest()[0] == '\xee') {
      (void)r->ReadU8(&tag);
      v.AppendNull();
      continue;
    }
    switch (type.physical()) {
      case silt::PhysicalType::kBool: {
        uint8_t b = 0;
        (void)r->ReadU8(&b);
        v.AppendBool(b & 1);
        break;
      }
      case silt::PhysicalType::kInt32: {
        uint32_t x = 0;
        if (!r->ReadFixed32(&x).ok()) return v;
        v.AppendInt32(static_cast<int32_t>(x));
        break;
      }
      case silt::PhysicalType::kInt64:
      case silt::PhysicalType::kFloat64: {
        uint64_t x = 0;
        if (!r->ReadFixed64(&x).ok()) return v;
        if (type.physical() == silt::PhysicalType::kInt64) {
          v.AppendInt64(static_cast<int64_t>(x));
        } else {
          double d;
          std::memcpy(&d, &x, 8);
          v.AppendDouble(d);
        }
        break;
      }
      case silt::PhysicalType::kString: {
        uint8_t len = 0;
        (void)r->ReadU8(&len);
        std::string_view s;
        if (!r->ReadBytes(len < r->remaining() ? len : r->remaining(), &s).ok()) return v;
        v.AppendString(s);
        break;
      }
    }
  }
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const DataType type = PickType(data[0]);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 0x10) == 0) {
    std::string block(rest);
    AppendChecksum(&block);
    DecodeAndVerify(block, type);
    return 0;
  }
  if (rest.size() < 4) return 0;
  const uint8_t enc = static_cast<uint8_t>(rest[0]) % 5;  // 4: let the builder choose
  const uint8_t comp = static_cast<uint8_t>(rest[1]) % 3;
  const uint16_t flip = silt::DecodeFixed16(rest.data() + 2);
  silt::ByteReader r(rest.substr(4));
  ColumnVector col = MakeColumn(type, &r);
  silt::BlockBuilderOptions options;
  options.compression = static_cast<silt::Compression>(comp);
  options.min_compression_bytes = 0;
  if (enc < 4) options.force_encoding = static_cast<silt::Encoding>(enc);
  silt::BlockBuilder builder(options);
  auto built = builder.Build(col);
  if (!built.ok()) {
    Check(built.status().IsInvalidArgument());
    return 0;
  }
  std::string block = built->data;
  {
    ColumnVector out(type);
    Check(silt::DecodeBlock(block, type, &out).ok());
    Check(out.Equals(col));
  }
  // Damage one byte (or none when flip is past the end), keep the checksum valid.
  block.resize(block.size() - silt::kBlockTrailerSize);
  if (flip / 8 < block.size())
    block[flip / 8] = static_cast<char>(block[flip / 8] ^ (1 << (flip % 8)));
  AppendChecksum(&block);
  DecodeAndVerify(block, type);
  return 0;
}

// Damaged blocks: every flipped byte, every truncation and a wrong type are
// reported as Corruption naming the file and offset. With the checksum fixed
// up after the damage (as a malicious or buggy writer could), the decoders
// themselves must still either decode or return Corruption, never crash or
// read out of bounds (ASan checks the latter).
#include <gtest/gtest.h>

#include <random>

#include "common/coding.h"
#include "common/hash.h"
#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/encoding.h"
#include "table_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::ColumnGenerator;
using test::Shape;

struct Sample {
  DataType type;
  std::string block;
};

// A block of every applicable (type, encoding), with and without nulls and
// compression, small enough to damage at every byte.
std::vector<Sample> Samples() {
  std::vector<Sample> out;
  ColumnGenerator gen(21);
  for (const DataType& type : test::AllTypes()) {
    for (Encoding e :
         {Encoding::kPlain, Encoding::kRunLength, Encoding::kDictionary, Encoding::kBitPacked}) {
      if (!EncodingApplies(e, type.physical())) continue;
      for (int nulls : {0, 25}) {
        for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
          BlockBuilderOptions options;
          options.force_encoding = e;
          options.compression = c;
          options.min_compression_bytes = 0;
          options.min_compression_saving = -10;  // always keep the compressed form
          BlockBuilder builder(options);
          const ColumnVector col = gen.Make(type, Shape::kLowCardinality, 21, nulls);
          auto block = builder.Build(col);
          EXPECT_TRUE(block.ok()) << block.status().ToString();
          if (block.ok()) out.push_back({type, block->data});
        }
      }
    }
  }
  return out;
}

// Open + DecodeTo + EvaluateComparison: OK or Corruption, nothing else.
Status DecodeAll(const std::string& block, const DataType& type) {
  auto dec = BlockDecoder::Open(block, type, "t.col", 1000);
  if (!dec.ok()) return dec.status();
  ColumnVector out(type);
  SILT_RETURN_IF_ERROR(dec->DecodeTo(&out));
  if (out.size() != dec->row_count()) return Status::Aborted("wrong row count");
  std::vector<uint8_t> match(dec->row_count());
  const PhysicalType p = type.physical();
  const Value lit = p == PhysicalType::kString    ? Value::String("k")
                    : p == PhysicalType::kFloat64 ? Value::Double(1)
                                                  : Value::Int(1);
  return dec->EvaluateComparison(CompareOp::kGe, lit, match.data());
}

void FixChecksum(std::string* block) {
  if (block->size() < kBlockTrailerSize) return;
  const size_t body = block->size() - kBlockTrailerSize;
  EncodeFixed64(block->data() + body, Hash64(std::string_view(*block).substr(0, body)));
}

TEST(BlockCorruptionTest, EveryFlippedByteIsCaught) {
  for (const Sample& s : Samples()) {
    ASSERT_OK(DecodeAll(s.block, s.type));
    for (size_t pos = 0; pos < s.block.size(); ++pos) {
      for (uint8_t mask : {0x01, 0xff}) {
        std::string bad = s.block;
        bad[pos] = static_cast<char>(bad[pos] ^ mask);
        Status st = DecodeAll(bad, s.type);
        ASSERT_TRUE(st.IsCorruption())
            << s.type.ToString() << " byte " << pos << ": " << st.ToString();
        EXPECT_NE(st.message().find("t.col at offset"), std::string::npos) << st.ToString();
      }
    }
  }
}

TEST(BlockCorruptionTest, FlippedBytesWithAValidChecksumNeverCrash) {
  size_t decoded = 0, corrupt = 0;
  for (const Sample& s : Samples()) {
    for (size_t pos = 0; pos + kBlockTrailerSize < s.block.size(); ++pos) {
      for (uint8_t mask : {0x01, 0x80, 0xff}) {
        std::string bad = s.block;
        bad[pos] = static_cast<char>(bad[pos] ^ mask);
        FixChecksum(&bad);
        Status st = DecodeAll(bad, s.type);
        ASSERT_TRUE(st.ok() || st.IsCorruption())
            << s.type.ToString() << " byte " << pos << ": " << st.ToString();
        (st.ok() ? decoded : corrupt)++;
      }
    }
  }
  // Damage to values decodes (to other values); damage to structure does not.
  EXPECT_GT(corrupt, 0u);
  EXPECT_GT(decoded, 0u);
}

TEST(BlockCorruptionTest, EveryTruncationAndExtensionIsCaught) {
  for (const Sample& s : Samples()) {
    for (size_t len = 0; len < s.block.size(); ++len) {
      std::string cut = s.block.substr(0, len);
      EXPECT_TRUE(DecodeAll(cut, s.type).IsCorruption()) << len;
      FixChecksum(&cut);
      EXPECT_TRUE(DecodeAll(cut, s.type).IsCorruption()) << len;
    }
    std::string longer = s.block + "x";
    EXPECT_TRUE(DecodeAll(longer, s.type).IsCorruption());
  }
}

TEST(BlockCorruptionTest, WrongColumnTypeIsCorruption) {
  ColumnVector v(DataType::Int64());
  v.AppendInt64(5);
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
  auto dec = BlockDecoder::Open(block.data, DataType::Timestamp(), "x.col", 77);
  ASSERT_TRUE(dec.status().IsCorruption());
  EXPECT_NE(dec.status().message().find("x.col at offset 78"), std::string::npos)
      << dec.status().ToString();
  // Decoding into a vector of another type is the caller's mistake.
  ASSERT_OK_AND_ASSIGN(BlockDecoder ok, BlockDecoder::Open(block.data, DataType::Int64()));
  ColumnVector wrong(DataType::String());
  EXPECT_TRUE(ok.DecodeTo(&wrong).IsInvalidArgument());
}

TEST(BlockCorruptionTest, HostileLengthsDoNotAllocate) {
  // A header claiming the maximum rows with a tiny payload: each encoding
  // must notice the payload is short before allocating for the rows.
  for (const DataType& type : test::AllTypes()) {
    for (uint8_t enc = 0; enc <= kMaxEncodingId; ++enc) {
      std::string block;
      block.push_back(static_cast<char>(enc));
      block.push_back(static_cast<char>(type.id()));
      block.push_back(0);
      block.push_back(static_cast<char>(kBlockFormatVersion));
      PutFixed32(&block, kMaxBlockRows);
      std::string payload;
      PutVarint32(&payload, 1);  // one run / dictionary entry / (part of a reference)
      payload.append(8, '\xff');
      PutFixed32(&block, static_cast<uint32_t>(payload.size()));
      PutFixed32(&block, static_cast<uint32_t>(payload.size()));
      block += payload;
      PutFixed64(&block, Hash64(block));
      EXPECT_TRUE(DecodeAll(block, type).IsCorruption()) << type.ToString() << " " << int{enc};
    }
  }
  // A dictionary holding one 1 MiB string with 65536 rows of code 0 (width 0):
  // 64 GiB if expanded; refused by the expansion limit, not by running out
  // of memory.
  const std::string big(kMaxStringLength, 's');
  std::string hostile;
  hostile.push_back(static_cast<char>(Encoding::kDictionary));
  hostile.push_back(static_cast<char>(TypeId::kString));
  hostile.push_back(0);
  hostile.push_back(static_cast<char>(kBlockFormatVersion));
  PutFixed32(&hostile, kMaxBlockRows);
  std::string payload;
  PutVarint32(&payload, 1);
  PutFixed32(&payload, kMaxStringLength);
  payload += big;
  payload.push_back(0);  // code width 0
  PutFixed32(&hostile, static_cast<uint32_t>(payload.size()));
  PutFixed32(&hostile, static_cast<uint32_t>(payload.size()));
  hostile += payload;
  PutFixed64(&hostile, Hash64(hostile));
  Status st = DecodeAll(hostile, DataType::String());
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("string bytes"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace silt

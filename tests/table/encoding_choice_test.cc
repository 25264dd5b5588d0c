// Which encoding a block gets, and the exact bytes the choice implies.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/coding.h"
#include "table/bitpacking.h"
#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/encoding.h"
#include "test_util.h"

namespace silt {
namespace {

constexpr size_t kRows = 1000;

// kRows rows cycling through `distinct` values made by make(k), shuffled.
template <typename F>
ColumnVector Cycle(DataType type, size_t distinct, F make, uint64_t seed = 1) {
  std::vector<size_t> order(kRows);
  for (size_t i = 0; i < kRows; ++i) order[i] = i % distinct;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  ColumnVector v(type);
  for (size_t k : order) make(&v, k);
  return v;
}

Encoding Chosen(const ColumnVector& v) {
  BlockBuilder builder;
  auto block = builder.Build(v);
  EXPECT_TRUE(block.ok()) << block.status().ToString();
  return block.ok() ? block->encoding : Encoding::kPlain;
}

TEST(EncodingChoiceTest, StringDictionaryIffDistinctBelowFifthOfRows) {
  auto make = [](ColumnVector* v, size_t k) { v->AppendString("str-" + std::to_string(k * 7)); };
  // 199 * 5 = 995 < 1000: dictionary. 200 * 5 = 1000: not.
  EXPECT_EQ(Chosen(Cycle(DataType::String(), 199, make)), Encoding::kDictionary);
  EXPECT_NE(Chosen(Cycle(DataType::String(), 200, make)), Encoding::kDictionary);
  EXPECT_EQ(Chosen(Cycle(DataType::String(), 1, make)), Encoding::kDictionary);
  EXPECT_EQ(Chosen(Cycle(DataType::String(), 1000, make)), Encoding::kPlain);
}

TEST(EncodingChoiceTest, FloatDictionaryIffDistinctBelowFifthOfRows) {
  auto make = [](ColumnVector* v, size_t k) { v->AppendDouble(0.01 * static_cast<double>(k)); };
  EXPECT_EQ(Chosen(Cycle(DataType::Float64(), 199, make)), Encoding::kDictionary);
  EXPECT_EQ(Chosen(Cycle(DataType::Float64(), 200, make)), Encoding::kPlain);
}

TEST(EncodingChoiceTest, IntegerDictionaryOnlyWhenEligibleAndSmallest) {
  // Sparse values: codes of 8 bits beat 64-bit frame-of-reference deltas.
  auto sparse = [](ColumnVector* v, size_t k) {
    v->AppendInt64(static_cast<int64_t>((k + 1) * 0x9E3779B97F4A7C15ULL));
  };
  EXPECT_EQ(Chosen(Cycle(DataType::Int64(), 199, sparse)), Encoding::kDictionary);
  EXPECT_NE(Chosen(Cycle(DataType::Int64(), 200, sparse)), Encoding::kDictionary);
  // Dense values (0..49): eligible, but bit-packing needs no dictionary.
  auto dense = [](ColumnVector* v, size_t k) { v->AppendInt32(static_cast<int32_t>(k)); };
  EXPECT_EQ(Chosen(Cycle(DataType::Int32(), 50, dense)), Encoding::kBitPacked);
  // The rule itself.
  ColumnProfile p;
  p.stats.row_count = 1000;
  p.stats.distinct_count = 199;
  EXPECT_TRUE(DictionaryEligible(p));
  p.stats.distinct_count = 200;
  EXPECT_FALSE(DictionaryEligible(p));
  p.stats.distinct_count = 0;  // all null
  EXPECT_FALSE(DictionaryEligible(p));
}

// The payload of a bit-packed block without nulls: reference, width, deltas.
void ExpectBitPacked(const EncodedBlock& block, int64_t reference, int width, size_t n) {
  ASSERT_EQ(block.encoding, Encoding::kBitPacked);
  ASSERT_EQ(block.compression, Compression::kNone);
  EXPECT_EQ(static_cast<int64_t>(DecodeFixed64(block.data.data() + kBlockHeaderSize)), reference);
  EXPECT_EQ(static_cast<int>(block.data[kBlockHeaderSize + 8]), width);
  EXPECT_EQ(block.data.size(), kBlockHeaderSize + 9 + PackedBytes(n, width) + kBlockTrailerSize);
}

TEST(EncodingChoiceTest, BitPackingWidthIsTheRangeOfTheBlock) {
  BlockBuilderOptions no_compression;
  no_compression.compression = Compression::kNone;
  BlockBuilder builder(no_compression);
  std::mt19937_64 rng(3);
  for (int width = 1; width <= 64; ++width) {
    SCOPED_TRACE(width);
    const uint64_t range = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    const int64_t base = width == 64 ? INT64_MIN : -1000;
    ColumnVector v(DataType::Timestamp());
    v.AppendInt64(base);
    v.AppendInt64(static_cast<int64_t>(static_cast<uint64_t>(base) + range));
    for (size_t i = 2; i < kRows; ++i) {
      const uint64_t delta = width == 64 ? rng() : rng() % (range + 1);
      v.AppendInt64(static_cast<int64_t>(static_cast<uint64_t>(base) + delta));
    }
    ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
    if (width == 64) {  // 64-bit deltas plus a reference are larger than plain
      EXPECT_EQ(block.encoding, Encoding::kPlain);
      continue;
    }
    ExpectBitPacked(block, base, width, kRows);
  }
  // int32 and date use the same scheme.
  ColumnVector d(DataType::Date());
  for (size_t i = 0; i < kRows; ++i) d.AppendInt32(static_cast<int32_t>(8000 + (i * 37) % 2557));
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(d));
  ExpectBitPacked(block, 8000, BitWidth(2556), kRows);
}

TEST(EncodingChoiceTest, AllEqualIsWidthZero) {
  ColumnVector v(DataType::Int64());
  for (size_t i = 0; i < kRows; ++i) v.AppendInt64(-42);
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
  ExpectBitPacked(block, -42, 0, kRows);
  EXPECT_EQ(block.stats.distinct_count, 1u);
}

TEST(EncodingChoiceTest, LongRunsOfWideValuesAreRunLength) {
  ColumnVector v(DataType::Int64());
  std::mt19937_64 rng(9);
  for (int run = 0; run < 4; ++run) {
    const int64_t x = static_cast<int64_t>(rng());
    for (int i = 0; i < 250; ++i) v.AppendInt64(x);
  }
  EXPECT_EQ(Chosen(v), Encoding::kRunLength);
  ColumnVector s(DataType::String());
  for (int run = 0; run < 400; ++run) {
    for (int i = 0; i < 3; ++i) s.AppendString("run " + std::to_string(run));
  }
  // 400 distinct of 1200 rows: not a dictionary; runs of 3 halve the size.
  EXPECT_EQ(Chosen(s), Encoding::kRunLength);
}

TEST(EncodingChoiceTest, BoolIsBitPacked) {
  ColumnVector v(DataType::Bool());
  for (size_t i = 0; i < kRows; ++i) v.AppendBool(i % 3 == 0);
  BlockBuilderOptions no_compression;
  no_compression.compression = Compression::kNone;
  BlockBuilder builder(no_compression);
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
  ExpectBitPacked(block, 0, 1, kRows);
}

TEST(EncodingChoiceTest, ValidityBitmapOnlyWithNulls) {
  ColumnVector v(DataType::Int32());
  for (int i = 0; i < 100; ++i) v.AppendInt32(i);
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock without, builder.Build(v));
  EXPECT_EQ(without.data[2] & kBlockFlagValidity, 0);
  v.AppendNull();
  ASSERT_OK_AND_ASSIGN(EncodedBlock with, builder.Build(v));
  EXPECT_EQ(with.data[2] & kBlockFlagValidity, kBlockFlagValidity);
  EXPECT_EQ(with.stats.null_count, 1u);
}

TEST(EncodingChoiceTest, CompressionOnlyWhenItPays) {
  // Distinct strings with much shared text compress well.
  ColumnVector text(DataType::String());
  for (size_t i = 0; i < kRows; ++i) {
    text.AppendString("the quick brown fox jumps over the lazy dog " + std::to_string(i));
  }
  for (Compression c : {Compression::kLz4, Compression::kZstd}) {
    BlockBuilderOptions options;
    options.compression = c;
    BlockBuilder builder(options);
    ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(text));
    EXPECT_EQ(block.compression, c);
    EXPECT_LT(block.data.size(), block.raw_payload_bytes / 2);
    ColumnVector out(DataType::String());
    ASSERT_OK(DecodeBlock(block.data, DataType::String(), &out));
    EXPECT_TRUE(out.Equals(text));
  }
  // Random bytes do not.
  ColumnVector noise(DataType::String());
  std::mt19937_64 rng(1);
  for (size_t i = 0; i < kRows; ++i) {
    std::string s(20, '\0');
    for (char& ch : s) ch = static_cast<char>(rng());
    noise.AppendString(s);
  }
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(noise));
  EXPECT_EQ(block.compression, Compression::kNone);
}

TEST(EncodingChoiceTest, StatisticsOfAKnownBlock) {
  ColumnVector v(*DataType::Decimal(12, 2));
  for (int64_t x : {-1250, 300, 300, 999999, -1250}) v.AppendInt64(x);
  v.AppendNull();
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
  EXPECT_EQ(block.stats.row_count, 6u);
  EXPECT_EQ(block.stats.null_count, 1u);
  EXPECT_EQ(block.stats.distinct_count, 3u);
  EXPECT_EQ(block.stats.min, Value::Int(-1250));
  EXPECT_EQ(block.stats.max, Value::Int(999999));
  EXPECT_EQ(block.stats.ToString(v.type()), "rows=6 nulls=1 distinct=3 min=-12.50 max=9999.99");

  ColumnVector f(DataType::Float64());
  for (double x : {1.0, std::numeric_limits<double>::quiet_NaN(), -2.0}) f.AppendDouble(x);
  ASSERT_OK_AND_ASSIGN(EncodedBlock fb, builder.Build(f));
  EXPECT_EQ(fb.stats.min, Value::Double(-2.0));
  EXPECT_TRUE(std::isnan(fb.stats.max.double_value()));  // NaN is the largest

  ColumnVector nulls(DataType::String());
  nulls.AppendNull();
  ASSERT_OK_AND_ASSIGN(EncodedBlock nb, builder.Build(nulls));
  EXPECT_TRUE(nb.stats.min.is_null());
  EXPECT_TRUE(nb.stats.max.is_null());
}

TEST(EncodingChoiceTest, DictionaryComparisonUsesCodes) {
  auto make = [](ColumnVector* v, size_t k) { v->AppendString(std::string(1, 'a' + k)); };
  ColumnVector v = Cycle(DataType::String(), 4, make);  // a, b, c, d
  BlockBuilder builder;
  ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(v));
  ASSERT_EQ(block.encoding, Encoding::kDictionary);
  ASSERT_OK_AND_ASSIGN(BlockDecoder dec, BlockDecoder::Open(block.data, DataType::String()));
  std::vector<uint8_t> match(kRows);
  ASSERT_OK(dec.EvaluateComparison(CompareOp::kLt, Value::String("c"), match.data()));
  size_t hits = 0;
  for (size_t i = 0; i < kRows; ++i) {
    EXPECT_EQ(match[i] != 0, v.GetString(i) < "c");
    hits += match[i];
  }
  EXPECT_EQ(hits, kRows / 2);
  // The codes themselves, for grouping by code.
  DictionaryBlock dict(DataType::String());
  ASSERT_OK(dec.ReadDictionary(&dict));
  ASSERT_EQ(dict.dictionary.size(), 4u);
  EXPECT_EQ(dict.dictionary.GetString(2), "c");
  ASSERT_EQ(dict.codes.size(), kRows);
  for (size_t i = 0; i < kRows; ++i) {
    ASSERT_EQ(dict.dictionary.GetString(dict.codes[i]), v.GetString(i));
  }
  ColumnVector ints(DataType::Int64());
  ints.AppendInt64(1);
  ASSERT_OK_AND_ASSIGN(EncodedBlock plain, builder.Build(ints));
  ASSERT_OK_AND_ASSIGN(BlockDecoder pdec, BlockDecoder::Open(plain.data, DataType::Int64()));
  DictionaryBlock none(DataType::Int64());
  EXPECT_TRUE(pdec.ReadDictionary(&none).IsInvalidArgument());
  EXPECT_TRUE(
      dec.EvaluateComparison(CompareOp::kEq, Value::Int(1), match.data()).IsInvalidArgument());
}

}  // namespace
}  // namespace silt

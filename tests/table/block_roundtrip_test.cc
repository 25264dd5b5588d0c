// Round trips of column blocks: every type x encoding x nullability x value
// shape x row count (including empty, one row, all null, all equal, extreme
// values and byte-boundary counts), with and without compression; the
// statistics and comparisons are checked against a naive computation.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/encoding.h"
#include "table/value_order.h"
#include "table_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::ColumnGenerator;
using test::Shape;

constexpr size_t kSizes[] = {0, 1, 2, 7, 8, 9, 63, 64, 65, 100, 2048};
constexpr int kNullPercents[] = {0, 30, -1};  // none, some, all
const std::optional<Encoding> kEncodings[] = {std::nullopt, Encoding::kPlain, Encoding::kRunLength,
                                              Encoding::kDictionary, Encoding::kBitPacked};

BlockStats NaiveStats(const ColumnVector& v) {
  BlockStats s;
  s.row_count = static_cast<uint32_t>(v.size());
  std::set<std::string> distinct;  // by identity: the value's bytes
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i)) {
      ++s.null_count;
      continue;
    }
    Value x = v.GetValue(i);
    std::string id;
    if (x.is_string()) {
      id = "s" + x.string_value();
    } else if (x.is_double()) {
      id = "d" + std::to_string(ValueKey(x.double_value()));
    } else {
      id = "i" + std::to_string(x.int_value());
    }
    distinct.insert(id);
    if (s.min.is_null() || CompareValues(x, s.min) < 0) s.min = x;
    if (s.max.is_null() || CompareValues(x, s.max) > 0) s.max = x;
  }
  s.distinct_count = static_cast<uint32_t>(distinct.size());
  return s;
}

// Same min/max up to the total order (-0.0 == 0.0 may pick either).
void ExpectSameStats(const BlockStats& got, const BlockStats& want) {
  EXPECT_EQ(got.row_count, want.row_count);
  EXPECT_EQ(got.null_count, want.null_count);
  EXPECT_EQ(got.distinct_count, want.distinct_count);
  ASSERT_EQ(got.min.is_null(), want.min.is_null());
  if (!want.min.is_null()) {
    EXPECT_EQ(CompareValues(got.min, want.min), 0);
    EXPECT_EQ(CompareValues(got.max, want.max), 0);
  }
}

void CheckComparisons(const BlockDecoder& dec, const ColumnVector& col, ColumnGenerator* gen) {
  // A literal taken from the column (so = matches something), or a default.
  Value lit;
  for (size_t i = 0; i < col.size() && lit.is_null(); ++i) {
    const size_t row = gen->Uniform(col.size());
    if (!col.IsNull(row)) lit = col.GetValue(row);
  }
  if (lit.is_null()) {
    const PhysicalType p = col.physical();
    lit = p == PhysicalType::kString    ? Value::String("m")
          : p == PhysicalType::kFloat64 ? Value::Double(0.5)
                                        : Value::Int(1);
  }
  std::vector<uint8_t> match(col.size() + 1, 7);
  for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe,
                       CompareOp::kGt, CompareOp::kGe}) {
    ASSERT_OK(dec.EvaluateComparison(op, lit, match.data()));
    for (size_t i = 0; i < col.size(); ++i) {
      const bool want = !col.IsNull(i) && CompareOpHolds(op, CompareValues(col.GetValue(i), lit));
      ASSERT_EQ(match[i], want ? 1 : 0) << "row " << i << " op " << CompareOpName(op);
    }
    EXPECT_EQ(match[col.size()], 7) << "wrote past the block's rows";
  }
}

class BlockRoundTripTest : public ::testing::TestWithParam<DataType> {};

TEST_P(BlockRoundTripTest, EveryEncodingShapeSizeAndNullability) {
  const DataType type = GetParam();
  ColumnGenerator gen(static_cast<uint64_t>(type.id()) * 7919);
  int checked = 0;
  for (Compression comp : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    for (const auto& forced : kEncodings) {
      BlockBuilderOptions options;
      options.compression = comp;
      options.min_compression_bytes = 16;
      options.force_encoding = forced;
      BlockBuilder builder(options);
      for (Shape shape : test::kAllShapes) {
        for (size_t n : kSizes) {
          // Compression only matters for payloads of some size.
          if (comp != Compression::kNone && n < 100) continue;
          for (int nulls : kNullPercents) {
            SCOPED_TRACE(::testing::Message()
                         << type.ToString() << " " << (forced ? EncodingName(*forced) : "chosen")
                         << " " << test::ShapeName(shape) << " n=" << n << " nulls=" << nulls
                         << " compression=" << CompressionName(comp));
            const ColumnVector col = gen.Make(type, shape, n, nulls);
            EncodedBlock block;
            Status s = builder.Build(col, 0, n, &block);
            if (forced && !EncodingApplies(*forced, type.physical())) {
              EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
              continue;
            }
            ASSERT_OK(s);
            if (forced) {
              EXPECT_EQ(block.encoding, *forced);
            }
            ExpectSameStats(block.stats, NaiveStats(col));

            ASSERT_OK_AND_ASSIGN(size_t size, BlockDecoder::BlockSize(block.data));
            EXPECT_EQ(size, block.data.size());
            ASSERT_OK_AND_ASSIGN(BlockDecoder dec,
                                 BlockDecoder::Open(block.data, type, "test.col", 4096));
            EXPECT_EQ(dec.row_count(), n);
            EXPECT_EQ(dec.encoding(), block.encoding);
            EXPECT_EQ(dec.has_validity(), col.has_nulls());
            ColumnVector out(type);
            ASSERT_OK(dec.DecodeTo(&out));
            ASSERT_TRUE(out.Equals(col));
            EXPECT_EQ(out.null_count(), col.null_count());

            // Appending after rows already in the vector (an unaligned start
            // for the validity bits) keeps both parts.
            ColumnVector appended = gen.Make(type, Shape::kRandom, 3, 50);
            ColumnVector want = appended;
            want.AppendFrom(col, 0, n);
            ASSERT_OK(dec.DecodeTo(&appended));
            ASSERT_TRUE(appended.Equals(want));

            CheckComparisons(dec, col, &gen);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(AllTypes, BlockRoundTripTest, ::testing::ValuesIn(test::AllTypes()),
                         [](const ::testing::TestParamInfo<DataType>& info) {
                           std::string name = TypeIdName(info.param.id());
                           return name;
                         });

TEST(BlockRoundTrip, NotNullColumns) {
  ColumnGenerator gen(5);
  BlockBuilder builder;
  for (const DataType& t : test::AllTypes()) {
    const DataType type = t.NotNull();
    const ColumnVector col = gen.Make(type, Shape::kLowCardinality, 500, 0);
    ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(col));
    ColumnVector out(type);
    ASSERT_OK(DecodeBlock(block.data, type, &out));
    EXPECT_TRUE(out.Equals(col)) << type.ToString();
    // A null in a not-null column is refused by the builder.
    ColumnVector with_null(type);
    with_null.AppendNull();
    EXPECT_TRUE(builder.Build(with_null).status().IsInvalidArgument());
  }
}

TEST(BlockRoundTrip, MaximumRowsAndBeyond) {
  ColumnGenerator gen(11);
  for (const DataType& type : {DataType::Int64(), DataType::String(), DataType::Bool()}) {
    const ColumnVector col = gen.Make(type, Shape::kRandom, kMaxBlockRows + 1, 10);
    BlockBuilder builder;
    EncodedBlock block;
    ASSERT_OK(builder.Build(col, 0, kMaxBlockRows, &block));
    ColumnVector out(type);
    ASSERT_OK(DecodeBlock(block.data, type, &out));
    ColumnVector want(type);
    want.AppendFrom(col, 0, kMaxBlockRows);
    EXPECT_TRUE(out.Equals(want)) << type.ToString();
    EXPECT_TRUE(builder.Build(col, 0, kMaxBlockRows + 1, &block).IsInvalidArgument());
    // A block from the middle of a vector.
    ASSERT_OK(builder.Build(col, 1001, 999, &block));
    ColumnVector mid(type);
    ASSERT_OK(DecodeBlock(block.data, type, &mid));
    ColumnVector want_mid(type);
    want_mid.AppendFrom(col, 1001, 999);
    EXPECT_TRUE(mid.Equals(want_mid));
    EXPECT_TRUE(builder.Build(col, col.size(), 1, &block).IsInvalidArgument());
  }
}

TEST(BlockRoundTrip, MaximumLengthStrings) {
  const std::string longest(kMaxStringLength, 'x');
  ColumnVector col(DataType::String());
  col.AppendString(longest);
  col.AppendNull();
  col.AppendString("");
  col.AppendString(longest);
  for (auto enc : {Encoding::kPlain, Encoding::kRunLength, Encoding::kDictionary}) {
    BlockBuilderOptions options;
    options.force_encoding = enc;
    BlockBuilder builder(options);
    ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(col));
    ColumnVector out(DataType::String());
    ASSERT_OK(DecodeBlock(block.data, DataType::String(), &out));
    EXPECT_TRUE(out.Equals(col)) << EncodingName(enc);
    EXPECT_EQ(block.compression, Compression::kLz4);  // a megabyte of 'x' compresses
  }
  ColumnVector too_long(DataType::String());
  too_long.AppendString(longest + "y");
  BlockBuilder builder;
  EXPECT_TRUE(builder.Build(too_long).status().IsInvalidArgument());
}

TEST(BlockRoundTrip, StatsEncodeDecode) {
  ColumnGenerator gen(3);
  BlockBuilder builder;
  for (const DataType& type : test::AllTypes()) {
    for (Shape shape : test::kAllShapes) {
      for (int nulls : kNullPercents) {
        const ColumnVector col = gen.Make(type, shape, 50, nulls);
        ASSERT_OK_AND_ASSIGN(EncodedBlock block, builder.Build(col));
        std::string bytes;
        block.stats.EncodeTo(type, &bytes);
        ByteReader r(bytes, "index", 0);
        BlockStats back;
        ASSERT_OK(BlockStats::DecodeFrom(type, &r, &back));
        EXPECT_TRUE(r.empty());
        EXPECT_EQ(back, block.stats) << type.ToString() << " " << block.stats.ToString(type);
        // Every truncation fails cleanly.
        for (size_t cut = 0; cut < bytes.size(); ++cut) {
          ByteReader t(std::string_view(bytes).substr(0, cut), "index", 0);
          EXPECT_TRUE(BlockStats::DecodeFrom(type, &t, &back).IsCorruption());
        }
      }
    }
  }
}

TEST(BlockComparison, LiteralsBeyondTheTypeNaNAndNull) {
  ColumnVector i32(DataType::Int32());
  for (int32_t x : {-5, 0, 7}) i32.AppendInt32(x);
  i32.AppendNull();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ColumnVector f(DataType::Float64());
  for (double x : {1.0, nan, -std::numeric_limits<double>::infinity()}) f.AppendDouble(x);
  for (auto enc : {Encoding::kPlain, Encoding::kRunLength, Encoding::kDictionary}) {
    BlockBuilderOptions options;
    options.force_encoding = enc;
    BlockBuilder builder(options);
    ASSERT_OK_AND_ASSIGN(EncodedBlock ib, builder.Build(i32));
    ASSERT_OK_AND_ASSIGN(BlockDecoder idec, BlockDecoder::Open(ib.data, DataType::Int32()));
    uint8_t m[4];
    ASSERT_OK(idec.EvaluateComparison(CompareOp::kLt, Value::Int(int64_t{1} << 40), m));
    EXPECT_EQ(std::vector<uint8_t>(m, m + 4), (std::vector<uint8_t>{1, 1, 1, 0}));
    ASSERT_OK(idec.EvaluateComparison(CompareOp::kGt, Value::Int(-(int64_t{1} << 40)), m));
    EXPECT_EQ(std::vector<uint8_t>(m, m + 4), (std::vector<uint8_t>{1, 1, 1, 0}));
    ASSERT_OK(idec.EvaluateComparison(CompareOp::kNe, Value::Null(), m));
    EXPECT_EQ(std::vector<uint8_t>(m, m + 4), (std::vector<uint8_t>{0, 0, 0, 0}));

    ASSERT_OK_AND_ASSIGN(EncodedBlock fb, builder.Build(f));
    ASSERT_OK_AND_ASSIGN(BlockDecoder fdec, BlockDecoder::Open(fb.data, DataType::Float64()));
    ASSERT_OK(fdec.EvaluateComparison(CompareOp::kEq, Value::Double(nan), m));
    EXPECT_EQ(std::vector<uint8_t>(m, m + 3), (std::vector<uint8_t>{0, 1, 0}));
    ASSERT_OK(fdec.EvaluateComparison(CompareOp::kLt, Value::Double(nan), m));
    EXPECT_EQ(std::vector<uint8_t>(m, m + 3), (std::vector<uint8_t>{1, 0, 1}));
    EXPECT_TRUE(fdec.EvaluateComparison(CompareOp::kLt, Value::Int(1), m).IsInvalidArgument());
  }
}

}  // namespace
}  // namespace silt

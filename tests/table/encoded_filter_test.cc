// SimpleFilter::AndEncoded (filters on the packed values of a block) against
// SimpleFilter::Apply on the decoded block: every type, value shape, null
// share and encoding, every kind of filter, literals inside, at and beyond
// the block's values; and a checksummed dictionary block with a code out of
// range fails as decoding it does.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "common/coding.h"
#include "common/hash.h"
#include "table/bitpacking.h"
#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/encoding.h"
#include "table/packed_filter.h"
#include "table/scan_block.h"
#include "table_test_util.h"

namespace silt {
namespace {

// The literal of row i's value, in the representation filters use.
Value LiteralOf(const ColumnVector& v, size_t i) {
  switch (v.physical()) {
    case PhysicalType::kBool:
      return Value::Int(v.Get<uint8_t>(i));
    case PhysicalType::kInt32:
      return Value::Int(v.Get<int32_t>(i));
    case PhysicalType::kInt64:
      return Value::Int(v.Get<int64_t>(i));
    case PhysicalType::kFloat64:
      return Value::Double(v.Get<double>(i));
    case PhysicalType::kString:
      return Value::String(std::string(v.GetString(i)));
  }
  return Value();
}

// Literals to compare a column with: some of its values, their neighbours,
// and the extremes of the representation.
std::vector<Value> Literals(const ColumnVector& v, std::mt19937_64& rng) {
  std::vector<Value> out;
  for (int k = 0; k < 4 && v.size() > 0; ++k) {
    const size_t i = rng() % v.size();
    if (v.IsNull(i)) continue;
    const Value x = LiteralOf(v, i);
    out.push_back(x);
    if (x.is_int()) {
      const int64_t n = x.int_value();
      if (n < std::numeric_limits<int64_t>::max()) out.push_back(Value::Int(n + 1));
      if (n > std::numeric_limits<int64_t>::min()) out.push_back(Value::Int(n - 1));
    }
  }
  if (v.physical() == PhysicalType::kFloat64) {
    out.push_back(Value::Double(0.5));
    out.push_back(Value::Double(std::numeric_limits<double>::infinity()));
  } else if (v.physical() == PhysicalType::kString) {
    out.push_back(Value::String(""));
    out.push_back(Value::String("zzz"));
  } else {
    out.push_back(Value::Int(std::numeric_limits<int64_t>::min()));
    out.push_back(Value::Int(std::numeric_limits<int64_t>::max()));
    out.push_back(Value::Int(0));
    out.push_back(Value::Int(std::numeric_limits<int32_t>::max()));
    out.push_back(Value::Int(static_cast<int64_t>(std::numeric_limits<int32_t>::min()) - 1));
  }
  return out;
}

std::vector<SimpleFilter> Filters(const std::vector<Value>& lits, std::mt19937_64& rng) {
  std::vector<SimpleFilter> out;
  for (const Value& x : lits) {
    for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe,
                         CompareOp::kGt, CompareOp::kGe}) {
      SimpleFilter f;
      f.kind = SimpleFilter::Kind::kCompare;
      f.op = op;
      f.lo = x;
      out.push_back(f);
    }
    SimpleFilter b;
    b.kind = SimpleFilter::Kind::kBetween;
    b.lo = x;
    b.hi = lits[rng() % lits.size()];  // sometimes below lo: no row matches
    out.push_back(b);
    SimpleFilter in;
    in.kind = SimpleFilter::Kind::kIn;
    in.list = {x, lits[rng() % lits.size()]};
    out.push_back(in);
  }
  for (auto kind :
       {SimpleFilter::Kind::kIsNull, SimpleFilter::Kind::kIsNotNull, SimpleFilter::Kind::kNever}) {
    SimpleFilter f;
    f.kind = kind;
    out.push_back(f);
  }
  return out;
}

std::vector<uint8_t> Pack(const std::vector<uint8_t>& bytes) {
  std::vector<uint8_t> bits(RowBitmapBytes(bytes.size()), 0);
  BytesToBits(bytes.data(), bytes.size(), bits.data());
  return bits;
}

TEST(EncodedFilterTest, AgreesWithApplyOnTheDecodedBlock) {
  std::mt19937_64 rng(11);
  test::ColumnGenerator gen(5);
  size_t handled = 0, cases = 0;
  for (const DataType& type : test::AllTypes()) {
    for (test::Shape shape : test::kAllShapes) {
      for (int nulls : {0, 20}) {
        for (size_t n : {size_t{1}, size_t{100}, size_t{2048}}) {
          const ColumnVector col = gen.Make(nulls == 0 ? type.NotNull() : type, shape, n, nulls);
          for (Encoding e : {Encoding::kPlain, Encoding::kRunLength, Encoding::kDictionary,
                             Encoding::kBitPacked}) {
            if (!EncodingApplies(e, type.physical())) continue;
            BlockBuilderOptions options;
            options.force_encoding = e;
            if (n == 100) options.compression = Compression::kNone;
            BlockBuilder builder(options);
            EncodedBlock block;
            ASSERT_TRUE(builder.Build(col, 0, n, &block).ok());
            auto dec = BlockDecoder::Open(block.data, col.type());
            ASSERT_TRUE(dec.ok()) << dec.status().ToString();
            ColumnVector decoded(col.type());
            ASSERT_TRUE(dec->DecodeTo(&decoded).ok());
            EncodedFilterScratch scratch;
            for (const SimpleFilter& f : Filters(Literals(col, rng), rng)) {
              std::vector<uint8_t> mask(n);
              for (auto& m : mask) m = rng() % 5 != 0;
              std::vector<uint8_t> want = mask;
              f.Apply(decoded, want.data());
              std::vector<uint8_t> bits = Pack(mask);
              auto r = f.AndEncoded(*dec, &scratch, bits.data());
              ASSERT_TRUE(r.ok()) << r.status().ToString();
              ++cases;
              const std::string what = type.ToString() + " " + test::ShapeName(shape) + " " +
                                       EncodingName(e) + " n=" + std::to_string(n) +
                                       " nulls=" + std::to_string(nulls);
              if (!*r) {
                EXPECT_EQ(bits, Pack(mask)) << "not handled but changed: " << what;
                EXPECT_TRUE(e != Encoding::kDictionary) << what;
                EXPECT_TRUE(f.kind == SimpleFilter::Kind::kCompare ||
                            f.kind == SimpleFilter::Kind::kBetween ||
                            f.kind == SimpleFilter::Kind::kIn)
                    << what;
                // Bit-packed deltas are tested in place unless the filter is
                // an IN or the deltas' range could leave the type (full-range
                // values).
                EXPECT_FALSE(e == Encoding::kBitPacked && f.kind != SimpleFilter::Kind::kIn &&
                             shape != test::Shape::kRandom && shape != test::Shape::kExtremes)
                    << what;
                continue;
              }
              ++handled;
              ASSERT_EQ(bits, Pack(want))
                  << what << " filter kind " << static_cast<int>(f.kind) << " op "
                  << CompareOpName(f.op) << " lo " << f.lo.ToString(col.type());
            }
          }
        }
      }
    }
  }
  // Plain and run-length blocks make up most of the rest.
  EXPECT_GT(handled * 3, cases);
}

TEST(EncodedFilterTest, DictionaryCodeOutOfRangeIsCorruption) {
  ColumnVector col(DataType::Int64().NotNull());
  for (int i = 0; i < 10; ++i) col.AppendInt64(i % 3);
  BlockBuilderOptions options;
  options.force_encoding = Encoding::kDictionary;
  options.compression = Compression::kNone;
  BlockBuilder builder(options);
  EncodedBlock block;
  ASSERT_TRUE(builder.Build(col, 0, col.size(), &block).ok());
  // Three values: 2-bit codes in the last PackedBytes(10, 2) payload bytes.
  // Code 3 is out of range; re-sign the block so only the decoder can tell.
  std::string& data = block.data;
  const size_t end = data.size() - kBlockTrailerSize;
  data[end - 1] = static_cast<char>(0x0f);  // rows 8 and 9: code 3
  EncodeFixed64(data.data() + end, Hash64(std::string_view(data).substr(0, end)));
  auto dec = BlockDecoder::Open(data, col.type(), "col.dat", 100);
  ASSERT_TRUE(dec.ok()) << dec.status().ToString();
  DictionaryBlock parsed(col.type());
  const Status want = dec->ReadDictionary(&parsed);
  ASSERT_TRUE(want.IsCorruption()) << want.ToString();
  SimpleFilter f;
  f.kind = SimpleFilter::Kind::kCompare;
  f.op = CompareOp::kEq;
  f.lo = Value::Int(1);
  EncodedFilterScratch scratch;
  for (bool simd : {true, false}) {
    const bool before = SetPackedFilterSimdForTesting(simd);
    std::vector<uint8_t> bits(RowBitmapBytes(10), 0);
    SetRowBits(10, bits.data());
    auto r = f.AndEncoded(*dec, &scratch, bits.data());
    SetPackedFilterSimdForTesting(before);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), want.ToString());
  }
}

}  // namespace
}  // namespace silt

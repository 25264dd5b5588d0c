// ColumnProfiler (table/encoding.h) against a straightforward model of the
// statistics it computes, for every type, shape and null share; and the
// encoders' shortcuts that use its results (a dictionary from its numbering,
// bit-packing from its range) against their plain forms, byte for byte.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "table/bitpacked_encoding.h"
#include "table/bitpacking.h"
#include "table/dictionary_encoding.h"
#include "table/encoding.h"
#include "table/table_test_util.h"
#include "table/value_order.h"

namespace silt {
namespace {

using test::AllTypes;
using test::ColumnGenerator;
using test::Shape;

// The profile computed the obvious way: ordered sets for distinct values,
// a comparison per row for min, max and runs.
ColumnProfile ModelProfile(const ColumnVector& col, size_t begin, size_t n) {
  ColumnProfile p;
  p.stats.row_count = static_cast<uint32_t>(n);
  std::set<uint64_t> keys;
  std::set<std::string> strings;
  std::optional<Value> min, max;
  std::optional<Value> run;  // the last non-null value, by identity
  std::optional<uint64_t> run_key;
  std::optional<std::string> run_string;
  for (size_t i = begin; i < begin + n; ++i) {
    if (col.IsNull(i)) {
      ++p.stats.null_count;
      continue;
    }
    const Value v = col.GetValue(i);
    if (!min || CompareValues(v, *min) < 0) min = v;
    if (!max || CompareValues(v, *max) > 0) max = v;
    if (col.physical() == PhysicalType::kString) {
      const std::string s(col.GetString(i));
      p.string_bytes += s.size();
      p.max_string_length = std::max<uint64_t>(p.max_string_length, s.size());
      if (strings.insert(s).second) p.distinct_string_bytes += s.size();
      if (!run_string || *run_string != s) {
        ++p.runs;
        p.run_string_bytes += s.size();
        run_string = s;
      }
    } else {
      const uint64_t k = VisitPhysicalType(col.physical(), [&](auto tag) -> uint64_t {
        using T = decltype(tag);
        if constexpr (std::is_same_v<T, std::string_view>) {
          return 0;
        } else {
          return ValueKey(col.Get<T>(i));
        }
      });
      keys.insert(k);
      if (!run_key || *run_key != k) {
        ++p.runs;
        run_key = k;
      }
    }
  }
  if (n > 0 && p.runs == 0) p.runs = 1;
  p.stats.distinct_count =
      static_cast<uint32_t>(col.physical() == PhysicalType::kString ? strings.size() : keys.size());
  if (min) {
    p.stats.min = *min;
    p.stats.max = *max;
    if (col.physical() != PhysicalType::kString && col.physical() != PhysicalType::kFloat64) {
      p.int_min = min->int_value();
      p.range_width = BitWidth(static_cast<uint64_t>(max->int_value()) -
                               static_cast<uint64_t>(min->int_value()));
    }
  }
  return p;
}

void ExpectSameProfile(const ColumnProfile& got, const ColumnProfile& want) {
  EXPECT_EQ(got.stats, want.stats);
  EXPECT_EQ(got.runs, want.runs);
  EXPECT_EQ(got.int_min, want.int_min);
  EXPECT_EQ(got.range_width, want.range_width);
  EXPECT_EQ(got.string_bytes, want.string_bytes);
  EXPECT_EQ(got.run_string_bytes, want.run_string_bytes);
  EXPECT_EQ(got.distinct_string_bytes, want.distinct_string_bytes);
  EXPECT_EQ(got.max_string_length, want.max_string_length);
}

// Profiles [begin, begin + n) and checks the encoders' shortcuts.
void CheckRange(ColumnProfiler* profiler, const ColumnVector& col, size_t begin, size_t n) {
  const ColumnProfile& got = profiler->Profile(col, begin, n);
  ExpectSameProfile(got, ModelProfile(col, begin, n));
  if (EncodingApplies(Encoding::kDictionary, col.physical())) {
    std::string plain, numbered;
    EncodeDictionary(col, begin, n, &plain);
    EncodeDictionary(col, begin, n, *profiler, &numbered);
    EXPECT_EQ(plain, numbered) << "dictionary from the profiler's numbering differs";
  }
  if (EncodingApplies(Encoding::kBitPacked, col.physical())) {
    std::string plain, known;
    EncodeBitPacked(col, begin, n, &plain);
    EncodeBitPacked(col, begin, n, got.int_min, got.range_width, &known);
    EXPECT_EQ(plain, known) << "bit-packing with the profiled range differs";
  }
}

struct Case {
  DataType type;
  Shape shape;
  int null_percent;
};

class ColumnProfilerTest : public ::testing::TestWithParam<Case> {};

TEST_P(ColumnProfilerTest, MatchesModel) {
  const Case& c = GetParam();
  ColumnGenerator gen(42);
  ColumnProfiler profiler;  // one for every call: its memory is reused
  for (size_t n : {0, 1, 2, 7, 100, 2048, 5000}) {
    SCOPED_TRACE(n);
    const ColumnVector col = gen.Make(c.type, c.shape, n, c.null_percent);
    CheckRange(&profiler, col, 0, n);
    if (n > 10) CheckRange(&profiler, col, 3, n - 10);  // an inner range
  }
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const DataType& t : AllTypes()) {
    for (Shape s : test::kAllShapes) {
      for (int nulls : {0, 10, -1}) cases.push_back({t, s, nulls});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(All, ColumnProfilerTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.type.ToString() + "_" +
                                              test::ShapeName(info.param.shape) + "_" +
                                              (info.param.null_percent < 0
                                                   ? std::string("allnull")
                                                   : std::to_string(info.param.null_percent));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

// Integer ranges on both sides of the bitmap's limit (2^20 values), with
// and without nulls, and ranges that wrap around int64.
TEST(ColumnProfilerRanges, AroundTheBitmapLimit) {
  ColumnProfiler profiler;
  ColumnGenerator gen(7);
  for (int64_t span : {int64_t{1}, int64_t{63}, int64_t{64}, (int64_t{1} << 20) - 1,
                       int64_t{1} << 20, (int64_t{1} << 20) + 1, int64_t{1} << 40}) {
    for (int64_t base : {int64_t{-5}, int64_t{1} << 50, std::numeric_limits<int64_t>::min()}) {
      for (bool nulls : {false, true}) {
        SCOPED_TRACE(testing::Message() << span << " " << base << " " << nulls);
        ColumnVector v(DataType::Int64());
        for (size_t i = 0; i < 3000; ++i) {
          if (nulls && gen.Uniform(5) == 0) {
            v.AppendNull();
          } else {
            const uint64_t off = i == 0 ? 0
                                        : (i == 1 ? static_cast<uint64_t>(span)
                                                  : gen.Uniform(static_cast<uint64_t>(span)));
            v.AppendInt64(static_cast<int64_t>(static_cast<uint64_t>(base) + off));
          }
        }
        CheckRange(&profiler, v, 0, v.size());
        CheckRange(&profiler, v, 5, 2000);
      }
    }
  }
}

// Many distinct strings of every length up to 40 bytes, including ones that
// differ only in their last or middle byte (the inline hash's edge cases).
TEST(ColumnProfilerRanges, StringsOfEveryLength) {
  ColumnProfiler profiler;
  ColumnVector v(DataType::String());
  for (size_t len = 0; len <= 40; ++len) {
    for (int variant = 0; variant < 3; ++variant) {
      std::string s(len, 'a');
      if (len > 0 && variant == 1) s[len - 1] = 'b';
      if (len > 0 && variant == 2) s[len / 2] = 'c';
      v.AppendString(s);
      v.AppendString(s);  // a run
    }
  }
  v.AppendString(std::string("\0\0", 2));
  v.AppendString(std::string("\0", 1));
  v.AppendString("");
  CheckRange(&profiler, v, 0, v.size());
}

}  // namespace
}  // namespace silt

#include "table/column_vector.h"

#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace silt {
namespace {

TEST(ColumnVectorTest, FixedValuesAndNulls) {
  ColumnVector v(DataType::Int64());
  EXPECT_EQ(v.validity(), nullptr);
  v.AppendInt64(5);
  v.AppendInt64(-7);
  EXPECT_EQ(v.validity(), nullptr);
  v.AppendNull();
  v.AppendInt64(9);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v.null_count(), 1u);
  ASSERT_NE(v.validity(), nullptr);
  EXPECT_EQ(v.validity()[0] & 0x0f, 0b1011);
  EXPECT_EQ(v.Get<int64_t>(1), -7);
  EXPECT_EQ(v.Get<int64_t>(2), 0);  // null rows hold 0 when appended
  EXPECT_TRUE(v.IsNull(2));
  EXPECT_EQ(v.GetValue(3), Value::Int(9));
  EXPECT_TRUE(v.GetValue(2).is_null());
  v.Clear();
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.validity(), nullptr);
  v.AppendInt64(1);
  EXPECT_FALSE(v.IsNull(0));
}

TEST(ColumnVectorTest, Strings) {
  ColumnVector v(DataType::String());
  v.AppendString("ab");
  v.AppendNull();
  v.AppendString("");
  v.AppendString(std::string("c\0d", 3));
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v.GetString(0), "ab");
  EXPECT_EQ(v.GetString(1), "");
  EXPECT_EQ(v.GetString(3), std::string_view("c\0d", 3));
  EXPECT_EQ(v.string_bytes(), 5u);
  EXPECT_EQ(v.offsets()[4], 5u);
  v.Clear();
  EXPECT_EQ(v.string_bytes(), 0u);
}

TEST(ColumnVectorTest, AppendValueChecksTypes) {
  ColumnVector i32(DataType::Int32().NotNull());
  EXPECT_OK(i32.AppendValue(Value::Int(5)));
  EXPECT_TRUE(i32.AppendValue(Value::Int(1LL << 40)).IsInvalidArgument());
  EXPECT_TRUE(i32.AppendValue(Value::Null()).IsInvalidArgument());
  EXPECT_TRUE(i32.AppendValue(Value::String("x")).IsInvalidArgument());
  ColumnVector b(DataType::Bool());
  EXPECT_TRUE(b.AppendValue(Value::Int(2)).IsInvalidArgument());
  EXPECT_OK(b.AppendValue(Value::Int(1)));
  EXPECT_OK(b.AppendValue(Value::Null()));
  EXPECT_EQ(b.size(), 2u);
}

// SetValidity at every alignment matches setting the bits one by one.
TEST(ColumnVectorTest, SetValidityAtEveryAlignment) {
  std::mt19937_64 rng(1);
  for (size_t start = 0; start < 17; ++start) {
    for (size_t n : {0, 1, 5, 8, 9, 16, 31, 64, 100}) {
      ColumnVector v(DataType::Int32());
      std::vector<bool> want;
      for (size_t i = 0; i < start; ++i) {
        if (rng() % 3 == 0) {
          v.AppendNull();
          want.push_back(false);
        } else {
          v.AppendInt32(1);
          want.push_back(true);
        }
      }
      int32_t* p = v.AppendUninitialized<int32_t>(n);
      std::vector<uint8_t> bits((n + 7) / 8 + 1, 0);
      for (size_t i = 0; i < n; ++i) {
        p[i] = static_cast<int32_t>(i);
        const bool valid = rng() % 2 == 0;
        if (valid) bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
        want.push_back(valid);
      }
      v.SetValidity(start, bits.data(), n);
      size_t nulls = 0;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(v.IsValid(i), want[i]) << "start " << start << " n " << n << " row " << i;
        nulls += want[i] ? 0 : 1;
      }
      EXPECT_EQ(v.null_count(), nulls);
      v.AppendInt32(7);  // a row after the range is valid
      EXPECT_TRUE(v.IsValid(v.size() - 1));
    }
  }
}

TEST(ColumnVectorTest, AppendFromAndEquals) {
  ColumnVector a(DataType::String());
  for (int i = 0; i < 20; ++i) {
    if (i % 3 == 0) {
      a.AppendNull();
    } else {
      a.AppendString(std::string(static_cast<size_t>(i), 'x'));
    }
  }
  ColumnVector b(DataType::String());
  b.AppendFrom(a, 0, 7);
  b.AppendFrom(a, 7, 13);
  EXPECT_TRUE(b.Equals(a));
  EXPECT_EQ(b.null_count(), a.null_count());
  ColumnVector c(DataType::String());
  c.AppendFrom(a, 1, 19);
  EXPECT_FALSE(c.Equals(a));
  EXPECT_FALSE(ColumnVector(DataType::Int64()).Equals(ColumnVector(DataType::Int32())));
}

}  // namespace
}  // namespace silt

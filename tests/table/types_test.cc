#include "silt/types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_util.h"

namespace silt {
namespace {

TEST(DataTypeTest, NamesRoundTrip) {
  for (const char* name :
       {"bool", "int32", "int64", "float64", "decimal(15,2)", "decimal(18,0)", "decimal(1,1)",
        "date", "timestamp", "string", "int64 not null", "decimal(12,2) not null"}) {
    ASSERT_OK_AND_ASSIGN(DataType t, DataType::Parse(name));
    EXPECT_EQ(t.ToString(), name);
  }
}

TEST(DataTypeTest, ParseAliasesCaseAndSpacing) {
  ASSERT_OK_AND_ASSIGN(DataType t, DataType::Parse("  DECIMAL( 12 , 2 )   NOT   NULL "));
  EXPECT_EQ(t.id(), TypeId::kDecimal);
  EXPECT_EQ(t.precision(), 12);
  EXPECT_EQ(t.scale(), 2);
  EXPECT_FALSE(t.nullable());
  EXPECT_EQ(DataType::Parse("bigint")->id(), TypeId::kInt64);
  EXPECT_EQ(DataType::Parse("varchar")->id(), TypeId::kString);
  EXPECT_EQ(DataType::Parse("double null")->id(), TypeId::kFloat64);
  EXPECT_TRUE(DataType::Parse("double null")->nullable());
  EXPECT_EQ(DataType::Parse("decimal(9)")->scale(), 0);
}

TEST(DataTypeTest, ParseRejects) {
  for (const char* bad :
       {"", "int128", "decimal(19,2)", "decimal(0,0)", "decimal(5,6)", "decimal(5,-1)",
        "decimal(,)", "decimal(12,2", "int64 not", "int64 null null", "not null", "string 5"}) {
    EXPECT_TRUE(DataType::Parse(bad).status().IsInvalidArgument()) << bad;
  }
}

TEST(DataTypeTest, PhysicalLayout) {
  EXPECT_EQ(DataType::Bool().physical(), PhysicalType::kBool);
  EXPECT_EQ(DataType::Date().physical(), PhysicalType::kInt32);
  EXPECT_EQ(DataType::Timestamp().physical(), PhysicalType::kInt64);
  EXPECT_EQ(DataType::Decimal(12, 2)->physical(), PhysicalType::kInt64);
  EXPECT_EQ(DataType::Float64().value_width(), 8u);
  EXPECT_EQ(DataType::Int32().value_width(), 4u);
  EXPECT_EQ(DataType::String().value_width(), 0u);
  EXPECT_TRUE(DataType::Date().is_integer());
  EXPECT_FALSE(DataType::Bool().is_integer());
}

TEST(ColumnDefsTest, ParsesTheCliForm) {
  ASSERT_OK_AND_ASSIGN(
      auto cols, ParseColumnDefs("id int64 not null, name string, price decimal(12,2), day date"));
  ASSERT_EQ(cols.size(), 4u);
  EXPECT_EQ(cols[0].name, "id");
  EXPECT_EQ(cols[0].type, DataType::Int64().NotNull());
  EXPECT_EQ(cols[2].type, *DataType::Decimal(12, 2));
  EXPECT_EQ(cols[3].type, DataType::Date());
  EXPECT_EQ(ColumnDefsToString(cols),
            "id int64 not null, name string, price decimal(12,2), day date");
  ASSERT_OK_AND_ASSIGN(auto again, ParseColumnDefs(ColumnDefsToString(cols)));
  EXPECT_EQ(again, cols);
}

TEST(ColumnDefsTest, Rejects) {
  for (const char* bad :
       {"", "id", "id int64,", "1x int64", "a int64, A string", "a-b int64", "a int64, b bogus"}) {
    EXPECT_TRUE(ParseColumnDefs(bad).status().IsInvalidArgument()) << bad;
  }
}

TEST(DateTest, KnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(*ParseDate("1998-12-01"), 10561);
  EXPECT_EQ(FormatDate(10561), "1998-12-01");
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_TRUE(ParseDate("1999-02-29").status().IsInvalidArgument());
  EXPECT_TRUE(ParseDate("2000-02-30").status().IsInvalidArgument());
  EXPECT_OK(ParseDate("2000-02-29").status());
  EXPECT_TRUE(ParseDate("2000-1-01").status().IsInvalidArgument());
}

TEST(DateTest, CivilRoundTripEveryDayOfFourCenturies) {
  for (int32_t d = DaysFromCivil(1800, 1, 1); d < DaysFromCivil(2200, 1, 1); ++d) {
    int y, m, day;
    CivilFromDays(d, &y, &m, &day);
    ASSERT_EQ(DaysFromCivil(y, m, day), d);
  }
  // Extremes do not crash or overflow.
  int y, m, day;
  CivilFromDays(std::numeric_limits<int32_t>::min(), &y, &m, &day);
  CivilFromDays(std::numeric_limits<int32_t>::max(), &y, &m, &day);
}

TEST(TimestampTest, FormatAndParse) {
  ASSERT_OK_AND_ASSIGN(int64_t t, ParseTimestamp("1998-12-01 12:34:56"));
  EXPECT_EQ(t, (10561LL * 86400 + 12 * 3600 + 34 * 60 + 56) * 1000000);
  EXPECT_EQ(FormatTimestamp(t), "1998-12-01 12:34:56");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(*ParseTimestamp("1969-12-31 23:59:59.999999"), -1);
  EXPECT_EQ(*ParseTimestamp("1970-01-01 00:00:00.5"), 500000);
  EXPECT_EQ(*ParseTimestamp("1970-01-02"), 86400000000LL);
  EXPECT_TRUE(ParseTimestamp("1970-01-01 24:00:00").status().IsInvalidArgument());
  EXPECT_TRUE(ParseTimestamp("1970-01-01 00:00:00.").status().IsInvalidArgument());
  FormatTimestamp(std::numeric_limits<int64_t>::min());
  FormatTimestamp(std::numeric_limits<int64_t>::max());
}

TEST(DecimalTest, FormatAndParse) {
  EXPECT_EQ(FormatDecimal(-1250, 2), "-12.50");
  EXPECT_EQ(FormatDecimal(5, 2), "0.05");
  EXPECT_EQ(FormatDecimal(-5, 3), "-0.005");
  EXPECT_EQ(FormatDecimal(42, 0), "42");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<int64_t>::min(), 2), "-92233720368547758.08");
  EXPECT_EQ(*ParseDecimal("-12.5", 12, 2), -1250);
  EXPECT_EQ(*ParseDecimal("0.05", 12, 2), 5);
  EXPECT_EQ(*ParseDecimal("7", 12, 2), 700);
  EXPECT_EQ(*ParseDecimal("999999999999999999", 18, 0), 999999999999999999LL);
  EXPECT_TRUE(ParseDecimal("1.234", 12, 2).status().IsInvalidArgument());
  EXPECT_TRUE(ParseDecimal("1234", 5, 2).status().IsInvalidArgument());
  EXPECT_TRUE(ParseDecimal("", 5, 2).status().IsInvalidArgument());
  EXPECT_TRUE(ParseDecimal("1e5", 5, 2).status().IsInvalidArgument());
}

TEST(ValueTest, OrderAndText) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(CompareDoubles(-inf, -1), 0);
  EXPECT_LT(CompareDoubles(inf, nan), 0);
  EXPECT_EQ(CompareDoubles(nan, nan), 0);
  EXPECT_EQ(CompareDoubles(-0.0, 0.0), 0);
  EXPECT_FALSE(Value::Double(-0.0) == Value::Double(0.0));  // identity is bitwise
  EXPECT_TRUE(Value::Double(nan) == Value::Double(nan));
  EXPECT_LT(CompareValues(Value::String("a"), Value::String("\xff")), 0);
  EXPECT_EQ(Value::Int(-1250).ToString(*DataType::Decimal(12, 2)), "-12.50");
  EXPECT_EQ(Value::Int(10561).ToString(DataType::Date()), "1998-12-01");
  EXPECT_EQ(Value::Int(1).ToString(DataType::Bool()), "true");
  EXPECT_EQ(Value().ToString(DataType::Int64()), "NULL");
}

}  // namespace
}  // namespace silt

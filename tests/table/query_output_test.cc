// The output formats of a query result (src/table/query_output.h): exact
// text for the table, CSV and JSON forms, with nulls, alignment, quoting and
// escaping edge cases; JSON lines are also parsed back with nlohmann-json.
#include "table/query_output.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace silt {
namespace {

ColumnVector Ints(std::vector<std::optional<int64_t>> v, DataType type = DataType::Int64()) {
  ColumnVector c(type);
  for (const auto& x : v) {
    if (!x) {
      c.AppendNull();
    } else if (c.physical() == PhysicalType::kInt32) {
      c.AppendInt32(static_cast<int32_t>(*x));
    } else if (c.physical() == PhysicalType::kBool) {
      c.AppendBool(*x != 0);
    } else {
      c.AppendInt64(*x);
    }
  }
  return c;
}

ColumnVector Strings(std::vector<std::optional<std::string>> v) {
  ColumnVector c(DataType::String());
  for (const auto& x : v) {
    if (x) {
      c.AppendString(*x);
    } else {
      c.AppendNull();
    }
  }
  return c;
}

ColumnVector Doubles(std::vector<std::optional<double>> v) {
  ColumnVector c(DataType::Float64());
  for (const auto& x : v) {
    if (x) {
      c.AppendDouble(*x);
    } else {
      c.AppendNull();
    }
  }
  return c;
}

QueryResult Result(std::vector<std::string> names, std::vector<ColumnVector> columns) {
  QueryResult r;
  r.names = std::move(names);
  r.rows = columns.empty() ? 0 : columns[0].size();
  r.columns = std::move(columns);
  return r;
}

std::string Write(const QueryResult& r, OutputFormat f) {
  std::string out;
  WriteQueryResult(r, f, &out);
  return out;
}

const DataType kDecimal = *DataType::Decimal(10, 2);
constexpr int64_t k1994 = 8766;  // 1994-01-01 in days

TEST(ParseOutputFormatTest, KnowsTheThreeNames) {
  ASSERT_OK_AND_ASSIGN(OutputFormat f, ParseOutputFormat("table"));
  EXPECT_EQ(f, OutputFormat::kTable);
  ASSERT_OK_AND_ASSIGN(f, ParseOutputFormat("csv"));
  EXPECT_EQ(f, OutputFormat::kCsv);
  ASSERT_OK_AND_ASSIGN(f, ParseOutputFormat("json"));
  EXPECT_EQ(f, OutputFormat::kJson);
  auto bad = ParseOutputFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_EQ(bad.status().message(), "unknown output format 'xml': expected table, csv or json");
  EXPECT_FALSE(ParseOutputFormat("").ok());
  EXPECT_FALSE(ParseOutputFormat("CSV ").ok());
}

TEST(TableOutputTest, AlignsNumbersRightAndTextLeft) {
  // Names are left-aligned, as `silt rowset query` prints them.
  QueryResult r = Result({"id", "name", "price"}, {Ints({1, std::nullopt, 12345}),
                                                   Strings({"apple", "kiwi fruit", std::nullopt}),
                                                   Ints({1250, -5, std::nullopt}, kDecimal)});
  EXPECT_EQ(Write(r, OutputFormat::kTable),
            "id    | name       | price\n"
            "------+------------+------\n"
            "    1 | apple      | 12.50\n"
            " NULL | kiwi fruit | -0.05\n"
            "12345 | NULL       |  NULL\n"
            "(3 rows)\n");
}

TEST(TableOutputTest, LastTextColumnIsNotPadded) {
  QueryResult r =
      Result({"name", "n"}, {Strings({"é", "long name"}), Ints({7, 1}, DataType::Int32())});
  // "é" is one column wide; the name is longer than the values.
  EXPECT_EQ(Write(r, OutputFormat::kTable),
            "name      | n\n"
            "----------+--\n"
            "é         | 7\n"
            "long name | 1\n"
            "(2 rows)\n");
  r = Result({"n", "text"}, {Doubles({0.5}), Strings({"x"})});
  EXPECT_EQ(Write(r, OutputFormat::kTable),
            "n   | text\n"
            "----+-----\n"
            "0.5 | x\n"
            "(1 row)\n");
}

TEST(TableOutputTest, DatesBooleansAndNoRows) {
  ColumnVector dates(DataType::Date());
  dates.AppendInt32(static_cast<int32_t>(k1994));
  dates.AppendNull();
  QueryResult r = Result({"day", "ok"}, {std::move(dates), Ints({1, 0}, DataType::Bool())});
  EXPECT_EQ(Write(r, OutputFormat::kTable),
            "day        | ok\n"
            "-----------+------\n"
            "1994-01-01 | true\n"
            "NULL       | false\n"
            "(2 rows)\n");
  r = Result({"a", "bb"}, {Ints({}), Strings({})});
  EXPECT_EQ(Write(r, OutputFormat::kTable), "a | bb\n--+---\n(0 rows)\n");
}

TEST(CsvOutputTest, QuotesOnlyWhatNeedsIt) {
  ColumnVector dates(DataType::Date());
  dates.AppendInt32(static_cast<int32_t>(k1994));
  dates.AppendNull();
  dates.AppendInt32(static_cast<int32_t>(k1994 + 59));
  dates.AppendInt32(static_cast<int32_t>(k1994));
  dates.AppendInt32(static_cast<int32_t>(k1994));
  QueryResult r =
      Result({"id", "text", "sum(a, b)", "f", "ok", "day"},
             {Ints({1, std::nullopt, 3, 4, 5}),
              Strings({"plain", "a,b", "say \"hi\"", "line1\nline2\r\n", ""}),
              Ints({1250, -5, std::nullopt, 0, 100000}, kDecimal),
              Doubles({0.1, std::nullopt, 2.5, -1, std::numeric_limits<double>::quiet_NaN()}),
              Ints({1, 0, std::nullopt, 1, 0}, DataType::Bool()), std::move(dates)});
  EXPECT_EQ(Write(r, OutputFormat::kCsv),
            "id,text,\"sum(a, b)\",f,ok,day\n"
            "1,plain,12.50,0.1,true,1994-01-01\n"
            ",\"a,b\",-0.05,,false,\n"
            "3,\"say \"\"hi\"\"\",,2.5,,1994-03-01\n"
            "4,\"line1\nline2\r\n\",0.00,-1,true,1994-01-01\n"
            "5,\"\",1000.00,NaN,false,1994-01-01\n");
}

TEST(CsvOutputTest, NoRowsIsTheHeader) {
  EXPECT_EQ(Write(Result({"a", "\"q\""}, {Ints({}), Strings({})}), OutputFormat::kCsv),
            "a,\"\"\"q\"\"\"\n");
}

TEST(JsonOutputTest, OneObjectPerLine) {
  ColumnVector dates(DataType::Date());
  dates.AppendInt32(static_cast<int32_t>(k1994));
  dates.AppendNull();
  ColumnVector ts(DataType::Timestamp());
  ts.AppendInt64(1500000);  // 1.5 s
  ts.AppendNull();
  QueryResult r = Result({"id", "s", "d", "f", "b", "dt", "ts", "i"},
                         {Ints({1, std::nullopt}), Strings({"plain", std::nullopt}),
                          Ints({1250, std::nullopt}, kDecimal), Doubles({0.1, std::nullopt}),
                          Ints({1, std::nullopt}, DataType::Bool()), std::move(dates),
                          std::move(ts), Ints({-7, std::nullopt}, DataType::Int32())});
  EXPECT_EQ(Write(r, OutputFormat::kJson),
            "{\"id\":1,\"s\":\"plain\",\"d\":12.50,\"f\":0.1,\"b\":true,\"dt\":\"1994-01-01\","
            "\"ts\":\"1970-01-01 00:00:01.500000\",\"i\":-7}\n"
            "{\"id\":null,\"s\":null,\"d\":null,\"f\":null,\"b\":null,\"dt\":null,\"ts\":null,"
            "\"i\":null}\n");
  EXPECT_EQ(Write(Result({"x"}, {Ints({})}), OutputFormat::kJson), "");
}

TEST(JsonOutputTest, NumbersAreJsonNumbers) {
  const double inf = std::numeric_limits<double>::infinity();
  QueryResult r =
      Result({"f"}, {Doubles({1.0 / 3, 1e300, -0.0, 5e-324, 2, std::nan(""), inf, -inf})});
  EXPECT_EQ(Write(r, OutputFormat::kJson),
            "{\"f\":0.3333333333333333}\n"
            "{\"f\":1e+300}\n"
            "{\"f\":-0}\n"
            "{\"f\":5e-324}\n"
            "{\"f\":2}\n"
            "{\"f\":\"NaN\"}\n"
            "{\"f\":\"inf\"}\n"
            "{\"f\":\"-inf\"}\n");
  r = Result({"d"}, {Ints({-5, 0, 1, std::numeric_limits<int64_t>::min()}, kDecimal)});
  EXPECT_EQ(Write(r, OutputFormat::kJson),
            "{\"d\":-0.05}\n{\"d\":0.00}\n{\"d\":0.01}\n{\"d\":-92233720368547758.08}\n");
  // Doubles read back exactly.
  std::mt19937_64 rng(7);
  std::vector<std::optional<double>> values;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
  }
  r = Result({"f"}, {Doubles(values)});
  const std::string out = Write(r, OutputFormat::kJson);
  size_t pos = 0;
  for (const auto& v : values) {
    const size_t end = out.find('\n', pos);
    const std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    const std::string num = line.substr(5, line.size() - 6);  // {"f":...}
    EXPECT_EQ(std::strtod(num.c_str(), nullptr), *v) << line;
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_TRUE(parsed["f"].is_number()) << line;
  }
}

TEST(JsonOutputTest, StringsAreEscaped) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"say \"hi\" \\ /", R"("say \"hi\" \\ /")"},
      {"a\nb\rc\td\be\ff", R"("a\nb\rc\td\be\ff")"},
      {std::string("nul\0x", 5), R"("nul\u0000x")"},
      {"\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\""},
      {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
      {"bad \xff end", R"("bad \u00ff end")"},
      {"cut \xc3", R"("cut \u00c3")"},
      {"stray \x80\xbf", R"("stray \u0080\u00bf")"},
      {"overlong \xc0\xaf", R"("overlong \u00c0\u00af")"},
      {"surrogate \xed\xa0\x80", R"("surrogate \u00ed\u00a0\u0080")"},
      {"too big \xf4\x90\x80\x80", R"("too big \u00f4\u0090\u0080\u0080")"},
      {"max \xf4\x8f\xbf\xbf", "\"max \xf4\x8f\xbf\xbf\""},
      {"", R"("")"},
  };
  for (const auto& [in, want] : cases) {
    QueryResult r = Result({"s"}, {Strings({in})});
    const std::string out = Write(r, OutputFormat::kJson);
    EXPECT_EQ(out, "{\"s\":" + want + "}\n") << in;
    // Valid JSON (and UTF-8) whatever the bytes.
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << out;
    EXPECT_TRUE(parsed["s"].is_string());
  }
  // Names are escaped too.
  QueryResult r = Result({"a\"b", "x\ny"}, {Ints({1}), Ints({2})});
  EXPECT_EQ(Write(r, OutputFormat::kJson), "{\"a\\\"b\":1,\"x\\ny\":2}\n");
}

}  // namespace
}  // namespace silt

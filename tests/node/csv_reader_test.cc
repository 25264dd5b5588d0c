// CsvReader: every type, quoting, headers, nulls, each error with its line
// number, batch and buffer boundaries, and a round trip of generated
// lineitem rows (docs/csv_import.md).
#include "node/csv_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

#include "common/fault_injection_env.h"
#include "common/path.h"
#include "table/tpch_lineitem.h"
#include "test_util.h"

namespace silt::node {
namespace {

class CsvReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text, const std::string& name = "t.csv") {
    const std::string path = JoinPath(dir_.path(), name);
    auto f = Env::Default()->NewFile(path, OpenMode::kTruncate);
    EXPECT_TRUE(f.ok());
    EXPECT_OK((*f)->Append(text));
    return path;
  }

  // All rows of `text` as Values (row-major); the error if reading fails.
  Result<std::vector<std::vector<Value>>> ReadAll(const std::string& text,
                                                  const std::vector<ColumnDef>& columns,
                                                  CsvOptions options = {}) {
    const std::string path = Write(text);
    SILT_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(Env::Default(), path, columns, options));
    std::vector<std::vector<Value>> rows;
    RowBatch batch;
    while (true) {
      SILT_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
      if (!more) {
        EXPECT_EQ(batch.rows, 0u);
        break;
      }
      EXPECT_GT(batch.rows, 0u);
      EXPECT_LE(batch.rows, options.batch_rows);
      EXPECT_EQ(batch.columns.size(), columns.size());
      for (size_t r = 0; r < batch.rows; ++r) {
        std::vector<Value> row;
        for (const auto& c : batch.columns) {
          EXPECT_EQ(c.size(), batch.rows);
          row.push_back(c.GetValue(r));
        }
        rows.push_back(std::move(row));
      }
    }
    EXPECT_EQ(reader->rows_read(), rows.size());
    EXPECT_EQ(reader->bytes_read(), reader->file_size());
    return rows;
  }

  // The error message of reading `text` (with the file's path replaced by F).
  std::string Error(const std::string& text, const std::vector<ColumnDef>& columns,
                    CsvOptions options = {}) {
    auto r = ReadAll(text, columns, options);
    if (r.ok()) return "OK";
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    std::string m = r.status().message();
    const std::string path = JoinPath(dir_.path(), "t.csv");
    if (m.rfind(path, 0) != 0) return m;
    std::string out = "F";
    out.append(m, path.size());
    return out;
  }

  test::TempDir dir_;
};

const std::vector<ColumnDef> kTwoInts = {{"a", DataType::Int64()}, {"b", DataType::Int64()}};

std::vector<ColumnDef> AllTypes() {
  return {{"b", DataType::Bool()},       {"i", DataType::Int32()},         {"l", DataType::Int64()},
          {"f", DataType::Float64()},    {"d", *DataType::Decimal(10, 2)}, {"dt", DataType::Date()},
          {"ts", DataType::Timestamp()}, {"s", DataType::String()}};
}

Value I(int64_t v) { return Value::Int(v); }
Value S(std::string v) { return Value::String(std::move(v)); }

TEST_F(CsvReaderTest, EveryType) {
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("true,1,-5,1.5,12.5,2024-02-29,2024-01-02 03:04:05.5,hi\n"
                                          "0,-2147483648,9223372036854775807,-1e300,-0.01,"
                                          "1970-01-01,1970-01-01,\" a,b \"\n"
                                          ",,,,,,,\n",
                                          AllTypes()));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], I(1));
  EXPECT_EQ(rows[0][1], I(1));
  EXPECT_EQ(rows[0][2], I(-5));
  EXPECT_EQ(rows[0][3], Value::Double(1.5));
  EXPECT_EQ(rows[0][4], I(1250));
  EXPECT_EQ(rows[0][5], I(*ParseDate("2024-02-29")));
  EXPECT_EQ(rows[0][6], I(*ParseTimestamp("2024-01-02 03:04:05.5")));
  EXPECT_EQ(rows[0][7], S("hi"));
  EXPECT_EQ(rows[1][0], I(0));
  EXPECT_EQ(rows[1][1], I(-2147483648LL));
  EXPECT_EQ(rows[1][2], I(9223372036854775807LL));
  EXPECT_EQ(rows[1][3], Value::Double(-1e300));
  EXPECT_EQ(rows[1][4], I(-1));
  EXPECT_EQ(rows[1][5], I(0));
  EXPECT_EQ(rows[1][6], I(0));
  EXPECT_EQ(rows[1][7], S(" a,b "));
  for (const Value& v : rows[2]) EXPECT_TRUE(v.is_null());
}

TEST_F(CsvReaderTest, Bools) {
  const std::vector<ColumnDef> c = {{"b", DataType::Bool()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("TRUE\nFalse\n1\n0\n tRuE \n\"false\"\n", c));
  ASSERT_EQ(rows.size(), 6u);
  const int64_t want[] = {1, 0, 1, 0, 1, 0};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(rows[i][0], I(want[i])) << i;
  EXPECT_EQ(Error("true\nyes\n", c), "F line 2, column 'b': cannot parse 'yes' as bool");
  EXPECT_EQ(Error("2\n", c), "F line 1, column 'b': cannot parse '2' as bool");
}

TEST_F(CsvReaderTest, Integers) {
  const std::vector<ColumnDef> c = {{"i", DataType::Int32()}, {"l", DataType::Int64()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("+5, 7 \n2147483647,-9223372036854775808\n", c));
  EXPECT_EQ(rows[0][0], I(5));
  EXPECT_EQ(rows[0][1], I(7));
  EXPECT_EQ(rows[1][0], I(2147483647));
  EXPECT_EQ(rows[1][1], I(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Error("2147483648,1\n", c),
            "F line 1, column 'i': cannot parse '2147483648' as int32: out of range");
  EXPECT_EQ(Error("1,9223372036854775808\n", c),
            "F line 1, column 'l': cannot parse '9223372036854775808' as int64: out of range");
  EXPECT_EQ(Error("+-1,1\n", c), "F line 1, column 'i': cannot parse '+-1' as int32");
  EXPECT_EQ(Error("1,7a\n", c), "F line 1, column 'l': cannot parse '7a' as int64");
  EXPECT_EQ(Error("1,1.0\n", c), "F line 1, column 'l': cannot parse '1.0' as int64");
  EXPECT_EQ(Error("1,\"\"\n", c), "F line 1, column 'l': cannot parse '' as int64");
  EXPECT_EQ(Error("1,\" \"\n", c), "F line 1, column 'l': cannot parse ' ' as int64");
}

TEST_F(CsvReaderTest, Floats) {
  const std::vector<ColumnDef> c = {{"f", DataType::Float64()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("1.5\n+2.5e3\n-inf\nnan\n 0.1 \n1e-5\n", c));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0][0], Value::Double(1.5));
  EXPECT_EQ(rows[1][0], Value::Double(2500));
  EXPECT_EQ(rows[2][0], Value::Double(-INFINITY));
  EXPECT_TRUE(std::isnan(rows[3][0].double_value()));
  EXPECT_EQ(rows[4][0], Value::Double(0.1));
  EXPECT_EQ(rows[5][0], Value::Double(1e-5));
  EXPECT_EQ(Error("1e999\n", c),
            "F line 1, column 'f': cannot parse '1e999' as float64: out of range");
  EXPECT_EQ(Error("1.5x\n", c), "F line 1, column 'f': cannot parse '1.5x' as float64");
  EXPECT_EQ(Error("0x10\n", c), "F line 1, column 'f': cannot parse '0x10' as float64");
}

TEST_F(CsvReaderTest, Decimals) {
  const std::vector<ColumnDef> c = {{"d", *DataType::Decimal(5, 2)}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("12.5\n-0.01\n999.99\n.5\n7.\n+1\n 00012.30 \n", c));
  const int64_t want[] = {1250, -1, 99999, 50, 700, 100, 1230};
  ASSERT_EQ(rows.size(), 7u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(rows[i][0], I(want[i])) << i;
  EXPECT_EQ(Error("1.234\n", c),
            "F line 1, column 'd': cannot parse '1.234' as decimal(5,2): too many fraction digits");
  EXPECT_EQ(Error("1000\n", c),
            "F line 1, column 'd': cannot parse '1000' as decimal(5,2): too many digits");
  EXPECT_EQ(Error(".\n", c), "F line 1, column 'd': cannot parse '.' as decimal(5,2)");
  EXPECT_EQ(Error("1.2.3\n", c), "F line 1, column 'd': cannot parse '1.2.3' as decimal(5,2)");
  EXPECT_EQ(Error("1e2\n", c), "F line 1, column 'd': cannot parse '1e2' as decimal(5,2)");
  // The same values as ParseDecimal.
  for (const char* t : {"0", "-0", "123.45", "0.1", "00.10", "-999.99"}) {
    ASSERT_OK_AND_ASSIGN(auto r, ReadAll(std::string(t) + "\n", c));
    EXPECT_EQ(r[0][0], I(*ParseDecimal(t, 5, 2))) << t;
  }
}

TEST_F(CsvReaderTest, DatesAndTimestamps) {
  const std::vector<ColumnDef> c = {{"d", DataType::Date()}, {"t", DataType::Timestamp()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("2024-02-29,2024-01-02T03:04:05\n"
                                          " 0001-01-01 ,2024-01-02\n"
                                          "9999-12-31,1999-12-31 23:59:59.999999\n",
                                          c));
  EXPECT_EQ(rows[0][0], I(*ParseDate("2024-02-29")));
  EXPECT_EQ(rows[0][1], I(*ParseTimestamp("2024-01-02 03:04:05")));
  EXPECT_EQ(rows[1][0], I(*ParseDate("0001-01-01")));
  EXPECT_EQ(rows[1][1], I(*ParseTimestamp("2024-01-02")));
  EXPECT_EQ(rows[2][0], I(*ParseDate("9999-12-31")));
  EXPECT_EQ(rows[2][1], I(*ParseTimestamp("1999-12-31 23:59:59.999999")));
  EXPECT_EQ(Error("2023-02-29,\n", c), "F line 1, column 'd': cannot parse '2023-02-29' as date");
  EXPECT_EQ(Error("2023-13-01,\n", c), "F line 1, column 'd': cannot parse '2023-13-01' as date");
  EXPECT_EQ(Error("2023-1-01,\n", c), "F line 1, column 'd': cannot parse '2023-1-01' as date");
  EXPECT_EQ(Error("2023-01-00,\n", c), "F line 1, column 'd': cannot parse '2023-01-00' as date");
  EXPECT_EQ(Error("\"2023-01-01\n\",\n", c),
            "F line 1, column 'd': cannot parse '2023-01-01\\x0a' as date");
  EXPECT_EQ(Error(",2024-01-02 24:00:00\n", c),
            "F line 1, column 't': cannot parse '2024-01-02 24:00:00' as timestamp");
}

TEST_F(CsvReaderTest, StringsAndQuoting) {
  const std::vector<ColumnDef> c = {{"s", DataType::String()}, {"n", DataType::Int64()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll(" lead and trail ,1\n"
                                          "\"a,b\",2\n"
                                          "\"say \"\"hi\"\"\",3\n"
                                          "\"two\nlines\",4\n"
                                          "\"crlf\r\ninside\",5\n"
                                          "\"\",6\n"
                                          ",7\n"
                                          "\"\"\"\",8\n"
                                          "\"9\",\"9\"\n"
                                          "caf\xc3\xa9 \xff,10",
                                          c));
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows[0][0], S(" lead and trail "));
  EXPECT_EQ(rows[1][0], S("a,b"));
  EXPECT_EQ(rows[2][0], S("say \"hi\""));
  EXPECT_EQ(rows[3][0], S("two\nlines"));
  EXPECT_EQ(rows[4][0], S("crlf\r\ninside"));
  EXPECT_EQ(rows[5][0], S(""));
  EXPECT_TRUE(rows[6][0].is_null());
  EXPECT_EQ(rows[7][0], S("\""));
  EXPECT_EQ(rows[8][0], S("9"));
  EXPECT_EQ(rows[8][1], I(9));
  EXPECT_EQ(rows[9][0], S("caf\xc3\xa9 \xff"));
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i][1], I(static_cast<int64_t>(i + 1)));
}

TEST_F(CsvReaderTest, CrLfFiles) {
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("1,2\r\n3,\"4\"\r\n\r\n", kTwoInts));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], I(4));
  EXPECT_EQ(Error("1,2\r\n3,x\r\n", kTwoInts), "F line 2, column 'b': cannot parse 'x' as int64");
  EXPECT_EQ(Error("1,2\r3,4\r\n", kTwoInts),
            "F line 1, column 'b': carriage return not followed by a newline");
  EXPECT_EQ(Error("1,2\n\r", kTwoInts),
            "F line 2, column 'a': carriage return not followed by a newline");
}

TEST_F(CsvReaderTest, OtherDelimiter) {
  CsvOptions o;
  o.delimiter = '\t';
  ASSERT_OK_AND_ASSIGN(
      auto rows,
      ReadAll("1\t2\n\"3\t\"\t4\n", {{"a", DataType::String()}, {"b", DataType::Int64()}}, o));
  EXPECT_EQ(rows[0][0], S("1"));
  EXPECT_EQ(rows[1][0], S("3\t"));
  o.delimiter = '"';
  EXPECT_TRUE(
      CsvReader::Open(Env::Default(), Write("1"), kTwoInts, o).status().IsInvalidArgument());
}

TEST_F(CsvReaderTest, LinesAndEnds) {
  // A last line without newline; trailing empty lines ignored.
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("1,2\n3,4", kTwoInts));
  EXPECT_EQ(rows.size(), 2u);
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("1,2\n3,4\n\n\n", kTwoInts));
  EXPECT_EQ(rows.size(), 2u);
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("", kTwoInts));
  EXPECT_EQ(rows.size(), 0u);
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("\n", kTwoInts));
  EXPECT_EQ(rows.size(), 0u);
  // A final unquoted empty field at the end of the file is a null.
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("1,", kTwoInts));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][1].is_null());
  EXPECT_EQ(Error("1,2\n\n3,4\n", kTwoInts), "F line 2: expected 2 fields, found an empty line");
  // One column: an empty line inside is a null.
  const std::vector<ColumnDef> one = {{"a", DataType::Int64()}};
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("1\n\n3\n\n", one));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[1][0].is_null());
  EXPECT_EQ(rows[2][0], I(3));
  EXPECT_EQ(Error("1\n\n3\n", {{"a", DataType::Int64().NotNull()}}),
            "F line 2, column 'a': null in not-null column");
  // A byte order mark is skipped.
  ASSERT_OK_AND_ASSIGN(rows, ReadAll("\xEF\xBB\xBF"
                                     "5,6\n",
                                     kTwoInts));
  EXPECT_EQ(rows[0][0], I(5));
}

TEST_F(CsvReaderTest, Header) {
  CsvOptions o;
  o.header = true;
  const std::vector<ColumnDef> c = {
      {"id", DataType::Int64()}, {"name", DataType::String()}, {"price", *DataType::Decimal(6, 2)}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("price,\"name\",id\n1.5,x,7\n", c, o));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], I(7));
  EXPECT_EQ(rows[0][1], S("x"));
  EXPECT_EQ(rows[0][2], I(150));
  EXPECT_EQ(Error("price,name\n", c, o), "F line 1 (header): column 'id' is missing");
  EXPECT_EQ(Error("price,name,id,extra\n", c, o),
            "F line 1 (header): unknown column 'extra' (the table's columns are id, name, price)");
  EXPECT_EQ(Error("price,name,ID\n", c, o),
            "F line 1 (header): unknown column 'ID' (the table's columns are id, name, price)");
  EXPECT_EQ(Error("price,name,id,name\n", c, o), "F line 1 (header): column 'name' appears twice");
  EXPECT_EQ(Error("", c, o), "F: empty file, expected a header line");
  EXPECT_EQ(Error("id,\"name,price\n", c, o),
            "F line 1 (header), field 2: unterminated quoted field at end of file");
  // Line numbers count the header, also a header on two lines.
  EXPECT_EQ(Error("id,name,price\n1,a,1\n2,b,x\n", c, o),
            "F line 3, column 'price': cannot parse 'x' as decimal(6,2)");
  EXPECT_EQ(Error("id,\"na\nme\",price\n", c, o),
            "F line 1 (header): unknown column 'na\\x0ame' (the table's columns are id, name, "
            "price)");
  EXPECT_EQ(Error("\"id\",name,price\n1,a,1\n2,b,x\n", c, o),
            "F line 3, column 'price': cannot parse 'x' as decimal(6,2)");
  // Errors name the column, not the field position, when fields are reordered.
  EXPECT_EQ(Error("price,id,name\n1,2\n", c, o), "F line 2: expected 3 fields, found 2");
  EXPECT_EQ(Error("price,id,name\n1,\"2\"x,a\n", c, o),
            "F line 2, column 'id': unexpected 'x' after a closing quote");
}

TEST_F(CsvReaderTest, Nulls) {
  const std::vector<ColumnDef> c = {{"a", DataType::Int64().NotNull()},
                                    {"s", DataType::String().NotNull()}};
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll("1,\"\"\n", c));
  EXPECT_EQ(rows[0][1], S(""));
  EXPECT_EQ(Error("1,a\n,b\n", c), "F line 2, column 'a': null in not-null column");
  EXPECT_EQ(Error("1,a\n2,\n", c), "F line 2, column 's': null in not-null column");
  // Nulls in nullable columns of every type, mixed with values in one batch.
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += i % 3 == 0 ? ",,,,,,,\n" : "1,2,3,4.5,6.7,2020-01-01,2020-01-01 00:00:01,s\n";
  }
  ASSERT_OK_AND_ASSIGN(rows, ReadAll(text, AllTypes()));
  ASSERT_EQ(rows.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    for (const Value& v : rows[i]) EXPECT_EQ(v.is_null(), i % 3 == 0);
  }
}

TEST_F(CsvReaderTest, ErrorsAndLineNumbers) {
  const std::vector<ColumnDef> c = {{"a", DataType::Int64()}, {"s", DataType::String()}};
  // After a quoted field that spans lines, lines still count physical lines.
  const std::string multi = "1,\"x\ny\nz\"\n2,\"\n\"\n";
  EXPECT_EQ(Error(multi + "q,w\n", c), "F line 6, column 'a': cannot parse 'q' as int64");
  EXPECT_EQ(Error(multi + "3\n", c), "F line 6: expected 2 fields, found 1");
  EXPECT_EQ(Error(multi + "3,a,b,c\n", c), "F line 6: expected 2 fields, found 4");
  EXPECT_EQ(Error(multi + "3,a,\"b\n", c),
            "F line 6, field 3: unterminated quoted field at end of file");
  EXPECT_EQ(Error(multi + "3,\"unterminated\n4,x\n", c),
            "F line 6, column 's': unterminated quoted field at end of file");
  EXPECT_EQ(Error(multi + "3,ab\"c\n", c), "F line 6, column 's': quote inside an unquoted field");
  EXPECT_EQ(Error(multi + "3,\"ab\"c\n", c),
            "F line 6, column 's': unexpected 'c' after a closing quote");
  EXPECT_EQ(Error(multi + "3,\"ab\" \n", c),
            "F line 6, column 's': unexpected ' ' after a closing quote");
  EXPECT_EQ(Error(multi + "3,a\r\n4,a\r", c),
            "F line 7, column 's': carriage return not followed by a newline");
  EXPECT_EQ(Error(multi + "3,a\n4", c), "F line 7: expected 2 fields, found 1");
  // The first error in the file wins, whichever pass finds it.
  EXPECT_EQ(Error("1,a\nx,b\n3\n", c), "F line 2, column 'a': cannot parse 'x' as int64");
  EXPECT_EQ(Error("1,a\n2,b\n3\nx,b\n", c), "F line 3: expected 2 fields, found 1");
  EXPECT_EQ(Error("1,2,x\n1,x,3\n",
                  {{"a", DataType::Int64()}, {"b", DataType::Int64()}, {"c", DataType::Int64()}}),
            "F line 1, column 'c': cannot parse 'x' as int64");
  EXPECT_EQ(Error("1,a\n,b\nx,\n", {{"a", DataType::Int64()}, {"s", DataType::String().NotNull()}}),
            "F line 3, column 'a': cannot parse 'x' as int64");
  // With a header, fields count in file order.
  CsvOptions h;
  h.header = true;
  EXPECT_EQ(Error("b,a\nx,y\n", kTwoInts, h), "F line 2, column 'b': cannot parse 'x' as int64");
  // Long and binary text is shortened and escaped.
  EXPECT_EQ(Error(std::string(100, '7') + "\x01,a\n", c),
            "F line 1, column 'a': cannot parse '" + std::string(64, '7') + "...' as int64");
  EXPECT_EQ(Error("\"\x01\x02\",a\n", c),
            "F line 1, column 'a': cannot parse '\\x01\\x02' as int64");
}

TEST_F(CsvReaderTest, ErrorsAreSticky) {
  CsvOptions o;
  o.batch_rows = 1;
  auto reader = CsvReader::Open(Env::Default(), Write("1,2\nx,2\n3,4\n"), kTwoInts, o);
  ASSERT_OK(reader.status());
  RowBatch batch;
  ASSERT_OK_AND_ASSIGN(bool more, (*reader)->Next(&batch));
  EXPECT_TRUE(more);
  EXPECT_EQ(batch.rows, 1u);
  for (int i = 0; i < 2; ++i) {
    auto r = (*reader)->Next(&batch);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("line 2, column 'a'"), std::string::npos);
  }
}

TEST_F(CsvReaderTest, MissingFile) {
  auto r = CsvReader::Open(Env::Default(), JoinPath(dir_.path(), "none.csv"), kTwoInts, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound() || r.status().IsIOError()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("none.csv"), std::string::npos);
  EXPECT_TRUE(CsvReader::Open(Env::Default(), Write("1"), {}, {}).status().IsInvalidArgument());
}

// Files come through the Env: here an in-memory one.
TEST_F(CsvReaderTest, ReadsThroughEnv) {
  FaultInjectionEnv env;
  {
    ASSERT_OK_AND_ASSIGN(auto f, env.NewFile("/mem.csv", OpenMode::kCreate));
    ASSERT_OK(f->Append("1,2\n3,4\n"));
  }
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(&env, "/mem.csv", kTwoInts, {}));
  RowBatch batch;
  ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
  ASSERT_TRUE(more);
  EXPECT_EQ(batch.rows, 2u);
  EXPECT_EQ(batch.columns[1].Get<int64_t>(1), 4);
  auto missing = CsvReader::Open(&env, "/none.csv", kTwoInts, {});
  EXPECT_FALSE(missing.ok());
}

// Every batch size and read size gives the same rows, with quoted fields
// that span lines and buffer ends.
TEST_F(CsvReaderTest, BatchAndBufferBoundaries) {
  std::string text = "s,n\r\n";
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    switch (i % 4) {
      case 0:
        text.append("plain").append(n).append(",").append(n).append("\n");
        break;
      case 1:
        text.append("\"quoted \"\"").append(n).append("\"\" with\nnewline\",").append(n);
        text.append("\r\n");
        break;
      case 2:
        text.append(",").append(n).append("\n");
        break;
      default:
        text.append("\"").append(static_cast<size_t>(i), 'x').append("\",\"").append(n);
        text.append("\"\n");
        break;
    }
  }
  const std::vector<ColumnDef> c = {{"s", DataType::String()}, {"n", DataType::Int64()}};
  CsvOptions base;
  base.header = true;
  ASSERT_OK_AND_ASSIGN(auto want, ReadAll(text, c, base));
  ASSERT_EQ(want.size(), 40u);
  EXPECT_EQ(want[1][0], S("quoted \"1\" with\nnewline"));
  EXPECT_TRUE(want[2][0].is_null());
  for (size_t batch_rows : {1, 3, 7, 1000, 5000}) {
    for (size_t read_bytes : {16, 17, 31, 64, 100, 1 << 20}) {
      CsvOptions o = base;
      o.batch_rows = batch_rows;
      o.read_bytes = read_bytes;
      ASSERT_OK_AND_ASSIGN(auto got, ReadAll(text, c, o));
      EXPECT_EQ(got, want) << batch_rows << " " << read_bytes;
    }
  }
  // Batch sizes and the error line survive small reads too.
  CsvOptions o = base;
  o.read_bytes = 16;
  EXPECT_EQ(Error(text + "z,q\n", c, o), "F line 52, column 'n': cannot parse 'q' as int64");
}

TEST_F(CsvReaderTest, BatchSizes) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + "," + std::to_string(i * 2) + "\n";
  const std::string path = Write(text);
  for (size_t batch_rows : {1, 3}) {
    CsvOptions o;
    o.batch_rows = batch_rows;
    ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(Env::Default(), path, kTwoInts, o));
    RowBatch batch;
    std::vector<size_t> sizes;
    int64_t next = 0;
    while (true) {
      ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
      if (!more) break;
      sizes.push_back(batch.rows);
      for (size_t r = 0; r < batch.rows; ++r, ++next) {
        EXPECT_EQ(batch.columns[0].Get<int64_t>(r), next);
        EXPECT_EQ(batch.columns[1].Get<int64_t>(r), next * 2);
      }
      EXPECT_LE(reader->bytes_read(), reader->file_size());
    }
    EXPECT_EQ(next, 10);
    if (batch_rows == 1) {
      EXPECT_EQ(sizes, std::vector<size_t>(10, 1));
    } else {
      EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1}));
    }
    EXPECT_EQ(reader->bytes_read(), text.size());
  }
}

// Random bytes from CSV's alphabet: every outcome is rows or InvalidArgument.
TEST_F(CsvReaderTest, NeverCrashesOnNoise) {
  std::mt19937 rng(7);
  const std::string alphabet = "01,,\"\"\n\n\r -.aeT:";
  for (int iter = 0; iter < 2000; ++iter) {
    std::string text;
    const size_t n = rng() % 60;
    for (size_t i = 0; i < n; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    CsvOptions o;
    o.header = iter % 5 == 0;
    o.batch_rows = 1 + rng() % 4;
    o.read_bytes = 16 + rng() % 20;
    auto cols = AllTypes();
    if (o.header) {
      text = "b,i,l,f,d,dt,ts,s\n" + text;
    }
    if (iter % 3 == 0) cols.resize(1 + iter % 8);
    auto r = ReadAll(text, cols, o);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    }
  }
}

// WriteLineitemCsv, read back, equals the generator's batches.
TEST_F(CsvReaderTest, LineitemRoundTrip) {
  LineitemOptions lo;
  lo.scale_factor = 0.0017;  // about 10,000 rows
  lo.batch_rows = 4096;
  const std::string path = JoinPath(dir_.path(), "lineitem.csv");
  ASSERT_OK_AND_ASSIGN(uint64_t written, WriteLineitemCsv(Env::Default(), path, lo));
  EXPECT_GT(written, 9000u);
  CsvOptions o;
  o.header = true;
  o.batch_rows = 4096;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(Env::Default(), path, LineitemSchema(), o));
  LineitemGenerator gen(lo);
  RowBatch got, want;
  uint64_t rows = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&got));
    ASSERT_OK_AND_ASSIGN(bool more_want, gen.Next(&want));
    ASSERT_EQ(more, more_want);
    if (!more) break;
    ASSERT_EQ(got.rows, want.rows);
    for (size_t c = 0; c < want.columns.size(); ++c) {
      EXPECT_TRUE(got.columns[c].Equals(want.columns[c])) << LineitemSchema()[c].name;
      EXPECT_EQ(got.columns[c].type(), want.columns[c].type());
    }
    rows += got.rows;
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(rows, written);
  EXPECT_EQ(reader->bytes_read(), reader->file_size());
  std::printf("lineitem: %llu rows, %llu bytes read and compared in %.3f s\n",
              static_cast<unsigned long long>(rows),
              static_cast<unsigned long long>(reader->file_size()), secs);
}

}  // namespace
}  // namespace silt::node

namespace silt::node {
namespace {

// Reading speed on a big file: SILT_CSV_BENCH=FILE (a lineitem CSV with its
// header, e.g. from `silt generate lineitem --scale 1`). Prints MB/s; skipped
// without the variable.
TEST(CsvReaderBench, LineitemFile) {
  const char* path = std::getenv("SILT_CSV_BENCH");
  if (path == nullptr) GTEST_SKIP() << "set SILT_CSV_BENCH=lineitem.csv";
  CsvOptions o;
  o.header = true;
  if (const char* n = std::getenv("SILT_CSV_READ_BYTES"))
    o.read_bytes = std::strtoull(n, nullptr, 10);
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(Env::Default(), path, LineitemSchema(), o));
    RowBatch batch;
    while (true) {
      ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
      if (!more) break;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // CPU time too: on a busy machine it says more than the wall clock.
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf("%llu rows, %.1f MB in %.3f s (%.0f MB/s), %.3f s CPU (%.0f MB/s)\n",
                static_cast<unsigned long long>(reader->rows_read()), reader->file_size() / 1e6,
                secs, reader->file_size() / 1e6 / secs, cpu, reader->file_size() / 1e6 / cpu);
  }
}

}  // namespace
}  // namespace silt::node

// `silt rowset query` and `silt rowset info`, run as a child process.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "table/rowset_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

class RowsetCliTest : public ::testing::Test {
 protected:
  // Two rowsets of (k int64, name string, price decimal(8,2), day date).
  void SetUp() override {
    std::vector<ColumnDef> schema = {{"k", DataType::Int64().NotNull()},
                                     {"name", DataType::String()},
                                     {"price", *DataType::Decimal(8, 2)},
                                     {"day", DataType::Date()}};
    for (int part = 0; part < 2; ++part) {
      std::vector<ColumnVector> cols;
      for (const auto& c : schema) cols.emplace_back(c.type);
      for (int64_t k = part * 3; k < part * 3 + 3; ++k) {
        cols[0].AppendInt64(k);
        if (k == 4) {
          cols[1].AppendNull();
        } else {
          cols[1].AppendString(k == 1 ? "a,\"b\"" : "n" + std::to_string(k));
        }
        cols[2].AppendInt64(k * 150);
        cols[3].AppendInt32(static_cast<int32_t>(8766 + k));
      }
      RowSetBuilderOptions o;
      o.block_rows = 2;
      const std::string dir = dir_.path() + "/rs" + std::to_string(part);
      ASSERT_OK(test::BuildRowSet(Env::Default(), dir, schema, cols, o).status());
      dirs_.push_back(dir);
    }
  }

  test::CommandResult Query(const std::string& sql, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {SiltBinary(), "rowset", "query", dirs_[0],
                                     dirs_[1],     "-e",     sql};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }

  test::TempDir dir_;
  std::vector<std::string> dirs_;
};

TEST_F(RowsetCliTest, QueryPrintsAnAlignedTable) {
  auto r = Query("select k, name, price, day from t where k >= 1 order by k limit 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "k | name  | price | day\n"
            "--+-------+-------+-----------\n"
            "1 | a,\"b\" |  1.50 | 1994-01-02\n"
            "2 | n2    |  3.00 | 1994-01-03\n"
            "3 | n3    |  4.50 | 1994-01-04\n"
            "4 | NULL  |  6.00 | 1994-01-05\n"
            "(4 rows)\n");
  r = Query("select count(*) as n, sum(price) from t");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "n | sum(price)\n"
            "--+-----------\n"
            "6 |      22.50\n"
            "(1 row)\n");
}

TEST_F(RowsetCliTest, CsvAndJson) {
  auto r = Query("select k, name, price from t where k < 2 or k = 4", {"--format", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "k,name,price\n0,n0,0.00\n1,\"a,\"\"b\"\"\",1.50\n4,,6.00\n");
  r = Query("select k, name, price, day from t where k in (1, 4)", {"--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "[\n"
            " {\"k\": 1, \"name\": \"a,\\\"b\\\"\", \"price\": 1.50, \"day\": \"1994-01-02\"},\n"
            " {\"k\": 4, \"name\": null, \"price\": 6.00, \"day\": \"1994-01-05\"}\n"
            "]\n");
  r = Query("select k from t where k > 100", {"--format", "json"});
  EXPECT_EQ(r.out, "[]\n");
  r = Query("select k from t", {"--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--format must be table, csv or json"), std::string::npos) << r.err;
}

TEST_F(RowsetCliTest, StatsGoToStderr) {
  auto r = Query("select count(*) from t where k >= 4", {"--stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Blocks of 2 rows: [3,4] and [5] of the second rowset survive the zone maps.
  EXPECT_NE(r.err.find("blocks_read 2\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("blocks_skipped_zone_map 2\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rows_matched 2\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("time_ms "), std::string::npos) << r.err;
}

TEST_F(RowsetCliTest, BadSqlExitsTwoWithACaret) {
  auto r = Query("select k from t where k >");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "silt: error: at 26: expected an expression at end of query\n"
            "  select k from t where k >\n"
            "                           ^\n");
  r = Query("select nope from t");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "silt: error: at 8: unknown column 'nope'\n"
            "  select nope from t\n"
            "         ^\n");
  // The caret goes under the line of a multi-line query that holds the position.
  r = Query("select k\nfrom t\nwhere zz = 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "silt: error: at 23: unknown column 'zz'\n"
            "  where zz = 1\n"
            "        ^\n");
}

TEST_F(RowsetCliTest, MissingRowsetIsARuntimeError) {
  auto r = RunCommand({SiltBinary(), "rowset", "query", dir_.path() + "/none", "-e", "select 1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("silt: error: "), std::string::npos);
  r = RunCommand({SiltBinary(), "rowset", "query", dirs_[0]});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(RowsetCliTest, InfoListsColumnsBlocksAndEncodings) {
  auto r = RunCommand({SiltBinary(), "rowset", "info", dirs_[0]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rows 3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("live_rows 3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("blocks 2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("columns 4\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column 1 name string: bytes "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("column 2 price decimal(8,2): bytes "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("encodings ["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nbytes "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace silt

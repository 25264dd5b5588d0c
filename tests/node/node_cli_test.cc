// The main job end to end through the `silt` binary: generate, create,
// import, scan, delete, flush, compact, restart; every answer equal to
// SQLite's (the sqlite3 shell) on the same CSV. And bad input: clear errors,
// exit code 2 or 1, data unchanged.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

class NodeCliTest : public ::testing::Test {
 protected:
  test::CommandResult Silt(std::vector<std::string> args) {
    std::vector<std::string> argv = {SiltBinary(), "--data", data_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  std::string Ok(std::vector<std::string> args) {
    auto r = Silt(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.out << r.err;
    return r.out;
  }
  void Error(std::vector<std::string> args, int code, std::string_view mentions) {
    auto r = Silt(args);
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
  }
  std::string Sqlite(const std::string& sql) {
    auto r = RunCommand({"/usr/bin/sqlite3", "-csv", db_, sql});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  test::TempDir dir_;
  std::string data_ = dir_.path() + "/data";
  std::string db_ = dir_.path() + "/ref.db";
};

// silt: group columns then aggregates, as CSV with a header line.
constexpr const char* kAgg =
    "count(*), sum(l_quantity), sum(l_orderkey), min(l_shipdate), max(l_comment)";
const std::string kSqliteQuery =
    "SELECT l_returnflag, l_linestatus, count(*), printf('%.2f', sum(l_quantity)), "
    "sum(l_orderkey), min(l_shipdate), max(l_comment) FROM t GROUP BY 1, 2 ORDER BY 1, 2";

TEST_F(NodeCliTest, ImportScanDeleteFlushCompactRestartEqualSqlite) {
  const std::string csv = dir_.path() + "/li.csv";
  Ok({"generate", "lineitem", "--scale", "0.002", "--out", csv});
  const std::string columns =
      "l_orderkey int64 not null, l_partkey int64 not null, l_suppkey int64 not null, "
      "l_linenumber int32 not null, l_quantity decimal(15,2) not null, "
      "l_extendedprice decimal(15,2) not null, l_discount decimal(15,2) not null, "
      "l_tax decimal(15,2) not null, l_returnflag string not null, l_linestatus string not null, "
      "l_shipdate date not null, l_commitdate date not null, l_receiptdate date not null, "
      "l_shipinstruct string not null, l_shipmode string not null, l_comment string not null";
  EXPECT_NE(Ok({"table", "create", "lineitem", "--columns", columns, "--sort-key", "l_orderkey"})
                .find("created table main.lineitem"),
            std::string::npos);
  EXPECT_NE(Ok({"import", "lineitem", csv, "--header"}).find("imported "), std::string::npos);
  Sqlite(".import " + csv + " t");

  auto scan = [&] {
    std::string out = Ok({"scan", "lineitem", "--group-by", "l_returnflag,l_linestatus", "--agg",
                          kAgg, "--format", "csv"});
    return out.substr(out.find('\n') + 1);  // without the header line
  };
  auto expect_equal = [&](const std::string& when) {
    SCOPED_TRACE(when);
    // sqlite3 quotes any text with a space; silt only where RFC 4180 must.
    std::string want = Sqlite(kSqliteQuery);
    std::erase(want, '"');
    EXPECT_NE(want, "");
    EXPECT_EQ(scan(), want);
    const std::string count = Ok({"scan", "lineitem", "--agg", "count(*)", "--format", "csv"});
    EXPECT_EQ(count.substr(count.find('\n') + 1), Sqlite("SELECT count(*) FROM t"));
  };
  expect_equal("after import");

  // Deletes hit the rowsets; inserts via a second import land in new rowsets.
  EXPECT_NE(Ok({"delete", "lineitem", "--where", "l_quantity < 10 or l_shipmode = 'MAIL'"})
                .find("deleted "),
            std::string::npos);
  Sqlite("DELETE FROM t WHERE CAST(l_quantity AS REAL) < 10 OR l_shipmode = 'MAIL'");
  expect_equal("after delete");
  Ok({"import", "lineitem", csv, "--header"});
  Sqlite(".import --skip 1 " + csv + " t");
  expect_equal("after a second import");
  Ok({"delete", "lineitem", "--where", "l_returnflag = 'R' and l_linenumber > 3"});
  Sqlite("DELETE FROM t WHERE l_returnflag = 'R' AND CAST(l_linenumber AS INT) > 3");
  Ok({"flush"});
  expect_equal("after flush");
  const std::string compacted = Ok({"compact", "lineitem"});
  EXPECT_NE(compacted.find("merged by sort key"), std::string::npos) << compacted;
  expect_equal("after compact (and each command is a restart)");
  const std::string status = Ok({"status"});
  EXPECT_NE(status.find("main.lineitem"), std::string::npos) << status;
  const std::string describe = Ok({"table", "describe", "lineitem"});
  EXPECT_NE(describe.find("sort key      l_orderkey"), std::string::npos) << describe;
  EXPECT_NE(describe.find("rowsets       1 "), std::string::npos) << describe;
  EXPECT_NE(describe.find("dictionary"), std::string::npos) << describe;
  const std::string json = Ok({"scan", "lineitem", "--columns", "l_orderkey,l_returnflag",
                               "--limit", "2", "--format", "json"});
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 2) << json;
  EXPECT_NE(json.find("{\"l_orderkey\":"), std::string::npos) << json;
}

TEST_F(NodeCliTest, BadInputIsAClearErrorAndChangesNothing) {
  Ok({"table", "create", "t", "--columns", "id int64 not null, name string, day date"});
  const std::string csv = dir_.path() + "/t.csv";
  {
    std::ofstream f(csv);
    f << "id,name,day\n1,a,2024-01-01\n2,b,2024-01-02\n3,c,2024-13-01\n";
  }
  Error({"import", "t", csv, "--header"}, 2, "line 4, column 'day'");
  Error({"import", "nope", csv}, 1, "no table named 'nope'");
  Error({"import", "t", dir_.path() + "/missing.csv"}, 1, "missing.csv");
  Error({"import", "t", csv, "--delimiter", "ab"}, 2, "--delimiter");
  Error({"scan", "t", "--where", "id = = 1"}, 2, "--where at 6");
  Error({"scan", "t", "--columns", "nosuch"}, 2, "unknown column 'nosuch'");
  Error({"scan", "t", "--agg", "sum(name"}, 2, "--agg at");
  Error({"scan", "t", "--format", "xml"}, 2, "--format");
  Error({"scan", "nope"}, 1, "no table named 'nope'");
  Error({"delete", "t", "--where", "nosuch > 1"}, 2, "unknown column 'nosuch'");
  Error({"delete", "t"}, 2, "--where");
  Error({"table", "create", "u", "--columns", "id int64", "--sort-key", "x"}, 2, "sort key");
  Error({"table", "drop", "nope"}, 1, "nope");
  // Nothing of the bad import is there; a good one works.
  EXPECT_EQ(Ok({"scan", "t", "--agg", "count(*)", "--format", "csv"}), "count(*)\n0\n");
  {
    std::ofstream f(csv);
    f << "1,a,2024-01-01\n2,,2024-01-02\n";
  }
  Ok({"import", "t", csv});
  EXPECT_EQ(Ok({"scan", "t", "--format", "csv"}), "id,name,day\n1,a,2024-01-01\n2,,2024-01-02\n");
}

}  // namespace
}  // namespace silt

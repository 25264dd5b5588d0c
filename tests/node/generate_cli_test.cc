// `silt generate lineitem`: its CSV has the header line, reads back with
// CsvReader and with sqlite3's CSV import to the same row count, and bad
// arguments are usage errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "common/path.h"
#include "node/csv_reader.h"
#include "table/tpch_lineitem.h"
#include "test_util.h"

namespace silt::node {
namespace {

using test::RunCommand;
using test::SiltBinary;

TEST(GenerateCliTest, LineitemCsv) {
  test::TempDir dir;
  const std::string path = JoinPath(dir.path(), "li.csv");
  auto r = RunCommand({SiltBinary(), "generate", "lineitem", "--scale", "0.001", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lineitem scale 0.001: "), std::string::npos) << r.out;

  ASSERT_OK_AND_ASSIGN(std::string text, Env::Default()->ReadFile(path));
  std::string header;
  for (const auto& c : LineitemSchema()) header += (header.empty() ? "" : ",") + c.name;
  ASSERT_EQ(text.substr(0, header.size() + 1), header + "\n");

  CsvOptions o;
  o.header = true;
  ASSERT_OK_AND_ASSIGN(auto reader, CsvReader::Open(Env::Default(), path, LineitemSchema(), o));
  RowBatch batch;
  uint64_t rows = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&batch));
    if (!more) break;
    rows += batch.rows;
  }
  EXPECT_GT(rows, 5000u);
  EXPECT_NE(r.out.find(": " + std::to_string(rows) + " rows"), std::string::npos) << r.out;

  // sqlite3's shell, when there is one, reads as many rows (the header names
  // the columns of the new table).
  if (std::system("sqlite3 -version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no sqlite3";
  auto q = RunCommand({"/bin/sh", "-c",
                       "sqlite3 :memory: -cmd '.mode csv' '.import " + path +
                           " t' 'select count(*), count(distinct l_comment) from t'"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out.substr(0, q.out.find(',')), std::to_string(rows)) << q.out;
}

TEST(GenerateCliTest, SeedChangesRows) {
  test::TempDir dir;
  const std::string a = JoinPath(dir.path(), "a.csv"), b = JoinPath(dir.path(), "b.csv");
  ASSERT_EQ(
      RunCommand({SiltBinary(), "generate", "lineitem", "--scale", "0.0002", "--out", a}).exit_code,
      0);
  ASSERT_EQ(RunCommand({SiltBinary(), "generate", "lineitem", "--scale", "0.0002", "--out", b,
                        "--seed", "9"})
                .exit_code,
            0);
  EXPECT_NE(*Env::Default()->ReadFile(a), *Env::Default()->ReadFile(b));
}

TEST(GenerateCliTest, BadArgumentsAreUsageErrors) {
  test::TempDir dir;
  const std::string out = JoinPath(dir.path(), "x.csv");
  for (const char* scale : {"0", "-1", "1001", "nan"}) {
    auto r = RunCommand({SiltBinary(), "generate", "lineitem", "--scale", scale, "--out", out});
    EXPECT_EQ(r.exit_code, 2) << scale;
    EXPECT_NE(r.err.find("silt: error: "), std::string::npos) << r.err;
  }
  auto r = RunCommand({SiltBinary(), "generate", "lineitem", "--scale", "0.001"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  r = RunCommand({SiltBinary(), "generate", "lineitem", "--scale", "x", "--out", out});
  EXPECT_EQ(r.exit_code, 2);
  // An unwritable path is a runtime error.
  r = RunCommand(
      {SiltBinary(), "generate", "lineitem", "--scale", "0.001", "--out", dir.path() + "/no/x"});
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace silt::node

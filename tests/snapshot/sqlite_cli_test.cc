// `silt sqlite wal-compact` and `silt sqlite wal-info`, run as a child process.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "snapshot/sqlite_test_util.h"
#include "snapshot/sqlite_wal_reader.h"
#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

class SqliteCliTest : public ::testing::Test {
 protected:
  // A database whose WAL holds 21 committed transactions (CREATE TABLE, 20
  // INSERTs) over few pages.
  void SetUp() override {
    db_ = dir_.path() + "/x.db";
    test::SqliteConnection conn;
    ASSERT_OK(conn.Open(db_, /*keep_wal=*/true));
    ASSERT_OK(conn.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"));
    ASSERT_OK(conn.Exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b)"));
    for (int i = 0; i < 20; ++i) {
      ASSERT_OK(conn.Exec(fmt::format("INSERT INTO t VALUES({}, randomblob(100))", i)));
    }
    ASSERT_OK(conn.Close());
  }

  test::TempDir dir_;
  std::string db_;
};

TEST_F(SqliteCliTest, WalCompactPrintsCountsAndWritesAValidWal) {
  const std::string out = dir_.path() + "/out.wal";
  auto r = RunCommand({SiltBinary(), "sqlite", "wal-compact", db_ + "-wal", out, "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_OK_AND_ASSIGN(auto in, SqliteWalReader::Open(Env::Default(), db_ + "-wal"));
  ASSERT_OK_AND_ASSIGN(auto compacted, SqliteWalReader::Open(Env::Default(), out));
  EXPECT_EQ(
      r.out,
      fmt::format("frames_in {} frames_out {} pages {}\n", in->summary().committed_frames,
                  compacted->summary().committed_frames, compacted->summary().committed_frames));
  EXPECT_LT(compacted->summary().committed_frames, in->summary().committed_frames);
  EXPECT_EQ(compacted->summary().commit_frames, 1u);
  EXPECT_FALSE(Env::Default()->FileExists(out + ".tmp"));
}

TEST_F(SqliteCliTest, WalInfoPrintsHeaderAndFrames) {
  {
    ASSERT_OK_AND_ASSIGN(auto f, Env::Default()->NewFile(db_ + "-wal", OpenMode::kReadWrite));
    ASSERT_OK(f->Append("garbage"));
  }
  auto r = RunCommand({SiltBinary(), "sqlite", "wal-info", db_ + "-wal", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("magic 0x377f0682 (checksum words little-endian)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("version 3007000\n"), std::string::npos);
  EXPECT_NE(r.out.find("page_size 1024\n"), std::string::npos);
  EXPECT_NE(r.out.find("commit_frames 21\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uncommitted_frames 0\n"), std::string::npos);
  EXPECT_NE(r.out.find("invalid_tail_bytes 7\n"), std::string::npos);
  EXPECT_NE(r.out.find("tail " + db_ + "-wal at offset"), std::string::npos);
  EXPECT_NE(r.out.find("truncated frame"), std::string::npos);
  EXPECT_NE(r.out.find("page size matches"), std::string::npos);
}

TEST_F(SqliteCliTest, ErrorsAndExitCodes) {
  const std::string not_wal = dir_.path() + "/not.wal";
  // The database file is not a WAL: runtime error, exit 1.
  auto r = RunCommand({SiltBinary(), "sqlite", "wal-info", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("silt: error: " + db_ + " at offset 0: wrong magic"), std::string::npos)
      << r.err;
  r = RunCommand({SiltBinary(), "sqlite", "wal-compact", db_, not_wal});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(Env::Default()->FileExists(not_wal));
  // A WAL of another database (other page size).
  const std::string other = dir_.path() + "/other.db";
  {
    test::SqliteConnection conn;
    ASSERT_OK(conn.Open(other, false));
    ASSERT_OK(conn.Exec("PRAGMA page_size=4096; CREATE TABLE t(a);"));
  }
  r = RunCommand({SiltBinary(), "sqlite", "wal-compact", db_ + "-wal", not_wal, "--db", other});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("does not belong to database"), std::string::npos) << r.err;
  // Usage errors: exit 2.
  r = RunCommand({SiltBinary(), "sqlite", "wal-compact", db_ + "-wal"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunCommand({SiltBinary(), "sqlite", "wal-compact", db_ + "-wal", db_ + "-wal"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunCommand({SiltBinary(), "sqlite"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

}  // namespace
}  // namespace silt

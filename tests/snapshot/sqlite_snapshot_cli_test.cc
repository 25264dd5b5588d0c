// `silt sqlite snapshot create|list|restore`, run as a child process.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "snapshot/sqlite_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

TEST(SqliteSnapshotCliTest, CreateListRestore) {
  test::TempDir dir;
  const std::string db = dir.path() + "/x.db";
  const std::string store = dir.path() + "/store";
  const std::string out = dir.path() + "/out.db";
  test::SqliteConnection conn;
  ASSERT_OK(conn.Open(db, /*keep_wal=*/true));
  ASSERT_OK(conn.Exec("PRAGMA journal_mode=WAL; CREATE TABLE t(a INTEGER PRIMARY KEY, b);"));
  ASSERT_OK(conn.Exec("INSERT INTO t(b) VALUES(randomblob(5000))"));

  auto r = RunCommand({SiltBinary(), "sqlite", "snapshot", "create", "--db", db, "--store", store,
                       "--term", "2", "--index", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" full bytes "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("2-7-", 0), 0u) << r.out;

  ASSERT_OK(conn.Exec("INSERT INTO t(b) VALUES('second')"));
  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "create", "--db", db, "--store", store});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" incremental bytes "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("2-8-", 0), 0u) << r.out;

  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "list", "--store", store});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("2-8-", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(" term 2 index 8 incremental bytes "), std::string::npos) << r.out;

  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "restore", "--store", store, "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  test::SqliteConnection restored;
  ASSERT_OK(restored.Open(out, false));
  ASSERT_OK_AND_ASSIGN(std::string check, restored.QueryString("PRAGMA integrity_check"));
  EXPECT_EQ(check, "ok");
  ASSERT_OK_AND_ASSIGN(std::string want, conn.ContentDigest());
  ASSERT_OK_AND_ASSIGN(std::string got, restored.ContentDigest());
  EXPECT_EQ(got, want);

  r = RunCommand(
      {SiltBinary(), "sqlite", "snapshot", "create", "--db", db, "--store", store, "--full"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" full bytes "), std::string::npos) << r.out;
}

TEST(SqliteSnapshotCliTest, UsageAndRuntimeErrors) {
  test::TempDir dir;
  const std::string db = dir.path() + "/x.db";
  const std::string store = dir.path() + "/store";
  {
    test::SqliteConnection conn;
    ASSERT_OK(conn.Open(db, true));
    ASSERT_OK(conn.Exec("PRAGMA journal_mode=WAL; CREATE TABLE t(a);"));
  }
  // --term without --index, a missing database, a missing store: usage errors.
  auto r = RunCommand(
      {SiltBinary(), "sqlite", "snapshot", "create", "--db", db, "--store", store, "--term", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--index"), std::string::npos) << r.err;
  r = RunCommand(
      {SiltBinary(), "sqlite", "snapshot", "create", "--db", db + "x", "--store", store});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "list", "--store", store});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "restore", "--store", store});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // An empty store has nothing to restore: a runtime error.
  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "create", "--db", db, "--store", store});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunCommand({SiltBinary(), "sqlite", "snapshot", "restore", "--store", store, "--id", "9-9-9",
                  "--out", dir.path() + "/o.db"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("snapshot 9-9-9 not found"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace silt

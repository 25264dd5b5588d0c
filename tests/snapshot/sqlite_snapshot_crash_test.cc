// SqliteSnapshotStore on FaultInjectionEnv, with the checkpoints done through
// the Env (Checkpointer::kEnv), so that every file operation of an incremental
// or full snapshot (source checkpoint, Persist, fold, reap) and of the Recover
// after it can be followed by a power cut. The database files are made by the
// real SQLite library once and copied into the fault Env; the expected result
// is what SQLite's own checkpoint produces.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "common/fault_injection_env.h"
#include "common/hash.h"
#include "snapshot/sqlite_snapshot.h"
#include "snapshot/sqlite_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::SqliteConnection;

// DB_A: a database (WAL mode, 1 KiB pages) with its WAL checkpointed;
// WAL_B: the WAL of more transactions on it; DB_B: DB_A with WAL_B
// checkpointed by SQLite.
struct Images {
  std::string db_a;
  std::string wal_b;
  std::string db_b;
};

const Images& GetImages() {
  static const Images* images = [] {
    auto* im = new Images;
    test::TempDir dir;
    Env* env = Env::Default();
    const std::string db = dir.path() + "/x.db";
    SqliteConnection c;
    EXPECT_OK(c.Open(db, true));
    EXPECT_OK(c.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"));
    EXPECT_OK(c.Exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b)"));
    for (int i = 0; i < 15; ++i) {
      EXPECT_OK(c.Exec(fmt::format("INSERT INTO t(b) VALUES(randomblob({}))", 100 + 37 * i)));
    }
    EXPECT_OK(c.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    im->db_a = env->ReadFile(db).value_or("");
    for (int i = 0; i < 6; ++i) {
      EXPECT_OK(
          c.Exec(fmt::format("UPDATE t SET b = randomblob({}) WHERE a % 5 = {}", 90 + i, i % 5)));
    }
    EXPECT_OK(c.Exec("INSERT INTO t(b) VALUES(randomblob(3000))"));
    im->wal_b = env->ReadFile(db + "-wal").value_or("");
    EXPECT_OK(c.Close());
    const std::string copy = dir.path() + "/copy.db";
    {
      auto f = env->NewFile(copy, OpenMode::kTruncate);
      EXPECT_OK((*f)->Append(im->db_a));
      auto w = env->NewFile(copy + "-wal", OpenMode::kTruncate);
      EXPECT_OK((*w)->Append(im->wal_b));
    }
    SqliteConnection k;
    EXPECT_OK(k.Open(copy, true));
    EXPECT_OK(k.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    EXPECT_OK(k.Close());
    im->db_b = env->ReadFile(copy).value_or("");
    return im;
  }();
  return *images;
}

const std::string kSrc = "/src/db";
const std::string kRoot = "/store";
const std::string kOut = "/out/db";

Status WriteDurably(Env* env, const std::string& path, const std::string& data) {
  SILT_ASSIGN_OR_RETURN(auto f, env->NewFile(path, OpenMode::kTruncate));
  SILT_RETURN_IF_ERROR(f->Append(data));
  SILT_RETURN_IF_ERROR(f->Sync());
  return env->SyncDir("/src");
}

SqliteSnapshotOptions Options(bool delete_in_background = true) {
  SqliteSnapshotOptions o;
  o.checkpointer = SqliteSnapshotOptions::Checkpointer::kEnv;
  // A fixed clock, so that equal crash states have equal snapshot ids.
  o.store.now_ms = [] { return uint64_t{1000}; };
  // In the background (the default), a reaped snapshot's files are removed
  // by the store's thread; the store's destructor waits for it, so a
  // workload's operations still come in one order and every crash point is
  // reached.
  o.store.delete_in_background = delete_in_background;
  return o;
}

// Source DB_A, a store with its full snapshot (1, 1), then WAL_B beside the source.
void Build(FaultInjectionEnv* env) {
  const Images& im = GetImages();
  ASSERT_OK(env->CreateDirs("/src"));
  ASSERT_OK(env->CreateDirs("/out"));
  ASSERT_OK(WriteDurably(env, kSrc, im.db_a));
  ASSERT_OK_AND_ASSIGN(auto store, SqliteSnapshotStore::Open(env, kRoot, Options()));
  ASSERT_OK(store->Snapshot(kSrc, 1, 1, SnapshotKind::kFull).status());
  ASSERT_OK(WriteDurably(env, kSrc + "-wal", im.wal_b));
}

// After the power cut: the store opens (Recover), lists one snapshot, which
// restores to DB_A or DB_B exactly (DB_B if the snapshot had returned OK); and
// the next snapshot, whatever kind the store then chooses, restores to DB_B.
void Check(FaultInjectionEnv* env, bool snapshot_ok, const std::string& where) {
  SCOPED_TRACE(where);
  const Images& im = GetImages();
  ASSERT_OK_AND_ASSIGN(auto store, SqliteSnapshotStore::Open(env, kRoot, Options()));
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_EQ(all.size(), 1u);
  ASSERT_OK(store->Restore("", kOut));
  ASSERT_OK_AND_ASSIGN(std::string got, env->ReadFile(kOut));
  const bool is_new = all[0].index == 2;
  if (snapshot_ok) {
    EXPECT_TRUE(is_new);
  }
  EXPECT_TRUE(got == (is_new ? im.db_b : im.db_a)) << "restored database differs";
  // Open's Reap may have left removals to the background.
  ASSERT_OK(store->store()->WaitForDeletes());
  ASSERT_OK_AND_ASSIGN(auto names, env->ListDir(kRoot));
  for (const auto& n : names) EXPECT_FALSE(n.ends_with(".tmp") || n.ends_with(".del")) << n;
  ASSERT_OK(store->Snapshot(kSrc, 1, 3, SnapshotKind::kIncremental).status());
  ASSERT_OK(store->Restore("", kOut));
  ASSERT_OK_AND_ASSIGN(got, env->ReadFile(kOut));
  EXPECT_TRUE(got == im.db_b) << "the snapshot after recovery lost data";
}

// Every durable name and its bytes, hashed: two crash points that leave the
// same state on disk need their Recover tried only once.
uint64_t DiskState(Env* env, const std::string& dir = "/") {
  Hasher64 h;
  auto names = env->ListDir(dir);
  if (!names.ok()) return 0;
  for (const auto& name : *names) {
    const std::string path = dir == "/" ? "/" + name : dir + "/" + name;
    h.Update(path);
    if (env->IsDirectory(path).value_or(false)) {
      const uint64_t sub = DiskState(env, path);
      h.Update(std::string_view(reinterpret_cast<const char*>(&sub), sizeof(sub)));
    } else {
      h.Update(env->ReadFile(path).value_or("?"));
    }
  }
  return h.Digest();
}

struct CrashOptions {
  bool crash_recover_too = false;
  // Unsynced writes of the snapshot reach the disk in part, the last one torn.
  bool torn_writes = false;
  bool delete_in_background = true;
};

void CrashEveryOperation(SnapshotKind kind, const CrashOptions& c) {
  const bool crash_recover_too = c.crash_recover_too;
  uint64_t cases = 0;
  std::set<uint64_t> states;
  for (uint64_t n = 0;; ++n) {
    bool crashed = false;
    for (uint64_t m = 0;; ++m) {
      FaultInjectionEnv env;
      Build(&env);
      env.CrashAfter(n);
      bool ok = false;
      {
        auto store = SqliteSnapshotStore::Open(&env, kRoot, Options(c.delete_in_background));
        if (store.ok()) ok = (*store)->Snapshot(kSrc, 1, 2, kind).ok();
      }
      crashed = env.crashed();
      env.PowerCut(PowerCutOptions{c.torn_writes, n});
      bool recover_crashed = false;
      if (crash_recover_too && crashed) {
        if (m == 0 && !states.insert(DiskState(&env)).second) break;  // state already tried
        env.CrashAfter(m);
        { auto store = SqliteSnapshotStore::Open(&env, kRoot, Options()); }
        recover_crashed = env.crashed();
        env.PowerCut();
      }
      Check(&env, ok, fmt::format("crash after op {}, recover crash after op {}", n, m));
      ++cases;
      if (!recover_crashed) break;
    }
    if (!crashed) break;
  }
  EXPECT_GT(cases, 30u);
}

TEST(SqliteSnapshotCrashTest, PowerCutAtEveryOperationOfAnIncrementalSnapshot) {
  CrashEveryOperation(SnapshotKind::kIncremental, {});
}

TEST(SqliteSnapshotCrashTest, PowerCutAtEveryOperationOfAFullSnapshot) {
  CrashEveryOperation(SnapshotKind::kFull, {});
}

TEST(SqliteSnapshotCrashTest, PowerCutAtEveryOperationOfIncrementalThenOfRecover) {
  CrashEveryOperation(SnapshotKind::kIncremental, {.crash_recover_too = true});
}

// The fold applies the snapshot's WAL to the moved base database in place: a
// power cut with part of those page writes on the disk, the last one torn,
// must still recover to exactly DB_B (the fold applies the WAL again).
TEST(SqliteSnapshotCrashTest, PowerCutWithTornWritesAtEveryOperationOfAnIncrementalSnapshot) {
  CrashEveryOperation(SnapshotKind::kIncremental, {.torn_writes = true});
}

// Reaped snapshots' files removed before Reap returns rather than by the
// store's background thread.
TEST(SqliteSnapshotCrashTest, PowerCutAtEveryOperationWithForegroundDeletes) {
  CrashEveryOperation(SnapshotKind::kIncremental, {.delete_in_background = false});
  CrashEveryOperation(SnapshotKind::kFull, {.delete_in_background = false});
}

// A failed (not crashed) persist must force the next snapshot to be full:
// rqlite once let it be incremental and lost the WAL's frames.
TEST(SqliteSnapshotCrashTest, FailedPersistForcesFull) {
  // Operations of Persist, after the source's WAL was checkpointed: the sync
  // of the compacted WAL, the sync of the tmp directory, the rename, the sync
  // of the root after it.
  const std::pair<FaultOp, uint64_t> failures[] = {
      {FaultOp::kSync, 3}, {FaultOp::kSyncDir, 2}, {FaultOp::kRename, 1}, {FaultOp::kSyncDir, 3}};
  for (const auto& [op, nth] : failures) {
    SCOPED_TRACE(fmt::format("{} #{}", FaultOpName(op), nth));
    FaultInjectionEnv env;
    Build(&env);
    ASSERT_OK_AND_ASSIGN(auto store, SqliteSnapshotStore::Open(&env, kRoot, Options()));
    env.FailNth(op, nth);
    auto r = store->Snapshot(kSrc, 1, 2, SnapshotKind::kIncremental);
    env.ClearFailures();
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("persist snapshot"), std::string::npos)
        << r.status().ToString();
    EXPECT_TRUE(store->store()->full_needed());
    ASSERT_OK_AND_ASSIGN(auto next, store->Snapshot(kSrc, 1, 3, SnapshotKind::kIncremental));
    EXPECT_EQ(next.kind, SnapshotKind::kFull);
    ASSERT_OK(store->Restore("", kOut));
    ASSERT_OK_AND_ASSIGN(std::string got, env.ReadFile(kOut));
    EXPECT_TRUE(got == GetImages().db_b);
  }
}

}  // namespace
}  // namespace silt

// SqliteSnapshotStore against the real SQLite library on the real file
// system: full then incrementals then empty ones, each restoring to exactly
// the source's content; a failpoint at every step of Snapshot and the fold
// (the process "dies" there) and Recover finishing or rolling back; readers of
// the base during an incremental; the fold in the background; changes outside
// the store; bad input. Labelled `concurrency` (TSan) for the background fold.
#include "snapshot/sqlite_snapshot.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/forwarding_env.h"
#include "common/path.h"
#include "snapshot/sqlite_test_util.h"
#include "snapshot/sqlite_wal_apply.h"
#include "test_util.h"

namespace silt {
namespace {

using test::SqliteConnection;

class SqliteSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/src.db";
    root_ = dir_.path() + "/store";
    ASSERT_OK(conn_.Open(db_, /*keep_wal=*/true));
    ASSERT_OK(conn_.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"));
    ASSERT_OK(conn_.Exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b)"));
  }

  void Write(int rows) {
    for (int i = 0; i < rows; ++i) {
      ASSERT_OK(
          conn_.Exec(fmt::format("INSERT INTO t(b) VALUES(randomblob({}))", 50 + next_ % 700)));
      ++next_;
    }
    ASSERT_OK(
        conn_.Exec(fmt::format("UPDATE t SET b = randomblob(30) WHERE a % 7 = {}", next_ % 7)));
    if (next_ % 3 == 0) ASSERT_OK(conn_.Exec("DELETE FROM t WHERE a % 11 = 0"));
  }

  Result<std::unique_ptr<SqliteSnapshotStore>> OpenStore(const SqliteSnapshotOptions& o = {}) {
    return SqliteSnapshotStore::Open(Env::Default(), root_, o);
  }

  // Restores `id` (empty: newest) and checks it against `want`.
  void ExpectRestores(SqliteSnapshotStore* store, const std::string& id, const std::string& want) {
    const std::string out = dir_.path() + "/restored.db";
    ASSERT_OK(store->Restore(id, out));
    SqliteConnection r;
    ASSERT_OK(r.Open(out, false));
    ASSERT_OK_AND_ASSIGN(std::string check, r.QueryString("PRAGMA integrity_check"));
    EXPECT_EQ(check, "ok");
    ASSERT_OK_AND_ASSIGN(std::string got, r.ContentDigest());
    EXPECT_TRUE(got == want) << "restored content differs from the source at snapshot time";
    ASSERT_OK(r.Close());
  }

  test::TempDir dir_;
  std::string db_;
  std::string root_;
  SqliteConnection conn_;
  int next_ = 0;
};

TEST_F(SqliteSnapshotTest, FullThenIncrementalsThenEmptyOnes) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(400);
  ASSERT_OK_AND_ASSIGN(auto full, store->Snapshot(db_, 1, 1, SnapshotKind::kFull));
  EXPECT_EQ(full.kind, SnapshotKind::kFull);
  // The source's WAL was checkpointed (TRUNCATE).
  EXPECT_TRUE(IsEmptySqliteWal(Env::Default(), db_ + "-wal"));
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  ExpectRestores(store.get(), "", want);
  uint64_t index = 2;
  for (int i = 0; i < 4; ++i) {
    Write(5 + i);
    ASSERT_OK_AND_ASSIGN(auto inc, store->Snapshot(db_, 1, index++, SnapshotKind::kIncremental));
    EXPECT_EQ(inc.kind, SnapshotKind::kIncremental);
    EXPECT_GT(inc.bytes, 0u);
    EXPECT_LT(inc.bytes, full.bytes);
    ASSERT_OK_AND_ASSIGN(want, conn_.ContentDigest());
    ExpectRestores(store.get(), inc.id, want);
    // Only the newest is kept, with its database, and no WAL beside it.
    ASSERT_OK_AND_ASSIGN(auto all, store->List());
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].id, inc.id);
    const std::string dir = store->store()->SnapshotDir(inc.id);
    EXPECT_TRUE(Env::Default()->FileExists(dir + "/db"));
    EXPECT_FALSE(Env::Default()->FileExists(dir + "/fold.db"));
    EXPECT_FALSE(Env::Default()->FileExists(dir + "/fold.db-wal"));
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(auto empty, store->Snapshot(db_, 1, index++, SnapshotKind::kIncremental));
    EXPECT_EQ(empty.kind, SnapshotKind::kIncremental);
    EXPECT_EQ(empty.bytes, 0u);
    ExpectRestores(store.get(), "", want);
  }
  // After a restart too.
  store.reset();
  ASSERT_OK_AND_ASSIGN(store, OpenStore());
  ExpectRestores(store.get(), "", want);
}

TEST_F(SqliteSnapshotTest, IncrementalIntoEmptyStoreIsRefused) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(3);
  auto r = store->Snapshot(db_, 1, 1, SnapshotKind::kIncremental);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("empty store"), std::string::npos);
  // The source's WAL was not touched.
  EXPECT_FALSE(IsEmptySqliteWal(Env::Default(), db_ + "-wal"));
}

TEST_F(SqliteSnapshotTest, ChangedOutsideTheStoreForcesFull) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(20);
  ASSERT_OK(store->Snapshot(db_, 1, 1, SnapshotKind::kFull).status());
  Write(20);
  // Someone checkpoints the WAL behind the store's back: its frames are gone.
  {
    SqliteConnection other;
    ASSERT_OK(other.Open(db_, false));
    ASSERT_OK(other.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  ASSERT_OK_AND_ASSIGN(auto r, store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental));
  EXPECT_EQ(r.kind, SnapshotKind::kFull);
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  ExpectRestores(store.get(), "", want);
}

TEST_F(SqliteSnapshotTest, FullNeededOnRequest) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(5);
  ASSERT_OK(store->Snapshot(db_, 1, 1, SnapshotKind::kFull).status());
  ASSERT_OK(store->store()->SetFullNeeded());
  Write(5);
  ASSERT_OK_AND_ASSIGN(auto r, store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental));
  EXPECT_EQ(r.kind, SnapshotKind::kFull);
  EXPECT_FALSE(store->store()->full_needed());
  Write(5);
  ASSERT_OK_AND_ASSIGN(r, store->Snapshot(db_, 1, 3, SnapshotKind::kIncremental));
  EXPECT_EQ(r.kind, SnapshotKind::kIncremental);
}

TEST_F(SqliteSnapshotTest, ReaderOfTheBaseDuringAnIncremental) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(30);
  ASSERT_OK_AND_ASSIGN(auto a, store->Snapshot(db_, 1, 1, SnapshotKind::kFull));
  ASSERT_OK_AND_ASSIGN(std::string want_a, conn_.ContentDigest());
  ASSERT_OK_AND_ASSIGN(auto reader, store->store()->Open(a.id));
  Write(10);
  ASSERT_OK_AND_ASSIGN(auto b, store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental));
  EXPECT_EQ(b.kind, SnapshotKind::kIncremental);
  ASSERT_OK_AND_ASSIGN(std::string want_b, conn_.ContentDigest());
  // The base was copied, not moved, and not reaped: it is still whole.
  ASSERT_OK(reader->Verify());
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  EXPECT_EQ(all.size(), 2u);
  ExpectRestores(store.get(), a.id, want_a);
  ExpectRestores(store.get(), b.id, want_b);
  reader.reset();
  ASSERT_OK_AND_ASSIGN(int reaped, store->store()->Reap());
  EXPECT_EQ(reaped, 1);
  ExpectRestores(store.get(), "", want_b);
}

// By default Snapshot returns once the incremental snapshot is durable, and
// the fold runs on the store's thread: held at its first step here, the new
// snapshot is already listed (beside its base, which still has the database)
// and has no `db`; once released, the fold moves the base's database in,
// applies the WAL, and reaps the base. Restore and the next Snapshot wait
// for it.
TEST_F(SqliteSnapshotTest, FoldRunsInTheBackgroundAfterSnapshotReturns) {
  std::mutex mu;
  std::condition_variable cv;
  bool in_fold = false;
  bool release = false;
  SqliteSnapshotOptions o;
  o.failpoint = [&](std::string_view step) {
    if (step == "fold-take-base") {
      std::unique_lock<std::mutex> lock(mu);
      in_fold = true;
      cv.notify_all();
      // Bounded: were the fold run inside Snapshot, the test would fail
      // rather than hang.
      if (!cv.wait_for(lock, std::chrono::seconds(30), [&] { return release; })) {
        return Status::IOError("the fold was never released (did it run inside Snapshot?)");
      }
    }
    return Status::OK();
  };
  auto release_fold = [&] {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
    cv.notify_all();
  };
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(o));
  // Declared after the store, so destroyed first: a failed assertion below
  // releases the fold before the store's destructor waits for it.
  struct Releaser {
    std::function<void()> f;
    ~Releaser() { f(); }
  } releaser{release_fold};
  Write(30);
  ASSERT_OK_AND_ASSIGN(auto a, store->Snapshot(db_, 1, 1, SnapshotKind::kFull));
  Write(10);
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  ASSERT_OK_AND_ASSIGN(auto b, store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental));
  ASSERT_EQ(b.kind, SnapshotKind::kIncremental);
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return in_fold; }));
  }
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].id, b.id);
  EXPECT_TRUE(Env::Default()->FileExists(store->store()->SnapshotDir(a.id) + "/db"));
  EXPECT_FALSE(Env::Default()->FileExists(store->store()->SnapshotDir(b.id) + "/db"));
  release_fold();
  ASSERT_OK(store->WaitForFold());
  ASSERT_OK(store->WaitForFold());  // nothing left to wait for
  ASSERT_OK_AND_ASSIGN(all, store->List());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(Env::Default()->FileExists(store->store()->SnapshotDir(b.id) + "/db"));
  ExpectRestores(store.get(), "", want);
  // The next snapshot (the hook no longer blocks) waits for its own previous fold.
  Write(10);
  ASSERT_OK(store->Snapshot(db_, 1, 3, SnapshotKind::kIncremental).status());
  ASSERT_OK_AND_ASSIGN(want, conn_.ContentDigest());
  ExpectRestores(store.get(), "", want);
}

// Restore waits for a running background fold rather than fold the snapshot
// itself; a background fold that failed is run again by the same store's next
// Restore, and by its next incremental Snapshot.
TEST_F(SqliteSnapshotTest, BackgroundFoldIsWaitedForAndAFailedOneIsRunAgain) {
  std::mutex mu;
  std::condition_variable cv;
  bool hold = false;
  bool released = false;
  int fail_rename = 0;
  int folds_on_test_thread = 0;
  int reaps = 0;
  const std::thread::id test_thread = std::this_thread::get_id();
  SqliteSnapshotOptions o;
  o.failpoint = [&](std::string_view step) -> Status {
    std::unique_lock<std::mutex> lock(mu);
    if (step == "fold-take-base") {
      if (std::this_thread::get_id() == test_thread) ++folds_on_test_thread;
      if (hold && !cv.wait_for(lock, std::chrono::seconds(30), [&] { return released; })) {
        return Status::IOError("the fold was never released");
      }
    }
    if (step == "fold-rename" && fail_rename > 0) {
      --fail_rename;
      return Status::IOError("failpoint fold-rename");
    }
    if (step == "fold-reap") ++reaps;
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore(o));
  Write(30);
  ASSERT_OK(store->Snapshot(db_, 1, 1, SnapshotKind::kFull).status());

  // 1. Restore while the fold is held: it waits (the fold is released a
  // little later from another thread) and never folds on its own thread.
  Write(10);
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  hold = true;
  ASSERT_OK_AND_ASSIGN(auto b, store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental));
  ASSERT_EQ(b.kind, SnapshotKind::kIncremental);
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  });
  ExpectRestores(store.get(), "", want);
  releaser.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(folds_on_test_thread, 0);
    EXPECT_EQ(reaps, 1);
    hold = false;
  }

  // 2. A failed background fold: WaitForFold reports it, the snapshot stays
  // unfolded (durable: base + WAL), and the same store's Restore folds it.
  {
    std::lock_guard<std::mutex> lock(mu);
    fail_rename = 1;
  }
  Write(10);
  ASSERT_OK_AND_ASSIGN(want, conn_.ContentDigest());
  ASSERT_OK_AND_ASSIGN(auto c, store->Snapshot(db_, 1, 3, SnapshotKind::kIncremental));
  const Status failed = store->WaitForFold();
  EXPECT_TRUE(failed.IsIOError()) << failed.ToString();
  EXPECT_FALSE(Env::Default()->FileExists(store->store()->SnapshotDir(c.id) + "/db"));
  ExpectRestores(store.get(), "", want);
  EXPECT_TRUE(Env::Default()->FileExists(store->store()->SnapshotDir(c.id) + "/db"));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(folds_on_test_thread, 1);
    EXPECT_EQ(reaps, 2);
    fail_rename = 1;
  }

  // 3. Likewise the next incremental Snapshot, which folds its base first.
  Write(10);
  ASSERT_OK(store->Snapshot(db_, 1, 4, SnapshotKind::kIncremental).status());
  EXPECT_TRUE(store->WaitForFold().IsIOError());
  Write(10);
  ASSERT_OK_AND_ASSIGN(want, conn_.ContentDigest());
  ASSERT_OK_AND_ASSIGN(auto e, store->Snapshot(db_, 1, 5, SnapshotKind::kIncremental));
  EXPECT_EQ(e.kind, SnapshotKind::kIncremental);
  ASSERT_OK(store->WaitForFold());
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(folds_on_test_thread, 2);  // d's fold, run again by Snapshot
  }
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, e.id);
  ExpectRestores(store.get(), "", want);
}

// The real file system, except that Sync and DataSync of the compacted WAL
// being written into a snapshot (<id>.tmp/wal) fail.
class FailWalSyncEnv final : public ForwardingEnv {
 public:
  class WalFile final : public ForwardingFile {
   public:
    using ForwardingFile::ForwardingFile;
    Status Sync() override { return Status::IOError(path() + ": injected sync failure"); }
    Status DataSync() override { return Sync(); }
  };

  Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) override {
    SILT_ASSIGN_OR_RETURN(auto f, base()->NewFile(path, mode));
    if (!path.ends_with(".tmp/wal")) return f;
    return std::unique_ptr<File>(std::make_unique<WalFile>(std::move(f)));
  }
};

// The compacted WAL is synced on a second thread while SQLite checkpoints the
// source. When that sync fails the snapshot fails, is not listed, and the
// next snapshot is full (the source's WAL was checkpointed: its frames were
// only in the failed snapshot) and restores to the source.
TEST_F(SqliteSnapshotTest, FailedSyncDuringTheSourceCheckpointFailsTheSnapshot) {
  FailWalSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto store, SqliteSnapshotStore::Open(&env, root_));
  Write(20);
  ASSERT_OK_AND_ASSIGN(auto a, store->Snapshot(db_, 1, 1, SnapshotKind::kFull));
  Write(10);
  auto r = store->Snapshot(db_, 1, 2, SnapshotKind::kIncremental);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("sync compacted WAL"), std::string::npos)
      << r.status().ToString();
  EXPECT_TRUE(store->store()->full_needed());
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, a.id);
  Write(5);
  ASSERT_OK_AND_ASSIGN(auto next, store->Snapshot(db_, 1, 3, SnapshotKind::kIncremental));
  EXPECT_EQ(next.kind, SnapshotKind::kFull);
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  ExpectRestores(store.get(), "", want);
}

// The status of a Snapshot call and of the fold it started, whether the fold
// ran inside the call or in the background.
Status SnapshotAndFold(SqliteSnapshotStore* store, const std::string& db, uint64_t term,
                       uint64_t index, SnapshotKind kind) {
  SILT_RETURN_IF_ERROR(store->Snapshot(db, term, index, kind).status());
  return store->WaitForFold();
}

// The process "dies" before each step (a failpoint stops there, nothing is
// cleaned up); reopening recovers. Steps up to the source's checkpoint roll
// back to the old snapshot with FULL_NEEDED set; later ones are completed.
// With the fold in the background, Snapshot has returned OK before the fold's
// steps.
TEST_F(SqliteSnapshotTest, DeathBeforeEachStepIsRecovered) {
  const std::vector<std::string> steps = {"sink-created", "wal-compacted",  "source-checkpointed",
                                          "persisted",    "fold-take-base", "fold-checkpoint",
                                          "fold-rename",  "fold-reap"};
  uint64_t term = 1;
  for (int i = 0; i < 2 * static_cast<int>(steps.size()); ++i) {
    const std::string& step = steps[i % steps.size()];
    const bool background = i >= static_cast<int>(steps.size());
    SCOPED_TRACE(fmt::format("{}, fold in background: {}", step, background));
    ASSERT_OK(Env::Default()->RemoveAll(root_));
    ASSERT_OK_AND_ASSIGN(std::string want_old, conn_.ContentDigest());
    {
      ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
      Write(10);
      ASSERT_OK(store->Snapshot(db_, term, 1, SnapshotKind::kFull).status());
    }
    ASSERT_OK_AND_ASSIGN(want_old, conn_.ContentDigest());
    Write(10);
    ASSERT_OK_AND_ASSIGN(std::string want_new, conn_.ContentDigest());
    {
      SqliteSnapshotOptions o;
      o.fold_in_background = background;
      o.failpoint = [&](std::string_view s) {
        return s == step ? Status::IOError("failpoint " + std::string(s)) : Status::OK();
      };
      ASSERT_OK_AND_ASSIGN(auto store, OpenStore(o));
      auto r = store->Snapshot(db_, term, 2, SnapshotKind::kIncremental);
      const bool in_fold = step.starts_with("fold-");
      if (background && in_fold) {
        ASSERT_OK(r.status());
        const Status fold = store->WaitForFold();
        EXPECT_TRUE(fold.IsIOError()) << fold.ToString();
      } else {
        EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
      }
    }
    ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
    ASSERT_OK_AND_ASSIGN(auto all, store->List());
    ASSERT_EQ(all.size(), 1u);
    const bool rolled_back =
        step == "sink-created" || step == "wal-compacted" || step == "source-checkpointed";
    EXPECT_EQ(all[0].index, rolled_back ? 1u : 2u);
    EXPECT_EQ(store->store()->full_needed(), rolled_back);
    ExpectRestores(store.get(), "", rolled_back ? want_old : want_new);
    const std::string dir = store->store()->SnapshotDir(all[0].id);
    ASSERT_OK_AND_ASSIGN(auto names, Env::Default()->ListDir(dir));
    EXPECT_EQ(names.size(), rolled_back ? 2u : 3u) << fmt::format("{}", fmt::join(names, ","));
    // The next snapshot is right whatever happened.
    Write(5);
    ASSERT_OK(store->Snapshot(db_, term, 3, SnapshotKind::kIncremental).status());
    ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
    ExpectRestores(store.get(), "", want);
    ++term;
  }
}

// Older versions folded by copying `wal` to fold.db-wal and letting SQLite
// checkpoint it (leaving fold.db-shm beside it). A fold they left unfinished
// is finished by applying `wal` in place, and their files are removed.
TEST_F(SqliteSnapshotTest, FoldFinishesWhatAnOlderVersionLeft) {
  {
    ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
    Write(20);
    ASSERT_OK(store->Snapshot(db_, 1, 1, SnapshotKind::kFull).status());
  }
  Write(10);
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  std::string dir;
  {
    SqliteSnapshotOptions o;
    o.failpoint = [](std::string_view s) {
      return s == "fold-checkpoint" ? Status::IOError("failpoint") : Status::OK();
    };
    ASSERT_OK_AND_ASSIGN(auto store, OpenStore(o));
    const Status st = SnapshotAndFold(store.get(), db_, 1, 2, SnapshotKind::kIncremental);
    ASSERT_TRUE(st.IsIOError()) << st.ToString();
    ASSERT_OK_AND_ASSIGN(auto newest, store->store()->Newest());
    dir = store->store()->SnapshotDir(newest->id);
  }
  // What the older fold left before its checkpoint finished: the WAL copy
  // (here cut short, as if the checkpoint had been interrupted) and an -shm.
  Env* env = Env::Default();
  ASSERT_TRUE(env->FileExists(JoinPath(dir, kSqliteFoldDbFile)));
  ASSERT_OK_AND_ASSIGN(std::string wal, env->ReadFile(JoinPath(dir, kSqliteSnapshotWalFile)));
  ASSERT_GT(wal.size(), 32u);
  for (const auto& [name, data] : {std::pair{kSqliteFoldWalFile, wal.substr(0, wal.size() / 2)},
                                   std::pair{kSqliteFoldShmFile, std::string(32768, 'x')}}) {
    ASSERT_OK_AND_ASSIGN(auto f, env->NewFile(JoinPath(dir, name), OpenMode::kTruncate));
    ASSERT_OK(f->Append(data));
  }
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  ASSERT_OK_AND_ASSIGN(auto names, env->ListDir(dir));
  EXPECT_EQ(names, (std::vector<std::string>{"db", "meta.json", "wal"}));
  ExpectRestores(store.get(), "", want);
  Write(5);
  ASSERT_OK_AND_ASSIGN(auto r, store->Snapshot(db_, 1, 3, SnapshotKind::kIncremental));
  EXPECT_EQ(r.kind, SnapshotKind::kIncremental);
  ASSERT_OK_AND_ASSIGN(want, conn_.ContentDigest());
  ExpectRestores(store.get(), "", want);
}

TEST_F(SqliteSnapshotTest, RestoreReplacesTargetAndItsStaleWal) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(10);
  ASSERT_OK(store->Snapshot(db_, 1, 1, SnapshotKind::kFull).status());
  ASSERT_OK_AND_ASSIGN(std::string want, conn_.ContentDigest());
  const std::string out = dir_.path() + "/restored.db";
  {
    // An unrelated database with a WAL of its own at the target path.
    SqliteConnection other;
    ASSERT_OK(other.Open(out, true));
    ASSERT_OK(other.Exec("PRAGMA journal_mode=WAL; CREATE TABLE z(x); INSERT INTO z VALUES(1);"));
  }
  ASSERT_TRUE(Env::Default()->FileExists(out + "-wal"));
  ExpectRestores(store.get(), "", want);
  EXPECT_FALSE(Env::Default()->FileExists(out + ".tmp"));
}

TEST_F(SqliteSnapshotTest, BadInputIsNamed) {
  ASSERT_OK_AND_ASSIGN(auto store, OpenStore());
  Write(10);
  ASSERT_OK_AND_ASSIGN(auto a, store->Snapshot(db_, 1, 1, SnapshotKind::kFull));
  const std::string dir = store->store()->SnapshotDir(a.id);
  const std::string out = dir_.path() + "/restored.db";
  // A changed data file: one byte flipped (writing a fixed byte would leave
  // the file as it was whenever the random content already held that byte).
  {
    ASSERT_OK_AND_ASSIGN(auto f, Env::Default()->NewFile(dir + "/db", OpenMode::kReadWrite));
    char c;
    ASSERT_OK(f->ReadExact(2000, std::span<char>(&c, 1)));
    c = static_cast<char>(c ^ 0xff);
    ASSERT_OK(f->WriteAt(2000, std::string_view(&c, 1)));
  }
  Status st = store->Restore("", out);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find(dir + "/db"), std::string::npos) << st.ToString();
  EXPECT_FALSE(Env::Default()->FileExists(out));
  // A missing data file.
  ASSERT_OK(Env::Default()->RemoveFile(dir + "/db"));
  st = store->Restore("", out);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find(dir + "/db"), std::string::npos) << st.ToString();
  // A corrupt meta.json: the store does not open, and says which file.
  store.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto f, Env::Default()->NewFile(dir + "/meta.json", OpenMode::kReadWrite));
    ASSERT_OK(f->WriteAt(10, "#"));
  }
  auto r = OpenStore();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(dir + "/meta.json"), std::string::npos);
  // Not a database in WAL mode: no incremental.
  ASSERT_OK(Env::Default()->RemoveAll(root_));
  ASSERT_OK_AND_ASSIGN(store, OpenStore());
  const std::string plain = dir_.path() + "/plain.db";
  {
    SqliteConnection p;
    ASSERT_OK(p.Open(plain, false));
    ASSERT_OK(p.Exec("CREATE TABLE q(x); INSERT INTO q VALUES(1);"));
  }
  ASSERT_OK(store->Snapshot(plain, 1, 1, SnapshotKind::kFull).status());
  auto inc = store->Snapshot(plain, 1, 2, SnapshotKind::kIncremental);
  EXPECT_TRUE(inc.status().IsInvalidArgument()) << inc.status().ToString();
  EXPECT_NE(inc.status().message().find("not in WAL mode"), std::string::npos);
}

// ApplySqliteWalWithEnv (the checkpoint the crash tests use) gives the same
// bytes as SQLite's own checkpoint.
TEST_F(SqliteSnapshotTest, EnvCheckpointMatchesSqlite) {
  Write(60);
  Env* env = Env::Default();
  const std::string a = dir_.path() + "/a.db";
  const std::string b = dir_.path() + "/b.db";
  for (const std::string& p : {a, b}) {
    ASSERT_OK_AND_ASSIGN(std::string db, env->ReadFile(db_));
    ASSERT_OK_AND_ASSIGN(std::string wal, env->ReadFile(db_ + "-wal"));
    ASSERT_OK_AND_ASSIGN(auto f, env->NewFile(p, OpenMode::kTruncate));
    ASSERT_OK(f->Append(db));
    ASSERT_OK_AND_ASSIGN(auto w, env->NewFile(p + "-wal", OpenMode::kTruncate));
    ASSERT_OK(w->Append(wal));
  }
  ASSERT_OK_AND_ASSIGN(uint64_t applied, ApplySqliteWalWithEnv(env, a + "-wal", a));
  EXPECT_GT(applied, 0u);
  ASSERT_OK(env->RemoveFile(a + "-wal"));
  {
    SqliteConnection c;
    ASSERT_OK(c.Open(b, true));
    ASSERT_OK(c.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  }
  ASSERT_OK_AND_ASSIGN(std::string da, env->ReadFile(a));
  ASSERT_OK_AND_ASSIGN(std::string db, env->ReadFile(b));
  EXPECT_TRUE(da == db) << "sizes " << da.size() << " " << db.size();
}

}  // namespace
}  // namespace silt

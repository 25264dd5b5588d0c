// SqliteSnapshotStore: snapshots of a SQLite database (in WAL mode) kept in a
// SnapshotStore, after rqlite's design (seed 003; docs/snapshot_layout.md).
//
//   Full:        checkpoint the source's WAL (TRUNCATE), copy the database file
//                into the snapshot as `db`.
//   Incremental: compact the source's WAL into the snapshot as `wal`, then
//                checkpoint the source's WAL. After Persist the snapshot is
//                folded: the previous snapshot's `db` is moved into the new
//                snapshot's directory, the compacted WAL is applied to it
//                (ApplySqliteWalWithEnv), and older snapshots are reaped. Only
//                the newest snapshot therefore has a database; Recover
//                finishes an interrupted fold. The snapshot is complete and
//                durable before the fold starts (its base's `db` plus its
//                `wal`), so by default the fold runs on a background thread
//                after Snapshot returns; every other call waits for it first.
//
// Every step goes through the Env except the one SQLite does itself with
// Checkpointer::kSqlite: the source's checkpoint. With Checkpointer::kEnv that
// is done by ApplySqliteWalWithEnv too, so the whole path runs on
// FaultInjectionEnv in the crash tests.
//
// The caller must not write to the source database during Snapshot (as a raft
// state machine does not apply entries while it is snapshotted): a write
// between the compaction and the checkpoint would be lost from the snapshot.
// Not thread-safe: one thread drives a SqliteSnapshotStore (the background
// fold is the store's own and is waited for by every call).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "silt/snapshot_store.h"

namespace silt {

// Data file and attribute names inside a SQLite snapshot (docs/snapshot_layout.md).
inline constexpr std::string_view kSqliteSnapshotDbFile = "db";
inline constexpr std::string_view kSqliteSnapshotWalFile = "wal";
// The fold's working name for the database being brought up to date.
inline constexpr std::string_view kSqliteFoldDbFile = "fold.db";
// Left by an interrupted fold of older versions, which copied `wal` here and
// let SQLite checkpoint it; the fold removes them.
inline constexpr std::string_view kSqliteFoldWalFile = "fold.db-wal";
inline constexpr std::string_view kSqliteFoldShmFile = "fold.db-shm";

struct SqliteSnapshotOptions {
  // Who checkpoints the source database's WAL into it.
  //   kSqlite: the SQLite library (PRAGMA wal_checkpoint(TRUNCATE)); the
  //            files must be on the real file system. Default.
  //   kEnv:    ApplySqliteWalWithEnv through the Env (tests on FaultInjectionEnv).
  // The fold always applies the snapshot's compacted WAL with
  // ApplySqliteWalWithEnv: that WAL is silt's own, and no SQLite connection
  // is ever opened on a snapshot's files.
  enum class Checkpointer { kSqlite, kEnv };
  Checkpointer checkpointer = Checkpointer::kSqlite;
  // Fold an incremental snapshot on a background thread once it is
  // persisted, so that Snapshot returns as soon as the snapshot is durable.
  // Snapshot, Restore, FinishFold, WaitForFold and the destructor wait for a
  // running fold. WaitForFold returns its error; a failed fold is run again
  // by the next Snapshot (incremental), Restore of the newest snapshot or
  // FinishFold, or by Open after a restart. false: the fold runs inside
  // Snapshot, whose error it then is.
  bool fold_in_background = true;
  SnapshotStoreOptions store;
  // Test hook, called with a step's name before each step of Snapshot and the
  // fold ("sink-created", "wal-compacted" (incremental only),
  // "source-checkpointed", "persisted", "fold-take-base", "fold-checkpoint",
  // "fold-rename", "fold-reap"); a non-OK result stops there as a crash
  // would: nothing is cleaned up.
  std::function<Status(std::string_view step)> failpoint;
};

struct SqliteSnapshotResult {
  std::string id;
  // What was taken: an incremental request becomes full when FULL_NEEDED is
  // set or the database was changed outside the store.
  SnapshotKind kind = SnapshotKind::kFull;
  // Bytes of data written into the snapshot (the db, or the compacted WAL).
  uint64_t bytes = 0;
};

class SqliteSnapshotStore {
 public:
  // Opens the store at root and recovers: the core Recover, then finishing the
  // newest snapshot's fold if one was interrupted, then Reap.
  static Result<std::unique_ptr<SqliteSnapshotStore>> Open(
      Env* env, const std::string& root, const SqliteSnapshotOptions& options = {});

  // Snapshots the database at db_path at (term, index). InvalidArgument for an
  // incremental snapshot into an empty store. On any failure the snapshot is
  // discarded and FULL_NEEDED is set.
  Result<SqliteSnapshotResult> Snapshot(const std::string& db_path, uint64_t term, uint64_t index,
                                        SnapshotKind kind);

  // Writes the database as of snapshot `id` (empty: the newest) to
  // target_path, durably: target_path.tmp, synced, stale target_path-wal and
  // -shm removed, renamed, directory synced.
  Status Restore(const std::string& id, const std::string& target_path);

  // Finishes the fold of the newest snapshot if it is an unfolded incremental
  // (waiting for a background fold first).
  Status FinishFold();
  // Waits for a background fold; returns its error, or OK (also when none ran).
  Status WaitForFold();

  // Snapshots oldest first; with a background fold running, the snapshots it
  // is about to reap may still be listed (WaitForFold first for a settled list).
  Result<std::vector<SnapshotInfo>> List() { return store_->List(); }
  // The core store. Until a background fold ends, the newest snapshot has no
  // `db` and its base is still listed: callers that read snapshot files
  // through it (to ship the newest snapshot, say) call WaitForFold first.
  SnapshotStore* store() { return store_.get(); }

  ~SqliteSnapshotStore();
  SqliteSnapshotStore(const SqliteSnapshotStore&) = delete;
  SqliteSnapshotStore& operator=(const SqliteSnapshotStore&) = delete;

 private:
  SqliteSnapshotStore(Env* env, std::unique_ptr<SnapshotStore> store,
                      const SqliteSnapshotOptions& options)
      : env_(env), store_(std::move(store)), options_(options) {}

  Status Failpoint(std::string_view step) const {
    return options_.failpoint ? options_.failpoint(step) : Status::OK();
  }
  // Checkpoints the source database's WAL (TRUNCATE) with the chosen checkpointer.
  Status CheckpointSource(const std::string& db_path);
  Status Fold(const SnapshotInfo& info);
  // FinishFold without waiting (the fold thread's body).
  Status FoldNewest();
  Status TakeFull(const std::string& db_path, uint64_t term, uint64_t index,
                  SqliteSnapshotResult* result);
  Status TakeIncremental(const std::string& db_path, uint64_t term, uint64_t index,
                         SqliteSnapshotResult* result);

  Env* env_;
  std::unique_ptr<SnapshotStore> store_;
  SqliteSnapshotOptions options_;
  // The background fold (fold_in_background) and the status it ended with,
  // read only after joining it.
  std::thread fold_thread_;
  Status fold_status_;
};

}  // namespace silt

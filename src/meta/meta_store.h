// MetaStore: the durable metadata of a node. It owns the live catalog
// (RootCatalog) and the VersionManager, writes every commit to the metadata
// log (LogStore group 0) before it becomes visible, compacts that log with
// checkpoints (MatrixOne AOE, seed 000) and replays checkpoints + log at open.
//
// Commit: the edit is checked against the catalog and the version manager
// (dry run), encoded (docs/meta_format.md) and appended to group 0 at index
// = its epoch; only once the append is durable (options.sync) do the version
// manager and the catalog publish it. If the append fails, the store refuses
// every later commit with that error (the log's state is unknown): reopen.
//
// Checkpoints: a background heartbeat (options.heartbeat) checks how many
// commits happened since the last checkpoint; at options.checkpoint_delta it
// writes one (Checkpoint() forces one). Every options.global_every delta
// checkpoints, a global checkpoint with the whole state replaces them all.
// After a checkpoint file is durable, the log prefix it covers is truncated.
//
// Open: load the newest global checkpoint, the delta checkpoints after it in
// order, then replay the log after the last one. The result is exactly the
// state before the restart (or crash: every commit whose append was durable).
//
// Thread-safe. Commits are serialized; readers use catalog().Current() and
// versions().Pin() and never wait for a commit or a checkpoint.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "meta/checkpoint.h"
#include "meta/version_edit.h"
#include "meta/version_manager.h"
#include "silt/catalog.h"
#include "silt/env.h"
#include "silt/log_store.h"
#include "silt/status.h"

namespace silt::meta {

struct MetaOptions {
  // File system for the checkpoint files; nullptr means Env::Default().
  Env* env = nullptr;
  // Commits between checkpoints (the seed's default). 0: never automatically.
  uint64_t checkpoint_delta = 10000;
  // Every this many delta checkpoints, the next one is global. A global one
  // is also written when the deltas since the last global one add up to more
  // than half of its size, or when more than half of the tables changed
  // (a delta would then be nearly as big): so the checkpoint files take at
  // most about 1.5 times the whole state plus one delta, and restart reads
  // little more than that, however the commits spread over the tables.
  int global_every = 10;
  // How often the background checkpointer looks; 0: no background thread
  // (call MaybeCheckpoint or Checkpoint yourself).
  std::chrono::milliseconds heartbeat{100};
  // Commits are durable on return. Without it they are written to the log
  // but not fsynced (a crash may lose the last ones, never leave a gap).
  bool sync = true;
};

struct MetaStatus {
  uint64_t epoch = 0;
  uint64_t last_checkpoint_epoch = 0;
  uint64_t commits_since_checkpoint = 0;
  uint64_t checkpoints_written = 0;           // since open
  std::vector<std::string> checkpoint_files;  // names, oldest first
  uint64_t checkpoint_bytes = 0;
  uint64_t log_first_index = 0;  // of group 0
  uint64_t log_last_index = 0;
  std::string last_checkpoint_error;  // of the background checkpointer, if any
};

// What Open did.
struct MetaOpenStats {
  int global_checkpoints_loaded = 0;
  int delta_checkpoints_loaded = 0;
  uint64_t checkpoint_bytes_read = 0;
  uint64_t log_records_replayed = 0;
  uint64_t log_bytes_replayed = 0;
  int stale_files_removed = 0;    // leftover .tmp and superseded checkpoints
  double checkpoint_seconds = 0;  // reading, decoding and applying checkpoints
  double build_seconds = 0;       // building the catalog and Version from them
  double replay_seconds = 0;      // replaying the log after them
};

class MetaStore {
 public:
  // `dir` holds the checkpoint files (created if missing); `log` is the
  // node's log (group 0 is the metadata log) and must outlive the store.
  static Result<std::unique_ptr<MetaStore>> Open(const std::string& dir, LogStore* log,
                                                 const MetaOptions& options = {});
  ~MetaStore();
  MetaStore(const MetaStore&) = delete;
  MetaStore& operator=(const MetaStore&) = delete;

  // Readers: consistent snapshots, never blocked by writers.
  const RootCatalog& catalog() const { return root_; }
  // For Pin, TakeDeletableFiles, NewRowSetId, NewDVId. Commit only through
  // the MetaStore.
  VersionManager& versions() { return vm_; }
  uint64_t epoch() const { return vm_.epoch(); }
  // The catalog and the Version of one epoch, taken together (the Version is
  // pinned while the pointer lives): what a checkpoint or a snapshot needs.
  struct PinnedState {
    std::shared_ptr<const CatalogSnapshot> catalog;
    std::shared_ptr<const Version> version;
  };
  PinnedState PinState();

  // Commits `edit` (all or nothing) and returns its epoch. Errors of the
  // edit (NotFound, AlreadyExists, InvalidArgument) change nothing.
  Result<uint64_t> Commit(const VersionEdit& edit);

  // DDL by name, each one commit.
  Result<SchemaId> CreateSchema(std::string_view name);
  // Drops the schema's tables too.
  Status DropSchema(std::string_view name);
  Result<TableRefId> CreateTable(std::string_view schema, std::string_view name, ShardId shard,
                                 const std::vector<ColumnDef>& columns,
                                 bool is_materialized_view = false,
                                 const std::vector<ColumnId>& ordered_pk_ids = {});
  Status DropTable(std::string_view schema, std::string_view name);

  // Writes a checkpoint now if anything was committed since the last one.
  // `*written` (if given) says whether one was written.
  Status Checkpoint(bool* written = nullptr);
  // Writes one if checkpoint_delta commits happened since the last one.
  Status MaybeCheckpoint();

  MetaStatus GetStatus() const;
  const MetaOpenStats& open_stats() const { return open_stats_; }

  // The whole state: catalog then versions (CatalogSnapshot::DebugString and
  // Version::DebugString of one epoch).
  std::string DebugString() const;

 private:
  MetaStore(const std::string& dir, LogStore* log, const MetaOptions& options,
            std::shared_ptr<const CatalogSnapshot> catalog, std::shared_ptr<const Version> version);

  // Replays the log after the checkpoints, which end at checkpoint_epoch.
  Status Recover(uint64_t checkpoint_epoch);
  Result<uint64_t> CommitLocked(const VersionEdit& edit);
  void NoteChanges(const VersionEdit& edit);
  Status RemoveCheckpointsBefore(uint64_t global_end);
  void HeartbeatLoop();

  Env* const env_;
  const std::string dir_;
  LogStore* const log_;
  const MetaOptions options_;

  RootCatalog root_;
  VersionManager vm_;
  MetaOpenStats open_stats_;

  mutable std::mutex commit_mu_;  // serializes commits; guards the fields below
  Status broken_;
  std::set<TableRefId> changed_;  // tables changed since the last checkpoint
  uint64_t commits_since_checkpoint_ = 0;

  std::mutex checkpoint_mu_;  // one checkpoint at a time; guards the fields below
  uint64_t last_checkpoint_epoch_ = 0;
  bool have_global_ = false;
  int deltas_since_global_ = 0;
  uint64_t global_bytes_ = 0;              // size of the newest global checkpoint
  uint64_t delta_bytes_since_global_ = 0;  // sizes of the deltas after it
  uint64_t checkpoints_written_ = 0;

  mutable std::mutex heartbeat_mu_;
  std::condition_variable heartbeat_cv_;
  bool stopping_ = false;
  std::string last_checkpoint_error_;  // guarded by heartbeat_mu_
  std::thread heartbeat_;
};

// Checkpoint file names: checkpoint-<start:020>-<end:020>.<global|delta>.
std::string CheckpointFileName(CheckpointKind kind, uint64_t start_epoch, uint64_t end_epoch);
// False if `name` is not a checkpoint file name.
bool ParseCheckpointFileName(std::string_view name, CheckpointKind* kind, uint64_t* start_epoch,
                             uint64_t* end_epoch);

}  // namespace silt::meta

// Snapshots of a node's tables in a SnapshotStore (rqlite's store, seed 003,
// applied to silt's own data). Format, chains and every crash case are in
// docs/node_snapshot.md. In short:
//   - a snapshot holds the metadata of its tables as of one epoch (a global
//     metadata checkpoint), the log records after each shard's safe id that
//     the epoch's MemTables held, and the rowset and DV files of that
//     Version, hard-linked from the data directory where possible;
//   - an incremental snapshot holds only the files its base chain lacks and
//     lists, in its manifest, which snapshot holds every other file;
//   - reaping folds a chain into a new full snapshot (links again, no copy)
//     before the old snapshots go;
//   - restore copies a chain into a fresh data directory, checking every
//     byte, and makes it appear at once (rename) or not at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "silt/catalog.h"
#include "silt/snapshot_store.h"
#include "silt/status.h"

namespace silt {

struct NodeSnapshotOptions {
  // Only the tables of this shard (a log group; one per table); none: every
  // table of the node.
  std::optional<ShardId> shard;
  // Full even when an incremental snapshot could extend the newest one. A
  // snapshot is full anyway when the store is empty, needs a full one, or its
  // newest snapshot covers another scope.
  bool full = false;
  // Flush the MemTables first, so that the snapshot carries few log records.
  bool flush = true;
};

struct NodeSnapshotResult {
  std::string id;
  SnapshotKind kind = SnapshotKind::kFull;
  std::string base;  // of an incremental snapshot
  uint64_t epoch = 0;
  uint64_t tables = 0;
  uint64_t files = 0;  // rowset and DV files of the snapshot's Version
  uint64_t bytes = 0;
  uint64_t files_added = 0;  // of them, held by this snapshot (linked or copied)
  uint64_t bytes_added = 0;
  uint64_t files_removed = 0;  // held by the base chain, no longer needed
  uint64_t log_records = 0;    // after the safe ids, replayed by a restore
  uint64_t log_bytes = 0;
  double capture_seconds = 0;  // writers of the snapshot's shards waited at most this
  double seconds = 0;
};

struct NodeSnapshotCheck {
  uint64_t snapshots = 0;  // of the chain
  uint64_t files = 0;      // data files read and checked
  uint64_t bytes = 0;
};

struct NodeRestoreOptions {
  // The restored node's log segment size (NodeOptions::log_segment_size).
  uint64_t log_segment_size = 64ull << 20;
};

struct NodeRestoreResult {
  std::string id;
  uint64_t epoch = 0;
  uint64_t tables = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;  // of rowset and DV files copied
  uint64_t log_records = 0;
  double seconds = 0;
};

// Checks the chain of snapshot `id` (empty: the newest) without restoring it:
// every file the snapshot needs exists in the snapshot its manifest names,
// with the recorded size and XXH3; the metadata and log files decode; the
// metadata references only files the manifest lists. Corruption or NotFound
// naming the snapshot and file otherwise.
Result<NodeSnapshotCheck> VerifyNodeSnapshot(SnapshotStore& store, const std::string& id = "");

// Builds a node's data directory `target` (which must not exist or be empty)
// from snapshot `id` (empty: the newest): every byte is checked as it is
// copied; the directory appears complete (renamed from `target`.restoring)
// or not at all. Opening it yields the tables as of the snapshot's epoch,
// plus the snapshot's log records, replayed.
Result<NodeRestoreResult> RestoreNodeSnapshot(SnapshotStore& store, const std::string& id,
                                              const std::string& target,
                                              const NodeRestoreOptions& options = {});

// Deletes every snapshot older than the newest. If the newest is incremental,
// its chain is first folded into a new full snapshot at the same epoch (hard
// links, no data copied), so the newest stays restorable throughout.
// Returns how many snapshots were deleted.
Result<int> ReapNodeSnapshots(SnapshotStore& store);

}  // namespace silt

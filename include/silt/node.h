// Node: one data directory holding one LogStore, the metadata store and the
// table data, run as one system (ARCHITECTURE.md's data flow; the design and
// its invariants are in docs/node_format.md).
//
// Write path (MatrixOne AOE's safe ids): an insert or a delete is appended to
// its table's shard group of the shared log and acknowledged once durable
// (NodeOptions::sync), then applied to the table's MemTable (inserts) or to
// the rows it matches (deletes: the rowsets' part is committed at once as
// delete vectors, the MemTable's part in memory). A flush writes the MemTables
// of a shard as RowSets and commits them together with the shard's safe id,
// the last log index they cover; the log prefix up to it is then released.
// At open, each shard's log after its safe id is replayed: nothing
// acknowledged is lost and nothing is applied twice.
//
// Bulk loads (BeginLoad) write rowsets directly, not through the log, and
// become visible atomically with one metadata commit: all of a load or none
// of it survives a crash.
//
// Reads (Query) see one consistent state of a table: a pinned Version's
// rowsets and delete vectors plus the MemTables as of the same moment.
//
// Background work (NodeOptions::background_interval): flush MemTables above
// the size limit, compact small rowsets (size-tiered, smallest first), and
// delete files no pinned Version can see any more (vacuum).
//
// Thread-safe: any number of threads may call any method.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "silt/catalog.h"
#include "silt/env.h"
#include "silt/log_store.h"
#include "silt/node_snapshot.h"
#include "silt/status.h"
#include "silt/types.h"
#include "table/query.h"
#include "table/row_iterator.h"

namespace silt {

namespace meta {
class MetaStore;
}

struct NodeOptions {
  // File system; nullptr means Env::Default().
  Env* env = nullptr;
  // Inserts and deletes are durable when they return (group commit shares
  // one fdatasync among concurrent writers). Without it they are written to
  // the log but not synced: a crash may lose the last ones, never part of one.
  bool sync = true;
  // A table's MemTable is flushed once it holds this many bytes.
  uint64_t memtable_bytes = 64ull << 20;
  // Compaction merges rowsets of a table whose combined size fits this.
  uint64_t target_rowset_bytes = 256ull << 20;
  // Rows per rowset written by a bulk load of a table without a sort key
  // (one rowset per this many rows; a sorted table's load cuts a rowset per
  // memtable_bytes of rows).
  uint64_t load_rowset_rows = 4ull << 20;
  // How often the background thread flushes, compacts and vacuums; 0: no
  // background thread (call Flush, Compact and Vacuum yourself).
  std::chrono::milliseconds background_interval{200};
  // Whether the background thread compacts.
  bool auto_compact = true;
  // The log's segment size (LogOptions::segment_size).
  uint64_t log_segment_size = 64ull << 20;
  // Metadata commits between checkpoints (MetaOptions::checkpoint_delta).
  uint64_t checkpoint_delta = 10000;
};

// The schema used when none is named; created at the first open.
inline constexpr std::string_view kDefaultSchema = "main";

struct TableStatus {
  std::string schema;
  std::string name;
  TableRefId ref;
  ShardId shard = 0;
  std::vector<ColumnDef> columns;
  std::vector<std::string> sort_key;
  uint64_t rowsets = 0;
  uint64_t rowset_rows = 0;   // rows in rowsets, deleted ones included
  uint64_t deleted_rows = 0;  // rows of rowsets that delete vectors remove
  uint64_t rowset_bytes = 0;
  uint64_t delete_vectors = 0;
  uint64_t memtable_rows = 0;  // live rows in MemTables (active and being flushed)
  uint64_t memtable_bytes = 0;
  uint64_t safe_id = 0;         // of its shard
  uint64_t log_last_index = 0;  // of its shard
  // Per column: blocks of each encoding ("dictionary", "bitpacked+lz4", ...)
  // over all rowsets; filled by DescribeTable(..., true) only.
  std::vector<std::map<std::string, uint64_t>> column_encodings;
  uint64_t live_rows() const { return rowset_rows - deleted_rows + memtable_rows; }
};

struct NodeStatus {
  uint64_t epoch = 0;
  LogStats log;
  uint64_t meta_last_checkpoint_epoch = 0;
  uint64_t meta_commits_since_checkpoint = 0;
  std::vector<std::string> meta_checkpoint_files;
  uint64_t pending_vacuum = 0;   // removed files waiting for readers to finish
  uint64_t files_vacuumed = 0;   // since open
  uint64_t flushes = 0;          // since open
  uint64_t compactions = 0;      // since open
  std::string background_error;  // the last error of background work, if any
  std::vector<TableStatus> tables;
};

// What Open did.
struct NodeOpenStats {
  uint64_t records_replayed = 0;  // shard log records applied to MemTables
  uint64_t rows_replayed = 0;
  uint64_t orphan_files_removed = 0;  // files no metadata references (a crash)
  double seconds = 0;
};

struct CompactionResult {
  bool compacted = false;  // false: nothing to do, or the table was busy
  uint64_t input_rowsets = 0;
  uint64_t input_rows = 0;  // live rows read
  uint64_t output_rows = 0;
  uint64_t output_bytes = 0;
  bool merged = false;  // by sort key (MergeIterator) rather than concatenated
};

// A bulk load into one table: rows added are written as rowsets (not through
// the log) and become visible together at Commit. Destroying a loader
// without Commit discards everything it wrote.
class TableLoader {
 public:
  virtual ~TableLoader() = default;
  // One vector per table column. InvalidArgument on a type mismatch or a
  // null in a not-null column; after an error the load can only be dropped.
  virtual Status Add(const RowBatch& rows) = 0;
  // Makes every added row visible, atomically and durably; returns the rows.
  virtual Result<uint64_t> Commit() = 0;
  virtual uint64_t rows_added() const = 0;
};

class Node {
 public:
  // Opens (creating if needed) the node in `dir`: recovers the log, loads
  // the metadata, removes files left by a crash, replays each shard's log.
  static Result<std::unique_ptr<Node>> Open(const std::string& dir,
                                            const NodeOptions& options = {});
  virtual ~Node() = default;

  // ---- tables (schema "" means kDefaultSchema) ----
  // `sort_key`: column names; rowsets are written in that order.
  virtual Result<TableRefId> CreateTable(std::string_view schema, std::string_view name,
                                         const std::vector<ColumnDef>& columns,
                                         const std::vector<std::string>& sort_key = {}) = 0;
  virtual Status CreateSchema(std::string_view name) = 0;
  virtual Status DropTable(std::string_view schema, std::string_view name) = 0;
  // With `encodings`, also reads every block header for column_encodings.
  virtual Result<TableStatus> DescribeTable(std::string_view schema, std::string_view name,
                                            bool encodings = false) = 0;

  // ---- writes ----
  // Durable (with options.sync) and visible on return.
  virtual Status Insert(std::string_view schema, std::string_view table, const RowBatch& rows) = 0;
  // Deletes the rows `where` is true for; returns how many. One log record:
  // after a crash the delete is either wholly applied or not at all.
  virtual Result<uint64_t> Delete(std::string_view schema, std::string_view table,
                                  std::string_view where) = 0;
  virtual Result<std::unique_ptr<TableLoader>> BeginLoad(std::string_view schema,
                                                         std::string_view table) = 0;

  // ---- reads ----
  // Runs a query (docs/query.md; FROM is ignored) over the table.
  virtual Result<QueryResult> Query(std::string_view schema, std::string_view table,
                                    std::string_view sql) = 0;

  // ---- maintenance ----
  // Flushes every MemTable (or the table's shard) and releases the log.
  virtual Status Flush() = 0;
  virtual Status FlushTable(std::string_view schema, std::string_view table) = 0;
  // One compaction round of the table (waits for its lock).
  virtual Result<CompactionResult> Compact(std::string_view schema, std::string_view table) = 0;
  // Deletes files of removed rowsets and DVs that no reader can see.
  virtual Result<uint64_t> Vacuum() = 0;
  virtual Result<NodeStatus> GetStatus() = 0;

  // ---- snapshots (silt/node_snapshot.h, docs/node_snapshot.md) ----
  // Writes a snapshot of the node (or of one shard) into `store`. Writers of
  // the snapshot's shards wait only while its Version is pinned and each
  // shard's log position noted; the files are linked afterwards.
  virtual Result<NodeSnapshotResult> Snapshot(SnapshotStore& store,
                                              const NodeSnapshotOptions& options = {}) = 0;
  // RestoreNodeSnapshot: a new data directory from a snapshot chain.
  static Result<NodeRestoreResult> Restore(SnapshotStore& store, const std::string& id,
                                           const std::string& target,
                                           const NodeRestoreOptions& options = {}) {
    return RestoreNodeSnapshot(store, id, target, options);
  }
  virtual const NodeOpenStats& open_stats() const = 0;

  virtual LogStore& log() = 0;
  virtual meta::MetaStore& meta() = 0;
};

}  // namespace silt

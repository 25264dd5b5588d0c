// LogStore: one durable log shared by many Raft groups (Ignite 3 "segstore"
// design, seed 001), so that one fdatasync serves every group.
//
// Entries of all groups are appended to preallocated segment files; per-stripe
// mem-tables map (group, index) to an offset in the current segment; when a
// segment fills up, a checkpointer thread writes an index file for it. Formats:
// docs/log_segment_format.md and docs/log_index_format.md.
//
// Semantics (what a Raft library expects):
//   - An empty group has FirstIndex 1 and LastIndex 0.
//   - Appends to a group must be contiguous: the first index of a group's
//     entries in a batch is LastIndex + 1 (or FirstIndex for an empty group).
//   - With sync = true an operation returns (or calls back) only once it is
//     durable. Concurrent callers share fdatasyncs (group commit).
//   - TruncateSuffix / TruncatePrefix / Reset follow JRaft's log storage and
//     are ordered with appends. SetHardState is always durable on return.
//   - After an I/O error on the write path the store refuses every later write
//     with that error (the state on disk is unknown); reopen it to recover.
// Thread-safe: any number of threads may call any method.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"

namespace silt {

struct LogEntry {
  uint64_t group = 0;
  uint64_t index = 0;
  uint64_t term = 0;
  std::string payload;
};

// Entries of any number of groups, appended atomically: after a crash either
// the whole batch is in the log or none of it is.
class LogBatch {
 public:
  void Add(uint64_t group, uint64_t index, uint64_t term, std::string payload) {
    entries_.push_back(LogEntry{group, index, term, std::move(payload)});
  }
  void Add(LogEntry entry) { entries_.push_back(std::move(entry)); }
  const std::vector<LogEntry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  void Clear() { entries_.clear(); }

 private:
  std::vector<LogEntry> entries_;
};

enum class LogRecoveryMode {
  // A torn or corrupt tail of the last segment (a crash mid-write) is cut off;
  // damage anywhere else is an error.
  kTolerateTail,
  // Any damage, even at the tail, is an error naming the file and offset.
  kStrict,
};

struct LogOptions {
  // File system; nullptr means Env::Default().
  Env* env = nullptr;
  // Size each segment file is preallocated to. A batch larger than this gets a
  // segment of its own, grown to fit. At most 4 GiB (offsets are 32-bit).
  uint64_t segment_size = 64ull << 20;
  // Segments are preallocated by writing zeros rather than with fallocate:
  // an fdatasync after writing into fallocated (unwritten) extents must also
  // commit the extent conversion, which on ext4 costs as much as a metadata
  // journal commit (measured here: 3.9 ms vs 0.08 ms per 4 KiB write+sync;
  // PostgreSQL zero-fills its WAL segments for the same reason). The next
  // segment is prepared in the background, so writers do not wait for it;
  // if writes outpace that zero-fill (the disk would then take every segment
  // twice), the writer does not wait either: that segment is fallocated.
  bool zero_fill_segments = true;
  // Mem-table stripes (by hash of group id); more stripes, less contention
  // between readers of different groups and the writer.
  int stripes = 4;
  // Full segments waiting for their index file; when the queue is full the
  // writer waits (back-pressure) rather than dropping anything.
  size_t checkpoint_queue_size = 10;
  LogRecoveryMode recovery_mode = LogRecoveryMode::kTolerateTail;
  // Upper bound on bytes one group-commit round writes before its fdatasync.
  size_t max_round_bytes = 8u << 20;
  // Reclaim (delete) segments whose entries are all truncated.
  bool reclaim_segments = true;
  // When segment files take more than this many bytes, closed segments with
  // at most half of their entries still live are rewritten (live entries
  // only, as generation G+1) so that their space is freed. 0 disables it.
  uint64_t soft_size_limit = 1ull << 30;
};

struct HardState {
  uint64_t term = 0;
  uint64_t vote = 0;
};

struct LogStats {
  uint64_t bytes_on_disk = 0;     // segment and index files
  uint64_t segments = 0;          // segment files
  uint64_t index_files = 0;       // index files
  uint64_t memtable_entries = 0;  // entries whose offsets are held in memory
  uint64_t checkpoint_queue = 0;  // full segments waiting for their index file
  uint64_t fsyncs = 0;            // fdatasync/fsync calls on log files since open
  uint64_t batches_written = 0;   // operations made durable or written since open
  uint64_t sync_rounds = 0;       // group-commit rounds that ended in an fdatasync
  uint64_t segments_reclaimed = 0;
  uint64_t segments_rewritten = 0;
  uint64_t rewrite_failures = 0;  // a failed rewrite leaves the segment as it was
  // Segments fallocated although LogOptions::zero_fill_segments is set, since
  // open: the background zero-fill was behind the writer, or a batch needed a
  // segment larger than segment_size.
  uint64_t segments_fallocated = 0;
  uint64_t groups = 0;
};

class LogStore {
 public:
  virtual ~LogStore() = default;

  // Opens (creating if needed) the log in dir and recovers it.
  static Result<std::unique_ptr<LogStore>> Open(const std::string& dir, const LogOptions& options);

  // Appends a batch; with sync, returns once it is durable.
  virtual Status Append(const LogBatch& batch, bool sync = true) = 0;
  // Asynchronous Append: `done` runs on the log's writer thread once the batch
  // is written (and durable, with sync). It must not call back into the store
  // synchronously with a blocking operation.
  virtual void AppendAsync(LogBatch batch, bool sync, std::function<void(Status)> done) = 0;

  // NotFound if index is outside [FirstIndex, LastIndex].
  virtual Result<LogEntry> Get(uint64_t group, uint64_t index) = 0;
  // Entries [from, to] (inclusive), stopping early (after at least one entry)
  // once max_bytes of payload are collected.
  virtual Result<std::vector<LogEntry>> GetRange(uint64_t group, uint64_t from, uint64_t to,
                                                 uint64_t max_bytes = UINT64_MAX) = 0;
  virtual uint64_t FirstIndex(uint64_t group) = 0;
  virtual uint64_t LastIndex(uint64_t group) = 0;
  virtual Result<uint64_t> Term(uint64_t group, uint64_t index) = 0;

  // Removes entries after last_kept (last_kept >= FirstIndex - 1).
  virtual Status TruncateSuffix(uint64_t group, uint64_t last_kept, bool sync = true) = 0;
  // Removes entries before first_kept (first_kept <= LastIndex + 1).
  virtual Status TruncatePrefix(uint64_t group, uint64_t first_kept, bool sync = true) = 0;
  // Removes every entry; the group then has FirstIndex next_index and
  // LastIndex next_index - 1 (after installing a snapshot). next_index >= 1.
  virtual Status Reset(uint64_t group, uint64_t next_index, bool sync = true) = 0;

  // Durable on return.
  virtual Status SetHardState(uint64_t group, uint64_t term, uint64_t vote) = 0;
  virtual HardState GetHardState(uint64_t group) = 0;

  // Groups that have entries, truncation state or a hard state.
  virtual std::vector<uint64_t> Groups() = 0;
  virtual LogStats GetStats() = 0;

  // Waits until every full segment has its index file and reclamation ran.
  virtual Status WaitForCheckpoints() = 0;
};

}  // namespace silt

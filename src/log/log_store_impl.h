// LogStoreImpl: the LogStore behind LogStore::Open. Internal to src/log/.
//
// Threads:
//   - callers: enqueue requests and wait (or return, for AppendAsync);
//   - the writer thread: takes every queued request (up to max_round_bytes),
//     validates, encodes each as one batch frame, writes them with one pwrite
//     per segment touched, issues one fdatasync if any request asked for sync
//     (group commit), applies them to the mem-tables, completes them;
//   - the checkpointer thread (checkpointer.h): index files and reclamation.
// Locks: queue_mu_ guards the request queue and poisoned_; each Stripe's
// shared_mutex guards its groups; segments_mu_ guards segments_. No thread
// holds two of them at once, except stripe locks taken one after another.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/durable_file.h"
#include "log/checkpointer.h"
#include "log/group_state.h"
#include "log/log_format.h"
#include "silt/log_store.h"

namespace silt::log {

class LogStoreImpl final : public LogStore {
 public:
  LogStoreImpl(std::string dir, const LogOptions& options);
  ~LogStoreImpl() override;

  // Recovery (log_recovery.cc); then StartThreads.
  Status Recover();
  void StartThreads();

  Status Append(const LogBatch& batch, bool sync) override;
  void AppendAsync(LogBatch batch, bool sync, std::function<void(Status)> done) override;
  Result<LogEntry> Get(uint64_t group, uint64_t index) override;
  Result<std::vector<LogEntry>> GetRange(uint64_t group, uint64_t from, uint64_t to,
                                         uint64_t max_bytes) override;
  uint64_t FirstIndex(uint64_t group) override;
  uint64_t LastIndex(uint64_t group) override;
  Result<uint64_t> Term(uint64_t group, uint64_t index) override;
  Status TruncateSuffix(uint64_t group, uint64_t last_kept, bool sync) override;
  Status TruncatePrefix(uint64_t group, uint64_t first_kept, bool sync) override;
  Status Reset(uint64_t group, uint64_t next_index, bool sync) override;
  Status SetHardState(uint64_t group, uint64_t term, uint64_t vote) override;
  HardState GetHardState(uint64_t group) override;
  std::vector<uint64_t> Groups() override;
  LogStats GetStats() override;
  Status WaitForCheckpoints() override;

 private:
  struct Request {
    enum Kind { kAppend, kTruncateSuffix, kTruncatePrefix, kReset, kHardState, kBarrier };
    Kind kind = kAppend;
    LogBatch batch;                       // owned (AppendAsync), or
    const LogBatch* batch_ref = nullptr;  // the caller's (Append waits for it)
    const LogBatch& entries() const { return batch_ref ? *batch_ref : batch; }
    uint64_t group = 0, a = 0, b = 0;
    bool sync = true;
    std::function<void(Status)> done;
    Status status;
    bool noop = false;  // valid but changes nothing (e.g. truncating beyond the end)
  };
  // (first, last) of groups as the requests of a round will leave them.
  using PendingBounds = std::unordered_map<uint64_t, std::pair<uint64_t, uint64_t>>;

  struct SegmentInfo {
    std::shared_ptr<SegmentFile> file;
    std::shared_ptr<IndexFile> index;
    bool index_has_state = false;
  };

  Status Submit(std::unique_ptr<Request> req);
  Status SubmitOp(Request::Kind kind, uint64_t group, uint64_t a, uint64_t b, bool sync);
  void Enqueue(std::unique_ptr<Request> req);

  Stripe& StripeFor(uint64_t group) const;

  // Writer thread.
  struct Round;
  // A record written by the current round, applied to the mem-tables after
  // its fdatasync (no need to decode and re-check what was just encoded).
  struct PendingRecord {
    RecordType type;
    uint64_t group, a, b;
    std::shared_ptr<SegmentFile> segment;
    uint32_t offset;
  };
  void WriterLoop();
  // Moves queued requests into the round (waiting for one if `wait`).
  bool TakeRequests(Round* round, bool wait);
  Status CheckRequest(Request& req, PendingBounds* pending) const;
  static void RecordsOf(const Request& req, std::vector<Record>* out);
  void EncodeIntoRound(Request* req, Round* round);
  Status WriteChunk(Round* round);
  void ApplyRound(Round* round);
  void ApplyRecord(const Record& r, const std::shared_ptr<SegmentFile>& segment, uint32_t offset);
  Status Seal();
  FrozenSegment FreezeActive();
  // Makes segment `number` the current one: the one prepared in the
  // background if it is there, finished and big enough, else a new one
  // (fallocated, so the writer never waits for a zero-fill, except for the
  // first segment of a new log); then starts preparing the next.
  Status CreateSegment(uint64_t number, uint64_t min_size);
  void StartPreparing(uint64_t number);
  // Seals the current segment, applies `round`'s written records, freezes the
  // mem-table for the checkpointer and starts the next segment.
  Status Rollover(uint64_t need, Round* round);

  // Checkpointer thread.
  void StartCheckpointer();
  Status WriteIndex(const FrozenSegment& frozen);
  Status Reclaim();
  // Rewrites mostly-dead segments while the log exceeds soft_size_limit
  // (log_rewrite.cc). Failures are counted, never fatal: the old segment stays.
  void RewriteSegments();
  Status RewriteSegment(uint64_t number);

  // Recovery helpers (log_recovery.cc).
  Status ValidateReplayed(const Record& r, const std::string& file, uint64_t offset);
  Status RebuildIndex(const std::shared_ptr<SegmentFile>& segment, std::shared_ptr<IndexFile>* out);
  Status ReplaySegment(const std::shared_ptr<SegmentFile>& segment, bool last,
                       SegmentScanResult* scan);

  Env* env_;
  LogOptions options_;
  const std::string dir_;
  const std::string segments_dir_;
  const std::string index_dir_;
  std::unique_ptr<FileLock> lock_;
  std::vector<std::unique_ptr<Stripe>> stripes_;

  // Owned by the writer thread (and by Recover before it starts).
  std::vector<Record> scratch_records_;
  std::shared_ptr<SegmentFile> active_;
  uint64_t active_capacity_ = 0;
  uint64_t write_offset_ = 0;
  // The next segment, being written as segment-N-0.bin.tmp on another thread.
  uint64_t prepared_number_ = 0;
  std::future<Status> prepared_;
  // A zero-fill the writer did not wait for (CreateSegment): it ends, and its
  // file is removed, on another thread; no new one starts until it has.
  std::future<void> abandoned_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Request>> queue_;
  bool stopping_ = false;
  Status poisoned_;

  std::mutex segments_mu_;
  std::map<uint64_t, SegmentInfo> segments_;
  uint64_t active_number_ = 0;

  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> batches_written_{0};
  std::atomic<uint64_t> sync_rounds_{0};
  std::atomic<uint64_t> segments_reclaimed_{0};
  std::atomic<uint64_t> segments_rewritten_{0};
  std::atomic<uint64_t> segments_fallocated_{0};
  std::atomic<uint64_t> rewrite_failures_{0};

  std::unique_ptr<Checkpointer> checkpointer_;
  std::thread writer_;
};

}  // namespace silt::log

// LogStoreImpl: the writer thread (group commit), reads, rollover, the
// checkpointer's work, reclamation. Recovery is in log_recovery.cc.
#include "log/log_store_impl.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "common/coding.h"
#include "common/file_names.h"
#include "common/path.h"
#include "log/log_file_names.h"

namespace silt::log {

LogStoreImpl::LogStoreImpl(std::string dir, const LogOptions& options)
    : env_(options.env ? options.env : Env::Default()),
      options_(options),
      dir_(std::move(dir)),
      segments_dir_(JoinPath(dir_, kSegmentsDir)),
      index_dir_(JoinPath(dir_, kIndexDir)) {
  if (options_.stripes < 1) options_.stripes = 1;
  for (int i = 0; i < options_.stripes; ++i) stripes_.push_back(std::make_unique<Stripe>());
}

LogStoreImpl::~LogStoreImpl() {
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (prepared_.valid()) prepared_.get().ok();  // its .tmp is deleted by the next recovery
  if (abandoned_.valid()) abandoned_.get();
  checkpointer_.reset();  // finishes queued index files
}

void LogStoreImpl::StartThreads() {
  writer_ = std::thread([this] { WriterLoop(); });
}

void LogStoreImpl::StartCheckpointer() {
  checkpointer_ = std::make_unique<Checkpointer>(
      options_.checkpoint_queue_size, [this](const FrozenSegment& s) { return WriteIndex(s); },
      [this] { return Reclaim(); });
}

// ---------------------------------------------------------------- requests

Status LogStoreImpl::Submit(std::unique_ptr<Request> req) {
  std::promise<Status> promise;
  std::future<Status> future = promise.get_future();
  req->done = [&promise](Status s) { promise.set_value(std::move(s)); };
  Enqueue(std::move(req));
  return future.get();
}

void LogStoreImpl::Enqueue(std::unique_ptr<Request> req) {
  {
    std::lock_guard<std::mutex> l(queue_mu_);
    if (stopping_) {
      auto done = std::move(req->done);
      done(Status::Aborted("log store is closing"));
      return;
    }
    queue_.push_back(std::move(req));
  }
  queue_cv_.notify_one();
}

Status LogStoreImpl::Append(const LogBatch& batch, bool sync) {
  auto req = std::make_unique<Request>();
  req->kind = Request::kAppend;
  req->batch_ref = &batch;  // the caller waits, so the batch outlives the request
  req->sync = sync;
  return Submit(std::move(req));
}

void LogStoreImpl::AppendAsync(LogBatch batch, bool sync, std::function<void(Status)> done) {
  auto req = std::make_unique<Request>();
  req->kind = Request::kAppend;
  req->batch = std::move(batch);
  req->sync = sync;
  req->done = std::move(done);
  Enqueue(std::move(req));
}

Status LogStoreImpl::SubmitOp(Request::Kind kind, uint64_t group, uint64_t a, uint64_t b,
                              bool sync) {
  auto req = std::make_unique<Request>();
  req->kind = kind;
  req->group = group;
  req->a = a;
  req->b = b;
  req->sync = sync;
  return Submit(std::move(req));
}

Status LogStoreImpl::TruncateSuffix(uint64_t group, uint64_t last_kept, bool sync) {
  return SubmitOp(Request::kTruncateSuffix, group, last_kept, 0, sync);
}

Status LogStoreImpl::TruncatePrefix(uint64_t group, uint64_t first_kept, bool sync) {
  return SubmitOp(Request::kTruncatePrefix, group, first_kept, 0, sync);
}

Status LogStoreImpl::Reset(uint64_t group, uint64_t next_index, bool sync) {
  return SubmitOp(Request::kReset, group, next_index, 0, sync);
}

Status LogStoreImpl::SetHardState(uint64_t group, uint64_t term, uint64_t vote) {
  return SubmitOp(Request::kHardState, group, term, vote, /*sync=*/true);
}

// ---------------------------------------------------------------- reads

Stripe& LogStoreImpl::StripeFor(uint64_t group) const {
  return *stripes_[StripeOf(group, stripes_.size())];
}

Result<LogEntry> LogStoreImpl::Get(uint64_t group, uint64_t index) {
  std::shared_ptr<SegmentFile> segment;
  std::shared_ptr<IndexFile> index_file;
  size_t slot = 0;
  uint32_t offset = 0;
  {
    Stripe& stripe = StripeFor(group);
    std::shared_lock<std::shared_mutex> l(stripe.mu);
    auto it = stripe.groups.find(group);
    if (it == stripe.groups.end() || index < it->second.first || index > it->second.last) {
      return Status::NotFound(fmt::format("log group {} has no entry {}", group, index));
    }
    const Run* run = it->second.FindRun(index);
    if (run == nullptr) {
      return Status::Corruption(
          fmt::format("log group {}: entry {} is within [{}, {}] but in no segment", group, index,
                      it->second.first, it->second.last));
    }
    segment = run->segment;
    if (run->mem) {
      offset = run->mem->offsets[index - run->mem->base];
    } else {
      index_file = run->index;
      slot = run->slot;
    }
  }
  if (index_file) {
    SILT_ASSIGN_OR_RETURN(offset, index_file->OffsetOf(slot, index));
  }
  Record record;
  LogEntry entry;
  SILT_RETURN_IF_ERROR(segment->ReadRecord(offset, &record, &entry.payload));
  if (record.type != RecordType::kEntry || record.group != group || record.a != index) {
    return Status::Corruption(
        segment->path(), offset,
        fmt::format("expected entry {} of group {}, found a record of type {} "
                    "for group {} index {}",
                    index, group, static_cast<int>(record.type), record.group, record.a));
  }
  entry.group = group;
  entry.index = index;
  entry.term = record.b;
  return entry;
}

Result<std::vector<LogEntry>> LogStoreImpl::GetRange(uint64_t group, uint64_t from, uint64_t to,
                                                     uint64_t max_bytes) {
  std::vector<LogEntry> out;
  uint64_t bytes = 0;
  for (uint64_t i = from; i <= to && i >= from; ++i) {
    SILT_ASSIGN_OR_RETURN(LogEntry e, Get(group, i));
    bytes += e.payload.size();
    out.push_back(std::move(e));
    if (bytes >= max_bytes) break;
  }
  return out;
}

uint64_t LogStoreImpl::FirstIndex(uint64_t group) {
  Stripe& stripe = StripeFor(group);
  std::shared_lock<std::shared_mutex> l(stripe.mu);
  auto it = stripe.groups.find(group);
  return it == stripe.groups.end() ? 1 : it->second.first;
}

uint64_t LogStoreImpl::LastIndex(uint64_t group) {
  Stripe& stripe = StripeFor(group);
  std::shared_lock<std::shared_mutex> l(stripe.mu);
  auto it = stripe.groups.find(group);
  return it == stripe.groups.end() ? 0 : it->second.last;
}

Result<uint64_t> LogStoreImpl::Term(uint64_t group, uint64_t index) {
  SILT_ASSIGN_OR_RETURN(LogEntry e, Get(group, index));
  return e.term;
}

HardState LogStoreImpl::GetHardState(uint64_t group) {
  Stripe& stripe = StripeFor(group);
  std::shared_lock<std::shared_mutex> l(stripe.mu);
  auto it = stripe.groups.find(group);
  if (it == stripe.groups.end()) return HardState{};
  return HardState{it->second.term, it->second.vote};
}

std::vector<uint64_t> LogStoreImpl::Groups() {
  std::vector<uint64_t> out;
  for (const auto& stripe : stripes_) {
    std::shared_lock<std::shared_mutex> l(stripe->mu);
    for (const auto& [g, state] : stripe->groups) out.push_back(g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

LogStats LogStoreImpl::GetStats() {
  LogStats s;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    for (const auto& [n, info] : segments_) {
      s.segments++;
      s.bytes_on_disk += info.file ? info.file->file()->Size().value_or(0) : 0;
      if (info.index) {
        s.index_files++;
        s.bytes_on_disk += info.index->file_size();
      }
    }
  }
  for (const auto& stripe : stripes_) {
    std::shared_lock<std::shared_mutex> l(stripe->mu);
    s.groups += stripe->groups.size();
    for (const auto& [g, state] : stripe->groups) {
      if (state.active) s.memtable_entries += state.active->offsets.size();
    }
  }
  if (checkpointer_) {
    s.memtable_entries += checkpointer_->memtable_entries();
    s.checkpoint_queue = checkpointer_->queued();
  }
  s.fsyncs = fsyncs_.load();
  s.batches_written = batches_written_.load();
  s.sync_rounds = sync_rounds_.load();
  s.segments_reclaimed = segments_reclaimed_.load();
  s.segments_rewritten = segments_rewritten_.load();
  s.segments_fallocated = segments_fallocated_.load();
  s.rewrite_failures = rewrite_failures_.load();
  return s;
}

Status LogStoreImpl::WaitForCheckpoints() {
  // Let the writer finish what is queued first, so its rollovers are included.
  SILT_RETURN_IF_ERROR(SubmitOp(Request::kBarrier, 0, 0, 0, false));
  return checkpointer_->WaitIdle();
}

// ---------------------------------------------------------------- the writer

// The state of one group-commit round: its requests, what they leave the
// groups' bounds at, the bytes not yet written, and the records written but
// not yet applied to the mem-tables.
struct LogStoreImpl::Round {
  std::vector<std::unique_ptr<Request>> requests;
  PendingBounds pending;
  std::string chunk;                     // encoded frames for the current segment, not yet written
  std::vector<PendingRecord> unapplied;  // written (or in `chunk`), applied after the sync
  uint64_t bytes = 0;
  bool want_sync = false;
  bool reclaim = false;
  Status status;
};

bool LogStoreImpl::TakeRequests(Round* round, bool wait) {
  std::unique_lock<std::mutex> l(queue_mu_);
  if (wait) queue_cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
  bool took = false;
  while (!queue_.empty() && (round->requests.empty() || round->bytes < options_.max_round_bytes)) {
    for (const auto& e : queue_.front()->entries().entries()) round->bytes += e.payload.size() + 32;
    round->requests.push_back(std::move(queue_.front()));
    queue_.pop_front();
    took = true;
  }
  return took;
}

void LogStoreImpl::WriterLoop() {
  while (true) {
    Round round;
    if (!TakeRequests(&round, /*wait=*/true)) return;  // stopping, and nothing left to write
    {
      std::lock_guard<std::mutex> l(queue_mu_);
      round.status = poisoned_;
    }
    size_t encoded = 0;
    while (round.status.ok()) {
      for (; encoded < round.requests.size() && round.status.ok(); ++encoded) {
        EncodeIntoRound(round.requests[encoded].get(), &round);
      }
      if (round.status.ok() && !round.chunk.empty()) round.status = WriteChunk(&round);
      // Group commit: requests that arrived while this round was being written
      // join it before its fdatasync rather than wait for the next one.
      if (!round.status.ok() || !round.want_sync || !TakeRequests(&round, /*wait=*/false)) break;
    }
    if (round.status.ok() && round.want_sync && !round.unapplied.empty()) {
      round.status = active_->file()->DataSync();
      fsyncs_++;
      sync_rounds_++;
    }
    if (round.status.ok()) {
      ApplyRound(&round);
    } else {
      std::lock_guard<std::mutex> l(queue_mu_);
      if (poisoned_.ok())
        poisoned_ = round.status.WithContext("log writes stopped after an I/O error");
      for (auto& r : round.requests) {
        if (r->status.ok()) r->status = poisoned_;
      }
    }
    if (round.reclaim && options_.reclaim_segments) checkpointer_->RequestReclaim();
    for (auto& req : round.requests) {
      auto done = std::move(req->done);
      if (done) done(req->status);
    }
  }
}

Status LogStoreImpl::CheckRequest(Request& req, PendingBounds* pending) const {
  auto bounds = [&](uint64_t group) -> std::pair<uint64_t, uint64_t>& {
    auto it = pending->find(group);
    if (it != pending->end()) return it->second;
    Stripe& stripe = StripeFor(group);
    std::shared_lock<std::shared_mutex> l(stripe.mu);
    auto g = stripe.groups.find(group);
    auto b = g == stripe.groups.end() ? std::pair<uint64_t, uint64_t>{1, 0}
                                      : std::pair{g->second.first, g->second.last};
    return (*pending)[group] = b;
  };
  switch (req.kind) {
    case Request::kAppend: {
      // Check the whole batch before changing `pending`: a bad batch is refused whole.
      std::unordered_map<uint64_t, uint64_t> last;
      for (const auto& e : req.entries().entries()) {
        auto it = last.find(e.group);
        const uint64_t prev = it != last.end() ? it->second : bounds(e.group).second;
        if (e.index != prev + 1) {
          return Status::InvalidArgument(
              fmt::format("log group {}: entry index {} does not follow the last index {}", e.group,
                          e.index, prev));
        }
        if (e.payload.size() > (1u << 30)) {
          return Status::InvalidArgument(
              fmt::format("log group {}: entry {} of {} bytes exceeds the 1 GiB limit", e.group,
                          e.index, e.payload.size()));
        }
        last[e.group] = e.index;
      }
      for (const auto& [g, l] : last) bounds(g).second = l;
      return Status::OK();
    }
    case Request::kTruncateSuffix: {
      auto& b = bounds(req.group);
      if (req.a + 1 < b.first) {
        return Status::InvalidArgument(
            fmt::format("log group {}: cannot truncate the suffix after {}: first index is {}",
                        req.group, req.a, b.first));
      }
      req.noop = req.a >= b.second;
      b.second = std::min(b.second, req.a);
      return Status::OK();
    }
    case Request::kTruncatePrefix: {
      auto& b = bounds(req.group);
      if (req.a > b.second + 1) {
        return Status::InvalidArgument(fmt::format(
            "log group {}: cannot truncate the prefix before {}: last index is {} (use Reset)",
            req.group, req.a, b.second));
      }
      req.noop = req.a <= b.first;
      b.first = std::max(b.first, req.a);
      return Status::OK();
    }
    case Request::kReset: {
      if (req.a == 0) {
        return Status::InvalidArgument(fmt::format("log group {}: reset to index 0", req.group));
      }
      auto& b = bounds(req.group);
      b = {req.a, req.a - 1};
      return Status::OK();
    }
    case Request::kHardState:
    case Request::kBarrier:
      return Status::OK();
  }
  return Status::OK();
}

// The records a request writes (none for a barrier). Payloads view the request's batch.
void LogStoreImpl::RecordsOf(const Request& req, std::vector<Record>* out) {
  out->clear();
  switch (req.kind) {
    case Request::kAppend:
      for (const auto& e : req.entries().entries()) {
        out->push_back(Record{RecordType::kEntry, e.group, e.index, e.term, e.payload});
      }
      break;
    case Request::kTruncateSuffix:
      out->push_back(Record{RecordType::kTruncateSuffix, req.group, req.a, 0, {}});
      break;
    case Request::kTruncatePrefix:
      out->push_back(Record{RecordType::kTruncatePrefix, req.group, req.a, 0, {}});
      break;
    case Request::kReset:
      out->push_back(Record{RecordType::kReset, req.group, req.a, 0, {}});
      break;
    case Request::kHardState:
      out->push_back(Record{RecordType::kHardState, req.group, req.a, req.b, {}});
      break;
    case Request::kBarrier:
      break;
  }
}

void LogStoreImpl::EncodeIntoRound(Request* req, Round* round) {
  req->status = CheckRequest(*req, &round->pending);
  if (!req->status.ok() || req->noop) return;
  round->reclaim |= req->kind == Request::kTruncatePrefix || req->kind == Request::kReset;
  std::vector<Record>& records = scratch_records_;
  RecordsOf(*req, &records);
  if (records.empty()) return;
  size_t frame_size = kFrameHeaderSize;
  for (const Record& r : records) frame_size += EncodedRecordSize(r);
  // Keep room for the end marker; roll over when the frame does not fit
  // (unless the segment is empty: an oversized frame gets a segment to itself).
  const uint64_t need = frame_size + kFrameHeaderSize;
  const uint64_t at = write_offset_ + round->chunk.size();
  if (at + need > active_capacity_ && at > kSegmentHeaderSize) {
    if (!round->chunk.empty()) round->status = WriteChunk(round);
    if (round->status.ok()) {
      // The old segment's records become durable with its seal; apply them
      // before its mem-table is frozen.
      round->status = Rollover(need, round);
    }
    if (!round->status.ok()) return;
  }
  const size_t frame_start = round->chunk.size();
  round->chunk.resize(frame_start + kFrameHeaderSize);
  for (const Record& r : records) {
    const uint64_t offset = write_offset_ + round->chunk.size();
    EncodeRecord(&round->chunk, r);
    round->unapplied.push_back(
        PendingRecord{r.type, r.group, r.a, r.b, active_, static_cast<uint32_t>(offset)});
  }
  EncodeFrameHeader(round->chunk.data() + frame_start, kFrameBatch,
                    static_cast<uint32_t>(frame_size - kFrameHeaderSize),
                    static_cast<uint32_t>(records.size()));
  round->want_sync |= req->sync;
  batches_written_++;
}

Status LogStoreImpl::WriteChunk(Round* round) {
  SILT_RETURN_IF_ERROR(active_->file()->WriteAt(write_offset_, round->chunk));
  write_offset_ += round->chunk.size();
  round->chunk.clear();
  return Status::OK();
}

void LogStoreImpl::ApplyRound(Round* round) {
  for (const PendingRecord& p : round->unapplied) {
    ApplyRecord(Record{p.type, p.group, p.a, p.b, {}}, p.segment, p.offset);
  }
  round->unapplied.clear();
}

void LogStoreImpl::ApplyRecord(const Record& r, const std::shared_ptr<SegmentFile>& segment,
                               uint32_t offset) {
  Stripe& stripe = StripeFor(r.group);
  std::unique_lock<std::shared_mutex> l(stripe.mu);
  GroupState& g = stripe.groups[r.group];
  switch (r.type) {
    case RecordType::kEntry:
      g.AppendEntry(segment, r.a, offset);
      break;
    case RecordType::kTruncateSuffix:
      g.TruncateSuffix(r.a);
      break;
    case RecordType::kTruncatePrefix:
      g.TruncatePrefix(r.a);
      break;
    case RecordType::kReset:
      g.Reset(r.a);
      break;
    case RecordType::kHardState:
      g.term = r.a;
      g.vote = r.b;
      break;
  }
}

// ---------------------------------------------------------------- rollover

FrozenSegment LogStoreImpl::FreezeActive() {
  FrozenSegment frozen;
  frozen.segment = active_;
  for (const auto& stripe : stripes_) {
    std::unique_lock<std::shared_mutex> l(stripe->mu);
    for (auto& [group, g] : stripe->groups) {
      IndexGroupInfo info;
      info.group = group;
      info.first_index = g.first;
      info.last_index = g.last;
      info.term = g.term;
      info.vote = g.vote;
      std::shared_ptr<const MemRun> run;
      if (g.active && !g.active->offsets.empty()) {
        info.start = g.active->base;
        info.end = g.active->end();
        run = g.active;
      }
      g.active.reset();
      frozen.groups.push_back(info);
      frozen.runs.push_back(std::move(run));
    }
  }
  return frozen;
}

Status LogStoreImpl::Seal() {
  char marker[kFrameHeaderSize];
  EncodeFrameHeader(marker, kFrameEnd, 0, 0);
  SILT_RETURN_IF_ERROR(
      active_->file()->WriteAt(write_offset_, std::string_view(marker, sizeof(marker))));
  write_offset_ += sizeof(marker);
  SILT_RETURN_IF_ERROR(active_->file()->DataSync());
  fsyncs_++;
  return Status::OK();
}

void LogStoreImpl::StartPreparing(uint64_t number) {
  if (abandoned_.valid()) {
    // Still zero-filling a file nobody will use: the disk is behind, so
    // prepare nothing now (the next segment is then fallocated).
    if (abandoned_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    abandoned_.get();
  }
  const std::string tmp = TempFileName(JoinPath(segments_dir_, SegmentFileName(number, 0)));
  prepared_number_ = number;
  prepared_ = std::async(std::launch::async, [env = env_, tmp, number, size = options_.segment_size,
                                              zero = options_.zero_fill_segments] {
    return SegmentFile::Prepare(env, tmp, number, 0, size, zero);
  });
}

Status LogStoreImpl::CreateSegment(uint64_t number, uint64_t min_size) {
  const uint64_t size = std::max(options_.segment_size, min_size + kSegmentHeaderSize);
  const std::string path = JoinPath(segments_dir_, SegmentFileName(number, 0));
  std::string tmp = TempFileName(path);
  Status prepared = Status::NotFound("no segment prepared");
  // Zero-filling on this thread only for the first segment of a new log.
  bool zero_fill = options_.zero_fill_segments && active_ == nullptr;
  if (prepared_.valid()) {
    if (prepared_.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
        prepared_number_ == number) {
      // The zero-fill is still running: writes are outpacing the disk, which
      // would then have to take every segment twice (zeros, then data). Do
      // not wait: this segment is fallocated under another name, and the
      // zero-filled file is removed once done, on another thread.
      abandoned_ = std::async(std::launch::async, [env = env_, old = std::move(prepared_),
                                                   abandoned_tmp = tmp]() mutable {
        old.get().ok();
        env->RemoveFile(abandoned_tmp).ok();  // else the next recovery deletes it
      });
      tmp = TempFileName(path + ".fallocated");
      prepared = Status::NotFound("the prepared segment is not ready");
    } else {
      prepared = prepared_.get();
      if (prepared_number_ != number || size > options_.segment_size) {
        prepared = Status::NotFound("the prepared segment does not fit");
      }
    }
  }
  if (!prepared.ok()) {
    if (options_.zero_fill_segments && !zero_fill) segments_fallocated_++;
    SILT_RETURN_IF_ERROR(SegmentFile::Prepare(env_, tmp, number, 0, size, zero_fill));
  }
  fsyncs_++;
  SILT_ASSIGN_OR_RETURN(auto segment, SegmentFile::Install(env_, tmp, path, number, 0));
  if (segment->live_map()) SILT_RETURN_IF_ERROR(segment->MapForReads());
  SILT_RETURN_IF_ERROR(env_->SyncDir(segments_dir_));
  fsyncs_++;
  active_ = std::move(segment);
  active_capacity_ = size;
  write_offset_ = kSegmentHeaderSize;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    segments_[number].file = active_;
    active_number_ = number;
  }
  StartPreparing(number + 1);
  return Status::OK();
}

Status LogStoreImpl::Rollover(uint64_t need, Round* round) {
  SILT_RETURN_IF_ERROR(Seal());
  SILT_RETURN_IF_ERROR(active_->MapForReads());
  if (round != nullptr) ApplyRound(round);
  FrozenSegment frozen = FreezeActive();
  SILT_RETURN_IF_ERROR(CreateSegment(active_->number() + 1, need));
  return checkpointer_->Enqueue(std::move(frozen));
}

// ---------------------------------------------------------------- checkpointer work

Status LogStoreImpl::WriteIndex(const FrozenSegment& frozen) {
  const uint64_t number = frozen.segment->number();
  // The seed's order: sync the segment, write the index, sync it, rename, and
  // (beyond the seed) sync the directory; then drop the mem-table.
  SILT_RETURN_IF_ERROR(frozen.segment->file()->DataSync());
  fsyncs_++;
  std::vector<const std::vector<uint32_t>*> offsets;
  static const std::vector<uint32_t> kNone;
  for (const auto& r : frozen.runs) offsets.push_back(r ? &r->offsets : &kNone);
  const std::string path =
      JoinPath(index_dir_, IndexFileName(number, frozen.segment->generation()));
  SILT_RETURN_IF_ERROR(
      IndexFile::Write(env_, path, number, frozen.segment->generation(), frozen.groups, offsets));
  fsyncs_ += 2;
  SILT_ASSIGN_OR_RETURN(auto index,
                        IndexFile::Open(env_, path, number, frozen.segment->generation()));
  for (size_t slot = 0; slot < frozen.groups.size(); ++slot) {
    const MemRun* mem = frozen.runs[slot].get();
    if (mem == nullptr) continue;
    Stripe& stripe = StripeFor(frozen.groups[slot].group);
    std::unique_lock<std::shared_mutex> l(stripe.mu);
    auto it = stripe.groups.find(frozen.groups[slot].group);
    if (it == stripe.groups.end()) continue;
    for (Run& run : it->second.runs) {
      if (run.mem.get() == mem) {
        run.mem.reset();
        run.index = index;
        run.slot = slot;
      }
    }
  }
  std::lock_guard<std::mutex> l(segments_mu_);
  segments_[number].index = index;
  segments_[number].index_has_state = true;
  return Status::OK();
}

Status LogStoreImpl::Reclaim() {
  if (!options_.reclaim_segments) return Status::OK();
  std::set<uint64_t> referenced;
  for (const auto& stripe : stripes_) {
    std::shared_lock<std::shared_mutex> l(stripe->mu);
    for (const auto& [group, g] : stripe->groups) {
      for (const Run& run : g.runs) referenced.insert(run.segment->number());
    }
  }
  std::vector<std::pair<uint64_t, SegmentInfo>> dead;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    // The newest indexed segment carries the full group state: never reclaim it.
    uint64_t newest_indexed = 0;
    for (const auto& [n, info] : segments_) {
      if (info.index && info.index_has_state) newest_indexed = n;
    }
    for (auto it = segments_.begin(); it != segments_.end();) {
      const uint64_t n = it->first;
      if (n < newest_indexed && n != active_number_ && it->second.index &&
          referenced.count(n) == 0) {
        dead.emplace_back(n, std::move(it->second));
        it = segments_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (dead.empty()) {
    RewriteSegments();
    return Status::OK();
  }
  // Segment first: an index without its segment is removed by recovery.
  for (const auto& [n, info] : dead) SILT_RETURN_IF_ERROR(env_->RemoveFile(info.file->path()));
  SILT_RETURN_IF_ERROR(env_->SyncDir(segments_dir_));
  for (const auto& [n, info] : dead) SILT_RETURN_IF_ERROR(env_->RemoveFile(info.index->path()));
  SILT_RETURN_IF_ERROR(env_->SyncDir(index_dir_));
  fsyncs_ += 2;
  segments_reclaimed_ += dead.size();
  RewriteSegments();
  return Status::OK();
}

}  // namespace silt::log

namespace silt {

Result<std::unique_ptr<LogStore>> LogStore::Open(const std::string& dir,
                                                 const LogOptions& options) {
  if (options.segment_size < 4096 || options.segment_size > (uint64_t{1} << 32) - 1) {
    return Status::InvalidArgument(
        fmt::format("log segment size {} is outside [4096, 4294967295]", options.segment_size));
  }
  auto store = std::make_unique<log::LogStoreImpl>(dir, options);
  SILT_RETURN_IF_ERROR(store->Recover().WithContext("open log " + dir));
  store->StartThreads();
  return std::unique_ptr<LogStore>(std::move(store));
}

}  // namespace silt

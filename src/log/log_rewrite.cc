// Rewriting mostly-dead segments (docs/log_segment_format.md, "Rewriting").
//
// A closed segment older than the newest index file with group state, that
// still holds live entries but no more than half of its entries, is copied:
// its live entries (one frame per group) go to segment-N-(G+1).bin.tmp, which
// is fsynced, renamed to its final name, and the directory fsynced; then its
// index file (without group state, which the newer index file carries) is
// written the same way, readers are switched to the new files, and the old
// generation's segment and index files are deleted. A crash at any point
// leaves either generation G (a .tmp is deleted by recovery) or G+1 (recovery
// keeps the newest generation of a segment and deletes the older one).
#include <fmt/format.h>

#include "common/file_names.h"
#include "common/path.h"
#include "log/log_file_names.h"
#include "log/log_store_impl.h"

namespace silt::log {

void LogStoreImpl::RewriteSegments() {
  if (options_.soft_size_limit == 0) return;
  struct Candidate {
    uint64_t number;
    uint64_t total;
    uint64_t live = 0;
  };
  std::vector<Candidate> candidates;
  uint64_t bytes = 0;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    uint64_t newest_with_state = 0;
    for (const auto& [n, info] : segments_) {
      bytes += info.file->file()->Size().value_or(0);
      if (info.index && info.index_has_state) newest_with_state = n;
    }
    if (bytes <= options_.soft_size_limit) return;
    for (const auto& [n, info] : segments_) {
      if (n >= newest_with_state || n == active_number_ || !info.index) continue;
      uint64_t total = 0;
      for (const auto& row : info.index->groups()) total += row.end - row.start;
      if (total > 0) candidates.push_back(Candidate{n, total});
    }
  }
  if (candidates.empty()) return;
  // Count live entries per candidate segment.
  std::unordered_map<uint64_t, Candidate*> by_number;
  for (auto& c : candidates) by_number[c.number] = &c;
  for (const auto& stripe : stripes_) {
    std::shared_lock<std::shared_mutex> l(stripe->mu);
    for (const auto& [group, g] : stripe->groups) {
      for (const Run& run : g.runs) {
        auto it = by_number.find(run.segment->number());
        if (it != by_number.end()) it->second->live += run.hi - run.lo;
      }
    }
  }
  for (const auto& c : candidates) {
    if (bytes <= options_.soft_size_limit) break;
    if (c.live == 0 || c.live * 2 > c.total) continue;  // dead ones are reclaimed instead
    const uint64_t before = bytes;
    Status s = RewriteSegment(c.number);
    if (!s.ok()) {
      rewrite_failures_++;
      continue;
    }
    segments_rewritten_++;
    std::lock_guard<std::mutex> l(segments_mu_);
    bytes = 0;
    for (const auto& [n, info] : segments_) bytes += info.file->file()->Size().value_or(0);
    if (bytes >= before) break;  // no progress: stop rather than churn
  }
}

Status LogStoreImpl::RewriteSegment(uint64_t number) {
  std::shared_ptr<SegmentFile> old_segment;
  std::shared_ptr<IndexFile> old_index;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    auto it = segments_.find(number);
    if (it == segments_.end() || !it->second.index) return Status::NotFound("segment is gone");
    old_segment = it->second.file;
    old_index = it->second.index;
  }
  // The live runs in this segment: (group, lo, hi, slot in the old index).
  struct LiveRun {
    uint64_t group, lo, hi;
    size_t slot;
  };
  std::vector<LiveRun> live;
  for (const auto& stripe : stripes_) {
    std::shared_lock<std::shared_mutex> l(stripe->mu);
    for (const auto& [group, g] : stripe->groups) {
      for (const Run& run : g.runs) {
        if (run.segment != old_segment) continue;
        if (!run.index) return Status::Aborted("segment still has in-memory runs");
        live.push_back(LiveRun{group, run.lo, run.hi, run.slot});
      }
    }
  }
  // Copy the live entries, verifying each record's checksum on the way.
  const uint32_t generation = old_segment->generation() + 1;
  std::string data = EncodeSegmentHeader(number, generation);
  std::vector<IndexGroupInfo> rows;
  std::vector<std::vector<uint32_t>> offsets;
  for (const LiveRun& run : live) {
    IndexGroupInfo row;
    row.group = run.group;
    row.start = run.lo;
    row.end = run.hi;
    offsets.emplace_back();
    std::string frame(kFrameHeaderSize, '\0');
    const uint64_t frame_at = data.size();
    for (uint64_t i = run.lo; i < run.hi; ++i) {
      SILT_ASSIGN_OR_RETURN(uint32_t off, old_index->OffsetOf(run.slot, i));
      Record r;
      std::string payload;
      SILT_RETURN_IF_ERROR(old_segment->ReadRecord(off, &r, &payload));
      if (r.type != RecordType::kEntry || r.group != run.group || r.a != i) {
        return Status::Corruption(old_segment->path(), off, "unexpected record while rewriting");
      }
      offsets.back().push_back(static_cast<uint32_t>(frame_at + frame.size()));
      EncodeRecord(&frame, r);
    }
    EncodeFrameHeader(frame.data(), kFrameBatch,
                      static_cast<uint32_t>(frame.size() - kFrameHeaderSize),
                      static_cast<uint32_t>(run.hi - run.lo));
    data += frame;
    rows.push_back(row);
  }
  char marker[kFrameHeaderSize];
  EncodeFrameHeader(marker, kFrameEnd, 0, 0);
  data.append(marker, sizeof(marker));
  if (data.size() > UINT32_MAX) return Status::NotSupported("rewritten segment too large");

  const std::string path = JoinPath(segments_dir_, SegmentFileName(number, generation));
  const std::string tmp = TempFileName(path);
  {
    SILT_ASSIGN_OR_RETURN(auto file, env_->NewFile(tmp, OpenMode::kTruncate));
    SILT_RETURN_IF_ERROR(file->Append(data));
    SILT_RETURN_IF_ERROR(file->Sync());
  }
  SILT_RETURN_IF_ERROR(env_->RenameFile(tmp, path));
  SILT_RETURN_IF_ERROR(env_->SyncDir(segments_dir_));
  fsyncs_ += 2;
  SILT_ASSIGN_OR_RETURN(auto segment, SegmentFile::Open(env_, path, number, generation, false));
  SILT_RETURN_IF_ERROR(segment->MapForReads());
  std::vector<const std::vector<uint32_t>*> offset_ptrs;
  for (const auto& v : offsets) offset_ptrs.push_back(&v);
  const std::string index_path = JoinPath(index_dir_, IndexFileName(number, generation));
  SILT_RETURN_IF_ERROR(
      IndexFile::Write(env_, index_path, number, generation, rows, offset_ptrs, kIndexFlagNoState));
  fsyncs_ += 2;
  SILT_ASSIGN_OR_RETURN(auto index, IndexFile::Open(env_, index_path, number, generation));

  // Switch readers over. Truncations since the copy only narrowed the runs.
  for (size_t slot = 0; slot < rows.size(); ++slot) {
    Stripe& stripe = StripeFor(rows[slot].group);
    std::unique_lock<std::shared_mutex> l(stripe.mu);
    auto it = stripe.groups.find(rows[slot].group);
    if (it == stripe.groups.end()) continue;
    for (Run& run : it->second.runs) {
      if (run.segment == old_segment) {
        run.segment = segment;
        run.index = index;
        run.slot = slot;
      }
    }
  }
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    segments_[number] = SegmentInfo{segment, index, false};
  }
  SILT_RETURN_IF_ERROR(env_->RemoveFile(old_segment->path()));
  SILT_RETURN_IF_ERROR(env_->SyncDir(segments_dir_));
  SILT_RETURN_IF_ERROR(env_->RemoveFile(old_index->path()));
  SILT_RETURN_IF_ERROR(env_->SyncDir(index_dir_));
  fsyncs_ += 2;
  return Status::OK();
}

}  // namespace silt::log

// Recovery of the shared log (docs/log_segment_format.md, "Recovery").
//
//  1. Delete leftover .tmp files and index files whose segment is gone.
//  2. Read the header and group table of every index file. The newest index
//     file with group state (K) gives every group's first/last/hard state at
//     the end of segment K; older index files only give where entries are.
//     A damaged or missing index file of a segment up to K is rebuilt by
//     scanning that segment (documented repair; its rows carry no state).
//  3. Replay the segments after K record by record (usually just the last
//     one), verifying every checksum; closed segments among them are queued
//     for their index files.
//  4. The last segment: a torn or damaged tail is cut (kTolerateTail) or an
//     error (kStrict). The file is truncated to its valid end and
//     preallocated again, so appending resumes exactly there and no stale
//     bytes beyond the end can ever be mistaken for records.
#include <algorithm>

#include <fmt/format.h>

#include "common/file_names.h"
#include "common/path.h"
#include "log/log_file_names.h"
#include "log/log_store_impl.h"

namespace silt::log {

Status LogStoreImpl::ValidateReplayed(const Record& r, const std::string& file, uint64_t offset) {
  Stripe& stripe = StripeFor(r.group);
  std::shared_lock<std::shared_mutex> l(stripe.mu);
  auto it = stripe.groups.find(r.group);
  const uint64_t first = it == stripe.groups.end() ? 1 : it->second.first;
  const uint64_t last = it == stripe.groups.end() ? 0 : it->second.last;
  bool ok = true;
  switch (r.type) {
    case RecordType::kEntry:
      ok = r.a == last + 1;
      break;
    case RecordType::kTruncateSuffix:
      ok = r.a + 1 >= first;
      break;
    case RecordType::kTruncatePrefix:
      ok = r.a <= last + 1;
      break;
    case RecordType::kReset:
      ok = r.a >= 1;
      break;
    case RecordType::kHardState:
      break;
  }
  if (!ok) {
    return Status::Corruption(
        file, offset,
        fmt::format("record (type {}, group {}, value {}) does not follow the group's log "
                    "[{}, {}]",
                    static_cast<int>(r.type), r.group, r.a, first, last));
  }
  return Status::OK();
}

Status LogStoreImpl::ReplaySegment(const std::shared_ptr<SegmentFile>& segment, bool last,
                                   SegmentScanResult* scan) {
  SILT_ASSIGN_OR_RETURN(auto map, segment->file()->Map());
  active_ = segment;
  SILT_RETURN_IF_ERROR(ScanSegment(
      map->data(), segment->path(),
      [&](uint64_t, const std::vector<ScannedRecord>& records) -> Status {
        for (const auto& sr : records) {
          SILT_RETURN_IF_ERROR(ValidateReplayed(sr.record, segment->path(), sr.offset));
          ApplyRecord(sr.record, segment, static_cast<uint32_t>(sr.offset));
        }
        return Status::OK();
      },
      scan));
  if (!scan->damage.ok()) {
    if (!last) {
      return scan->damage.WithContext("closed log segment is damaged");
    }
    if (options_.recovery_mode == LogRecoveryMode::kStrict) {
      return scan->damage.WithContext("log tail is damaged (strict recovery)");
    }
  }
  return Status::OK();
}

Status LogStoreImpl::RebuildIndex(const std::shared_ptr<SegmentFile>& segment,
                                  std::shared_ptr<IndexFile>* out) {
  SILT_ASSIGN_OR_RETURN(auto map, segment->file()->Map());
  // The segment's own runs, with its in-segment truncations applied.
  std::map<uint64_t, MemRun> runs;
  SegmentScanResult scan;
  SILT_RETURN_IF_ERROR(ScanSegment(
      map->data(), segment->path(),
      [&](uint64_t, const std::vector<ScannedRecord>& records) -> Status {
        for (const auto& sr : records) {
          MemRun& run = runs[sr.record.group];
          switch (sr.record.type) {
            case RecordType::kEntry:
              if (run.offsets.empty()) run.base = sr.record.a;
              if (sr.record.a != run.end()) {
                return Status::Corruption(segment->path(), sr.offset,
                                          fmt::format("entry {} of group {} does not follow {}",
                                                      sr.record.a, sr.record.group, run.end() - 1));
              }
              run.offsets.push_back(static_cast<uint32_t>(sr.offset));
              break;
            case RecordType::kTruncateSuffix:
              if (sr.record.a + 1 <= run.base) {
                run.offsets.clear();
              } else if (sr.record.a + 1 < run.end()) {
                run.offsets.resize(sr.record.a + 1 - run.base);
              }
              break;
            case RecordType::kReset:
              run.offsets.clear();
              break;
            default:
              break;
          }
        }
        return Status::OK();
      },
      &scan));
  if (!scan.damage.ok()) return scan.damage.WithContext("closed log segment is damaged");
  std::vector<IndexGroupInfo> groups;
  std::vector<const std::vector<uint32_t>*> offsets;
  for (const auto& [group, run] : runs) {
    IndexGroupInfo info;
    info.group = group;
    if (!run.offsets.empty()) {
      info.start = run.base;
      info.end = run.end();
    }
    groups.push_back(info);
    offsets.push_back(&run.offsets);
  }
  const std::string path =
      JoinPath(index_dir_, IndexFileName(segment->number(), segment->generation()));
  SILT_RETURN_IF_ERROR(IndexFile::Write(env_, path, segment->number(), segment->generation(),
                                        groups, offsets, kIndexFlagNoState));
  SILT_ASSIGN_OR_RETURN(*out,
                        IndexFile::Open(env_, path, segment->number(), segment->generation()));
  return Status::OK();
}

Status LogStoreImpl::Recover() {
  SILT_RETURN_IF_ERROR(env_->CreateDirs(segments_dir_));
  SILT_RETURN_IF_ERROR(env_->CreateDirs(index_dir_));
  auto lock = env_->LockFile(JoinPath(dir_, kLockFileName));
  if (!lock.ok()) {
    return lock.status().IsBusy()
               ? Status::Busy(fmt::format("log {} is open in another process", dir_))
               : lock.status();
  }
  lock_ = std::move(lock).value();
  SILT_RETURN_IF_ERROR(RemoveTempFiles(env_, segments_dir_).status());
  SILT_RETURN_IF_ERROR(RemoveTempFiles(env_, index_dir_).status());

  // Segment files by number; of several generations the newest wins (a
  // rewrite renamed it into place durably) and older ones are deleted.
  std::map<uint64_t, uint32_t> segment_names;
  std::vector<std::string> superseded;
  SILT_ASSIGN_OR_RETURN(auto names, env_->ListDir(segments_dir_));
  for (const auto& name : names) {
    auto parsed = ParseLogFileName(name, "segment-");
    if (!parsed) continue;
    auto [it, inserted] = segment_names.emplace(parsed->segment, parsed->generation);
    if (!inserted) {
      superseded.push_back(
          SegmentFileName(parsed->segment, std::min(it->second, parsed->generation)));
      it->second = std::max(it->second, parsed->generation);
    }
  }
  for (const auto& name : superseded) {
    SILT_RETURN_IF_ERROR(env_->RemoveFile(JoinPath(segments_dir_, name)));
  }
  if (!superseded.empty()) SILT_RETURN_IF_ERROR(env_->SyncDir(segments_dir_));
  std::map<uint64_t, uint32_t> index_names;
  bool removed_index = false;
  SILT_ASSIGN_OR_RETURN(names, env_->ListDir(index_dir_));
  for (const auto& name : names) {
    auto parsed = ParseLogFileName(name, "index-");
    if (!parsed) continue;
    auto seg = segment_names.find(parsed->segment);
    if (seg == segment_names.end() || seg->second != parsed->generation) {
      // Its segment was reclaimed (or rewritten): the index is dead.
      SILT_RETURN_IF_ERROR(env_->RemoveFile(JoinPath(index_dir_, name)));
      removed_index = true;
      continue;
    }
    index_names[parsed->segment] = parsed->generation;
  }
  if (removed_index) SILT_RETURN_IF_ERROR(env_->SyncDir(index_dir_));

  // Open every segment and read every index header.
  const uint64_t last_number = segment_names.empty() ? 0 : segment_names.rbegin()->first;
  uint64_t newest_with_state = 0;
  for (const auto& [number, generation] : segment_names) {
    SILT_ASSIGN_OR_RETURN(
        auto file,
        SegmentFile::Open(env_, JoinPath(segments_dir_, SegmentFileName(number, generation)),
                          number, generation, /*writable=*/number == last_number));
    // Closed segments are immutable: reads decode them from a mapping.
    if (number != last_number) SILT_RETURN_IF_ERROR(file->MapForReads());
    SegmentInfo& info = segments_[number];
    info.file = std::move(file);
    if (index_names.count(number) != 0) {
      auto index = IndexFile::Open(env_, JoinPath(index_dir_, IndexFileName(number, generation)),
                                   number, generation);
      if (index.ok()) {
        info.index = *index;
        info.index_has_state = (*index)->has_state();
        if (info.index_has_state) newest_with_state = number;
      }
      // A damaged index file is rebuilt from its segment below (it is derived data).
    }
  }

  const uint64_t replay_from = newest_with_state != 0
                                   ? newest_with_state + 1
                                   : (segment_names.empty() ? 1 : segment_names.begin()->first);
  // Segments replayed record by record must follow each other without gaps,
  // and replaying from scratch needs every segment since the first.
  uint64_t expect = replay_from;
  if (newest_with_state == 0 && !segment_names.empty() && segment_names.begin()->first != 1) {
    return Status::Corruption(fmt::format(
        "{}: no index file with group state survives and segments before {} are gone: the log's "
        "group state cannot be recovered",
        dir_, segment_names.begin()->first));
  }
  for (auto it = segment_names.lower_bound(replay_from); it != segment_names.end(); ++it) {
    if (it->first != expect) {
      return Status::Corruption(fmt::format("{}: log segment {} is missing (found {})",
                                            segments_dir_, expect, it->first));
    }
    ++expect;
  }

  // Group state at the end of segment K, then where the entries of segments
  // up to K are.
  if (newest_with_state != 0) {
    for (const auto& row : segments_[newest_with_state].index->groups()) {
      GroupState& g = StripeFor(row.group).groups[row.group];
      g.first = row.first_index;
      g.last = row.last_index;
      g.term = row.term;
      g.vote = row.vote;
    }
  }
  for (auto& [number, info] : segments_) {
    if (number >= replay_from) break;
    if (!info.index) {
      SILT_RETURN_IF_ERROR(RebuildIndex(info.file, &info.index));
      info.index_has_state = false;
    }
    const auto& rows = info.index->groups();
    for (size_t slot = 0; slot < rows.size(); ++slot) {
      StripeFor(rows[slot].group)
          .groups[rows[slot].group]
          .AddIndexedRun(info.file, info.index, slot, rows[slot].start, rows[slot].end);
    }
  }
  for (auto& stripe : stripes_) {
    for (auto& [group, g] : stripe->groups) g.ClampRuns();
  }

  // Replay the segments after K. From here on the checkpointer runs (closed
  // segments are queued for their index files), so segments_ is locked.
  StartCheckpointer();
  std::vector<std::shared_ptr<SegmentFile>> to_replay;
  std::shared_ptr<SegmentFile> tail_file;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    for (auto& [number, info] : segments_) {
      if (number >= replay_from) to_replay.push_back(info.file);
    }
    if (last_number != 0) tail_file = segments_[last_number].file;
  }
  SegmentScanResult scan;
  for (const auto& file : to_replay) {
    const bool last = file->number() == last_number;
    SILT_RETURN_IF_ERROR(ReplaySegment(file, last, &scan));
    if (!last) {
      write_offset_ = scan.end_offset;
      SILT_RETURN_IF_ERROR(checkpointer_->Enqueue(FreezeActive()));
    }
  }

  if (last_number == 0) return CreateSegment(1, 0);
  if (last_number < replay_from || scan.sealed) {
    // The last segment was closed: start the next one.
    SILT_RETURN_IF_ERROR(tail_file->MapForReads());
    active_ = tail_file;
    if (last_number >= replay_from) SILT_RETURN_IF_ERROR(checkpointer_->Enqueue(FreezeActive()));
    return CreateSegment(last_number + 1, 0);
  }
  // Resume appending at the end of the valid data of the last segment.
  File* file = tail_file->file();
  const uint64_t end = scan.end_offset;
  SILT_RETURN_IF_ERROR(file->Truncate(end));
  const uint64_t capacity = std::max(options_.segment_size, end + kFrameHeaderSize);
  SILT_RETURN_IF_ERROR(file->Allocate(0, capacity));
  SILT_RETURN_IF_ERROR(file->Sync());
  fsyncs_++;
  if (tail_file->live_map()) SILT_RETURN_IF_ERROR(tail_file->MapForReads());
  active_ = tail_file;
  active_capacity_ = capacity;
  write_offset_ = end;
  {
    std::lock_guard<std::mutex> l(segments_mu_);
    active_number_ = last_number;
  }
  StartPreparing(last_number + 1);
  return Status::OK();
}

}  // namespace silt::log

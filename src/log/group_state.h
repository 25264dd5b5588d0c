// The in-memory state of one group of the shared log: its bounds, hard state,
// and where its live entries are (runs over segments). Also the striped
// mem-table that holds it.
//
// Invariant: `runs` are the group's live entries, ascending, non-overlapping,
// covering exactly [first, last]. A run's offsets are in memory (`mem`: the
// current segment's mem-table, or a full segment's mem-table waiting for its
// index file) or in an index file. Only the writer thread changes a group
// (under its stripe's exclusive lock); readers take the shared lock briefly to
// find an offset and read the record without any lock.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "log/index_file.h"
#include "log/segment_file.h"

namespace silt::log {

// The offsets of one group's entries [base, base + offsets.size()) in one
// segment. Mutable while its segment is current; immutable once frozen.
struct MemRun {
  uint64_t base = 0;
  std::vector<uint32_t> offsets;
  uint64_t end() const { return base + offsets.size(); }
};

struct Run {
  std::shared_ptr<SegmentFile> segment;
  uint64_t lo = 0;  // live entries [lo, hi)
  uint64_t hi = 0;
  std::shared_ptr<MemRun> mem;       // offsets in memory, or
  std::shared_ptr<IndexFile> index;  // in this index file, row `slot`
  size_t slot = 0;
};

struct GroupState {
  uint64_t first = 1;
  uint64_t last = 0;
  uint64_t term = 0;
  uint64_t vote = 0;
  std::deque<Run> runs;
  // This group's run in the current segment; null until the group appends
  // in it. Frozen (handed to the checkpointer) at rollover.
  std::shared_ptr<MemRun> active;

  // Record `index` was written at `offset` of `segment` (the current one).
  void AppendEntry(const std::shared_ptr<SegmentFile>& segment, uint64_t index, uint32_t offset);
  void TruncateSuffix(uint64_t last_kept);
  void TruncatePrefix(uint64_t first_kept);
  void Reset(uint64_t next_index);
  // Adds a run read from an index file during recovery (segments oldest
  // first): it supersedes whatever older runs hold from its start on.
  void AddIndexedRun(const std::shared_ptr<SegmentFile>& segment,
                     const std::shared_ptr<IndexFile>& index, size_t slot, uint64_t start,
                     uint64_t end);
  // Drops runs outside [first, last] (after recovery set the bounds).
  void ClampRuns();
  // The run holding index, or nullptr.
  const Run* FindRun(uint64_t index) const;
};

struct Stripe {
  mutable std::shared_mutex mu;
  std::unordered_map<uint64_t, GroupState> groups;
};

// Group ids map to stripes by a hash, so that neighbouring ids spread out.
inline size_t StripeOf(uint64_t group, size_t stripes) {
  uint64_t h = group * 0x9e3779b97f4a7c15ull;
  return static_cast<size_t>((h >> 32) % stripes);
}

}  // namespace silt::log

#include "log/group_state.h"

#include <algorithm>

namespace silt::log {

void GroupState::AppendEntry(const std::shared_ptr<SegmentFile>& segment, uint64_t index,
                             uint32_t offset) {
  if (!active) active = std::make_shared<MemRun>();
  if (active->offsets.empty()) active->base = index;
  active->offsets.push_back(offset);
  if (!runs.empty() && runs.back().mem == active && runs.back().hi == index) {
    runs.back().hi = index + 1;
  } else {
    runs.push_back(Run{segment, index, index + 1, active, nullptr, 0});
  }
  last = index;
}

void GroupState::TruncateSuffix(uint64_t last_kept) {
  if (last_kept >= last) return;
  last = last_kept;
  while (!runs.empty() && runs.back().lo > last_kept) runs.pop_back();
  if (!runs.empty() && runs.back().hi > last_kept + 1) runs.back().hi = last_kept + 1;
  if (active && active->end() > last_kept + 1) {
    if (last_kept + 1 <= active->base) {
      active->offsets.clear();
    } else {
      active->offsets.resize(last_kept + 1 - active->base);
    }
  }
}

void GroupState::TruncatePrefix(uint64_t first_kept) {
  if (first_kept <= first) return;
  first = first_kept;
  while (!runs.empty() && runs.front().hi <= first_kept) runs.pop_front();
  if (!runs.empty()) runs.front().lo = std::max(runs.front().lo, first_kept);
}

void GroupState::Reset(uint64_t next_index) {
  first = next_index;
  last = next_index - 1;
  runs.clear();
  if (active) active->offsets.clear();
}

void GroupState::AddIndexedRun(const std::shared_ptr<SegmentFile>& segment,
                               const std::shared_ptr<IndexFile>& index, size_t slot, uint64_t start,
                               uint64_t end) {
  if (end <= start) return;
  while (!runs.empty() && runs.back().lo >= start) runs.pop_back();
  if (!runs.empty() && runs.back().hi > start) runs.back().hi = start;
  runs.push_back(Run{segment, start, end, nullptr, index, slot});
}

void GroupState::ClampRuns() {
  while (!runs.empty() && runs.front().hi <= first) runs.pop_front();
  if (!runs.empty()) runs.front().lo = std::max(runs.front().lo, first);
  while (!runs.empty() && runs.back().lo > last) runs.pop_back();
  if (!runs.empty()) runs.back().hi = std::min(runs.back().hi, last + 1);
}

const Run* GroupState::FindRun(uint64_t index) const {
  // Runs are ascending and disjoint: the last one starting at or before index.
  auto it = std::upper_bound(runs.begin(), runs.end(), index,
                             [](uint64_t i, const Run& r) { return i < r.lo; });
  if (it == runs.begin()) return nullptr;
  --it;
  return index < it->hi ? &*it : nullptr;
}

}  // namespace silt::log

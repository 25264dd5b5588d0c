// Helpers for the log tests: deterministic payloads and small options.
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "common/hash.h"
#include "silt/log_store.h"

namespace silt::test {

// A payload that depends only on (seed, group, index), of a length that varies with them.
inline std::string LogPayload(uint64_t seed, uint64_t group, uint64_t index, size_t max_len = 200) {
  const uint64_t h = Hash64(fmt::format("{}/{}/{}", seed, group, index));
  std::string s = fmt::format("g{}i{}:", group, index);
  const size_t len = h % (max_len + 1);
  for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + (h >> (i % 50)) % 26));
  return s;
}

inline LogOptions SmallLogOptions(Env* env, uint64_t segment_size = 4096) {
  LogOptions o;
  o.env = env;
  o.segment_size = segment_size;
  o.checkpoint_queue_size = 2;
  return o;
}

}  // namespace silt::test

#include <gtest/gtest.h>

#include <map>

namespace silt::test {

// An in-memory model of a LogStore: what it must contain.
class LogModel {
 public:
  struct Group {
    uint64_t first = 1;
    uint64_t last = 0;
    uint64_t term = 0;
    uint64_t vote = 0;
    std::map<uint64_t, std::pair<uint64_t, std::string>> entries;  // index -> (term, payload)
  };

  void Append(const LogBatch& batch) {
    for (const auto& e : batch.entries()) {
      Group& g = groups_[e.group];
      g.entries[e.index] = {e.term, e.payload};
      g.last = e.index;
    }
  }
  // A truncation that changes nothing does not create the group (nor does the store).
  void TruncateSuffix(uint64_t group, uint64_t last_kept) {
    if (last_kept >= Peek(group).last) return;
    Group& g = groups_[group];
    g.entries.erase(g.entries.upper_bound(last_kept), g.entries.end());
    g.last = last_kept;
  }
  void TruncatePrefix(uint64_t group, uint64_t first_kept) {
    if (first_kept <= Peek(group).first) return;
    Group& g = groups_[group];
    g.entries.erase(g.entries.begin(), g.entries.lower_bound(first_kept));
    g.first = first_kept;
  }
  void Reset(uint64_t group, uint64_t next) {
    Group& g = groups_[group];
    g.entries.clear();
    g.first = next;
    g.last = next - 1;
  }
  void SetHardState(uint64_t group, uint64_t term, uint64_t vote) {
    groups_[group].term = term;
    groups_[group].vote = vote;
  }
  const std::map<uint64_t, Group>& groups() const { return groups_; }
  // The group's state (default for a group never touched), without creating it.
  Group Peek(uint64_t id) const {
    auto it = groups_.find(id);
    return it == groups_.end() ? Group{} : it->second;
  }

  // Empty string when the store equals the model, else the first difference.
  std::string Diff(LogStore* log) const {
    std::vector<uint64_t> ids;
    for (const auto& [id, g] : groups_) ids.push_back(id);
    if (log->Groups() != ids) return "group lists differ";
    for (const auto& [id, g] : groups_) {
      if (log->FirstIndex(id) != g.first || log->LastIndex(id) != g.last) {
        return fmt::format("group {}: store [{}, {}], model [{}, {}]", id, log->FirstIndex(id),
                           log->LastIndex(id), g.first, g.last);
      }
      HardState hs = log->GetHardState(id);
      if (hs.term != g.term || hs.vote != g.vote) return fmt::format("group {}: hard state", id);
      for (uint64_t i = g.first; i <= g.last; ++i) {
        auto e = log->Get(id, i);
        auto it = g.entries.find(i);
        if (!e.ok()) return fmt::format("group {} entry {}: {}", id, i, e.status().ToString());
        if (it == g.entries.end()) return fmt::format("group {} entry {} missing in model", id, i);
        if (e->term != it->second.first || e->payload != it->second.second) {
          return fmt::format("group {} entry {}: content differs", id, i);
        }
      }
      if (log->Get(id, g.last + 1).ok()) return fmt::format("group {}: entry past the end", id);
      if (g.first > 1 && log->Get(id, g.first - 1).ok()) {
        return fmt::format("group {}: entry before the start", id);
      }
    }
    return "";
  }

 private:
  std::map<uint64_t, Group> groups_;
};

}  // namespace silt::test

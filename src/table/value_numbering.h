// Small open-addressing hash tables that number distinct values in order of
// first appearance. Used to count distinct values in a block and to build
// dictionaries: for the block sizes silt writes (up to 64 Ki rows) they are
// several times faster than std::unordered_map and allocate twice per table.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/hash.h"

namespace silt {

template <typename Key>
class ValueNumbering {
 public:
  // Room for up to max_keys distinct keys without rehashing.
  explicit ValueNumbering(size_t max_keys) {
    size_t cap = 16;
    while (cap < 2 * max_keys) cap *= 2;
    slots_.assign(cap, kEmpty);
    mask_ = cap - 1;
    keys_.reserve(max_keys < 1024 ? max_keys : 1024);
  }

  // The number of key (0, 1, 2, ... in order of first appearance).
  uint32_t Insert(Key key) {
    size_t slot = Hash(key) & mask_;
    while (true) {
      const uint32_t id = slots_[slot];
      if (id == kEmpty) {
        const uint32_t fresh = static_cast<uint32_t>(keys_.size());
        keys_.push_back(key);
        slots_[slot] = fresh;
        if (keys_.size() * 2 > slots_.size()) Grow();
        return fresh;
      }
      if (keys_[id] == key) return id;
      slot = (slot + 1) & mask_;
    }
  }

  size_t size() const { return keys_.size(); }
  const std::vector<Key>& keys() const { return keys_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  static size_t Hash(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return static_cast<size_t>(k);
  }
  static size_t Hash(std::string_view k) { return static_cast<size_t>(Hash64(k)); }

  void Grow() {
    std::vector<uint32_t> bigger(slots_.size() * 2, kEmpty);
    mask_ = bigger.size() - 1;
    for (uint32_t id = 0; id < keys_.size(); ++id) {
      size_t slot = Hash(keys_[id]) & mask_;
      while (bigger[slot] != kEmpty) slot = (slot + 1) & mask_;
      bigger[slot] = id;
    }
    slots_.swap(bigger);
  }

  std::vector<uint32_t> slots_;
  std::vector<Key> keys_;
  size_t mask_ = 0;
};

}  // namespace silt

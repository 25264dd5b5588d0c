// TableVersionMap: the tables of a Version, TableRefId -> TableVersion, as a
// persistent (copy-on-write) map whose copies share storage.
//
// Every commit copies the Version it builds on. With one std::map of all
// tables, that copy costs a node per table: at 10,000 tables about half a
// millisecond per commit, whatever the commit touches. Here the entries live
// in a two-level radix tree over a hash of the table id: a root of kFanout
// children, each of kFanout buckets (small sorted vectors), every node
// shared by shared_ptr. Copying the map copies one pointer; changing an entry
// copies the root, one child and one bucket (two arrays of kFanout pointers
// and about size / kFanout^2 entries) unless this map is their only holder,
// in which case they are changed in place (many changes to one map under
// construction, as in a replay, copy each node at most once).
//
// Thread safety: like a std::map value. Copies may be read concurrently;
// a map being written must not be copied or read by others meanwhile.
//
// Iteration order is by hash, not by key; Sorted() gives key order.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "silt/catalog.h"

namespace silt::meta {

struct TableVersion;

class TableVersionMap {
 public:
  using Ptr = std::shared_ptr<const TableVersion>;
  static constexpr size_t kFanout = 64;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // nullptr when absent.
  const Ptr* Find(TableRefId table) const;
  bool Contains(TableRefId table) const { return Find(table) != nullptr; }
  // Inserts or replaces.
  void Set(TableRefId table, Ptr value);
  // False if absent.
  bool Erase(TableRefId table);

  // Every entry, unordered.
  template <typename F>
  void ForEach(F&& f) const {
    if (!root_) return;
    for (const auto& child : *root_) {
      if (!child) continue;
      for (const auto& bucket : *child) {
        if (!bucket) continue;
        for (const auto& [ref, t] : *bucket) f(ref, t);
      }
    }
  }
  // Every entry in key order.
  std::vector<std::pair<TableRefId, Ptr>> Sorted() const;

  // A map of these entries (keys distinct), built in one pass rather than by
  // copy-on-write insertion: for restoring a Version.
  static TableVersionMap FromEntries(std::vector<std::pair<TableRefId, Ptr>> entries);

 private:
  using Bucket = std::vector<std::pair<TableRefId, Ptr>>;  // sorted by key
  using Child = std::array<std::shared_ptr<const Bucket>, kFanout>;
  using Root = std::array<std::shared_ptr<const Child>, kFanout>;
  static uint64_t Hash(TableRefId table);
  // The bucket `table` hashes to, for writing: root, child and bucket copied
  // (or made) so that they belong to this map alone.
  Bucket* MutableBucket(TableRefId table);

  std::shared_ptr<const Root> root_;
  size_t size_ = 0;
};

}  // namespace silt::meta

// TableVersionMap: the tables of a Version, TableRefId -> TableVersion, as a
// copy-on-write map whose copies share storage.
//
// Every commit copies the Version it builds on. With one std::map of all
// tables, that copy costs a node per table: at 10,000 tables about half a
// millisecond per commit, whatever the commit touches. Here the entries live
// in kBuckets immutable buckets (by a hash of the table id) held by
// shared_ptr: copying the map copies kBuckets pointers, and changing an entry
// copies only its bucket (about size / kBuckets entries).
//
// Iteration order is by bucket, not by key; Sorted() gives key order.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "silt/catalog.h"

namespace silt::meta {

struct TableVersion;

class TableVersionMap {
 public:
  using Ptr = std::shared_ptr<const TableVersion>;
  static constexpr size_t kBuckets = 256;

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
    for (const auto& bucket : buckets_) {
      if (!bucket) continue;
      for (const auto& [ref, t] : *bucket) f(ref, t);
    }
  }
  // Every entry in key order.
  std::vector<std::pair<TableRefId, Ptr>> Sorted() const;

 private:
  using Bucket = std::map<TableRefId, Ptr>;
  static size_t BucketOf(TableRefId table);

  std::array<std::shared_ptr<const Bucket>, kBuckets> buckets_;
  size_t size_ = 0;
};

}  // namespace silt::meta

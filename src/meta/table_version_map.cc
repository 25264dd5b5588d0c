// TableVersionMap: bucketed copy-on-write storage.
#include "meta/table_version_map.h"

#include <algorithm>

namespace silt::meta {

size_t TableVersionMap::BucketOf(TableRefId table) {
  // A 64-bit mix (splitmix64's finalizer) of both ids, so that consecutive
  // table ids of one schema spread over every bucket.
  uint64_t x = (static_cast<uint64_t>(table.schema_id) << 32) | table.table_id;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<size_t>(x % kBuckets);
}

const TableVersionMap::Ptr* TableVersionMap::Find(TableRefId table) const {
  const auto& bucket = buckets_[BucketOf(table)];
  if (!bucket) return nullptr;
  auto it = bucket->find(table);
  return it == bucket->end() ? nullptr : &it->second;
}

void TableVersionMap::Set(TableRefId table, Ptr value) {
  auto& slot = buckets_[BucketOf(table)];
  auto next = slot ? std::make_shared<Bucket>(*slot) : std::make_shared<Bucket>();
  auto [it, inserted] = next->insert_or_assign(table, std::move(value));
  if (inserted) size_++;
  slot = std::move(next);
}

bool TableVersionMap::Erase(TableRefId table) {
  auto& slot = buckets_[BucketOf(table)];
  if (!slot || slot->count(table) == 0) return false;
  auto next = std::make_shared<Bucket>(*slot);
  next->erase(table);
  size_--;
  if (next->empty()) {
    slot.reset();
  } else {
    slot = std::move(next);
  }
  return true;
}

std::vector<std::pair<TableRefId, TableVersionMap::Ptr>> TableVersionMap::Sorted() const {
  std::vector<std::pair<TableRefId, Ptr>> out;
  out.reserve(size_);
  ForEach([&](TableRefId ref, const Ptr& t) { out.emplace_back(ref, t); });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace silt::meta

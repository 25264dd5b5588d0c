// TableVersionMap: a two-level copy-on-write radix tree of small buckets.
#include "meta/table_version_map.h"

#include <algorithm>

namespace silt::meta {
namespace {

bool KeyLess(const std::pair<TableRefId, TableVersionMap::Ptr>& e, TableRefId k) {
  return e.first < k;
}

}  // namespace

uint64_t TableVersionMap::Hash(TableRefId table) {
  // splitmix64's finalizer over both ids, so that consecutive table ids of
  // one schema spread over every bucket.
  uint64_t x = (static_cast<uint64_t>(table.schema_id) << 32) | table.table_id;
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

const TableVersionMap::Ptr* TableVersionMap::Find(TableRefId table) const {
  if (!root_) return nullptr;
  const uint64_t h = Hash(table);
  const auto& child = (*root_)[h % kFanout];
  if (!child) return nullptr;
  const auto& bucket = (*child)[(h / kFanout) % kFanout];
  if (!bucket) return nullptr;
  auto it = std::lower_bound(bucket->begin(), bucket->end(), table, KeyLess);
  return it != bucket->end() && it->first == table ? &it->second : nullptr;
}

namespace {

// The node *slot points to, for writing: made if missing, copied if shared.
// A node nobody else holds (use_count 1) is written in place: it was made
// non-const by this map, and no other map or Version can see it.
template <typename Node>
Node* Own(std::shared_ptr<const Node>* slot) {
  if (!*slot) {
    *slot = std::make_shared<Node>();
  } else if (slot->use_count() != 1) {
    *slot = std::make_shared<Node>(**slot);
  }
  return const_cast<Node*>(slot->get());
}

}  // namespace

TableVersionMap::Bucket* TableVersionMap::MutableBucket(TableRefId table) {
  const uint64_t h = Hash(table);
  Root* root = Own(&root_);
  Child* child = Own(&(*root)[h % kFanout]);
  return Own(&(*child)[(h / kFanout) % kFanout]);
}

void TableVersionMap::Set(TableRefId table, Ptr value) {
  Bucket* b = MutableBucket(table);
  auto it = std::lower_bound(b->begin(), b->end(), table, KeyLess);
  if (it != b->end() && it->first == table) {
    it->second = std::move(value);
  } else {
    b->emplace(it, table, std::move(value));
    size_++;
  }
}

bool TableVersionMap::Erase(TableRefId table) {
  if (Find(table) == nullptr) return false;
  Bucket* b = MutableBucket(table);
  auto it = std::lower_bound(b->begin(), b->end(), table, KeyLess);
  b->erase(it);
  size_--;
  return true;
}

std::vector<std::pair<TableRefId, TableVersionMap::Ptr>> TableVersionMap::Sorted() const {
  std::vector<std::pair<TableRefId, Ptr>> out;
  out.reserve(size_);
  ForEach([&](TableRefId ref, const Ptr& t) { out.emplace_back(ref, t); });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

TableVersionMap TableVersionMap::FromEntries(std::vector<std::pair<TableRefId, Ptr>> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  auto root = std::make_shared<Root>();
  std::array<std::shared_ptr<Child>, kFanout> children;
  std::array<std::array<std::shared_ptr<Bucket>, kFanout>, kFanout> buckets;
  for (auto& e : entries) {
    const uint64_t h = Hash(e.first);
    auto& b = buckets[h % kFanout][(h / kFanout) % kFanout];
    if (!b) b = std::make_shared<Bucket>();
    b->push_back(std::move(e));  // in key order, as the entries are sorted
  }
  for (size_t i = 0; i < kFanout; ++i) {
    std::shared_ptr<Child> child;
    for (size_t j = 0; j < kFanout; ++j) {
      if (!buckets[i][j]) continue;
      if (!child) child = std::make_shared<Child>();
      (*child)[j] = std::move(buckets[i][j]);
    }
    (*root)[i] = std::move(child);
  }
  TableVersionMap out;
  out.size_ = entries.size();
  out.root_ = std::move(root);
  return out;
}

}  // namespace silt::meta

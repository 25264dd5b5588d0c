// Version: lookups and the canonical text form.
#include "meta/version.h"

#include <fmt/format.h>

namespace silt::meta {

Result<std::shared_ptr<const TableVersion>> Version::GetTable(TableRefId table) const {
  const TableVersionMap::Ptr* t = tables_.Find(table);
  if (t == nullptr) {
    return Status::NotFound(fmt::format("no table {} at epoch {}", table.ToString(), epoch_));
  }
  return *t;
}

const std::map<ShardId, uint64_t>& Version::safe_ids() const {
  static const std::map<ShardId, uint64_t> kNone;
  return safe_ids_ ? *safe_ids_ : kNone;
}

uint64_t Version::SafeId(ShardId shard) const {
  const auto& ids = safe_ids();
  auto it = ids.find(shard);
  return it == ids.end() ? 0 : it->second;
}

std::shared_ptr<const Version> Version::Restore(uint64_t epoch, TableVersionMap tables,
                                                std::map<ShardId, uint64_t> safe_ids,
                                                RowSetId next_rowset_id, DVId next_dv_id) {
  auto v = std::make_shared<Version>();
  v->epoch_ = epoch;
  v->tables_ = std::move(tables);
  v->safe_ids_ = std::make_shared<const std::map<ShardId, uint64_t>>(std::move(safe_ids));
  v->next_rowset_id_ = next_rowset_id;
  v->next_dv_id_ = next_dv_id;
  return v;
}

std::string Version::DebugString() const {
  std::string s = fmt::format("epoch {} next rowset id {} next dv id {}\n", epoch_, next_rowset_id_,
                              next_dv_id_);
  for (const auto& [shard, index] : safe_ids()) {
    s += fmt::format("safe id shard {} = {}\n", shard, index);
  }
  for (const auto& [ref, t] : tables_.Sorted()) {
    s += fmt::format("{} shard {}\n", ref.ToString(), t->shard);
    for (const auto& [id, r] : t->rowsets) {
      s += fmt::format("  rowset {} '{}' rows {} bytes {}\n", id, r.name, r.rows, r.bytes);
    }
    for (const auto& [id, d] : t->dvs) {
      s += fmt::format("  dv {} of rowset {} '{}'\n", id, d.rowset_id, d.name);
    }
  }
  return s;
}

}  // namespace silt::meta

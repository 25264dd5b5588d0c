// TableCatalog: one table's definition (name, shard, columns, primary key).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "silt/catalog.h"

namespace silt {

std::string TableRefId::ToString() const {
  return fmt::format("schema {} table {}", schema_id, table_id);
}

TableCatalog::TableCatalog(TableRefId ref, std::string name, ShardId shard,
                           std::vector<ColumnCatalog> columns, bool is_materialized_view,
                           std::vector<ColumnId> ordered_pk_ids)
    : ref_(ref),
      name_(std::move(name)),
      shard_(shard),
      columns_(std::move(columns)),
      is_materialized_view_(is_materialized_view),
      ordered_pk_ids_(std::move(ordered_pk_ids)) {}

Result<ColumnCatalog> TableCatalog::GetColumn(ColumnId id) const {
  if (id >= columns_.size()) {
    return Status::NotFound(fmt::format("table '{}' ({}) has no column id {} ({} columns)", name_,
                                        ref_.ToString(), id, columns_.size()));
  }
  return columns_[id];
}

Result<ColumnCatalog> TableCatalog::GetColumnByName(std::string_view name) const {
  for (const ColumnCatalog& c : columns_) {
    if (c.name == name) return c;
  }
  return Status::NotFound(
      fmt::format("table '{}' ({}) has no column '{}'", name_, ref_.ToString(), name));
}

std::string TableCatalog::DebugString() const {
  std::string s = fmt::format("table '{}' ({}) shard {}{}", name_, ref_.ToString(), shard_,
                              is_materialized_view_ ? " materialized view" : "");
  if (!ordered_pk_ids_.empty()) s += fmt::format(" pk({})", fmt::join(ordered_pk_ids_, ","));
  s += ":";
  for (const ColumnCatalog& c : columns_) {
    s += fmt::format(" {}:{} {}{}", c.id, c.name, c.type.ToString(), c.is_primary ? " pk" : "");
    if (c.id + 1 < columns_.size()) s += ",";
  }
  return s;
}

}  // namespace silt

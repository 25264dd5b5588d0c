// SchemaCatalog: the tables of one schema, by id and by name.
#include <fmt/format.h>

#include "silt/catalog.h"

namespace silt {

Status SchemaCatalog::AddTable(std::shared_ptr<const TableCatalog> table) {
  if (table->ref().schema_id != id_) {
    return Status::InvalidArgument(
        fmt::format("table '{}' ({}) does not belong to schema '{}' ({})", table->name(),
                    table->ref().ToString(), name_, id_));
  }
  if (table_idxs_.count(table->name()) != 0) {
    return Status::AlreadyExists(
        fmt::format("table '{}' already exists in schema '{}'", table->name(), name_));
  }
  if (table->id() < next_table_id_) {
    // Ids are never reused, even those of dropped tables.
    return Status::InvalidArgument(
        fmt::format("table id {} for '{}' was already used in schema '{}' (next id is {})",
                    table->id(), table->name(), name_, next_table_id_));
  }
  next_table_id_ = table->id() + 1;
  table_idxs_.emplace(table->name(), table->id());
  tables_.emplace(table->id(), std::move(table));
  return Status::OK();
}

Status SchemaCatalog::DeleteTable(TableId id) {
  auto it = tables_.find(id);
  if (it == tables_.end()) {
    return Status::NotFound(fmt::format("schema '{}' ({}) has no table id {}", name_, id_, id));
  }
  table_idxs_.erase(it->second->name());
  tables_.erase(it);
  return Status::OK();
}

std::vector<std::shared_ptr<const TableCatalog>> SchemaCatalog::AllTables() const {
  std::vector<std::shared_ptr<const TableCatalog>> out;
  out.reserve(tables_.size());
  for (const auto& [id, t] : tables_) out.push_back(t);
  return out;
}

Result<TableId> SchemaCatalog::GetTableIdByName(std::string_view name) const {
  auto it = table_idxs_.find(name);
  if (it == table_idxs_.end()) {
    return Status::NotFound(fmt::format("schema '{}' has no table '{}'", name_, name));
  }
  return it->second;
}

Result<std::shared_ptr<const TableCatalog>> SchemaCatalog::GetTableById(TableId id) const {
  auto it = tables_.find(id);
  if (it == tables_.end()) {
    return Status::NotFound(fmt::format("schema '{}' ({}) has no table id {}", name_, id_, id));
  }
  return it->second;
}

Result<std::shared_ptr<const TableCatalog>> SchemaCatalog::GetTableByName(
    std::string_view name) const {
  SILT_ASSIGN_OR_RETURN(TableId id, GetTableIdByName(name));
  return GetTableById(id);
}

}  // namespace silt

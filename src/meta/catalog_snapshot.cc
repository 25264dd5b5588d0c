// CatalogSnapshot: one immutable state of the whole catalog, and how an edit's
// DDL produces the next one (copy-on-write: only the schemas an edit touches
// are copied; their unchanged TableCatalogs stay shared).
#include <fmt/format.h>

#include <map>

#include "meta/version_edit.h"
#include "silt/catalog.h"

namespace silt {

Result<SchemaId> CatalogSnapshot::GetSchemaIdByName(std::string_view name) const {
  auto it = schema_idxs_.find(name);
  if (it == schema_idxs_.end()) return Status::NotFound(fmt::format("no schema '{}'", name));
  return it->second;
}

Result<std::shared_ptr<const SchemaCatalog>> CatalogSnapshot::GetSchemaById(SchemaId id) const {
  auto it = schemas_.find(id);
  if (it == schemas_.end()) return Status::NotFound(fmt::format("no schema with id {}", id));
  return it->second;
}

Result<std::shared_ptr<const SchemaCatalog>> CatalogSnapshot::GetSchemaByName(
    std::string_view name) const {
  SILT_ASSIGN_OR_RETURN(SchemaId id, GetSchemaIdByName(name));
  return GetSchemaById(id);
}

std::vector<std::shared_ptr<const SchemaCatalog>> CatalogSnapshot::AllSchemas() const {
  std::vector<std::shared_ptr<const SchemaCatalog>> out;
  out.reserve(schemas_.size());
  for (const auto& [id, s] : schemas_) out.push_back(s);
  return out;
}

Result<std::shared_ptr<const TableCatalog>> CatalogSnapshot::GetTable(TableRefId ref) const {
  auto it = schemas_.find(ref.schema_id);
  if (it == schemas_.end()) {
    return Status::NotFound(
        fmt::format("no table {}: no schema with id {}", ref.ToString(), ref.schema_id));
  }
  return it->second->GetTableById(ref.table_id);
}

Result<ColumnCatalog> CatalogSnapshot::GetColumn(ColumnRefId ref) const {
  SILT_ASSIGN_OR_RETURN(auto table, GetTable(ref.table()));
  return table->GetColumn(ref.column_id);
}

Result<TableRefId> CatalogSnapshot::GetTableIdByName(std::string_view schema,
                                                     std::string_view table) const {
  SILT_ASSIGN_OR_RETURN(auto s, GetSchemaByName(schema));
  SILT_ASSIGN_OR_RETURN(TableId id, s->GetTableIdByName(table));
  return TableRefId{s->id(), id};
}

std::string CatalogSnapshot::DebugString() const {
  std::string out = fmt::format("next schema id {}\n", next_schema_id_);
  for (const auto& [id, s] : schemas_) {
    out += fmt::format("schema '{}' ({}) next table id {}\n", s->name(), id, s->next_table_id());
    for (const auto& t : s->AllTables()) out += "  " + t->DebugString() + "\n";
  }
  return out;
}

namespace {

// Builds the next snapshot's schemas, copying each touched schema once.
class SnapshotBuilder {
 public:
  SnapshotBuilder(std::map<std::string, SchemaId, std::less<>>* idxs,
                  std::map<SchemaId, std::shared_ptr<const SchemaCatalog>>* schemas,
                  SchemaId* next_schema_id)
      : idxs_(idxs), schemas_(schemas), next_schema_id_(next_schema_id) {}

  Status Apply(const meta::EditOp& op) {
    return std::visit([this](const auto& o) { return Do(o); }, op);
  }

 private:
  Result<SchemaCatalog*> Mutable(SchemaId id, const char* for_what) {
    auto it = schemas_->find(id);
    if (it == schemas_->end()) {
      return Status::NotFound(fmt::format("{}: no schema with id {}", for_what, id));
    }
    auto& m = copies_[id];
    if (!m) {
      m = std::make_shared<SchemaCatalog>(*it->second);
      it->second = m;
    }
    return m.get();
  }

  Status Do(const meta::CreateSchemaOp& op) {
    if (op.name.empty()) return Status::InvalidArgument("empty schema name");
    if (idxs_->count(op.name) != 0) {
      return Status::AlreadyExists(fmt::format("schema '{}' already exists", op.name));
    }
    if (op.schema_id < *next_schema_id_) {
      return Status::InvalidArgument(
          fmt::format("schema id {} for '{}' was already used (next id is {})", op.schema_id,
                      op.name, *next_schema_id_));
    }
    *next_schema_id_ = op.schema_id + 1;
    auto s = std::make_shared<SchemaCatalog>(op.schema_id, op.name);
    copies_[op.schema_id] = s;
    idxs_->emplace(op.name, op.schema_id);
    schemas_->emplace(op.schema_id, std::move(s));
    return Status::OK();
  }

  Status Do(const meta::DropSchemaOp& op) {
    auto it = schemas_->find(op.schema_id);
    if (it == schemas_->end()) {
      return Status::NotFound(fmt::format("drop schema: no schema with id {}", op.schema_id));
    }
    if (it->second->table_count() != 0) {
      return Status::InvalidArgument(
          fmt::format("drop schema '{}' ({}): it still has {} tables; drop them first",
                      it->second->name(), op.schema_id, it->second->table_count()));
    }
    idxs_->erase(it->second->name());
    schemas_->erase(it);
    copies_.erase(op.schema_id);
    return Status::OK();
  }

  Status Do(const meta::CreateTableOp& op) {
    SILT_RETURN_IF_ERROR(meta::ValidateTableDef(op));
    SILT_ASSIGN_OR_RETURN(SchemaCatalog * s, Mutable(op.table.schema_id, "create table"));
    return s->AddTable(meta::MakeTableCatalog(op));
  }

  Status Do(const meta::DropTableOp& op) {
    SILT_ASSIGN_OR_RETURN(SchemaCatalog * s, Mutable(op.table.schema_id, "drop table"));
    return s->DeleteTable(op.table.table_id);
  }

  template <typename Op>
  Status Do(const Op&) {
    return Status::OK();  // not DDL: the VersionManager's
  }

  std::map<std::string, SchemaId, std::less<>>* idxs_;
  std::map<SchemaId, std::shared_ptr<const SchemaCatalog>>* schemas_;
  SchemaId* next_schema_id_;
  std::map<SchemaId, std::shared_ptr<SchemaCatalog>> copies_;
};

}  // namespace

Result<std::shared_ptr<const CatalogSnapshot>> CatalogSnapshot::Apply(
    const meta::VersionEdit& edit) const {
  auto next = std::make_shared<CatalogSnapshot>(*this);
  SnapshotBuilder builder(&next->schema_idxs_, &next->schemas_, &next->next_schema_id_);
  for (const meta::EditOp& op : edit.ops()) SILT_RETURN_IF_ERROR(builder.Apply(op));
  return std::shared_ptr<const CatalogSnapshot>(std::move(next));
}

Result<std::shared_ptr<const CatalogSnapshot>> CatalogSnapshot::Restore(
    std::vector<std::shared_ptr<const SchemaCatalog>> schemas, SchemaId next_schema_id) {
  auto out = std::make_shared<CatalogSnapshot>();
  out->next_schema_id_ = next_schema_id;
  for (auto& s : schemas) {
    if (s->id() >= next_schema_id) {
      return Status::InvalidArgument(
          fmt::format("restore catalog: schema {} has an id at or above the next schema id {}",
                      s->id(), next_schema_id));
    }
    if (!out->schema_idxs_.emplace(s->name(), s->id()).second ||
        !out->schemas_.emplace(s->id(), s).second) {
      return Status::InvalidArgument(
          fmt::format("restore catalog: schema {} '{}' appears twice", s->id(), s->name()));
    }
  }
  return std::shared_ptr<const CatalogSnapshot>(std::move(out));
}

}  // namespace silt

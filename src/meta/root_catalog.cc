// RootCatalog: the current CatalogSnapshot, swapped atomically by writers.
#include <fmt/format.h>

#include "meta/version_edit.h"
#include "silt/catalog.h"

namespace silt {

RootCatalog::RootCatalog() : RootCatalog(std::make_shared<const CatalogSnapshot>()) {}

RootCatalog::RootCatalog(std::shared_ptr<const CatalogSnapshot> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const CatalogSnapshot> RootCatalog::Current() const {
  std::lock_guard<std::mutex> lock(current_mu_);
  return current_;
}

void RootCatalog::Publish(std::shared_ptr<const CatalogSnapshot> next) {
  std::shared_ptr<const CatalogSnapshot> old;
  {
    std::lock_guard<std::mutex> lock(current_mu_);
    old = std::move(current_);
    current_ = std::move(next);
  }
  // `old` is released here, outside the lock.
}

Result<SchemaId> RootCatalog::GetSchemaIdByName(std::string_view name) const {
  return Current()->GetSchemaIdByName(name);
}
Result<std::shared_ptr<const SchemaCatalog>> RootCatalog::GetSchemaById(SchemaId id) const {
  return Current()->GetSchemaById(id);
}
Result<std::shared_ptr<const SchemaCatalog>> RootCatalog::GetSchemaByName(
    std::string_view name) const {
  return Current()->GetSchemaByName(name);
}
Result<std::shared_ptr<const TableCatalog>> RootCatalog::GetTable(TableRefId ref) const {
  return Current()->GetTable(ref);
}
Result<ColumnCatalog> RootCatalog::GetColumn(ColumnRefId ref) const {
  return Current()->GetColumn(ref);
}
Result<TableRefId> RootCatalog::GetTableIdByName(std::string_view schema,
                                                 std::string_view table) const {
  return Current()->GetTableIdByName(schema, table);
}

// The Make* functions check against the snapshot now so that the caller gets
// the error before logging anything; Apply checks everything again.
Status RootCatalog::MakeCreateSchema(std::string_view name, meta::VersionEdit* edit) const {
  auto snap = Current();
  if (name.empty()) return Status::InvalidArgument("empty schema name");
  if (snap->GetSchemaIdByName(name).ok()) {
    return Status::AlreadyExists(fmt::format("schema '{}' already exists", name));
  }
  edit->CreateSchema(snap->next_schema_id(), std::string(name));
  return Status::OK();
}

Status RootCatalog::MakeDropSchema(SchemaId id, meta::VersionEdit* edit) const {
  auto snap = Current();
  SILT_ASSIGN_OR_RETURN(auto schema, snap->GetSchemaById(id));
  for (const auto& t : schema->AllTables()) edit->DropTable(t->ref());
  edit->DropSchema(id);
  return Status::OK();
}

Status RootCatalog::MakeAddTable(SchemaId schema_id, std::string_view name, ShardId shard,
                                 const std::vector<ColumnDef>& columns, bool is_materialized_view,
                                 const std::vector<ColumnId>& ordered_pk_ids,
                                 meta::VersionEdit* edit) const {
  auto snap = Current();
  SILT_ASSIGN_OR_RETURN(auto schema, snap->GetSchemaById(schema_id));
  meta::CreateTableOp op{TableRefId{schema_id, schema->next_table_id()},
                         std::string(name),
                         shard,
                         columns,
                         is_materialized_view,
                         ordered_pk_ids};
  SILT_RETURN_IF_ERROR(meta::ValidateTableDef(op));
  if (schema->GetTableIdByName(name).ok()) {
    return Status::AlreadyExists(
        fmt::format("table '{}' already exists in schema '{}'", name, schema->name()));
  }
  edit->CreateTable(std::move(op));
  return Status::OK();
}

Status RootCatalog::MakeDropTable(TableRefId ref, meta::VersionEdit* edit) const {
  SILT_RETURN_IF_ERROR(Current()->GetTable(ref).status());
  edit->DropTable(ref);
  return Status::OK();
}

Status RootCatalog::Apply(const meta::VersionEdit& edit) {
  std::lock_guard<std::mutex> lock(write_mu_);
  return ApplyLocked(edit, nullptr);
}

Status RootCatalog::ApplyLocked(const meta::VersionEdit& edit, meta::VersionEdit* out) {
  // Edits without DDL leave the catalog as it is: no new snapshot.
  if (edit.HasDdl()) {
    SILT_ASSIGN_OR_RETURN(auto next, Current()->Apply(edit));
    Publish(std::move(next));
  }
  if (out != nullptr) out->Append(edit);
  return Status::OK();
}

Result<SchemaId> RootCatalog::CreateSchema(std::string_view name, meta::VersionEdit* out) {
  std::lock_guard<std::mutex> lock(write_mu_);
  meta::VersionEdit edit;
  SILT_RETURN_IF_ERROR(MakeCreateSchema(name, &edit));
  SILT_RETURN_IF_ERROR(ApplyLocked(edit, out));
  return std::get<meta::CreateSchemaOp>(edit.ops().back()).schema_id;
}

Status RootCatalog::DropSchema(SchemaId id, meta::VersionEdit* out) {
  std::lock_guard<std::mutex> lock(write_mu_);
  meta::VersionEdit edit;
  SILT_RETURN_IF_ERROR(MakeDropSchema(id, &edit));
  return ApplyLocked(edit, out);
}

Result<TableRefId> RootCatalog::AddTable(SchemaId schema_id, std::string_view name, ShardId shard,
                                         const std::vector<ColumnDef>& columns,
                                         bool is_materialized_view,
                                         const std::vector<ColumnId>& ordered_pk_ids,
                                         meta::VersionEdit* out) {
  std::lock_guard<std::mutex> lock(write_mu_);
  meta::VersionEdit edit;
  SILT_RETURN_IF_ERROR(
      MakeAddTable(schema_id, name, shard, columns, is_materialized_view, ordered_pk_ids, &edit));
  SILT_RETURN_IF_ERROR(ApplyLocked(edit, out));
  return std::get<meta::CreateTableOp>(edit.ops().back()).table;
}

Status RootCatalog::DropTable(TableRefId ref, meta::VersionEdit* out) {
  std::lock_guard<std::mutex> lock(write_mu_);
  meta::VersionEdit edit;
  SILT_RETURN_IF_ERROR(MakeDropTable(ref, &edit));
  return ApplyLocked(edit, out);
}

}  // namespace silt

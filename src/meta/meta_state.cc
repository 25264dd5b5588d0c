// MetaState: capture from and build into the live catalog and Version.
#include "meta/meta_state.h"

#include <fmt/format.h>

namespace silt::meta {

size_t MetaState::table_count() const {
  size_t n = 0;
  for (const auto& [id, s] : schemas) n += s.tables.size();
  return n;
}

TableState CaptureTable(const TableCatalog& table, const TableVersion& files) {
  TableState t;
  t.def.table = table.ref();
  t.def.name = table.name();
  t.def.shard = table.shard();
  t.def.columns.reserve(table.columns().size());
  for (const ColumnCatalog& c : table.columns()) t.def.columns.push_back(ColumnDef{c.name, c.type});
  t.def.is_materialized_view = table.is_materialized_view();
  t.def.ordered_pk_ids = table.ordered_pk_ids();
  t.rowsets = files.rowsets;
  t.dvs = files.dvs;
  return t;
}

Result<MetaState> CaptureMetaState(const CatalogSnapshot& catalog, const Version& version) {
  MetaState out;
  out.epoch = version.epoch();
  out.next_schema_id = catalog.next_schema_id();
  out.next_rowset_id = version.next_rowset_id();
  out.next_dv_id = version.next_dv_id();
  out.safe_ids = version.safe_ids();
  size_t tables = 0;
  for (const auto& schema : catalog.AllSchemas()) {
    SchemaState& s = out.schemas[schema->id()];
    s.name = schema->name();
    s.next_table_id = schema->next_table_id();
    for (const auto& table : schema->AllTables()) {
      const TableVersionMap::Ptr* files = version.tables().Find(table->ref());
      if (files == nullptr) {
        return Status::Corruption(fmt::format("epoch {}: {} is in the catalog but has no files",
                                              version.epoch(), table->ref().ToString()));
      }
      s.tables.emplace(table->id(), CaptureTable(*table, **files));
      tables++;
    }
  }
  if (tables != version.tables().size()) {
    return Status::Corruption(fmt::format("epoch {}: the version has {} tables, the catalog {}",
                                          version.epoch(), version.tables().size(), tables));
  }
  return out;
}

Result<BuiltMeta> BuildMeta(MetaState state) {
  std::vector<std::shared_ptr<const SchemaCatalog>> schemas;
  std::vector<std::pair<TableRefId, TableVersionMap::Ptr>> files;
  files.reserve(state.table_count());
  for (auto& [sid, s] : state.schemas) {
    auto schema = std::make_shared<SchemaCatalog>(sid, s.name);
    for (auto& [tid, t] : s.tables) {
      const CreateTableOp& def = t.def;
      if (def.table != TableRefId{sid, tid}) {
        return Status::InvalidArgument(
            fmt::format("table '{}' is filed as schema {} table {} but is {}", def.name, sid, tid,
                        def.table.ToString()));
      }
      if (tid >= s.next_table_id) {
        return Status::InvalidArgument(
            fmt::format("table '{}' ({}) has an id at or above its schema's next table id {}",
                        def.name, def.table.ToString(), s.next_table_id));
      }
      SILT_RETURN_IF_ERROR(ValidateTableDef(def));
      SILT_RETURN_IF_ERROR(schema->AddTable(MakeTableCatalog(def)));
      auto tv = std::make_shared<TableVersion>();
      tv->table = def.table;
      tv->shard = def.shard;
      for (const auto& [id, r] : t.rowsets) {
        if (id != r.id || id >= state.next_rowset_id || r.name.empty()) {
          return Status::InvalidArgument(fmt::format("{}: bad rowset {} (next rowset id {})",
                                                     def.table.ToString(), id,
                                                     state.next_rowset_id));
        }
      }
      for (const auto& [id, d] : t.dvs) {
        if (id != d.id || id >= state.next_dv_id || d.name.empty() ||
            t.rowsets.count(d.rowset_id) == 0) {
          return Status::InvalidArgument(fmt::format("{}: bad dv {} of rowset {} (next dv id {})",
                                                     def.table.ToString(), id, d.rowset_id,
                                                     state.next_dv_id));
        }
      }
      tv->rowsets = std::move(t.rowsets);
      tv->dvs = std::move(t.dvs);
      files.emplace_back(def.table, std::move(tv));
    }
    schema->RaiseNextTableId(s.next_table_id);
    schemas.push_back(std::move(schema));
  }
  for (const auto& [shard, index] : state.safe_ids) {
    if (shard == kMetaShard) {
      return Status::InvalidArgument("shard 0 (the metadata log) has a safe id");
    }
  }
  BuiltMeta out;
  SILT_ASSIGN_OR_RETURN(out.catalog,
                        CatalogSnapshot::Restore(std::move(schemas), state.next_schema_id));
  out.version = Version::Restore(state.epoch, TableVersionMap::FromEntries(std::move(files)),
                                 std::move(state.safe_ids), state.next_rowset_id, state.next_dv_id);
  return out;
}

}  // namespace silt::meta

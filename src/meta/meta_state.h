// MetaState: the whole metadata state as plain values (no sharing, no
// snapshots), the form checkpoints are decoded into and replay works on.
//
// Capture takes it from a consistent pair of live objects (a CatalogSnapshot
// and the Version of the same epoch); Build turns it back into them. Equal
// states give equal CatalogSnapshot::DebugString and Version::DebugString.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "meta/version.h"
#include "meta/version_edit.h"
#include "silt/catalog.h"
#include "silt/status.h"

namespace silt::meta {

struct TableState {
  CreateTableOp def;  // id, name, shard, columns, primary key
  std::map<RowSetId, RowSetMeta> rowsets;
  std::map<DVId, DVMeta> dvs;
  friend bool operator==(const TableState&, const TableState&) = default;
};

struct SchemaState {
  std::string name;
  TableId next_table_id = 0;
  std::map<TableId, TableState> tables;
  friend bool operator==(const SchemaState&, const SchemaState&) = default;
};

struct MetaState {
  uint64_t epoch = 0;  // the last commit reflected
  SchemaId next_schema_id = 0;
  RowSetId next_rowset_id = 0;
  DVId next_dv_id = 0;
  std::map<SchemaId, SchemaState> schemas;
  std::map<ShardId, uint64_t> safe_ids;
  friend bool operator==(const MetaState&, const MetaState&) = default;

  size_t table_count() const;
};

// One table's state from the live objects.
TableState CaptureTable(const TableCatalog& table, const TableVersion& files);

// The state of `catalog` and `version`, which must be of the same epoch.
// Corruption if they disagree (a table in one but not the other).
Result<MetaState> CaptureMetaState(const CatalogSnapshot& catalog, const Version& version);

struct BuiltMeta {
  std::shared_ptr<const CatalogSnapshot> catalog;
  std::shared_ptr<const Version> version;
};
// InvalidArgument if the state breaks a catalog rule (repeated names, ids at
// or above their next-id counters, a delete vector of an unknown rowset).
Result<BuiltMeta> BuildMeta(MetaState state);

}  // namespace silt::meta

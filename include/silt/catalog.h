// The catalog: what schemas, tables and columns exist (RisingLight's
// RootCatalog → SchemaCatalog → TableCatalog → ColumnCatalog, seed 002; a
// schema is MatrixOne AOE's "database", seed 000).
//
// Readers never block writers: the whole catalog is an immutable
// CatalogSnapshot held by shared_ptr. A writer builds the next snapshot
// (copying only the schema it changes; unchanged TableCatalogs are shared)
// and swaps it in; a reader keeps whatever snapshot it took for as long as it
// likes, and everything it reads from one snapshot is consistent.
//
// Every change is a meta::VersionEdit (src/meta/version_edit.h), the unit the
// metadata log will record. RootCatalog::Make* build an edit from the current
// state (allocating ids) without publishing it; Apply publishes an edit. The
// convenience methods (CreateSchema, AddTable, ...) do both.
//
// Ids are never reused, also across restarts: the next-id counters are part
// of the snapshot, and an edit that creates an object with an id below the
// counter is refused. Dropping a name and creating it again gives a new id.
//
// Each table belongs to a shard: a log group id >= 1 of the LogStore (group 0
// is the metadata log).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"

namespace silt {

namespace meta {
class VersionEdit;
}  // namespace meta

using SchemaId = uint32_t;
using TableId = uint32_t;   // unique within its schema
using ColumnId = uint32_t;  // the column's position in its table
using ShardId = uint64_t;   // a LogStore group id

// The metadata log's group; no table may live in it.
constexpr ShardId kMetaShard = 0;

struct TableRefId {
  SchemaId schema_id = 0;
  TableId table_id = 0;
  auto operator<=>(const TableRefId&) const = default;
  std::string ToString() const;  // "schema 3 table 7"
};

struct ColumnRefId {
  SchemaId schema_id = 0;
  TableId table_id = 0;
  ColumnId column_id = 0;
  TableRefId table() const { return TableRefId{schema_id, table_id}; }
  auto operator<=>(const ColumnRefId&) const = default;
};

struct ColumnCatalog {
  ColumnId id = 0;
  std::string name;
  DataType type;
  bool is_primary = false;  // one of the table's ordered_pk_ids
  friend bool operator==(const ColumnCatalog&, const ColumnCatalog&) = default;
};

// Immutable once published in a snapshot.
class TableCatalog {
 public:
  TableCatalog(TableRefId ref, std::string name, ShardId shard, std::vector<ColumnCatalog> columns,
               bool is_materialized_view, std::vector<ColumnId> ordered_pk_ids);

  TableRefId ref() const { return ref_; }
  TableId id() const { return ref_.table_id; }
  const std::string& name() const { return name_; }
  ShardId shard() const { return shard_; }
  const std::vector<ColumnCatalog>& columns() const { return columns_; }
  bool is_materialized_view() const { return is_materialized_view_; }
  const std::vector<ColumnId>& ordered_pk_ids() const { return ordered_pk_ids_; }

  Result<ColumnCatalog> GetColumn(ColumnId id) const;
  Result<ColumnCatalog> GetColumnByName(std::string_view name) const;

  // "table orders (schema 1 table 2) shard 3 [mv] pk(0): id int64 not null, ...".
  std::string DebugString() const;

 private:
  TableRefId ref_;
  std::string name_;
  ShardId shard_;
  std::vector<ColumnCatalog> columns_;
  bool is_materialized_view_;
  std::vector<ColumnId> ordered_pk_ids_;
};

// The tables of one schema. Published copies are immutable (readers get
// shared_ptr<const SchemaCatalog>); the mutators are for the writer building
// the next snapshot.
class SchemaCatalog {
 public:
  SchemaCatalog(SchemaId id, std::string name, TableId next_table_id = 0)
      : id_(id), name_(std::move(name)), next_table_id_(next_table_id) {}

  SchemaId id() const { return id_; }
  const std::string& name() const { return name_; }
  // The id the next table will get; never decreases.
  TableId next_table_id() const { return next_table_id_; }

  // Errors: AlreadyExists (name taken), InvalidArgument (id already used).
  Status AddTable(std::shared_ptr<const TableCatalog> table);
  Status DeleteTable(TableId id);  // NotFound
  // Raises next_table_id to at least `next` (restoring from a checkpoint,
  // where dropped tables have used ids up to it).
  void RaiseNextTableId(TableId next) { next_table_id_ = std::max(next_table_id_, next); }
  // Ordered by id.
  std::vector<std::shared_ptr<const TableCatalog>> AllTables() const;
  size_t table_count() const { return tables_.size(); }
  Result<TableId> GetTableIdByName(std::string_view name) const;
  Result<std::shared_ptr<const TableCatalog>> GetTableById(TableId id) const;
  Result<std::shared_ptr<const TableCatalog>> GetTableByName(std::string_view name) const;

 private:
  SchemaId id_;
  std::string name_;
  std::map<std::string, TableId, std::less<>> table_idxs_;
  std::map<TableId, std::shared_ptr<const TableCatalog>> tables_;
  TableId next_table_id_;
};

// One consistent state of the whole catalog. Immutable.
class CatalogSnapshot {
 public:
  CatalogSnapshot() = default;

  Result<SchemaId> GetSchemaIdByName(std::string_view name) const;
  Result<std::shared_ptr<const SchemaCatalog>> GetSchemaById(SchemaId id) const;
  Result<std::shared_ptr<const SchemaCatalog>> GetSchemaByName(std::string_view name) const;
  // Ordered by id.
  std::vector<std::shared_ptr<const SchemaCatalog>> AllSchemas() const;
  Result<std::shared_ptr<const TableCatalog>> GetTable(TableRefId ref) const;
  Result<ColumnCatalog> GetColumn(ColumnRefId ref) const;
  Result<TableRefId> GetTableIdByName(std::string_view schema, std::string_view table) const;
  SchemaId next_schema_id() const { return next_schema_id_; }

  // Every schema, table and column plus the next-id counters, one per line,
  // in id order: equal strings mean equal catalogs.
  std::string DebugString() const;

  // The snapshot after `edit`'s DDL operations (CreateSchema, DropSchema,
  // CreateTable, DropTable; the others are ignored), applied in order. All or
  // nothing: the first invalid operation's error is returned.
  Result<std::shared_ptr<const CatalogSnapshot>> Apply(const meta::VersionEdit& edit) const;

  // A snapshot holding exactly these schemas, for restoring one from a
  // checkpoint. InvalidArgument on a repeated schema id or name, or an id at
  // or above next_schema_id.
  static Result<std::shared_ptr<const CatalogSnapshot>> Restore(
      std::vector<std::shared_ptr<const SchemaCatalog>> schemas, SchemaId next_schema_id);

 private:
  std::map<std::string, SchemaId, std::less<>> schema_idxs_;
  std::map<SchemaId, std::shared_ptr<const SchemaCatalog>> schemas_;
  SchemaId next_schema_id_ = 0;
};

// The live catalog: the current snapshot plus a writer lock.
// Thread-safe: readers take Current() (or call the forwarding getters) while
// a writer applies an edit; writers are serialized.
class RootCatalog {
 public:
  RootCatalog();
  explicit RootCatalog(std::shared_ptr<const CatalogSnapshot> initial);

  std::shared_ptr<const CatalogSnapshot> Current() const;

  // Forwarded to Current(), for one-off lookups.
  Result<SchemaId> GetSchemaIdByName(std::string_view name) const;
  Result<std::shared_ptr<const SchemaCatalog>> GetSchemaById(SchemaId id) const;
  Result<std::shared_ptr<const SchemaCatalog>> GetSchemaByName(std::string_view name) const;
  Result<std::shared_ptr<const TableCatalog>> GetTable(TableRefId ref) const;
  Result<ColumnCatalog> GetColumn(ColumnRefId ref) const;
  Result<TableRefId> GetTableIdByName(std::string_view schema, std::string_view table) const;

  // Build (validate, allocate ids) an edit against the current snapshot and
  // append its operations to *edit; nothing is published. Apply it (here and
  // to the VersionManager) to make it take effect.
  Status MakeCreateSchema(std::string_view name, meta::VersionEdit* edit) const;
  // Drops the schema's tables too (a DropTable per table, then DropSchema).
  Status MakeDropSchema(SchemaId id, meta::VersionEdit* edit) const;
  Status MakeAddTable(SchemaId schema_id, std::string_view name, ShardId shard,
                      const std::vector<ColumnDef>& columns, bool is_materialized_view,
                      const std::vector<ColumnId>& ordered_pk_ids, meta::VersionEdit* edit) const;
  Status MakeDropTable(TableRefId ref, meta::VersionEdit* edit) const;

  // Publishes `edit` (all or nothing).
  Status Apply(const meta::VersionEdit& edit);

  // Make* then Apply, atomically with respect to other writers. When `edit`
  // is given, the applied operations are appended to it (for the caller to
  // hand to the VersionManager and, later, the metadata log).
  Result<SchemaId> CreateSchema(std::string_view name, meta::VersionEdit* edit = nullptr);
  Status DropSchema(SchemaId id, meta::VersionEdit* edit = nullptr);
  Result<TableRefId> AddTable(SchemaId schema_id, std::string_view name, ShardId shard,
                              const std::vector<ColumnDef>& columns, bool is_materialized_view,
                              const std::vector<ColumnId>& ordered_pk_ids,
                              meta::VersionEdit* edit = nullptr);
  Status DropTable(TableRefId ref, meta::VersionEdit* edit = nullptr);

 private:
  void Publish(std::shared_ptr<const CatalogSnapshot> next);
  // Apply with write_mu_ held; appends the edit to *out (if given) once applied.
  Status ApplyLocked(const meta::VersionEdit& edit, meta::VersionEdit* out);

  std::mutex write_mu_;  // serializes writers (Make+Apply of the convenience methods, Apply)
  mutable std::mutex current_mu_;  // guards current_ only; held for a pointer copy or swap
  std::shared_ptr<const CatalogSnapshot> current_;
};

}  // namespace silt

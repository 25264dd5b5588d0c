// VersionEdit: one metadata commit, a list of operations applied atomically
// (LevelDB's db/version_edit.h in spirit). The same edit carries the catalog's
// DDL (schemas, tables and their columns) and the version manager's changes
// (rowsets, delete vectors, per-shard safe ids); RootCatalog applies the
// former, VersionManager all of them (DDL only as table create/drop).
//
// EncodeTo/DecodeFrom give the record the metadata log (LogStore group 0)
// stores for each commit. Byte layout: docs/meta_format.md; keep in sync.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/coding.h"
#include "silt/catalog.h"
#include "silt/status.h"
#include "silt/types.h"

namespace silt::meta {

using RowSetId = uint64_t;
using DVId = uint64_t;

// Record layout constants (docs/meta_format.md).
constexpr uint8_t kEditFormatVersion = 1;
constexpr size_t kEditTrailerSize = 4;  // masked crc32c

// Operation tags: stored on disk, never renumber.
enum class EditTag : uint8_t {
  kCreateSchema = 1,
  kDropSchema = 2,
  kCreateTable = 3,
  kDropTable = 4,
  kAddRowSet = 5,
  kDeleteRowSet = 6,
  kAddDV = 7,
  kDeleteDV = 8,
  kSetSafeId = 9,
};

struct CreateSchemaOp {
  SchemaId schema_id = 0;
  std::string name;
  friend bool operator==(const CreateSchemaOp&, const CreateSchemaOp&) = default;
};
struct DropSchemaOp {
  SchemaId schema_id = 0;
  friend bool operator==(const DropSchemaOp&, const DropSchemaOp&) = default;
};
struct CreateTableOp {
  TableRefId table;
  std::string name;
  ShardId shard = 1;
  std::vector<ColumnDef> columns;  // column i gets ColumnId i
  bool is_materialized_view = false;
  std::vector<ColumnId> ordered_pk_ids;
  friend bool operator==(const CreateTableOp&, const CreateTableOp&) = default;
};
struct DropTableOp {
  TableRefId table;
  friend bool operator==(const DropTableOp&, const DropTableOp&) = default;
};

// A rowset: one immutable directory of column files (the table module's).
struct RowSetMeta {
  RowSetId id = 0;
  std::string name;  // its directory name, relative to the table's directory
  uint64_t rows = 0;
  uint64_t bytes = 0;
  friend bool operator==(const RowSetMeta&, const RowSetMeta&) = default;
};
// A delete vector: a file of deleted row ids of one rowset.
struct DVMeta {
  DVId id = 0;
  RowSetId rowset_id = 0;
  std::string name;  // its file name, relative to the table's directory
  friend bool operator==(const DVMeta&, const DVMeta&) = default;
};

struct AddRowSetOp {
  TableRefId table;
  RowSetMeta rowset;
  friend bool operator==(const AddRowSetOp&, const AddRowSetOp&) = default;
};
struct DeleteRowSetOp {
  TableRefId table;
  RowSetId rowset_id = 0;
  friend bool operator==(const DeleteRowSetOp&, const DeleteRowSetOp&) = default;
};
struct AddDVOp {
  TableRefId table;
  DVMeta dv;
  friend bool operator==(const AddDVOp&, const AddDVOp&) = default;
};
struct DeleteDVOp {
  TableRefId table;
  DVId dv_id = 0;
  friend bool operator==(const DeleteDVOp&, const DeleteDVOp&) = default;
};
// safe id of a shard: every log entry of the shard up to `index` is persisted
// in rowsets (AOE's per-shard safe id). Never moves backwards.
struct SetSafeIdOp {
  ShardId shard = 1;
  uint64_t index = 0;
  friend bool operator==(const SetSafeIdOp&, const SetSafeIdOp&) = default;
};

using EditOp = std::variant<CreateSchemaOp, DropSchemaOp, CreateTableOp, DropTableOp, AddRowSetOp,
                            DeleteRowSetOp, AddDVOp, DeleteDVOp, SetSafeIdOp>;

class VersionEdit {
 public:
  void CreateSchema(SchemaId id, std::string name) {
    ops_.emplace_back(CreateSchemaOp{id, std::move(name)});
  }
  void DropSchema(SchemaId id) { ops_.emplace_back(DropSchemaOp{id}); }
  void CreateTable(CreateTableOp op) { ops_.emplace_back(std::move(op)); }
  void DropTable(TableRefId table) { ops_.emplace_back(DropTableOp{table}); }
  void AddRowSet(TableRefId table, RowSetMeta rowset) {
    ops_.emplace_back(AddRowSetOp{table, std::move(rowset)});
  }
  void DeleteRowSet(TableRefId table, RowSetId id) { ops_.emplace_back(DeleteRowSetOp{table, id}); }
  void AddDV(TableRefId table, DVMeta dv) { ops_.emplace_back(AddDVOp{table, std::move(dv)}); }
  void DeleteDV(TableRefId table, DVId id) { ops_.emplace_back(DeleteDVOp{table, id}); }
  void SetSafeId(ShardId shard, uint64_t index) { ops_.emplace_back(SetSafeIdOp{shard, index}); }
  void Add(EditOp op) { ops_.push_back(std::move(op)); }
  // Appends other's operations.
  void Append(const VersionEdit& other) {
    ops_.insert(ops_.end(), other.ops_.begin(), other.ops_.end());
  }

  const std::vector<EditOp>& ops() const { return ops_; }
  // Whether any operation is DDL (a schema or table created or dropped):
  // only those change the catalog.
  bool HasDdl() const {
    for (const EditOp& op : ops_) {
      if (std::holds_alternative<CreateSchemaOp>(op) || std::holds_alternative<DropSchemaOp>(op) ||
          std::holds_alternative<CreateTableOp>(op) || std::holds_alternative<DropTableOp>(op)) {
        return true;
      }
    }
    return false;
  }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void Clear() { ops_.clear(); }

  // Appends the record (docs/meta_format.md) to *dst.
  void EncodeTo(std::string* dst) const;
  // Replaces this edit's operations with the record in `record`, which is the
  // whole record (nothing after it). Errors are Corruption("FILE at offset
  // N: ..."), `offset` being where the record starts in `file`; on error the
  // edit is left empty.
  Status DecodeFrom(std::string_view record, std::string_view file = "<memory>",
                    uint64_t offset = 0);

  // One operation per line, for dumps and test failure messages.
  std::string DebugString() const;

  friend bool operator==(const VersionEdit&, const VersionEdit&) = default;

 private:
  std::vector<EditOp> ops_;
};

// One operation's bytes (tag and fields, as in an edit record), and its
// decoding; for other containers of operations (checkpoints).
void EncodeEditOp(const EditOp& op, std::string* dst);
Status DecodeEditOp(ByteReader* r, EditOp* out);
// Reads a varint32 count of items each at least `min_item_bytes` long,
// Corruption if that many cannot fit in what is left.
Status ReadCountedItems(ByteReader* r, size_t min_item_bytes, const char* what, uint32_t* n);

// The catalog entry of a table definition (column i gets ColumnId i; the
// primary key columns are marked). `op` must have passed ValidateTableDef.
std::shared_ptr<const TableCatalog> MakeTableCatalog(const CreateTableOp& op);

// The checks of a table definition that need no catalog state: names
// non-empty and distinct, at least one column, primary key ids in range and
// distinct, shard not the metadata shard. InvalidArgument naming the table.
Status ValidateTableDef(const CreateTableOp& op);

}  // namespace silt::meta

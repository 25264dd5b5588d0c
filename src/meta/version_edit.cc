// Encoding of a VersionEdit: docs/meta_format.md ("Edit record").
#include "meta/version_edit.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "common/coding.h"
#include "common/crc32c.h"

namespace silt::meta {
namespace {

constexpr uint8_t kNullableFlag = 0x01;
constexpr uint8_t kMaterializedViewFlag = 0x01;

void PutTable(std::string* dst, TableRefId t) {
  PutVarint32(dst, t.schema_id);
  PutVarint32(dst, t.table_id);
}

void PutType(std::string* dst, const DataType& type) {
  dst->push_back(static_cast<char>(type.id()));
  dst->push_back(static_cast<char>(type.nullable() ? kNullableFlag : 0));
  if (type.id() == TypeId::kDecimal) {
    dst->push_back(static_cast<char>(type.precision()));
    dst->push_back(static_cast<char>(type.scale()));
  }
}

struct Encoder {
  std::string* dst;
  void operator()(const CreateSchemaOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kCreateSchema));
    PutVarint32(dst, op.schema_id);
    PutLengthPrefixed(dst, op.name);
  }
  void operator()(const DropSchemaOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kDropSchema));
    PutVarint32(dst, op.schema_id);
  }
  void operator()(const CreateTableOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kCreateTable));
    PutTable(dst, op.table);
    PutLengthPrefixed(dst, op.name);
    PutVarint64(dst, op.shard);
    dst->push_back(static_cast<char>(op.is_materialized_view ? kMaterializedViewFlag : 0));
    PutVarint32(dst, static_cast<uint32_t>(op.columns.size()));
    for (const ColumnDef& c : op.columns) {
      PutLengthPrefixed(dst, c.name);
      PutType(dst, c.type);
    }
    PutVarint32(dst, static_cast<uint32_t>(op.ordered_pk_ids.size()));
    for (ColumnId id : op.ordered_pk_ids) PutVarint32(dst, id);
  }
  void operator()(const DropTableOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kDropTable));
    PutTable(dst, op.table);
  }
  void operator()(const AddRowSetOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kAddRowSet));
    PutTable(dst, op.table);
    PutVarint64(dst, op.rowset.id);
    PutLengthPrefixed(dst, op.rowset.name);
    PutVarint64(dst, op.rowset.rows);
    PutVarint64(dst, op.rowset.bytes);
  }
  void operator()(const DeleteRowSetOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kDeleteRowSet));
    PutTable(dst, op.table);
    PutVarint64(dst, op.rowset_id);
  }
  void operator()(const AddDVOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kAddDV));
    PutTable(dst, op.table);
    PutVarint64(dst, op.dv.id);
    PutVarint64(dst, op.dv.rowset_id);
    PutLengthPrefixed(dst, op.dv.name);
  }
  void operator()(const DeleteDVOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kDeleteDV));
    PutTable(dst, op.table);
    PutVarint64(dst, op.dv_id);
  }
  void operator()(const SetSafeIdOp& op) const {
    dst->push_back(static_cast<char>(EditTag::kSetSafeId));
    PutVarint64(dst, op.shard);
    PutVarint64(dst, op.index);
  }
};

Status ReadTable(ByteReader* r, TableRefId* t) {
  SILT_RETURN_IF_ERROR(r->ReadVarint32(&t->schema_id));
  return r->ReadVarint32(&t->table_id);
}

Status ReadString(ByteReader* r, std::string* s) {
  std::string_view v;
  SILT_RETURN_IF_ERROR(r->ReadLengthPrefixed(&v));
  s->assign(v);
  return Status::OK();
}

// A count of items each at least `min_item_bytes` long: checked against what
// is left so that a damaged count cannot make us allocate or loop for long.
Status ReadCount(ByteReader* r, size_t min_item_bytes, const char* what, uint32_t* n) {
  const uint64_t at = r->offset();
  SILT_RETURN_IF_ERROR(r->ReadVarint32(n));
  if (static_cast<uint64_t>(*n) * min_item_bytes > r->remaining()) {
    return Status::Corruption(
        r->file(), at,
        fmt::format("{} count {} exceeds the {} bytes left", what, *n, r->remaining()));
  }
  return Status::OK();
}

Status ReadType(ByteReader* r, DataType* type) {
  const uint64_t at = r->offset();
  uint8_t id = 0, flags = 0;
  SILT_RETURN_IF_ERROR(r->ReadU8(&id));
  SILT_RETURN_IF_ERROR(r->ReadU8(&flags));
  if (!IsValidTypeId(id)) {
    return Status::Corruption(r->file(), at, fmt::format("unknown column type id {}", id));
  }
  if ((flags & ~kNullableFlag) != 0) {
    return Status::Corruption(r->file(), at + 1, fmt::format("unknown type flags 0x{:02x}", flags));
  }
  const bool nullable = (flags & kNullableFlag) != 0;
  switch (static_cast<TypeId>(id)) {
    case TypeId::kBool:
      *type = DataType::Bool();
      break;
    case TypeId::kInt32:
      *type = DataType::Int32();
      break;
    case TypeId::kInt64:
      *type = DataType::Int64();
      break;
    case TypeId::kFloat64:
      *type = DataType::Float64();
      break;
    case TypeId::kDate:
      *type = DataType::Date();
      break;
    case TypeId::kTimestamp:
      *type = DataType::Timestamp();
      break;
    case TypeId::kString:
      *type = DataType::String();
      break;
    case TypeId::kDecimal: {
      uint8_t precision = 0, scale = 0;
      SILT_RETURN_IF_ERROR(r->ReadU8(&precision));
      SILT_RETURN_IF_ERROR(r->ReadU8(&scale));
      auto d = DataType::Decimal(precision, scale);
      if (!d.ok()) {
        return Status::Corruption(r->file(), at,
                                  fmt::format("bad decimal type: {}", d.status().message()));
      }
      *type = *d;
      break;
    }
  }
  *type = type->WithNullable(nullable);
  return Status::OK();
}

Status DecodeOp(ByteReader* r, EditOp* out) {
  const uint64_t at = r->offset();
  uint8_t tag = 0;
  SILT_RETURN_IF_ERROR(r->ReadU8(&tag));
  switch (static_cast<EditTag>(tag)) {
    case EditTag::kCreateSchema: {
      CreateSchemaOp op;
      SILT_RETURN_IF_ERROR(r->ReadVarint32(&op.schema_id));
      SILT_RETURN_IF_ERROR(ReadString(r, &op.name));
      *out = std::move(op);
      return Status::OK();
    }
    case EditTag::kDropSchema: {
      DropSchemaOp op;
      SILT_RETURN_IF_ERROR(r->ReadVarint32(&op.schema_id));
      *out = op;
      return Status::OK();
    }
    case EditTag::kCreateTable: {
      CreateTableOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      SILT_RETURN_IF_ERROR(ReadString(r, &op.name));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.shard));
      const uint64_t flags_at = r->offset();
      uint8_t flags = 0;
      SILT_RETURN_IF_ERROR(r->ReadU8(&flags));
      if ((flags & ~kMaterializedViewFlag) != 0) {
        return Status::Corruption(r->file(), flags_at,
                                  fmt::format("unknown table flags 0x{:02x}", flags));
      }
      op.is_materialized_view = (flags & kMaterializedViewFlag) != 0;
      uint32_t n = 0;
      SILT_RETURN_IF_ERROR(ReadCount(r, 3, "column", &n));  // name length, type id, flags
      op.columns.resize(n);
      for (ColumnDef& c : op.columns) {
        SILT_RETURN_IF_ERROR(ReadString(r, &c.name));
        SILT_RETURN_IF_ERROR(ReadType(r, &c.type));
      }
      SILT_RETURN_IF_ERROR(ReadCount(r, 1, "primary key column", &n));
      op.ordered_pk_ids.resize(n);
      for (ColumnId& id : op.ordered_pk_ids) SILT_RETURN_IF_ERROR(r->ReadVarint32(&id));
      *out = std::move(op);
      return Status::OK();
    }
    case EditTag::kDropTable: {
      DropTableOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      *out = op;
      return Status::OK();
    }
    case EditTag::kAddRowSet: {
      AddRowSetOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.rowset.id));
      SILT_RETURN_IF_ERROR(ReadString(r, &op.rowset.name));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.rowset.rows));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.rowset.bytes));
      *out = std::move(op);
      return Status::OK();
    }
    case EditTag::kDeleteRowSet: {
      DeleteRowSetOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.rowset_id));
      *out = op;
      return Status::OK();
    }
    case EditTag::kAddDV: {
      AddDVOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.dv.id));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.dv.rowset_id));
      SILT_RETURN_IF_ERROR(ReadString(r, &op.dv.name));
      *out = std::move(op);
      return Status::OK();
    }
    case EditTag::kDeleteDV: {
      DeleteDVOp op;
      SILT_RETURN_IF_ERROR(ReadTable(r, &op.table));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.dv_id));
      *out = op;
      return Status::OK();
    }
    case EditTag::kSetSafeId: {
      SetSafeIdOp op;
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.shard));
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&op.index));
      *out = op;
      return Status::OK();
    }
  }
  return Status::Corruption(r->file(), at, fmt::format("unknown edit operation tag {}", tag));
}

std::string TableName(TableRefId t) { return fmt::format("{}.{}", t.schema_id, t.table_id); }

struct Describer {
  std::string operator()(const CreateSchemaOp& op) const {
    return fmt::format("create schema {} '{}'", op.schema_id, op.name);
  }
  std::string operator()(const DropSchemaOp& op) const {
    return fmt::format("drop schema {}", op.schema_id);
  }
  std::string operator()(const CreateTableOp& op) const {
    std::string s =
        fmt::format("create table {} '{}' shard {}{} ({})", TableName(op.table), op.name, op.shard,
                    op.is_materialized_view ? " mv" : "", ColumnDefsToString(op.columns));
    if (!op.ordered_pk_ids.empty()) s += fmt::format(" pk({})", fmt::join(op.ordered_pk_ids, ","));
    return s;
  }
  std::string operator()(const DropTableOp& op) const {
    return fmt::format("drop table {}", TableName(op.table));
  }
  std::string operator()(const AddRowSetOp& op) const {
    return fmt::format("add rowset {} to {} '{}' rows {} bytes {}", op.rowset.id,
                       TableName(op.table), op.rowset.name, op.rowset.rows, op.rowset.bytes);
  }
  std::string operator()(const DeleteRowSetOp& op) const {
    return fmt::format("delete rowset {} of {}", op.rowset_id, TableName(op.table));
  }
  std::string operator()(const AddDVOp& op) const {
    return fmt::format("add dv {} of rowset {} to {} '{}'", op.dv.id, op.dv.rowset_id,
                       TableName(op.table), op.dv.name);
  }
  std::string operator()(const DeleteDVOp& op) const {
    return fmt::format("delete dv {} of {}", op.dv_id, TableName(op.table));
  }
  std::string operator()(const SetSafeIdOp& op) const {
    return fmt::format("set safe id of shard {} to {}", op.shard, op.index);
  }
};

}  // namespace

std::shared_ptr<const TableCatalog> MakeTableCatalog(const CreateTableOp& op) {
  std::vector<ColumnCatalog> columns;
  columns.reserve(op.columns.size());
  for (size_t i = 0; i < op.columns.size(); ++i) {
    columns.push_back(
        ColumnCatalog{static_cast<ColumnId>(i), op.columns[i].name, op.columns[i].type, false});
  }
  for (ColumnId id : op.ordered_pk_ids) columns[id].is_primary = true;
  return std::make_shared<const TableCatalog>(op.table, op.name, op.shard, std::move(columns),
                                              op.is_materialized_view, op.ordered_pk_ids);
}

void EncodeEditOp(const EditOp& op, std::string* dst) { std::visit(Encoder{dst}, op); }

Status DecodeEditOp(ByteReader* r, EditOp* out) { return DecodeOp(r, out); }

Status ReadCountedItems(ByteReader* r, size_t min_item_bytes, const char* what, uint32_t* n) {
  return ReadCount(r, min_item_bytes, what, n);
}

void VersionEdit::EncodeTo(std::string* dst) const {
  const size_t start = dst->size();
  dst->push_back(static_cast<char>(kEditFormatVersion));
  PutVarint32(dst, static_cast<uint32_t>(ops_.size()));
  Encoder enc{dst};
  for (const EditOp& op : ops_) std::visit(enc, op);
  PutFixed32(dst, crc32c::Mask(crc32c::Value(dst->data() + start, dst->size() - start)));
}

Status VersionEdit::DecodeFrom(std::string_view record, std::string_view file, uint64_t offset) {
  ops_.clear();
  constexpr size_t kMinSize = 2 + kEditTrailerSize;  // version, op count, crc
  if (record.size() < kMinSize) {
    return Status::Corruption(file, offset,
                              fmt::format("edit record of {} bytes is shorter than the minimum {}",
                                          record.size(), kMinSize));
  }
  const size_t body_size = record.size() - kEditTrailerSize;
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(record.data() + body_size));
  const uint32_t actual = crc32c::Value(record.data(), body_size);
  if (stored != actual) {
    return Status::Corruption(
        file, offset + body_size,
        fmt::format("edit record checksum mismatch: stored {:08x}, computed {:08x}", stored,
                    actual));
  }
  ByteReader r(record.substr(0, body_size), file, offset);
  uint8_t version = 0;
  SILT_RETURN_IF_ERROR(r.ReadU8(&version));
  if (version != kEditFormatVersion) {
    return Status::Corruption(
        file, offset,
        fmt::format("unknown edit format version {} (expected {})", version, kEditFormatVersion));
  }
  uint32_t n = 0;
  SILT_RETURN_IF_ERROR(ReadCount(&r, 1, "operation", &n));
  std::vector<EditOp> ops;
  ops.reserve(std::min<uint32_t>(n, 64));  // grow with what actually decodes
  for (uint32_t i = 0; i < n; ++i) {
    SILT_RETURN_IF_ERROR(DecodeOp(&r, &ops.emplace_back()));
  }
  if (!r.empty()) {
    return r.Error(fmt::format("{} bytes after the last of {} operations", r.remaining(), n));
  }
  ops_ = std::move(ops);
  return Status::OK();
}

std::string VersionEdit::DebugString() const {
  std::string s;
  for (const EditOp& op : ops_) {
    s += std::visit(Describer{}, op);
    s += '\n';
  }
  return s;
}

Status ValidateTableDef(const CreateTableOp& op) {
  auto bad = [&](std::string_view what) {
    return Status::InvalidArgument(
        fmt::format("table '{}' ({}): {}", op.name, op.table.ToString(), what));
  };
  if (op.name.empty()) return bad("empty table name");
  if (op.shard == kMetaShard) return bad("shard 0 is the metadata log; tables need a shard >= 1");
  if (op.columns.empty()) return bad("a table needs at least one column");
  std::set<std::string_view> names;
  for (size_t i = 0; i < op.columns.size(); ++i) {
    const std::string& name = op.columns[i].name;
    if (name.empty()) return bad(fmt::format("column {} has an empty name", i));
    if (!names.insert(name).second) return bad(fmt::format("duplicate column name '{}'", name));
  }
  std::set<ColumnId> pk;
  for (ColumnId id : op.ordered_pk_ids) {
    if (id >= op.columns.size()) {
      return bad(fmt::format("primary key column id {} out of range (the table has {} columns)", id,
                             op.columns.size()));
    }
    if (!pk.insert(id).second) {
      return bad(fmt::format("column '{}' appears twice in the primary key", op.columns[id].name));
    }
  }
  return Status::OK();
}

}  // namespace silt::meta

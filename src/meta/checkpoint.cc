// Metadata checkpoints: building, encoding, decoding and applying them
// (docs/meta_format.md, "Checkpoints").
#include "meta/checkpoint.h"

#include <fmt/format.h>

#include <cstring>

#include "common/coding.h"
#include "common/crc32c.h"

namespace silt::meta {
namespace {

Status ReadString(ByteReader* r, std::string* s) {
  std::string_view v;
  SILT_RETURN_IF_ERROR(r->ReadLengthPrefixed(&v));
  s->assign(v);
  return Status::OK();
}

void EncodeTableState(const TableState& t, std::string* dst) {
  EncodeEditOp(t.def, dst);
  PutVarint32(dst, static_cast<uint32_t>(t.rowsets.size()));
  for (const auto& [id, r] : t.rowsets) {
    PutVarint64(dst, r.id);
    PutLengthPrefixed(dst, r.name);
    PutVarint64(dst, r.rows);
    PutVarint64(dst, r.bytes);
  }
  PutVarint32(dst, static_cast<uint32_t>(t.dvs.size()));
  for (const auto& [id, d] : t.dvs) {
    PutVarint64(dst, d.id);
    PutVarint64(dst, d.rowset_id);
    PutLengthPrefixed(dst, d.name);
  }
}

Status DecodeTableState(ByteReader* r, TableState* t) {
  const uint64_t at = r->offset();
  EditOp op;
  SILT_RETURN_IF_ERROR(DecodeEditOp(r, &op));
  auto* def = std::get_if<CreateTableOp>(&op);
  if (def == nullptr) return Status::Corruption(r->file(), at, "expected a table definition");
  t->def = std::move(*def);
  uint32_t n = 0;
  SILT_RETURN_IF_ERROR(ReadCountedItems(r, 4, "rowset", &n));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t rat = r->offset();
    RowSetMeta m;
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&m.id));
    SILT_RETURN_IF_ERROR(ReadString(r, &m.name));
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&m.rows));
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&m.bytes));
    const RowSetId id = m.id;
    if (!t->rowsets.emplace(id, std::move(m)).second) {
      return Status::Corruption(
          r->file(), rat, fmt::format("{}: rowset {} appears twice", t->def.table.ToString(), id));
    }
  }
  SILT_RETURN_IF_ERROR(ReadCountedItems(r, 3, "dv", &n));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t dat = r->offset();
    DVMeta d;
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&d.id));
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&d.rowset_id));
    SILT_RETURN_IF_ERROR(ReadString(r, &d.name));
    if (t->rowsets.count(d.rowset_id) == 0) {
      return Status::Corruption(r->file(), dat,
                                fmt::format("{}: dv {} refers to unknown rowset {}",
                                            t->def.table.ToString(), d.id, d.rowset_id));
    }
    const DVId id = d.id;
    if (!t->dvs.emplace(id, std::move(d)).second) {
      return Status::Corruption(
          r->file(), dat, fmt::format("{}: dv {} appears twice", t->def.table.ToString(), id));
    }
  }
  return Status::OK();
}

}  // namespace

const char* CheckpointKindName(CheckpointKind kind) {
  return kind == CheckpointKind::kGlobal ? "global" : "delta";
}

Result<CheckpointData> MakeCheckpoint(CheckpointKind kind, uint64_t start_epoch,
                                      const CatalogSnapshot& catalog, const Version& version,
                                      const std::set<TableRefId>& changed) {
  CheckpointData out;
  out.kind = kind;
  out.start_epoch = kind == CheckpointKind::kGlobal ? 1 : start_epoch;
  out.end_epoch = version.epoch();
  out.next_schema_id = catalog.next_schema_id();
  out.next_rowset_id = version.next_rowset_id();
  out.next_dv_id = version.next_dv_id();
  out.safe_ids = version.safe_ids();
  auto add_changed = [&](const TableCatalog& t) -> Status {
    const TableVersionMap::Ptr* files = version.tables().Find(t.ref());
    if (files == nullptr) {
      return Status::Corruption(fmt::format("checkpoint at epoch {}: {} has no files",
                                            version.epoch(), t.ref().ToString()));
    }
    out.changed.push_back(CheckpointData::ChangedTable{CaptureTable(t, **files), 0});
    return Status::OK();
  };
  for (const auto& schema : catalog.AllSchemas()) {
    CheckpointData::SchemaEntry& e = out.schemas.emplace_back();
    e.id = schema->id();
    e.name = schema->name();
    e.next_table_id = schema->next_table_id();
    for (const auto& table : schema->AllTables()) {
      e.tables.push_back(CheckpointData::TableName{table->id(), table->name()});
      if (kind == CheckpointKind::kGlobal) SILT_RETURN_IF_ERROR(add_changed(*table));
    }
  }
  if (kind == CheckpointKind::kDelta) {
    for (const TableRefId& ref : changed) {
      auto table = catalog.GetTable(ref);
      if (table.ok()) SILT_RETURN_IF_ERROR(add_changed(**table));  // else dropped since
    }
  }
  return out;
}

std::string EncodeCheckpoint(const CheckpointData& data) {
  std::string body;
  PutVarint32(&body, data.next_schema_id);
  PutVarint64(&body, data.next_rowset_id);
  PutVarint64(&body, data.next_dv_id);
  PutVarint32(&body, static_cast<uint32_t>(data.schemas.size()));
  for (const auto& s : data.schemas) {
    PutVarint32(&body, s.id);
    PutLengthPrefixed(&body, s.name);
    PutVarint32(&body, s.next_table_id);
    PutVarint32(&body, static_cast<uint32_t>(s.tables.size()));
    for (const auto& t : s.tables) {
      PutVarint32(&body, t.id);
      PutLengthPrefixed(&body, t.name);
    }
  }
  PutVarint32(&body, static_cast<uint32_t>(data.changed.size()));
  for (const auto& c : data.changed) EncodeTableState(c.state, &body);
  PutVarint32(&body, static_cast<uint32_t>(data.safe_ids.size()));
  for (const auto& [shard, index] : data.safe_ids) {
    PutVarint64(&body, shard);
    PutVarint64(&body, index);
  }

  std::string out;
  out.reserve(kCheckpointHeaderSize + body.size() + kCheckpointTrailerSize);
  out.append(kCheckpointMagic, sizeof(kCheckpointMagic));
  out.push_back(static_cast<char>(kCheckpointFormatVersion));
  out.push_back(static_cast<char>(data.kind));
  PutFixed16(&out, 0);
  PutFixed64(&out, body.size());
  PutFixed64(&out, data.start_epoch);
  PutFixed64(&out, data.end_epoch);
  PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  out += body;
  PutFixed32(&out, crc32c::Mask(crc32c::Value(body)));
  return out;
}

Result<CheckpointData> DecodeCheckpoint(std::string_view bytes, std::string_view file) {
  if (bytes.size() < kCheckpointHeaderSize + kCheckpointTrailerSize) {
    return Status::Corruption(
        file, 0,
        fmt::format("checkpoint file of {} bytes is shorter than the "
                    "smallest checkpoint ({} bytes)",
                    bytes.size(), kCheckpointHeaderSize + kCheckpointTrailerSize));
  }
  if (std::memcmp(bytes.data(), kCheckpointMagic, sizeof(kCheckpointMagic)) != 0) {
    return Status::Corruption(file, 0, "bad magic: not a silt metadata checkpoint");
  }
  const char* h = bytes.data();
  const uint32_t header_crc = DecodeFixed32(h + kCheckpointHeaderSize - 4);
  if (crc32c::Unmask(header_crc) != crc32c::Value(h, kCheckpointHeaderSize - 4)) {
    return Status::Corruption(file, kCheckpointHeaderSize - 4, "header checksum mismatch");
  }
  CheckpointData out;
  const uint8_t version = static_cast<uint8_t>(h[8]);
  if (version != kCheckpointFormatVersion) {
    return Status::Corruption(file, 8, fmt::format("unsupported checkpoint version {}", version));
  }
  const uint8_t kind = static_cast<uint8_t>(h[9]);
  if (kind != static_cast<uint8_t>(CheckpointKind::kGlobal) &&
      kind != static_cast<uint8_t>(CheckpointKind::kDelta)) {
    return Status::Corruption(file, 9, fmt::format("unknown checkpoint kind {}", kind));
  }
  out.kind = static_cast<CheckpointKind>(kind);
  if (DecodeFixed16(h + 10) != 0) return Status::Corruption(file, 10, "reserved bytes not zero");
  const uint64_t body_size = DecodeFixed64(h + 12);
  out.start_epoch = DecodeFixed64(h + 20);
  out.end_epoch = DecodeFixed64(h + 28);
  if (out.start_epoch == 0 || out.start_epoch > out.end_epoch ||
      (out.kind == CheckpointKind::kGlobal && out.start_epoch != 1)) {
    return Status::Corruption(
        file, 20,
        fmt::format("bad epoch range {}..{} for a {} checkpoint", out.start_epoch, out.end_epoch,
                    CheckpointKindName(out.kind)));
  }
  if (body_size != bytes.size() - kCheckpointHeaderSize - kCheckpointTrailerSize) {
    return Status::Corruption(
        file, 12,
        fmt::format("header says the body is {} bytes but the file holds {} (truncated or "
                    "extended file)",
                    body_size, bytes.size() - kCheckpointHeaderSize - kCheckpointTrailerSize));
  }
  const std::string_view body = bytes.substr(kCheckpointHeaderSize, body_size);
  const uint64_t trailer_at = kCheckpointHeaderSize + body_size;
  if (crc32c::Unmask(DecodeFixed32(bytes.data() + trailer_at)) != crc32c::Value(body)) {
    return Status::Corruption(file, trailer_at, "body checksum mismatch");
  }

  ByteReader r(body, file, kCheckpointHeaderSize);
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&out.next_schema_id));
  SILT_RETURN_IF_ERROR(r.ReadVarint64(&out.next_rowset_id));
  SILT_RETURN_IF_ERROR(r.ReadVarint64(&out.next_dv_id));
  uint32_t n = 0;
  SILT_RETURN_IF_ERROR(ReadCountedItems(&r, 4, "schema", &n));
  out.schemas.resize(n);
  for (auto& s : out.schemas) {
    const uint64_t at = r.offset();
    SILT_RETURN_IF_ERROR(r.ReadVarint32(&s.id));
    SILT_RETURN_IF_ERROR(ReadString(&r, &s.name));
    SILT_RETURN_IF_ERROR(r.ReadVarint32(&s.next_table_id));
    uint32_t tables = 0;
    SILT_RETURN_IF_ERROR(ReadCountedItems(&r, 2, "table", &tables));
    s.tables.resize(tables);
    for (auto& t : s.tables) {
      const uint64_t tat = r.offset();
      SILT_RETURN_IF_ERROR(r.ReadVarint32(&t.id));
      SILT_RETURN_IF_ERROR(ReadString(&r, &t.name));
      if (&t != &s.tables.front() && t.id <= (&t - 1)->id) {
        return Status::Corruption(
            file, tat, fmt::format("schema {}: table ids out of order at table {}", s.id, t.id));
      }
    }
    if (&s != &out.schemas.front() && s.id <= (&s - 1)->id) {
      return Status::Corruption(file, at, fmt::format("schema ids out of order at {}", s.id));
    }
  }
  SILT_RETURN_IF_ERROR(ReadCountedItems(&r, 8, "changed table", &n));
  out.changed.resize(n);
  for (auto& c : out.changed) {
    c.offset = r.offset();
    SILT_RETURN_IF_ERROR(DecodeTableState(&r, &c.state));
  }
  SILT_RETURN_IF_ERROR(ReadCountedItems(&r, 2, "safe id", &n));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    uint64_t shard = 0, index = 0;
    SILT_RETURN_IF_ERROR(r.ReadVarint64(&shard));
    SILT_RETURN_IF_ERROR(r.ReadVarint64(&index));
    if (shard == kMetaShard || !out.safe_ids.emplace(shard, index).second) {
      return Status::Corruption(file, at,
                                fmt::format("bad or repeated safe id of shard {}", shard));
    }
  }
  if (!r.empty())
    return r.Error(fmt::format("{} unexpected bytes after the safe ids", r.remaining()));
  return out;
}

Status ApplyCheckpoint(CheckpointData data, std::string_view file, MetaState* state) {
  auto corrupt = [&](uint64_t offset, std::string what) {
    return Status::Corruption(file, offset, what);
  };
  if (data.kind == CheckpointKind::kGlobal) {
    *state = MetaState();
  } else if (data.start_epoch != state->epoch + 1) {
    return corrupt(20, fmt::format("delta checkpoint covers epochs {}..{} but the state before it "
                                   "is at epoch {}: a checkpoint is missing",
                                   data.start_epoch, data.end_epoch, state->epoch));
  }
  // Changed tables by ref, to check each is listed exactly once.
  std::map<TableRefId, CheckpointData::ChangedTable*> changed;
  for (auto& c : data.changed) {
    if (!changed.emplace(c.state.def.table, &c).second) {
      return corrupt(c.offset, fmt::format("{} appears twice", c.state.def.table.ToString()));
    }
  }
  std::map<SchemaId, SchemaState> next;
  for (const auto& s : data.schemas) {
    SchemaState& ns = next[s.id];
    ns.name = s.name;
    ns.next_table_id = s.next_table_id;
    auto old = state->schemas.find(s.id);
    for (const auto& t : s.tables) {
      const TableRefId ref{s.id, t.id};
      auto c = changed.find(ref);
      if (c != changed.end()) {
        if (c->second->state.def.name != t.name) {
          return corrupt(c->second->offset,
                         fmt::format("{} is named '{}' in the name list but '{}' in its entry",
                                     ref.ToString(), t.name, c->second->state.def.name));
        }
        ns.tables.emplace(t.id, std::move(c->second->state));
        changed.erase(c);
        continue;
      }
      const TableState* known = nullptr;
      if (old != state->schemas.end()) {
        auto ot = old->second.tables.find(t.id);
        if (ot != old->second.tables.end()) known = &ot->second;
      }
      if (known == nullptr || known->def.name != t.name) {
        return corrupt(kCheckpointHeaderSize,
                       fmt::format("checkpoint refers to unknown table '{}' ({}) without "
                                   "giving its definition",
                                   t.name, ref.ToString()));
      }
      ns.tables.emplace(t.id, std::move(old->second.tables.find(t.id)->second));
    }
  }
  if (!changed.empty()) {
    const auto* c = changed.begin()->second;
    return corrupt(c->offset, fmt::format("{} has an entry but is not in the name list",
                                          c->state.def.table.ToString()));
  }
  state->schemas = std::move(next);
  state->epoch = data.end_epoch;
  state->next_schema_id = data.next_schema_id;
  state->next_rowset_id = data.next_rowset_id;
  state->next_dv_id = data.next_dv_id;
  state->safe_ids = data.safe_ids;
  return Status::OK();
}

}  // namespace silt::meta

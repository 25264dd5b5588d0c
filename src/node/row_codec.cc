#include "node/row_codec.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>

#include <fmt/format.h>

#include "common/coding.h"

namespace silt::node {
namespace {

void PutHeader(RecordKind kind, TableRefId table, std::string* dst) {
  dst->push_back(static_cast<char>(kRecordFormatVersion));
  dst->push_back(static_cast<char>(kind));
  PutFixed32(dst, table.schema_id);
  PutFixed32(dst, table.table_id);
}

// Little-endian bytes of n fixed-width values.
template <typename T>
void PutValues(const T* v, size_t n, std::string* dst) {
  if constexpr (std::endian::native == std::endian::little) {
    dst->append(reinterpret_cast<const char*>(v), n * sizeof(T));
  } else {
    for (size_t i = 0; i < n; ++i) {
      char buf[sizeof(T)];
      std::memcpy(buf, &v[i], sizeof(T));
      std::reverse(buf, buf + sizeof(T));
      dst->append(buf, sizeof(T));
    }
  }
}

template <typename T>
void GetValues(const char* src, size_t n, T* out) {
  if (n == 0) return;
  std::memcpy(out, src, n * sizeof(T));
  if constexpr (std::endian::native != std::endian::little) {
    for (size_t i = 0; i < n; ++i) {
      char* p = reinterpret_cast<char*>(&out[i]);
      std::reverse(p, p + sizeof(T));
    }
  }
}

Status DecodeColumn(ByteReader* r, const ColumnDef& def, size_t rows, ColumnVector* out) {
  uint8_t type_id = 0;
  uint8_t has_nulls = 0;
  SILT_RETURN_IF_ERROR(r->ReadU8(&type_id));
  SILT_RETURN_IF_ERROR(r->ReadU8(&has_nulls));
  if (type_id != static_cast<uint8_t>(def.type.id())) {
    return r->Error(fmt::format("column '{}' has type {} in the table but {} in the record",
                                def.name, TypeIdName(def.type.id()), type_id));
  }
  if (has_nulls > 1) return r->Error("bad null flag");
  *out = ColumnVector(def.type);
  std::string_view validity;
  if (has_nulls != 0) {
    if (!def.type.nullable())
      return r->Error(fmt::format("nulls in not-null column '{}'", def.name));
    SILT_RETURN_IF_ERROR(r->ReadBytes((rows + 7) / 8, &validity));
  }
  if (def.type.physical() == PhysicalType::kString) {
    uint64_t total = 0;
    SILT_RETURN_IF_ERROR(r->ReadVarint64(&total));
    if (rows > r->remaining() / 4) return r->Error("string offsets run past the record");
    std::string_view ends_bytes;
    SILT_RETURN_IF_ERROR(r->ReadBytes(rows * 4, &ends_bytes));
    if (total > r->remaining()) return r->Error("string bytes run past the record");
    std::string_view bytes;
    SILT_RETURN_IF_ERROR(r->ReadBytes(total, &bytes));
    uint32_t prev = 0;
    for (size_t i = 0; i < rows; ++i) {
      const uint32_t end = DecodeFixed32(ends_bytes.data() + 4 * i);
      if (end < prev || end > total) return r->Error("string offsets out of order");
      prev = end;
    }
    if (prev != total) return r->Error("string offsets do not cover the bytes");
    ColumnVector::StringSpace space;
    if (!out->AppendStringsUninitialized(rows, total, &space)) {
      return r->Error("strings too long for one batch");
    }
    if (total > 0) std::memcpy(space.bytes, bytes.data(), total);  // (bytes may be null)
    for (size_t i = 0; i < rows; ++i) {
      space.ends[i] = space.base + DecodeFixed32(ends_bytes.data() + 4 * i);
    }
  } else {
    const size_t width = def.type.value_width();
    if (rows > r->remaining() / width) return r->Error("values run past the record");
    std::string_view values;
    SILT_RETURN_IF_ERROR(r->ReadBytes(rows * width, &values));
    Status bad;
    VisitPhysicalType(def.type.physical(), [&](auto tag) {
      using T = decltype(tag);
      if constexpr (!std::is_same_v<T, std::string_view>) {
        T* dst = out->AppendUninitialized<T>(rows);
        GetValues<T>(values.data(), rows, dst);
        if constexpr (std::is_same_v<T, uint8_t>) {
          for (size_t i = 0; i < rows; ++i) {
            if (dst[i] > 1) bad = r->Error("bool value other than 0 or 1");
          }
        }
      }
    });
    SILT_RETURN_IF_ERROR(bad);
  }
  if (!validity.empty()) {
    out->SetValidity(0, reinterpret_cast<const uint8_t*>(validity.data()), rows);
  }
  return Status::OK();
}

}  // namespace

void EncodeInsert(TableRefId table, const RowBatch& rows, std::string* dst) {
  PutHeader(RecordKind::kInsert, table, dst);
  PutVarint64(dst, rows.rows);
  PutVarint32(dst, static_cast<uint32_t>(rows.columns.size()));
  for (const ColumnVector& c : rows.columns) {
    dst->push_back(static_cast<char>(c.type().id()));
    dst->push_back(c.has_nulls() ? 1 : 0);
    if (c.has_nulls()) {
      const size_t n = (rows.rows + 7) / 8;
      const size_t start = dst->size();
      dst->append(reinterpret_cast<const char*>(c.validity()), n);
      // Bits past the last row are not part of the format: keep them zero.
      if (rows.rows % 8 != 0)
        (*dst)[start + n - 1] &= static_cast<char>((1u << (rows.rows % 8)) - 1);
    }
    if (c.physical() == PhysicalType::kString) {
      const uint32_t* off = c.offsets();
      PutVarint64(dst, off[rows.rows] - off[0]);
      for (size_t i = 0; i < rows.rows; ++i) PutFixed32(dst, off[i + 1] - off[0]);
      dst->append(c.string_data() + off[0], off[rows.rows] - off[0]);
    } else {
      VisitPhysicalType(c.physical(), [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!std::is_same_v<T, std::string_view>)
          PutValues(c.values<T>(), rows.rows, dst);
      });
    }
  }
}

void EncodeDelete(TableRefId table, std::string_view where, std::string* dst) {
  PutHeader(RecordKind::kDelete, table, dst);
  PutLengthPrefixed(dst, where);
}

Status DecodeShardRecord(std::string_view payload, const ColumnsOf& columns, std::string_view where,
                         ShardRecord* out) {
  ByteReader r(payload, where, 0);
  uint8_t version = 0;
  uint8_t kind = 0;
  uint32_t schema = 0;
  uint32_t table = 0;
  SILT_RETURN_IF_ERROR(r.ReadU8(&version));
  if (version != kRecordFormatVersion) {
    return r.Error(fmt::format("record format version {} (this program reads {})", version,
                               kRecordFormatVersion));
  }
  SILT_RETURN_IF_ERROR(r.ReadU8(&kind));
  SILT_RETURN_IF_ERROR(r.ReadFixed32(&schema));
  SILT_RETURN_IF_ERROR(r.ReadFixed32(&table));
  out->table = TableRefId{schema, table};
  out->rows = RowBatch();
  out->where.clear();
  if (kind == static_cast<uint8_t>(RecordKind::kDelete)) {
    out->kind = RecordKind::kDelete;
    std::string_view text;
    SILT_RETURN_IF_ERROR(r.ReadLengthPrefixed(&text));
    out->where = std::string(text);
  } else if (kind == static_cast<uint8_t>(RecordKind::kInsert)) {
    out->kind = RecordKind::kInsert;
    SILT_ASSIGN_OR_RETURN(std::vector<ColumnDef> defs, columns(out->table));
    uint64_t rows = 0;
    uint32_t ncols = 0;
    SILT_RETURN_IF_ERROR(r.ReadVarint64(&rows));
    SILT_RETURN_IF_ERROR(r.ReadVarint32(&ncols));
    if (ncols != defs.size()) {
      return r.Error(fmt::format("{} columns in the record, {} in the table", ncols, defs.size()));
    }
    if (rows > payload.size() * 8) return r.Error("row count larger than the record");
    out->rows.rows = rows;
    out->rows.columns.resize(ncols);
    for (uint32_t c = 0; c < ncols; ++c) {
      SILT_RETURN_IF_ERROR(DecodeColumn(&r, defs[c], rows, &out->rows.columns[c]));
    }
  } else {
    return r.Error(fmt::format("unknown record kind {}", kind));
  }
  if (!r.empty()) return r.Error("bytes after the record");
  return Status::OK();
}

}  // namespace silt::node

#include "table/rowset_format.h"

#include <fmt/format.h>

#include <set>

#include "common/coding.h"
#include "common/hash.h"
#include "table/block_format.h"

namespace silt {

std::string ColumnDataFileName(uint32_t column) { return fmt::format("col-{:04}.dat", column); }
std::string ColumnIndexFileName(uint32_t column) { return fmt::format("col-{:04}.idx", column); }
std::string RowSetTempDir(std::string_view dir) { return std::string(dir) + ".tmp"; }

std::string SealEnvelope(uint32_t magic, std::string_view body) {
  std::string out;
  out.reserve(kEnvelopePrefixSize + body.size() + kEnvelopeSuffixSize);
  PutFixed32(&out, magic);
  out.push_back(static_cast<char>(kRowSetFormatVersion));
  out.append(body);
  PutFixed64(&out, Hash64(out));
  return out;
}

Status OpenEnvelope(std::string_view data, uint32_t magic, std::string_view what,
                    std::string_view file, std::string_view* body) {
  if (data.size() < kEnvelopePrefixSize + kEnvelopeSuffixSize) {
    return Status::Corruption(file, data.size(),
                              fmt::format("truncated {}: {} bytes, at least {} expected", what,
                                          data.size(), kEnvelopePrefixSize + kEnvelopeSuffixSize));
  }
  const uint32_t m = DecodeFixed32(data.data());
  if (m != magic) {
    return Status::Corruption(
        file, 0, fmt::format("bad magic {:08x} for a {}, expected {:08x}", m, what, magic));
  }
  const size_t checked = data.size() - kEnvelopeSuffixSize;
  const uint64_t stored = DecodeFixed64(data.data() + checked);
  const uint64_t actual = Hash64(data.substr(0, checked));
  if (stored != actual) {
    return Status::Corruption(
        file, checked,
        fmt::format("{} checksum mismatch: stored {:016x}, computed {:016x} (damaged or truncated)",
                    what, stored, actual));
  }
  const uint8_t version = static_cast<uint8_t>(data[4]);
  if (version != kRowSetFormatVersion) {
    return Status::Corruption(file, 4, fmt::format("unknown {} version {}", what, version));
  }
  *body = data.substr(kEnvelopePrefixSize, checked - kEnvelopePrefixSize);
  return Status::OK();
}

std::string RowSetMeta::Encode() const {
  std::string body;
  PutVarint64(&body, rowset_id);
  PutVarint64(&body, row_count);
  PutVarint32(&body, block_count);
  PutVarint32(&body, static_cast<uint32_t>(columns.size()));
  for (const auto& c : columns) {
    PutLengthPrefixed(&body, c.name);
    body.push_back(static_cast<char>(c.type.id()));
    body.push_back(c.type.nullable() ? 1 : 0);
    body.push_back(static_cast<char>(c.type.precision()));
    body.push_back(static_cast<char>(c.type.scale()));
  }
  PutVarint32(&body, static_cast<uint32_t>(sort_key.size()));
  for (uint32_t k : sort_key) PutVarint32(&body, k);
  return SealEnvelope(kRowSetHeaderMagic, body);
}

Result<RowSetMeta> RowSetMeta::Decode(std::string_view data, std::string_view file) {
  std::string_view body;
  SILT_RETURN_IF_ERROR(OpenEnvelope(data, kRowSetHeaderMagic, "rowset header", file, &body));
  ByteReader r(body, file, kEnvelopePrefixSize);
  RowSetMeta m;
  SILT_RETURN_IF_ERROR(r.ReadVarint64(&m.rowset_id));
  SILT_RETURN_IF_ERROR(r.ReadVarint64(&m.row_count));
  if (m.row_count > kMaxRowSetRows) return r.Error("row count above 2^32 - 1");
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&m.block_count));
  if (m.block_count > m.row_count) return r.Error("more blocks than rows");
  uint32_t ncols;
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&ncols));
  if (ncols == 0 || ncols > kMaxRowSetColumns) {
    return r.Error(fmt::format("{} columns (1 to {} allowed)", ncols, kMaxRowSetColumns));
  }
  std::set<std::string_view> names;
  for (uint32_t i = 0; i < ncols; ++i) {
    std::string_view name;
    SILT_RETURN_IF_ERROR(r.ReadLengthPrefixed(&name));
    if (name.empty() || name.size() > 1024) return r.Error("bad column name length");
    if (!names.insert(name).second) return r.Error(fmt::format("duplicate column {}", name));
    const uint64_t at = r.offset();
    std::string_view t;
    SILT_RETURN_IF_ERROR(r.ReadBytes(4, &t));
    const uint8_t id = static_cast<uint8_t>(t[0]), nullable = static_cast<uint8_t>(t[1]);
    const uint8_t precision = static_cast<uint8_t>(t[2]), scale = static_cast<uint8_t>(t[3]);
    if (!IsValidTypeId(id)) return Status::Corruption(file, at, fmt::format("bad type id {}", id));
    if (nullable > 1) return Status::Corruption(file, at + 1, "bad nullable flag");
    DataType type;
    const TypeId tid{id};
    if (tid == TypeId::kDecimal) {
      auto d = DataType::Decimal(precision, scale);
      if (!d.ok()) return Status::Corruption(file, at + 2, "bad decimal precision or scale");
      type = *d;
    } else {
      if (precision != 0 || scale != 0) {
        return Status::Corruption(file, at + 2, "precision or scale on a non-decimal type");
      }
      switch (tid) {
        case TypeId::kBool:
          type = DataType::Bool();
          break;
        case TypeId::kInt32:
          type = DataType::Int32();
          break;
        case TypeId::kInt64:
          type = DataType::Int64();
          break;
        case TypeId::kFloat64:
          type = DataType::Float64();
          break;
        case TypeId::kDate:
          type = DataType::Date();
          break;
        case TypeId::kTimestamp:
          type = DataType::Timestamp();
          break;
        default:
          type = DataType::String();
          break;
      }
    }
    m.columns.push_back(ColumnDef{std::string(name), type.WithNullable(nullable == 1)});
  }
  uint32_t nkeys;
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&nkeys));
  if (nkeys > ncols) return r.Error("sort key longer than the schema");
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i < nkeys; ++i) {
    uint32_t k;
    SILT_RETURN_IF_ERROR(r.ReadVarint32(&k));
    if (k >= ncols || !seen.insert(k).second) {
      return r.Error(fmt::format("bad sort key column {}", k));
    }
    m.sort_key.push_back(k);
  }
  if (!r.empty()) return r.Error(fmt::format("{} unexpected bytes", r.remaining()));
  return m;
}

std::string ColumnIndex::Encode() const {
  std::string body;
  PutVarint32(&body, column);
  body.push_back(static_cast<char>(type.id()));
  PutVarint32(&body, static_cast<uint32_t>(blocks.size()));
  for (const auto& b : blocks) {
    PutVarint64(&body, b.offset);
    PutVarint32(&body, b.length);
    PutVarint64(&body, b.first_row);
    b.stats.EncodeTo(type, &body);
  }
  return SealEnvelope(kColumnIndexMagic, body);
}

Result<ColumnIndex> ColumnIndex::Decode(std::string_view data, uint32_t column,
                                        const DataType& type, std::string_view file) {
  std::string_view body;
  SILT_RETURN_IF_ERROR(OpenEnvelope(data, kColumnIndexMagic, "block index", file, &body));
  ByteReader r(body, file, kEnvelopePrefixSize);
  ColumnIndex idx;
  idx.type = type;
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&idx.column));
  if (idx.column != column) {
    return r.Error(
        fmt::format("index of column {} where column {} was expected", idx.column, column));
  }
  uint8_t id;
  SILT_RETURN_IF_ERROR(r.ReadU8(&id));
  if (id != static_cast<uint8_t>(type.id())) {
    return Status::Corruption(
        file, r.offset() - 1,
        fmt::format("index of type id {} for a {} column", id, type.ToString()));
  }
  uint32_t n;
  SILT_RETURN_IF_ERROR(r.ReadVarint32(&n));
  // An entry takes at least 7 bytes (four 1-byte varints and 3 bytes of an
  // all-null block's stats): bound the count before reserving.
  if (n > r.remaining() / 7) return r.Error(fmt::format("{} blocks cannot fit the index", n));
  idx.blocks.reserve(n);
  uint64_t next_offset = 0, next_row = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    BlockIndexEntry e;
    SILT_RETURN_IF_ERROR(r.ReadVarint64(&e.offset));
    SILT_RETURN_IF_ERROR(r.ReadVarint32(&e.length));
    SILT_RETURN_IF_ERROR(r.ReadVarint64(&e.first_row));
    SILT_RETURN_IF_ERROR(BlockStats::DecodeFrom(type, &r, &e.stats));
    if (e.offset != next_offset) {
      return Status::Corruption(
          file, at, fmt::format("block {} at offset {}, expected {}", i, e.offset, next_offset));
    }
    if (e.length < kBlockHeaderSize + kBlockTrailerSize ||
        e.length > kBlockHeaderSize + kMaxBlockPayloadBytes + kBlockTrailerSize) {
      return Status::Corruption(file, at,
                                fmt::format("block {} length {} out of range", i, e.length));
    }
    if (e.first_row != next_row) {
      return Status::Corruption(
          file, at,
          fmt::format("block {} starts at row {}, expected {}", i, e.first_row, next_row));
    }
    if (e.stats.row_count == 0) return Status::Corruption(file, at, "empty block in the index");
    if (!type.nullable() && e.stats.null_count != 0) {
      return Status::Corruption(file, at, "nulls in a not-null column");
    }
    next_offset = e.offset + e.length;
    next_row = e.first_row + e.stats.row_count;
    if (next_row > kMaxRowSetRows) return Status::Corruption(file, at, "row ids above 2^32 - 1");
    idx.blocks.push_back(std::move(e));
  }
  if (!r.empty()) return r.Error(fmt::format("{} unexpected bytes", r.remaining()));
  return idx;
}

}  // namespace silt

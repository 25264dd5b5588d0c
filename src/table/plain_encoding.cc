#include "table/plain_encoding.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "table/block_format.h"

namespace silt {

static_assert(std::endian::native == std::endian::little,
              "block encodings copy little-endian arrays with memcpy");

void EncodePlain(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  if (col.physical() == PhysicalType::kString) {
    const size_t start = out->size();
    out->resize(start + 4 * n);
    char* ends = out->data() + start;
    uint32_t end = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!col.IsNull(begin + i)) end += static_cast<uint32_t>(col.GetString(begin + i).size());
      EncodeFixed32(ends + 4 * i, end);
    }
    if (!col.has_nulls()) {
      const uint32_t* off = col.offsets();
      out->append(col.string_data() + off[begin], off[begin + n] - off[begin]);
    } else {
      for (size_t i = 0; i < n; ++i) {
        if (!col.IsNull(begin + i)) out->append(col.GetString(begin + i));
      }
    }
    return;
  }
  const size_t w = col.type().value_width();
  const size_t start = out->size();
  const char* src = nullptr;
  VisitPhysicalType(col.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, std::string_view>) {
      src = reinterpret_cast<const char*>(col.values<T>() + begin);
    }
  });
  if (n > 0) out->append(src, n * w);
  if (col.has_nulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (col.IsNull(begin + i)) std::memset(out->data() + start + i * w, 0, w);
    }
  }
}

Status DecodePlain(ByteReader* r, size_t n, ColumnVector* out) {
  if (out->physical() == PhysicalType::kString) {
    std::string_view ends;
    SILT_RETURN_IF_ERROR(r->ReadBytes(4 * n, &ends));
    uint32_t prev = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t e = DecodeFixed32(ends.data() + 4 * i);
      if (e < prev || e - prev > kMaxStringLength) {
        return r->Error(fmt::format("bad string end offset {} after {} (row {})", e, prev, i));
      }
      prev = e;
    }
    if (prev > kMaxBlockStringBytes) {
      return r->Error(fmt::format("{} string bytes exceed the block limit", prev));
    }
    std::string_view bytes;
    SILT_RETURN_IF_ERROR(r->ReadBytes(prev, &bytes));
    ColumnVector::StringSpace space;
    if (!out->AppendStringsUninitialized(n, bytes.size(), &space)) {
      return Status::OutOfRange("column vector string bytes would exceed 4 GiB");
    }
    if (!bytes.empty()) std::memcpy(space.bytes, bytes.data(), bytes.size());
    for (size_t i = 0; i < n; ++i) space.ends[i] = space.base + DecodeFixed32(ends.data() + 4 * i);
    return Status::OK();
  }
  const size_t w = out->type().value_width();
  std::string_view bytes;
  SILT_RETURN_IF_ERROR(r->ReadBytes(n * w, &bytes));
  if (out->physical() == PhysicalType::kBool) {
    uint8_t bad = 0;
    for (size_t i = 0; i < n; ++i) bad |= static_cast<uint8_t>(bytes[i]) & 0xfe;
    if (bad != 0) return r->Error("plain bool value is not 0 or 1");
  }
  VisitPhysicalType(out->physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, std::string_view>) {
      if (n > 0) std::memcpy(out->AppendUninitialized<T>(n), bytes.data(), n * w);
    }
  });
  return Status::OK();
}

}  // namespace silt

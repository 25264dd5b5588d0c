#include "table/bitpacked_encoding.h"

#include <fmt/format.h>

#include <vector>

#include "table/bitpacking.h"

namespace silt {
namespace {

template <typename T>
void EncodeTyped(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  const T* v = col.values<T>() + begin;
  bool have = false;
  int64_t min = 0, max = 0;
  for (size_t i = 0; i < n; ++i) {
    if (col.IsNull(begin + i)) continue;
    const int64_t x = static_cast<int64_t>(v[i]);
    if (!have || x < min) min = x;
    if (!have || x > max) max = x;
    have = true;
  }
  const uint64_t ref = static_cast<uint64_t>(min);
  const int width = BitWidth(static_cast<uint64_t>(max) - ref);
  std::vector<uint64_t> deltas(n);
  for (size_t i = 0; i < n; ++i) {
    deltas[i] = col.IsNull(begin + i) ? 0 : static_cast<uint64_t>(static_cast<int64_t>(v[i])) - ref;
  }
  PutFixed64(out, ref);
  out->push_back(static_cast<char>(width));
  PackBits(deltas.data(), n, width, out);
}

}  // namespace

void EncodeBitPacked(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  VisitPhysicalType(col.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, int32_t> ||
                  std::is_same_v<T, int64_t>) {
      EncodeTyped<T>(col, begin, n, out);
    }
  });
}

Status DecodeBitPacked(ByteReader* r, size_t n, ColumnVector* out) {
  uint64_t ref;
  uint8_t width;
  SILT_RETURN_IF_ERROR(r->ReadFixed64(&ref));
  SILT_RETURN_IF_ERROR(r->ReadU8(&width));
  const int64_t min = static_cast<int64_t>(ref);
  const PhysicalType p = out->physical();
  int max_width = 64;
  bool ref_ok = true;
  if (p == PhysicalType::kBool) {
    max_width = min == 0 ? 1 : 0;
    ref_ok = min == 0 || min == 1;
  } else if (p == PhysicalType::kInt32) {
    max_width = 32;
    ref_ok = min >= INT32_MIN && min <= INT32_MAX;
  } else if (p != PhysicalType::kInt64) {
    return r->Error("bit-packed encoding on a type without integers");
  }
  if (!ref_ok || width > max_width) {
    return r->Error(fmt::format("bit-packed reference {} and width {} do not fit {}", min, width,
                                out->type().ToString()));
  }
  std::string_view packed;
  SILT_RETURN_IF_ERROR(r->ReadBytes(PackedBytes(n, width), &packed));
  if (n == 0) return Status::OK();
  const uint8_t* in = reinterpret_cast<const uint8_t*>(packed.data());
  switch (p) {
    case PhysicalType::kBool:
      UnpackBits<uint8_t>(in, packed.size(), n, width, ref, out->AppendUninitialized<uint8_t>(n));
      break;
    case PhysicalType::kInt32:
      UnpackBits<int32_t>(in, packed.size(), n, width, ref, out->AppendUninitialized<int32_t>(n));
      break;
    default:
      UnpackBits<int64_t>(in, packed.size(), n, width, ref, out->AppendUninitialized<int64_t>(n));
      break;
  }
  return Status::OK();
}

}  // namespace silt

#include "table/bitpacked_encoding.h"

#include <fmt/format.h>

#include <vector>

#include "table/bitpacking.h"

namespace silt {
namespace {

// Packs value - reference at `width` bits (null rows as 0), the layout of
// PackBits, without materializing the deltas.
template <typename T>
void PackDeltas(const ColumnVector& col, size_t begin, size_t n, uint64_t ref, int width,
                std::string* out) {
  const T* v = col.values<T>() + begin;
  const size_t start = out->size();
  const size_t bytes = PackedBytes(n, width);
  out->resize(start + bytes);
  if (width == 0) return;
  char* p = out->data() + start;
  const bool nulls = col.has_nulls();
  // Fill a 64-bit word; when it is full, store it and carry the rest over.
  uint64_t acc = 0;
  int bits = 0;  // bits used in acc, 0..63
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t d = static_cast<uint64_t>(static_cast<int64_t>(v[i])) - ref;
    const uint64_t x = (nulls && col.IsNull(begin + i)) ? 0 : d;
    acc |= x << bits;
    bits += width;
    if (bits >= 64) {
      EncodeFixed64(p + pos, acc);
      pos += 8;
      bits -= 64;
      // The bits of x that did not fit (none if x ended exactly at the word).
      acc = bits == 0 ? 0 : x >> (width - bits);
    }
  }
  for (; bits > 0; bits -= 8) {
    p[pos++] = static_cast<char>(acc);
    acc >>= 8;
  }
}

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
  PutFixed64(out, ref);
  out->push_back(static_cast<char>(width));
  PackDeltas<T>(col, begin, n, ref, width, out);
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

void EncodeBitPacked(const ColumnVector& col, size_t begin, size_t n, int64_t reference, int width,
                     std::string* out) {
  PutFixed64(out, static_cast<uint64_t>(reference));
  out->push_back(static_cast<char>(width));
  VisitPhysicalType(col.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, uint8_t> || std::is_same_v<T, int32_t> ||
                  std::is_same_v<T, int64_t>) {
      PackDeltas<T>(col, begin, n, static_cast<uint64_t>(reference), width, out);
    }
  });
}

Status ReadBitPackedPayload(ByteReader* r, size_t n, const DataType& type, BitPackedPayload* out) {
  uint64_t ref;
  uint8_t width;
  SILT_RETURN_IF_ERROR(r->ReadFixed64(&ref));
  SILT_RETURN_IF_ERROR(r->ReadU8(&width));
  const int64_t min = static_cast<int64_t>(ref);
  const PhysicalType p = type.physical();
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
                                type.ToString()));
  }
  SILT_RETURN_IF_ERROR(r->ReadBytes(PackedBytes(n, width), &out->packed));
  out->reference = ref;
  out->width = width;
  return Status::OK();
}

Status DecodeBitPacked(ByteReader* r, size_t n, ColumnVector* out) {
  BitPackedPayload payload;
  SILT_RETURN_IF_ERROR(ReadBitPackedPayload(r, n, out->type(), &payload));
  if (n == 0) return Status::OK();
  const uint8_t* in = reinterpret_cast<const uint8_t*>(payload.packed.data());
  const size_t size = payload.packed.size();
  const int width = payload.width;
  const uint64_t ref = payload.reference;
  switch (out->physical()) {
    case PhysicalType::kBool:
      UnpackBits<uint8_t>(in, size, n, width, ref, out->AppendUninitialized<uint8_t>(n));
      break;
    case PhysicalType::kInt32:
      UnpackBits<int32_t>(in, size, n, width, ref, out->AppendUninitialized<int32_t>(n));
      break;
    default:
      UnpackBits<int64_t>(in, size, n, width, ref, out->AppendUninitialized<int64_t>(n));
      break;
  }
  return Status::OK();
}

}  // namespace silt

#include "table/bitpacking.h"

#include <array>
#include <cassert>
#include <cstring>
#include <utility>

#include "common/coding.h"

namespace silt {
namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// Value i of width W starting at bit i * W of `in`. For W <= 56 one 8-byte
// load covers the value wherever it starts within a byte; wider values need
// two loads.
template <int W>
inline uint64_t Extract(const uint8_t* in, size_t bit) {
  constexpr uint64_t kMask = W == 64 ? ~uint64_t{0} : (uint64_t{1} << W) - 1;
  const uint8_t* p = in + (bit >> 3);
  const unsigned shift = bit & 7;
  if constexpr (W <= 56) {
    return (Load64(p) >> shift) & kMask;
  } else {
    const uint64_t lo = Load64(p) >> shift;
    const uint64_t hi = shift == 0 ? 0 : Load64(p + 8) << (64 - shift);
    return (lo | hi) & kMask;
  }
}

// Eight values of width W take exactly W bytes, so within a group every
// value's byte offset and shift are constants: the unrolled loads, shifts
// and masks below compile to straight-line code.
template <typename T, int W, size_t... J>
inline void UnpackGroup(const uint8_t* p, uint64_t base, T* out, std::index_sequence<J...>) {
  ((out[J] = static_cast<T>(base + Extract<W>(p, J * W))), ...);
}

template <typename T, int W>
void UnpackWidth(const uint8_t* in, size_t in_size, size_t n, uint64_t base, T* out) {
  if constexpr (W == 0) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(base);
    return;
  } else {
    constexpr size_t kLoad = W <= 56 ? 8 : 16;  // bytes read from a value's first byte
    // Bytes a group's loads reach from its first byte.
    constexpr size_t kReach = ((7 * W) >> 3) + kLoad;
    const size_t groups = n / 8;
    size_t fast = 0;  // groups whose loads stay inside `in`
    if (in_size >= kReach) {
      fast = (in_size - kReach) / W + 1;
      if (fast > groups) fast = groups;
    }
    for (size_t g = 0; g < fast; ++g) {
      UnpackGroup<T, W>(in + g * W, base, out + 8 * g, std::make_index_sequence<8>());
    }
    const size_t first = fast * 8;
    if (first == n) return;
    // The last values (fewer than kReach + 2 * W bytes of them): copy into a
    // zero-padded buffer so the same loads stay in bounds.
    const size_t start_byte = fast * W;
    uint8_t tail[256] = {0};
    const size_t avail = in_size - start_byte;
    std::memcpy(tail, in + start_byte, avail < 240 ? avail : 240);
    for (size_t i = first; i < n; ++i) {
      out[i] = static_cast<T>(base + Extract<W>(tail, (i - first) * W));
    }
  }
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, size_t, uint64_t, T*);

template <typename T, size_t... W>
constexpr std::array<UnpackFn<T>, sizeof...(W)> MakeTable(std::index_sequence<W...>) {
  return {&UnpackWidth<T, static_cast<int>(W)>...};
}

template <typename T>
constexpr auto kUnpackTable = MakeTable<T>(std::make_index_sequence<65>());

}  // namespace

void PackBits(const uint64_t* values, size_t n, int width, std::string* out) {
  const size_t start = out->size();
  const size_t bytes = PackedBytes(n, width);
  out->resize(start + bytes);
  if (width == 0) return;
  char* p = out->data() + start;
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  // Fill a 64-bit word; when it is full, store it and carry the rest over.
  uint64_t acc = 0;
  int bits = 0;  // bits used in acc, 0..63
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t v = values[i] & mask;
    acc |= v << bits;
    bits += width;
    if (bits >= 64) {
      EncodeFixed64(p + pos, acc);
      pos += 8;
      bits -= 64;
      // The bits of v that did not fit (none if v ended exactly at the word).
      acc = bits == 0 ? 0 : v >> (width - bits);
    }
  }
  for (; bits > 0; bits -= 8) {
    p[pos++] = static_cast<char>(acc);
    acc >>= 8;
  }
  assert(pos == bytes);
}

template <typename T>
void UnpackBits(const uint8_t* in, size_t in_size, size_t n, int width, uint64_t base, T* out) {
  assert(width >= 0 && width <= 64 && in_size >= PackedBytes(n, width));
  kUnpackTable<T>[static_cast<size_t>(width)](in, in_size, n, base, out);
}

template void UnpackBits<uint8_t>(const uint8_t*, size_t, size_t, int, uint64_t, uint8_t*);
template void UnpackBits<int32_t>(const uint8_t*, size_t, size_t, int, uint64_t, int32_t*);
template void UnpackBits<int64_t>(const uint8_t*, size_t, size_t, int, uint64_t, int64_t*);
template void UnpackBits<uint32_t>(const uint8_t*, size_t, size_t, int, uint64_t, uint32_t*);

}  // namespace silt

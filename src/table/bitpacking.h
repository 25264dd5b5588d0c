// Bit-packing: n unsigned values of `width` bits (0..64) stored back to back,
// least significant bit first, in ceil(n * width / 8) bytes with no padding.
//
// The unpacker is specialised per width (the shifts and masks become
// constants) and reads unaligned 8-byte words, so it runs at a few cycles per
// value; it never reads outside the packed bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>

namespace silt {

// Bits needed for values up to max_value (0 for 0).
inline int BitWidth(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

// ceil(n * width / 8), without overflow for n <= 2^56.
inline size_t PackedBytes(size_t n, int width) {
  return (n / 8) * static_cast<size_t>(width) + (n % 8 * static_cast<size_t>(width) + 7) / 8;
}

// Appends values[0..n) packed at `width` bits (higher bits are dropped).
void PackBits(const uint64_t* values, size_t n, int width, std::string* out);

// Reads n values of `width` bits from `in` (which must hold at least
// PackedBytes(n, width) bytes; in_size is how many may be read) and writes
// out[i] = T(base + value), wrapping modulo 2^64 and then to T's width.
// T is uint8_t, int32_t, int64_t or uint32_t.
template <typename T>
void UnpackBits(const uint8_t* in, size_t in_size, size_t n, int width, uint64_t base, T* out);

}  // namespace silt

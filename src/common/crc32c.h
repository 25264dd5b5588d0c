// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected 0x82F63B78).
//
// Used for every log record and small metadata record (docs/checksums.md).
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run
// time), and a slicing-by-8 table otherwise; both give identical results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace silt::crc32c {

// The CRC of data appended to bytes whose CRC was `crc` (Extend(0, ...) is Value).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// The portable implementation, exposed so tests can compare both paths.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

// True when Extend uses the hardware instruction.
bool IsHardwareAccelerated();

// A stored CRC of bytes that themselves contain CRCs is masked (rotated and
// offset) so that a CRC over a CRC does not degenerate (as in LevelDB).
constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace silt::crc32c

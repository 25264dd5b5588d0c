// Row filters evaluated on bit-packed values where they lie, without
// unpacking them into a vector first (docs/query.md, "What gets pushed
// down"): the deltas of a bit-packed block and the codes of a dictionary
// block are both runs of `width`-bit unsigned values (bitpacking.h), so a
// comparison with a constant becomes a range test on those values (the
// dictionary is sorted), and a row's result is one bit.
//
// Row bitmaps here are LSB-first bytes: row i is bit (i & 7) of byte i >> 3,
// the layout of a block's validity bitmap, so the two combine bytewise and
// several conjuncts combine by AND on 8 rows at a time. Bits of rows >= n
// stay as they were (callers keep them 0).
//
// The range kernel uses AVX2 (8 values per step, for widths up to 25 bits)
// where the CPU has it, else a portable loop; both give the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace silt {

// Bytes a bitmap of n rows takes, rounded up to whole 64-bit words (so
// word-at-a-time helpers below never read past it).
inline size_t RowBitmapBytes(size_t n) { return (n + 63) / 64 * 8; }

// For i < n: clears bit i of `bits` unless lo <= v_i <= hi (with `negate`:
// unless it does not hold), v_i being the i-th `width`-bit value (0..64)
// packed in `in`, which holds in_size >= PackedBytes(n, width) bytes.
// Needs lo <= hi < 2^width. Returns the largest v_i (0 if n is 0), for
// callers that check the values are in range (dictionary codes).
uint64_t AndPackedInRange(const uint8_t* in, size_t in_size, size_t n, int width, uint64_t lo,
                          uint64_t hi, bool negate, uint8_t* bits);

// Tests: whether the range kernel may use SIMD instructions (default true);
// returns the previous setting.
bool SetPackedFilterSimdForTesting(bool enabled);

// The same with a table: clears bit i unless table[v_i] != 0, treating
// v_i >= table_size as not matching. Returns the largest v_i.
uint64_t AndPackedLookup(const uint8_t* in, size_t in_size, size_t n, int width,
                         const uint8_t* table, size_t table_size, uint8_t* bits);

// Sets the bits of rows < n and clears the rest of RowBitmapBytes(n).
void SetRowBits(size_t n, uint8_t* bits);
// Bitmap <-> one byte per row (bytes are 0 or 1; any nonzero byte counts
// as 1 when packing). Bits of rows >= n in the last byte are written as 0.
void BytesToBits(const uint8_t* bytes, size_t n, uint8_t* bits);
void BitsToBytes(const uint8_t* bits, size_t n, uint8_t* bytes);
// bits[i] &= other[i] for the n rows (bytewise).
void AndBits(const uint8_t* other, size_t n, uint8_t* bits);
// bits[i] &= !other[i] for the n rows.
void AndNotBits(const uint8_t* other, size_t n, uint8_t* bits);
// Set bits among rows < n (bits of rows >= n must be 0 up to
// RowBitmapBytes(n)).
size_t CountBits(const uint8_t* bits, size_t n);
bool AnyBits(const uint8_t* bits, size_t n);
// Writes the rows whose bit is set, ascending, to sel; returns how many.
// The same precondition as CountBits.
size_t BitsToSelection(const uint8_t* bits, size_t n, uint32_t* sel);

}  // namespace silt

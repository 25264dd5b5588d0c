#include "table/packed_filter.h"

#include <array>
#include <atomic>
#include <bit>
#include <cassert>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SILT_PACKED_AVX2 1
#endif

namespace silt {

static_assert(std::endian::native == std::endian::little,
              "row bitmaps are read as little-endian 64-bit words");

namespace {

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The value of `width` bits at bit `bit` of p, where 9 bytes from bit / 8
// may be read.
inline uint64_t Extract(const uint8_t* p, uint64_t bit, int width, uint64_t mask) {
  const uint8_t* q = p + (bit >> 3);
  const unsigned shift = bit & 7;
  uint64_t v = Load64(q) >> shift;
  if (width + shift > 64) v |= static_cast<uint64_t>(q[8]) << (64 - shift);
  return v & mask;
}

// Clears the bits of rows [first, n) whose value fails test(v); returns the
// largest value seen (max_in, if larger). `first` is a multiple of 8.
template <typename Test>
uint64_t ScalarPass(const uint8_t* in, size_t in_size, size_t n, int width, size_t first,
                    uint64_t max_in, Test test, uint8_t* bits) {
  if (first >= n) return max_in;
  if (width == 0) {
    if (!test(0)) {
      for (size_t i = first; i < n; ++i) bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
    }
    return max_in;
  }
  const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  const uint64_t w = static_cast<uint64_t>(width);
  uint64_t max = max_in;
  // Values i < safe can be read in place (9 bytes from their first byte).
  size_t safe = in_size >= 9 ? ((in_size - 9) * 8 + 7) / w + 1 : 0;
  if (safe > n) safe = n;
  size_t i = first;
  for (; i + 8 <= safe; i += 8) {
    unsigned b = 0;
    for (unsigned j = 0; j < 8; ++j) {
      const uint64_t v = Extract(in, (i + j) * w, width, mask);
      max = v > max ? v : max;
      b |= static_cast<unsigned>(test(v)) << j;
    }
    bits[i >> 3] &= static_cast<uint8_t>(b);
  }
  if (i == n) return max;
  // The last values: from a zero-padded copy, so the same loads stay in
  // bounds. Since i > safe - 8, they span at most 10 + 7 * 64 / 8 bytes.
  const size_t start = static_cast<size_t>((i * w) >> 3);
  uint8_t tail[96] = {0};
  const size_t avail = in_size - start;
  assert((n * w + 7) / 8 - start <= 80);
  std::memcpy(tail, in + start, avail < 80 ? avail : 80);
  for (; i < n; ++i) {
    const uint64_t v = Extract(tail, i * w - start * 8, width, mask);
    max = v > max ? v : max;
    if (!test(v)) bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
  }
  return max;
}

#ifdef SILT_PACKED_AVX2
// Widths up to this take the AVX2 kernel: 8 values per step in 32-bit
// lanes, each lane reading 4 bytes (a value plus at most 7 bits of shift).
constexpr int kMaxAvx2Width = 25;

// __builtin_cpu_init first: this runs as a static initializer, which may come
// before libgcc's own constructor that fills in the CPU model.
bool CpuSupports(bool avx2) {
  __builtin_cpu_init();
  return avx2 ? __builtin_cpu_supports("avx2") : __builtin_cpu_supports("popcnt");
}
const bool kHasAvx2 = CpuSupports(true);
#endif

// Cleared by tests to run the portable loop on CPUs with AVX2 too.
std::atomic<bool> use_simd{true};

#ifdef SILT_PACKED_AVX2

// Groups [0, groups) of 8 values (group g starts at byte g * width); every
// group's two 16-byte loads must lie inside the input. Returns the largest
// value; ANDs each group's 8 result bits into bits[g].
__attribute__((target("avx2"))) uint64_t InRangeAvx2(const uint8_t* in, size_t groups, int width,
                                                     uint32_t lo, uint32_t span, bool negate,
                                                     uint8_t* bits) {
  // Lane j (value j of a group) takes 4 bytes from byte (j * width) / 8,
  // shifted right by (j * width) % 8. Lanes 4..7 sit in the upper 128 bits,
  // which vpshufb indexes on their own: they load from byte `off4`.
  const int off4 = (4 * width) >> 3;
  alignas(32) uint8_t shuffle[32];
  alignas(32) uint32_t shifts[8];
  for (int j = 0; j < 8; ++j) {
    const int bit = j * width;
    const int rel = (bit >> 3) - (j < 4 ? 0 : off4);
    for (int k = 0; k < 4; ++k) shuffle[4 * j + k] = static_cast<uint8_t>(rel + k);
    shifts[j] = static_cast<uint32_t>(bit & 7);
  }
  const __m256i shuf = _mm256_load_si256(reinterpret_cast<const __m256i*>(shuffle));
  const __m256i shr = _mm256_load_si256(reinterpret_cast<const __m256i*>(shifts));
  const __m256i mask = _mm256_set1_epi32(static_cast<int>((uint32_t{1} << width) - 1));
  const __m256i vlo = _mm256_set1_epi32(static_cast<int>(lo));
  const __m256i vspan = _mm256_set1_epi32(static_cast<int>(span));
  const unsigned flip = negate ? 0xffu : 0u;
  __m256i vmax = _mm256_setzero_si256();
  const uint8_t* p = in;
  for (size_t g = 0; g < groups; ++g, p += width) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + off4));
    __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(a), b, 1);
    v = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi8(v, shuf), shr), mask);
    vmax = _mm256_max_epu32(vmax, v);
    const __m256i x = _mm256_sub_epi32(v, vlo);
    const __m256i ok = _mm256_cmpeq_epi32(_mm256_min_epu32(x, vspan), x);
    const unsigned m = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(ok))) ^ flip;
    bits[g] &= static_cast<uint8_t>(m);
  }
  alignas(32) uint32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), vmax);
  uint32_t max = 0;
  for (uint32_t l : lanes) max = l > max ? l : max;
  return max;
}
#endif

constexpr std::array<uint64_t, 256> MakeSpreadTable() {
  std::array<uint64_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (unsigned j = 0; j < 8; ++j) v |= static_cast<uint64_t>((b >> j) & 1) << (8 * j);
    t[b] = v;
  }
  return t;
}
constexpr auto kSpread = MakeSpreadTable();

}  // namespace

uint64_t AndPackedInRange(const uint8_t* in, size_t in_size, size_t n, int width, uint64_t lo,
                          uint64_t hi, bool negate, uint8_t* bits) {
  assert(width >= 0 && width <= 64 && lo <= hi);
  const uint64_t span = hi - lo;
  size_t first = 0;
  uint64_t max = 0;
#ifdef SILT_PACKED_AVX2
  if (kHasAvx2 && use_simd.load(std::memory_order_relaxed) && width >= 1 &&
      width <= kMaxAvx2Width) {
    const size_t off4 = static_cast<size_t>((4 * width) >> 3);
    const size_t w = static_cast<size_t>(width);
    size_t groups = 0;
    if (in_size >= off4 + 16) groups = (in_size - off4 - 16) / w + 1;
    if (groups > n / 8) groups = n / 8;
    const uint32_t lo32 = static_cast<uint32_t>(lo), span32 = static_cast<uint32_t>(span);
    if (groups > 0) max = InRangeAvx2(in, groups, width, lo32, span32, negate, bits);
    first = groups * 8;
    // The rest from a zero-padded copy (fewer than off4 + 16 bytes, or the
    // last group's): the lanes of rows >= n read zeros and their bits
    // are 0 already.
    const size_t rest = (n - first + 7) / 8;
    const size_t start = groups * w;
    uint8_t tail[128] = {0};
    if (rest > 0 && (rest - 1) * w + off4 + 16 <= sizeof(tail)) {
      const size_t avail = in_size - start;
      std::memcpy(tail, in + start, avail < sizeof(tail) ? avail : sizeof(tail));
      const uint64_t m = InRangeAvx2(tail, rest, width, lo32, span32, negate, bits + groups);
      return m > max ? m : max;
    }
  }
#endif
  return ScalarPass(
      in, in_size, n, width, first, max,
      [lo, span, negate](uint64_t v) { return (v - lo <= span) != negate; }, bits);
}

bool SetPackedFilterSimdForTesting(bool enabled) { return use_simd.exchange(enabled); }

uint64_t AndPackedLookup(const uint8_t* in, size_t in_size, size_t n, int width,
                         const uint8_t* table, size_t table_size, uint8_t* bits) {
  return ScalarPass(
      in, in_size, n, width, 0, 0,
      [table, table_size](uint64_t v) { return v < table_size && table[v] != 0; }, bits);
}

void SetRowBits(size_t n, uint8_t* bits) {
  const size_t total = RowBitmapBytes(n);
  std::memset(bits, 0xff, n / 8);
  std::memset(bits + n / 8, 0, total - n / 8);
  if (n % 8 != 0) bits[n / 8] = static_cast<uint8_t>((1u << (n % 8)) - 1);
}

void BytesToBits(const uint8_t* bytes, size_t n, uint8_t* bits) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x = Load64(bytes + i);
    // Bit 0 of each byte becomes the OR of the byte's bits...
    x |= x >> 4;
    x |= x >> 2;
    x |= x >> 1;
    x &= 0x0101010101010101ull;
    // ...and byte j's bit lands at bit 56 + j.
    bits[i >> 3] = static_cast<uint8_t>((x * 0x0102040810204080ull) >> 56);
  }
  if (i < n) {
    unsigned b = 0;
    for (size_t j = i; j < n; ++j) b |= static_cast<unsigned>(bytes[j] != 0) << (j - i);
    bits[i >> 3] = static_cast<uint8_t>(b);
  }
}

void BitsToBytes(const uint8_t* bits, size_t n, uint8_t* bytes) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t v = kSpread[bits[i >> 3]];
    std::memcpy(bytes + i, &v, 8);
  }
  for (; i < n; ++i) bytes[i] = (bits[i >> 3] >> (i & 7)) & 1;
}

void AndBits(const uint8_t* other, size_t n, uint8_t* bits) {
  const size_t full = n / 8;
  for (size_t j = 0; j < full; ++j) bits[j] &= other[j];
  if (n % 8 != 0) bits[full] &= static_cast<uint8_t>(other[full] | ~((1u << (n % 8)) - 1));
}

void AndNotBits(const uint8_t* other, size_t n, uint8_t* bits) {
  const size_t full = n / 8;
  for (size_t j = 0; j < full; ++j) bits[j] &= static_cast<uint8_t>(~other[j]);
  if (n % 8 != 0) bits[full] &= static_cast<uint8_t>(~(other[full] & ((1u << (n % 8)) - 1)));
}

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
// The POPCNT instruction where the CPU has it (the baseline x86-64 target
// calls a library routine for std::popcount).
__attribute__((target("popcnt"))) size_t CountWordsPopcnt(const uint8_t* bits, size_t words) {
  size_t c = 0;
  for (size_t w = 0; w < words; ++w) c += static_cast<size_t>(std::popcount(Load64(bits + 8 * w)));
  return c;
}
const bool kHasPopcnt = CpuSupports(false);
#endif

}  // namespace

size_t CountBits(const uint8_t* bits, size_t n) {
  const size_t words = RowBitmapBytes(n) / 8;
#if defined(__x86_64__) && defined(__GNUC__)
  if (kHasPopcnt) return CountWordsPopcnt(bits, words);
#endif
  size_t c = 0;
  for (size_t w = 0; w < words; ++w) c += static_cast<size_t>(std::popcount(Load64(bits + 8 * w)));
  return c;
}

bool AnyBits(const uint8_t* bits, size_t n) {
  uint64_t acc = 0;
  const size_t words = RowBitmapBytes(n) / 8;
  for (size_t w = 0; w < words; ++w) acc |= Load64(bits + 8 * w);
  return acc != 0;
}

size_t BitsToSelection(const uint8_t* bits, size_t n, uint32_t* sel) {
  size_t m = 0;
  const size_t words = RowBitmapBytes(n) / 8;
  for (size_t w = 0; w < words; ++w) {
    uint64_t x = Load64(bits + 8 * w);
    const uint32_t base = static_cast<uint32_t>(w * 64);
    while (x != 0) {
      sel[m++] = base + static_cast<uint32_t>(std::countr_zero(x));
      x &= x - 1;
    }
  }
  return m;
}

}  // namespace silt

// Filters on bit-packed values (packed_filter.h) against a naive model: every
// width 0..64, block sizes around the 8-row groups and the SIMD kernel's
// tail, with and without SIMD; and the row bitmap helpers.
#include "table/packed_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "table/bitpacking.h"

namespace silt {
namespace {

std::vector<uint8_t> RandomBits(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> bits(RowBitmapBytes(n) + 8, 0);
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 4 != 0) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  return bits;
}

bool Bit(const std::vector<uint8_t>& bits, size_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

uint64_t MaskOf(int width) { return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

// n values of `width` bits: random, or (every third case) mostly the
// largest value, so the top bits of every lane are exercised.
std::vector<uint64_t> RandomValues(std::mt19937_64& rng, size_t n, int width, int shape) {
  std::vector<uint64_t> v(n);
  const uint64_t mask = MaskOf(width);
  for (auto& x : v) {
    x = rng() & mask;
    if (shape == 1 && rng() % 2 == 0) x = mask;
    if (shape == 2) x = x % 5 == 0 ? 0 : mask - (x % 3);
  }
  return v;
}

class PackedFilterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { previous_ = SetPackedFilterSimdForTesting(GetParam()); }
  void TearDown() override { SetPackedFilterSimdForTesting(previous_); }
  bool previous_ = true;
};

TEST_P(PackedFilterTest, RangeMatchesNaiveForEveryWidth) {
  std::mt19937_64 rng(42);
  const size_t sizes[] = {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 257, 2045, 2048};
  for (int width = 0; width <= 64; ++width) {
    const uint64_t mask = MaskOf(width);
    for (size_t n : sizes) {
      for (int shape = 0; shape < 3; ++shape) {
        const std::vector<uint64_t> values = RandomValues(rng, n, width, shape);
        std::string packed;
        PackBits(values.data(), n, width, &packed);
        ASSERT_EQ(packed.size(), PackedBytes(n, width));
        for (int trial = 0; trial < 4; ++trial) {
          uint64_t lo = rng() & mask, hi = rng() & mask;
          if (trial == 0) lo = 0;
          if (trial == 1) hi = mask;
          if (lo > hi) std::swap(lo, hi);
          const bool negate = trial == 3;
          std::vector<uint8_t> bits = RandomBits(rng, n);
          const std::vector<uint8_t> before = bits;
          const uint64_t max =
              AndPackedInRange(reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), n,
                               width, lo, hi, negate, bits.data());
          uint64_t want_max = 0;
          for (size_t i = 0; i < n; ++i) {
            want_max = std::max(want_max, values[i]);
            const bool in = values[i] >= lo && values[i] <= hi;
            ASSERT_EQ(Bit(bits, i), Bit(before, i) && in != negate)
                << "width " << width << " n " << n << " row " << i << " value " << values[i]
                << " range [" << lo << ", " << hi << "] negate " << negate;
          }
          EXPECT_EQ(max, want_max) << "width " << width << " n " << n;
          for (size_t i = n; i < bits.size() * 8; ++i) ASSERT_FALSE(Bit(bits, i)) << i;
        }
      }
    }
  }
}

TEST_P(PackedFilterTest, LookupMatchesNaive) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 16; ++width) {
    for (size_t n : {size_t{0}, size_t{5}, size_t{64}, size_t{300}, size_t{2045}}) {
      const std::vector<uint64_t> values = RandomValues(rng, n, width, 0);
      std::string packed;
      PackBits(values.data(), n, width, &packed);
      // A table shorter than the code space: larger values never match.
      const size_t table_size = (size_t{1} << width) / 2 + 1;
      std::vector<uint8_t> table(table_size);
      for (auto& t : table) t = rng() % 2;
      std::vector<uint8_t> bits = RandomBits(rng, n);
      const std::vector<uint8_t> before = bits;
      const uint64_t max =
          AndPackedLookup(reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), n, width,
                          table.data(), table.size(), bits.data());
      uint64_t want_max = 0;
      for (size_t i = 0; i < n; ++i) {
        want_max = std::max(want_max, values[i]);
        const bool hit = values[i] < table_size && table[values[i]] != 0;
        ASSERT_EQ(Bit(bits, i), Bit(before, i) && hit) << "width " << width << " row " << i;
      }
      EXPECT_EQ(max, want_max);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SimdAndPortable, PackedFilterTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Simd" : "Portable"; });

TEST(RowBitmapTest, ConversionsCountsAndSelections) {
  std::mt19937_64 rng(3);
  for (size_t n : {size_t{0}, size_t{1}, size_t{8}, size_t{13}, size_t{64}, size_t{65},
                   size_t{1000}, size_t{2048}}) {
    std::vector<uint8_t> bytes(n);
    for (auto& b : bytes) b = rng() % 3 == 0 ? 0 : static_cast<uint8_t>(1 + rng() % 200);
    std::vector<uint8_t> bits(RowBitmapBytes(n) + 8, 0xee);
    std::fill(bits.begin(), bits.begin() + RowBitmapBytes(n), 0);
    BytesToBits(bytes.data(), n, bits.data());
    size_t count = 0;
    std::vector<uint32_t> want_sel;
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(Bit(bits, i), bytes[i] != 0) << i;
      if (bytes[i] != 0) {
        ++count;
        want_sel.push_back(static_cast<uint32_t>(i));
      }
    }
    EXPECT_EQ(CountBits(bits.data(), n), count);
    EXPECT_EQ(AnyBits(bits.data(), n), count > 0);
    std::vector<uint32_t> sel(n + 1);
    sel.resize(BitsToSelection(bits.data(), n, sel.data()));
    EXPECT_EQ(sel, want_sel);

    std::vector<uint8_t> back(n + 1, 7);
    BitsToBytes(bits.data(), n, back.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(back[i], bytes[i] != 0 ? 1 : 0) << i;
    EXPECT_EQ(back[n], 7);  // nothing written past n

    // AND and AND NOT with another bitmap, leaving the bits past n alone.
    std::vector<uint8_t> other = RandomBits(rng, n);
    std::vector<uint8_t> a = bits, b = bits;
    AndBits(other.data(), n, a.data());
    AndNotBits(other.data(), n, b.data());
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(Bit(a, i), Bit(bits, i) && Bit(other, i));
      ASSERT_EQ(Bit(b, i), Bit(bits, i) && !Bit(other, i));
    }
    for (size_t i = n; i < RowBitmapBytes(n) * 8; ++i) {
      ASSERT_FALSE(Bit(a, i));
      ASSERT_FALSE(Bit(b, i));
    }

    std::vector<uint8_t> all(RowBitmapBytes(n) + 1, 0x5a);
    SetRowBits(n, all.data());
    EXPECT_EQ(CountBits(all.data(), n), n);
    for (size_t i = 0; i < RowBitmapBytes(n) * 8; ++i) ASSERT_EQ(Bit(all, i), i < n) << i;
    EXPECT_EQ(all[RowBitmapBytes(n)], 0x5a);
  }
}

}  // namespace
}  // namespace silt

#include "table/bitpacking.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace silt {
namespace {

TEST(BitPackingTest, WidthAndSize) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
  EXPECT_EQ(PackedBytes(0, 64), 0u);
  EXPECT_EQ(PackedBytes(1, 1), 1u);
  EXPECT_EQ(PackedBytes(8, 3), 3u);
  EXPECT_EQ(PackedBytes(9, 3), 4u);
  EXPECT_EQ(PackedBytes(3, 64), 24u);
}

TEST(BitPackingTest, KnownLayoutIsLsbFirst) {
  const uint64_t v[] = {1, 2, 3, 0, 7};
  std::string out;
  PackBits(v, 5, 3, &out);
  // 001 010 011 000 111 -> bits (LSB first) 1,0,0, 0,1,0, 1,1,0, 0,0,0, 1,1,1
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), 0b11010001);
  EXPECT_EQ(static_cast<uint8_t>(out[1]), 0b01110000);
}

// Every width, many lengths (so every tail path runs), exact-size input.
TEST(BitPackingTest, RoundTripEveryWidth) {
  std::mt19937_64 rng(7);
  for (int width = 0; width <= 64; ++width) {
    const uint64_t mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    for (size_t n : {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000}) {
      std::vector<uint64_t> v(n);
      for (auto& x : v) x = rng() & mask;
      if (n > 0) v[0] = mask;  // the widest value
      std::string packed;
      PackBits(v.data(), n, width, &packed);
      ASSERT_EQ(packed.size(), PackedBytes(n, width));
      // A heap copy of exactly the packed size lets ASan catch overreads.
      std::vector<uint8_t> exact(packed.begin(), packed.end());
      std::vector<int64_t> out(n);
      UnpackBits<int64_t>(exact.data(), exact.size(), n, width, 0, out.data());
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<uint64_t>(out[i]), v[i]) << width;
      // With a frame of reference that wraps.
      const uint64_t base = ~uint64_t{0} - 5;
      UnpackBits<int64_t>(exact.data(), exact.size(), n, width, base, out.data());
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<uint64_t>(out[i]), base + v[i]);
      if (width <= 32) {
        std::vector<uint32_t> codes(n);
        UnpackBits<uint32_t>(exact.data(), exact.size(), n, width, 0, codes.data());
        for (size_t i = 0; i < n; ++i) ASSERT_EQ(codes[i], v[i]);
        std::vector<int32_t> i32(n);
        UnpackBits<int32_t>(exact.data(), exact.size(), n, width, static_cast<uint64_t>(-100),
                            i32.data());
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(i32[i], static_cast<int32_t>(v[i] - 100));
        }
      }
    }
  }
}

}  // namespace
}  // namespace silt

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/crc32c.h"
#include "common/hash.h"

namespace silt {
namespace {

// Test vectors from RFC 3720 (iSCSI), appendix B.4, and the "123456789" check value.
TEST(Crc32cTest, StandardVectors) {
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c::Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(crc32c::Value(ones), 0x62a8ab43u);
  std::string ascending(32, '\0');
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(ascending), 0x46dd794eu);
  std::string descending(32, '\0');
  for (int i = 0; i < 32; ++i) descending[i] = static_cast<char>(31 - i);
  EXPECT_EQ(crc32c::Value(descending), 0x113fdb5cu);
  const unsigned char iscsi_read[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                        0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(crc32c::Value(reinterpret_cast<const char*>(iscsi_read), 48), 0xd9963a56u);
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  EXPECT_EQ(crc32c::Value(""), 0u);
}

TEST(Crc32cTest, PortableMatchesDispatchedForAllLengthsAndAlignments) {
  std::mt19937 rng(7);
  std::string data(1024 + 16, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  for (size_t align = 0; align < 8; ++align) {
    for (size_t len = 0; len < 300; ++len) {
      const char* p = data.data() + align;
      ASSERT_EQ(crc32c::Extend(0, p, len), crc32c::ExtendPortable(0, p, len))
          << "align " << align << " len " << len;
    }
  }
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string a = "hello ", b = "world";
  EXPECT_EQ(crc32c::Extend(crc32c::Value(a), b.data(), b.size()), crc32c::Value(a + b));
}

TEST(Crc32cTest, MaskRoundTripsAndDiffers) {
  uint32_t crc = crc32c::Value("foo");
  EXPECT_NE(crc32c::Mask(crc), crc);
  EXPECT_NE(crc32c::Mask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Unmask(crc32c::Mask(crc32c::Mask(crc)))), crc);
}

TEST(Crc32cTest, DetectsEverySingleBitFlip) {
  std::string data(64, 'x');
  uint32_t base = crc32c::Value(data);
  for (size_t i = 0; i < data.size() * 8; ++i) {
    std::string copy = data;
    copy[i / 8] = static_cast<char>(copy[i / 8] ^ (1 << (i % 8)));
    EXPECT_NE(crc32c::Value(copy), base) << i;
  }
}

// XXH3-64 reference values (from xxHash's own test suite / xxhsum -H3).
TEST(Hash64Test, KnownValues) {
  EXPECT_EQ(Hash64(""), 0x2D06800538D394C2ull);
  EXPECT_EQ(Hash64("a", 0), Hash64(std::string_view("a")));
  EXPECT_NE(Hash64("a"), Hash64("b"));
  EXPECT_NE(Hash64("a", 1), Hash64("a", 2));
}

TEST(Hash64Test, StreamingEqualsOneShot) {
  std::string data(100000, '\0');
  std::mt19937 rng(3);
  for (auto& c : data) c = static_cast<char>(rng());
  Hasher64 h(9);
  for (size_t i = 0; i < data.size(); i += 777) h.Update(std::string_view(data).substr(i, 777));
  EXPECT_EQ(h.Digest(), Hash64(data, 9));
}

}  // namespace
}  // namespace silt

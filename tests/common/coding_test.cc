#include "common/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "test_util.h"

namespace silt {
namespace {

TEST(CodingTest, FixedIsLittleEndian) {
  std::string s;
  PutFixed16(&s, 0x0102);
  PutFixed32(&s, 0x03040506);
  PutFixed64(&s, 0x0708090a0b0c0d0eull);
  ASSERT_EQ(s.size(), 14u);
  const unsigned char expected[] = {0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0e,
                                    0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07};
  EXPECT_EQ(0, memcmp(s.data(), expected, sizeof(expected)));
  EXPECT_EQ(DecodeFixed16(s.data()), 0x0102);
  EXPECT_EQ(DecodeFixed32(s.data() + 2), 0x03040506u);
  EXPECT_EQ(DecodeFixed64(s.data() + 6), 0x0708090a0b0c0d0eull);
}

TEST(CodingTest, VarintKnownEncodings) {
  struct Case {
    uint64_t v;
    std::string bytes;
  } cases[] = {
      {0, std::string("\x00", 1)},
      {1, "\x01"},
      {127, "\x7f"},
      {128, "\x80\x01"},
      {300, "\xac\x02"},
      {UINT32_MAX, "\xff\xff\xff\xff\x0f"},
      {UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"},
  };
  for (const auto& c : cases) {
    std::string s;
    PutVarint64(&s, c.v);
    EXPECT_EQ(s, c.bytes) << c.v;
    EXPECT_EQ(VarintLength(c.v), static_cast<int>(c.bytes.size()));
    uint64_t out = 0;
    const char* end = DecodeVarint64(s.data(), s.data() + s.size(), &out);
    ASSERT_NE(end, nullptr);
    EXPECT_EQ(end, s.data() + s.size());
    EXPECT_EQ(out, c.v);
  }
}

TEST(CodingTest, VarintRoundTripRandom) {
  std::mt19937_64 rng(42);
  std::string s;
  std::vector<uint64_t> values;
  for (int i = 0; i < 10000; ++i) {
    uint64_t v = rng() >> (rng() % 64);
    values.push_back(v);
    PutVarint64(&s, v);
  }
  ByteReader r(s);
  for (uint64_t v : values) {
    uint64_t out;
    ASSERT_OK(r.ReadVarint64(&out));
    ASSERT_EQ(out, v);
  }
  EXPECT_TRUE(r.empty());
}

TEST(CodingTest, VarintRejectsTruncatedAndOverlong) {
  std::string s;
  PutVarint64(&s, UINT64_MAX);
  uint64_t v;
  for (size_t n = 0; n < s.size(); ++n) {
    EXPECT_EQ(DecodeVarint64(s.data(), s.data() + n, &v), nullptr) << n;
  }
  // An eleventh byte, or a tenth byte above 1, overflows 64 bits.
  std::string overlong(10, '\xff');
  overlong.push_back('\x01');
  EXPECT_EQ(DecodeVarint64(overlong.data(), overlong.data() + overlong.size(), &v), nullptr);
  std::string too_big = std::string(9, '\xff') + "\x02";
  EXPECT_EQ(DecodeVarint64(too_big.data(), too_big.data() + too_big.size(), &v), nullptr);
  // A varint32 must fit in 32 bits.
  std::string big;
  PutVarint64(&big, uint64_t{1} << 32);
  uint32_t v32;
  EXPECT_EQ(DecodeVarint32(big.data(), big.data() + big.size(), &v32), nullptr);
}

TEST(CodingTest, ZigZag) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{63},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(ZigZagDecode(ZigZagEncode(v)), v);
  }
  EXPECT_EQ(ZigZagEncode(0), 0u);
  EXPECT_EQ(ZigZagEncode(-1), 1u);
  EXPECT_EQ(ZigZagEncode(1), 2u);
}

TEST(ByteReaderTest, ReadsInOrder) {
  std::string s;
  s.push_back('\x07');
  PutFixed32(&s, 99);
  PutLengthPrefixed(&s, "hello");
  PutFixed64(&s, 12345678901234ull);
  ByteReader r(s, "f", 100);
  uint8_t u8;
  uint32_t u32;
  std::string_view sv;
  uint64_t u64;
  ASSERT_OK(r.ReadU8(&u8));
  ASSERT_OK(r.ReadFixed32(&u32));
  ASSERT_OK(r.ReadLengthPrefixed(&sv));
  ASSERT_OK(r.ReadFixed64(&u64));
  EXPECT_EQ(u8, 7);
  EXPECT_EQ(u32, 99u);
  EXPECT_EQ(sv, "hello");
  EXPECT_EQ(u64, 12345678901234ull);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.offset(), 100 + s.size());
}

TEST(ByteReaderTest, TruncationErrorNamesFileAndOffset) {
  std::string s = "abc";
  ByteReader r(s, "/data/x.idx", 1000);
  std::string_view sv;
  ASSERT_OK(r.ReadBytes(2, &sv));
  uint32_t v;
  Status st = r.ReadFixed32(&v);
  ASSERT_TRUE(st.IsCorruption());
  EXPECT_EQ(st.message(), "/data/x.idx at offset 1002: truncated fixed32: need 4 bytes, 1 left");
  EXPECT_EQ(r.pos(), 2u);  // a failed read consumes nothing
}

TEST(ByteReaderTest, LengthPrefixBeyondEndIsCorruption) {
  std::string s;
  PutVarint64(&s, 1000);
  s += "short";
  ByteReader r(s, "f");
  std::string_view sv;
  Status st = r.ReadLengthPrefixed(&sv);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("f at offset"), std::string::npos);
  EXPECT_EQ(r.pos(), 0u);
}

}  // namespace
}  // namespace silt

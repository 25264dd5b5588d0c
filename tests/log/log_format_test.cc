// Records, frames, headers and file names of the shared log.
#include "log/log_format.h"

#include <gtest/gtest.h>

#include "log/log_file_names.h"
#include "test_util.h"

namespace silt::log {
namespace {

TEST(LogFormatTest, RecordRoundTripAndSize) {
  const std::string big(5000, 'x');
  for (const Record& r : {Record{RecordType::kEntry, 0, 1, 1, "payload"},
                          Record{RecordType::kEntry, UINT64_MAX, UINT64_MAX, UINT64_MAX, big},
                          Record{RecordType::kTruncateSuffix, 7, 0, 0, {}},
                          Record{RecordType::kHardState, 3, 9, 2, {}}}) {
    std::string buf;
    EncodeRecord(&buf, r);
    EXPECT_EQ(buf.size(), EncodedRecordSize(r));
    Record out;
    size_t size = 0;
    ASSERT_OK(DecodeRecord(buf, "f", 0, &out, &size));
    EXPECT_EQ(size, buf.size());
    EXPECT_EQ(out.type, r.type);
    EXPECT_EQ(out.group, r.group);
    EXPECT_EQ(out.a, r.a);
    EXPECT_EQ(out.b, r.b);
    EXPECT_EQ(out.payload, r.payload);
  }
}

TEST(LogFormatTest, EveryFlippedBitOfARecordIsDetected) {
  std::string buf;
  EncodeRecord(&buf, Record{RecordType::kEntry, 5, 10, 2, "hello world"});
  for (size_t bit = 0; bit < buf.size() * 8; ++bit) {
    std::string bad = buf;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
    Record out;
    size_t size;
    Status s = DecodeRecord(bad, "seg", 100, &out, &size);
    EXPECT_TRUE(s.IsCorruption()) << "bit " << bit;
    EXPECT_EQ(s.message().rfind("seg at offset", 0), 0u) << s.message();
  }
}

TEST(LogFormatTest, TruncatedRecordIsCorruption) {
  std::string buf;
  EncodeRecord(&buf, Record{RecordType::kEntry, 1, 1, 1, "abcdef"});
  for (size_t n = 0; n < buf.size(); ++n) {
    Record out;
    size_t size;
    EXPECT_TRUE(
        DecodeRecord(std::string_view(buf).substr(0, n), "f", 0, &out, &size).IsCorruption());
  }
}

TEST(LogFormatTest, FrameHeader) {
  char h[kFrameHeaderSize];
  EncodeFrameHeader(h, kFrameBatch, 1234, 5);
  FrameHeader out;
  ASSERT_OK(DecodeFrameHeader(std::string_view(h, sizeof(h)), "f", 0, &out));
  EXPECT_EQ(out.kind, kFrameBatch);
  EXPECT_EQ(out.body_length, 1234u);
  EXPECT_EQ(out.count, 5u);
  h[5] ^= 1;
  EXPECT_TRUE(DecodeFrameHeader(std::string_view(h, sizeof(h)), "f", 0, &out).IsCorruption());
  std::string zeros(kFrameHeaderSize, '\0');
  EXPECT_TRUE(DecodeFrameHeader(zeros, "f", 0, &out).IsCorruption());
}

TEST(LogFormatTest, SegmentHeaderErrorsNameTheProblem) {
  std::string h = EncodeSegmentHeader(42, 3);
  ASSERT_EQ(h.size(), kSegmentHeaderSize);
  uint64_t n;
  uint32_t g;
  ASSERT_OK(DecodeSegmentHeader(h, "s", &n, &g));
  EXPECT_EQ(n, 42u);
  EXPECT_EQ(g, 3u);
  std::string wrong_magic = h;
  wrong_magic[0] = 'X';
  Status s = DecodeSegmentHeader(wrong_magic, "s", &n, &g);
  EXPECT_NE(s.message().find("not a silt log segment"), std::string::npos) << s.message();
  std::string version = EncodeSegmentHeader(42, 3);
  version[4] = 9;
  s = DecodeSegmentHeader(version, "s", &n, &g);
  EXPECT_NE(s.message().find("unsupported segment format version 9"), std::string::npos)
      << s.message();
  std::string flipped = h;
  flipped[9] ^= 1;
  EXPECT_NE(DecodeSegmentHeader(flipped, "s", &n, &g).message().find("checksum"),
            std::string::npos);
  EXPECT_TRUE(DecodeSegmentHeader(h.substr(0, 10), "s", &n, &g).IsCorruption());
}

TEST(LogFileNamesTest, FormatAndParse) {
  EXPECT_EQ(SegmentFileName(12, 0), "segment-0000000012-0.bin");
  EXPECT_EQ(IndexFileName(3, 2), "index-0000000003-2.bin");
  auto p = ParseLogFileName("segment-0000000012-7.bin", "segment-");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->segment, 12u);
  EXPECT_EQ(p->generation, 7u);
  for (const char* bad : {"segment-12.bin", "segment--1.bin", "segment-1-.bin", "segment-a-1.bin",
                          "segment-1-1.bin.tmp", "index-1-1.bin", "segment-1-1x.bin"}) {
    EXPECT_FALSE(ParseLogFileName(bad, "segment-").has_value()) << bad;
  }
}

}  // namespace
}  // namespace silt::log

// meta.json encoding: round trip, checksum, ids.
#include "snapshot/snapshot_meta.h"

#include <gtest/gtest.h>

#include "snapshot/snapshot_file_names.h"
#include "test_util.h"

namespace silt {
namespace {

SnapshotInfo Sample() {
  SnapshotInfo info;
  info.id = "3-42-1700000000123";
  info.term = 3;
  info.index = 42;
  info.created_ms = 1700000000123;
  info.kind = SnapshotKind::kIncremental;
  info.base = "3-40-1700000000000";
  info.attributes["k"] = "v";
  info.files.push_back({"wal", 123, 0x0123456789abcdefULL});
  info.files.push_back({"x", 0, 0xffffffffffffffffULL});
  return info;
}

TEST(SnapshotMetaTest, RoundTrip) {
  const SnapshotInfo in = Sample();
  ASSERT_OK_AND_ASSIGN(SnapshotInfo out, DecodeSnapshotMeta(EncodeSnapshotMeta(in), "m"));
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.term, 3u);
  EXPECT_EQ(out.index, 42u);
  EXPECT_EQ(out.created_ms, in.created_ms);
  EXPECT_EQ(out.kind, SnapshotKind::kIncremental);
  EXPECT_EQ(out.base, in.base);
  EXPECT_EQ(out.attributes, in.attributes);
  ASSERT_EQ(out.files.size(), 2u);
  EXPECT_EQ(out.files[0].name, "wal");
  EXPECT_EQ(out.files[0].size, 123u);
  EXPECT_EQ(out.files[0].xxh3, 0x0123456789abcdefULL);
  EXPECT_EQ(out.files[1].xxh3, 0xffffffffffffffffULL);
}

TEST(SnapshotMetaTest, AnyChangedByteIsDetected) {
  const std::string good = EncodeSnapshotMeta(Sample());
  // Change a digit of the size: still valid JSON, so only the checksum can tell.
  std::string bad = good;
  const size_t pos = bad.find("123");
  ASSERT_NE(pos, std::string::npos);
  bad[pos] = '9';
  auto r = DecodeSnapshotMeta(bad, "/s/3-42-1/meta.json");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("/s/3-42-1/meta.json"), std::string::npos);
  EXPECT_NE(r.status().message().find("checksum mismatch"), std::string::npos);

  r = DecodeSnapshotMeta(good.substr(0, good.size() / 2), "m");
  EXPECT_TRUE(r.status().IsCorruption());
  r = DecodeSnapshotMeta("", "m");
  EXPECT_TRUE(r.status().IsCorruption());
  r = DecodeSnapshotMeta("{}", "m");
  EXPECT_TRUE(r.status().IsCorruption());
}

TEST(SnapshotMetaTest, Ids) {
  EXPECT_EQ(MakeSnapshotId(1, 2, 3), "1-2-3");
  auto p = ParseSnapshotId("10-20-30");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->term, 10u);
  EXPECT_EQ(p->index, 20u);
  EXPECT_EQ(p->created_ms, 30u);
  for (const char* bad : {"", "1-2", "1-2-3.tmp", "1-2-3-4", "a-2-3", "01-2-3", "1--3", "-1-2-3"}) {
    EXPECT_FALSE(ParseSnapshotId(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace silt

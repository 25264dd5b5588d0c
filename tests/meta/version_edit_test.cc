// VersionEdit records (docs/meta_format.md): round trips of every operation
// and column type, and every truncation and flipped byte is a Corruption that
// names the file, never a crash.
#include "meta/version_edit.h"

#include <gtest/gtest.h>

#include "common/coding.h"
#include "common/crc32c.h"
#include "test_util.h"

namespace silt::meta {
namespace {

VersionEdit EveryOperation() {
  VersionEdit e;
  e.CreateSchema(0, "sales");
  e.CreateSchema(UINT32_MAX - 1, std::string(300, 's'));
  e.DropSchema(7);
  std::vector<ColumnDef> cols = {
      {"b", DataType::Bool()},
      {"i32", DataType::Int32().NotNull()},
      {"i64", DataType::Int64()},
      {"f", DataType::Float64()},
      {"d", DataType::Decimal(18, 4).value()},
      {"d2", DataType::Decimal(1, 0).value().NotNull()},
      {"day", DataType::Date()},
      {"ts", DataType::Timestamp().NotNull()},
      {"s", DataType::String()},
  };
  e.CreateTable(CreateTableOp{TableRefId{0, 3}, "orders", 12, cols, false, {1, 0}});
  e.CreateTable(CreateTableOp{
      TableRefId{UINT32_MAX, UINT32_MAX}, "mv", UINT64_MAX, {{"x", DataType::Int64()}}, true, {}});
  e.DropTable(TableRefId{0, 2});
  e.AddRowSet(TableRefId{0, 3}, RowSetMeta{5, "rowset-5", 1000, 1 << 20});
  e.AddRowSet(TableRefId{0, 3}, RowSetMeta{UINT64_MAX, "r", UINT64_MAX, 0});
  e.DeleteRowSet(TableRefId{0, 3}, 4);
  e.AddDV(TableRefId{0, 3}, DVMeta{9, 5, "dv-9"});
  e.DeleteDV(TableRefId{0, 3}, 8);
  e.SetSafeId(12, 123456789);
  e.SetSafeId(1, 0);
  return e;
}

TEST(VersionEditTest, RoundTripEveryOperation) {
  const VersionEdit e = EveryOperation();
  std::string buf = "prefix";
  e.EncodeTo(&buf);
  VersionEdit out;
  ASSERT_OK(out.DecodeFrom(std::string_view(buf).substr(6), "meta", 6));
  EXPECT_EQ(out, e) << out.DebugString() << "\nvs\n" << e.DebugString();
  EXPECT_EQ(out.DebugString(), e.DebugString());
  // Encoding is deterministic.
  std::string again;
  out.EncodeTo(&again);
  EXPECT_EQ(again, buf.substr(6));
}

TEST(VersionEditTest, EmptyEditAndSmallRecords) {
  VersionEdit empty;
  std::string buf;
  empty.EncodeTo(&buf);
  EXPECT_EQ(buf.size(), 6u);  // version, count, crc
  VersionEdit out;
  out.SetSafeId(1, 1);
  ASSERT_OK(out.DecodeFrom(buf));
  EXPECT_TRUE(out.empty());

  VersionEdit one;
  one.SetSafeId(3, 4);
  buf.clear();
  one.EncodeTo(&buf);
  EXPECT_EQ(buf.size(), 9u);  // + tag, shard, index: compact
}

TEST(VersionEditTest, EveryTruncationIsCorruption) {
  std::string buf;
  EveryOperation().EncodeTo(&buf);
  for (size_t n = 0; n < buf.size(); ++n) {
    VersionEdit out;
    Status s = out.DecodeFrom(std::string_view(buf).substr(0, n), "meta-log", 100);
    ASSERT_TRUE(s.IsCorruption()) << n << ": " << s.ToString();
    EXPECT_NE(s.message().find("meta-log at offset "), std::string::npos) << s.ToString();
    EXPECT_TRUE(out.empty());
  }
  // Extra bytes after the record are damage too.
  VersionEdit out;
  EXPECT_TRUE(out.DecodeFrom(buf + "x", "f", 0).IsCorruption());
}

TEST(VersionEditTest, EveryFlippedByteIsCorruption) {
  std::string buf;
  EveryOperation().EncodeTo(&buf);
  for (size_t i = 0; i < buf.size(); ++i) {
    for (int bit : {0, 3, 7}) {
      std::string bad = buf;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      VersionEdit out;
      Status s = out.DecodeFrom(bad, "meta-log", 0);
      ASSERT_TRUE(s.IsCorruption()) << "byte " << i << " bit " << bit << ": " << s.ToString();
      EXPECT_NE(s.message().find("meta-log"), std::string::npos);
    }
  }
}

// Records whose checksum is valid but whose contents are not: the parser's
// own checks must catch them with the offset of the damage.
std::string Sealed(std::string body) {
  PutFixed32(&body, crc32c::Mask(crc32c::Value(body)));
  return body;
}

TEST(VersionEditTest, ValidChecksumBadContents) {
  struct Case {
    std::string body;
    std::string mentions;
  };
  std::vector<Case> cases;
  cases.push_back({std::string("\x02\x00", 2), "unknown edit format version 2"});
  cases.push_back({std::string("\x01\x01\x63", 3), "unknown edit operation tag 99"});
  cases.push_back({std::string("\x01\x05\x09\x01\x02", 5), "operation count 5"});
  cases.push_back({std::string("\x01\x01\x09\x01\x02\x00", 6), "bytes after the last"});
  // create table with column type 42
  {
    std::string b("\x01\x01\x03\x00\x00", 5);
    PutLengthPrefixed(&b, "t");
    PutVarint64(&b, 1);
    b.push_back(0);  // flags
    PutVarint32(&b, 1);
    PutLengthPrefixed(&b, "a");
    b.push_back(42);
    b.push_back(0);
    PutVarint32(&b, 0);
    cases.push_back({b, "unknown column type id 42"});
  }
  // decimal(30,2)
  {
    std::string b("\x01\x01\x03\x00\x00", 5);
    PutLengthPrefixed(&b, "t");
    PutVarint64(&b, 1);
    b.push_back(0);
    PutVarint32(&b, 1);
    PutLengthPrefixed(&b, "a");
    b.push_back(static_cast<char>(TypeId::kDecimal));
    b.push_back(0);
    b.push_back(30);
    b.push_back(2);
    PutVarint32(&b, 0);
    cases.push_back({b, "bad decimal type"});
  }
  // unknown table flag, huge column count
  {
    std::string b("\x01\x01\x03\x00\x00", 5);
    PutLengthPrefixed(&b, "t");
    PutVarint64(&b, 1);
    b.push_back(4);
    cases.push_back({b, "unknown table flags 0x04"});
    b.back() = 0;
    PutVarint32(&b, 1000000);
    cases.push_back({b, "column count 1000000"});
  }
  // a name longer than the record
  {
    std::string b("\x01\x01\x01\x00", 4);
    PutVarint64(&b, 1 << 20);
    cases.push_back({b, "truncated"});
  }
  for (const Case& c : cases) {
    VersionEdit out;
    Status s = out.DecodeFrom(Sealed(c.body), "f", 1000);
    ASSERT_TRUE(s.IsCorruption()) << c.mentions << ": " << s.ToString();
    EXPECT_NE(s.message().find(c.mentions), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("f at offset 10"), std::string::npos) << s.ToString();
    EXPECT_TRUE(out.empty());
  }
}

TEST(VersionEditTest, ValidateTableDef) {
  CreateTableOp ok{TableRefId{1, 2}, "t", 1, {{"a", DataType::Int64()}}, false, {0}};
  EXPECT_OK(ValidateTableDef(ok));
  CreateTableOp bad = ok;
  bad.shard = 0;
  Status s = ValidateTableDef(bad);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("table 't' (schema 1 table 2)"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace silt::meta

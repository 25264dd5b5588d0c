#include "silt/status.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace silt {
namespace {

TEST(StatusTest, OkIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, CorruptionNamesFileAndOffset) {
  Status s = Status::Corruption("/d/segment-1-0.bin", 4096, "bad crc");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "/d/segment-1-0.bin at offset 4096: bad crc");
  EXPECT_EQ(s.ToString(), "Corruption: /d/segment-1-0.bin at offset 4096: bad crc");
}

TEST(StatusTest, IOErrorCarriesErrno) {
  Status s = Status::IOError("open /nope", ENOENT);
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(s.message(), "open /nope: No such file or directory");
}

TEST(StatusTest, WithContextKeepsCode) {
  Status s = Status::NotFound("table t").WithContext("scan");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "scan: table t");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  SILT_ASSIGN_OR_RETURN(int h, Half(v));
  SILT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(ResultTest, ValueAndErrorPropagate) {
  Result<int> r = Quarter(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2);
  Result<int> e = Quarter(6);
  ASSERT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsInvalidArgument());
  EXPECT_EQ(e.value_or(-1), -1);
}

Status CheckPositive(int v) {
  if (v <= 0) return Status::OutOfRange("not positive");
  return Status::OK();
}

Status CheckBoth(int a, int b) {
  SILT_RETURN_IF_ERROR(CheckPositive(a));
  SILT_RETURN_IF_ERROR(CheckPositive(b));
  return Status::OK();
}

TEST(ResultTest, ReturnIfError) {
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_TRUE(CheckBoth(1, -2).IsOutOfRange());
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace silt

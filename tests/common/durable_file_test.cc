#include "common/durable_file.h"

#include <gtest/gtest.h>

#include "common/fault_injection_env.h"
#include "test_util.h"

namespace silt {
namespace {

TEST(DurableFileTest, WritesAndReplacesOnRealFileSystem) {
  test::TempDir dir;
  Env* env = Env::Default();
  const std::string path = dir.path() + "/MANIFEST";
  ASSERT_OK(WriteFileDurably(env, path, "one"));
  EXPECT_EQ(*env->ReadFile(path), "one");
  ASSERT_OK(WriteFileDurably(env, path, "two"));
  EXPECT_EQ(*env->ReadFile(path), "two");
  EXPECT_FALSE(env->FileExists(path + ".tmp"));
}

TEST(DurableFileTest, SurvivesPowerCutRightAfterReturn) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/d"));
  ASSERT_OK(WriteFileDurably(&env, "/d/f", "payload"));
  env.PowerCut();
  EXPECT_EQ(*env.ReadFile("/d/f"), "payload");
}

// A power cut after every single file operation leaves either the old or the
// new contents, never a mix, and at most a .tmp file that RemoveTempFiles cleans.
TEST(DurableFileTest, PowerCutAtEveryOperationIsAtomic) {
  for (uint64_t crash_at = 0;; ++crash_at) {
    FaultInjectionEnv env;
    ASSERT_OK(env.CreateDirs("/d"));
    ASSERT_OK(WriteFileDurably(&env, "/d/f", "old contents"));
    const uint64_t start = env.mutating_ops();
    env.CrashAfter(crash_at);
    Status s = WriteFileDurably(&env, "/d/f", "new contents, longer");
    const bool finished = s.ok();
    const uint64_t used = env.mutating_ops() - start;
    env.PowerCut();
    std::string now = *env.ReadFile("/d/f");
    if (finished) {
      EXPECT_EQ(now, "new contents, longer");
    } else {
      EXPECT_TRUE(now == "old contents" || now == "new contents, longer") << now;
    }
    ASSERT_OK_AND_ASSIGN(int removed, RemoveTempFiles(&env, "/d"));
    EXPECT_LE(removed, 1);
    EXPECT_FALSE(env.FileExists("/d/f.tmp"));
    if (finished) {
      EXPECT_GE(crash_at, used);
      break;
    }
    ASSERT_LT(crash_at, 100u) << "WriteFileDurably never finished";
  }
}

TEST(DurableFileTest, FailedSyncLeavesOldFile) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/d"));
  ASSERT_OK(WriteFileDurably(&env, "/d/f", "old"));
  env.FailNth(FaultOp::kSync, 1);
  EXPECT_TRUE(WriteFileDurably(&env, "/d/f", "new").IsIOError());
  EXPECT_EQ(*env.ReadFile("/d/f"), "old");
  EXPECT_FALSE(env.FileExists("/d/f.tmp"));
}

TEST(DurableFileTest, FailedDirSyncIsReported) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/d"));
  env.FailNth(FaultOp::kSyncDir, 1);
  EXPECT_TRUE(WriteFileDurably(&env, "/d/f", "x").IsIOError());
}

TEST(DurableFileTest, RemoveTempFilesKeepsOthers) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/d"));
  for (const char* name : {"/d/a.tmp", "/d/b", "/d/c.tmp"}) {
    ASSERT_OK(env.NewFile(name, OpenMode::kCreate).status());
  }
  ASSERT_OK(env.CreateDir("/d/dir.tmp"));  // directories are left to their owners
  ASSERT_OK_AND_ASSIGN(int removed, RemoveTempFiles(&env, "/d"));
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(*env.ListDir("/d"), (std::vector<std::string>{"b", "dir.tmp"}));
}

}  // namespace
}  // namespace silt

#include "common/fault_injection_env.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_util.h"

namespace silt {
namespace {

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(env_.CreateDir("/db"));
    ASSERT_OK(env_.SyncDir("/"));
  }
  std::unique_ptr<File> Create(const std::string& path, std::string_view data, bool sync) {
    auto f = env_.NewFile(path, OpenMode::kTruncate);
    EXPECT_TRUE(f.ok());
    EXPECT_OK((*f)->Append(data));
    if (sync) EXPECT_OK((*f)->Sync());
    return std::move(f).value();
  }
  std::string Read(const std::string& path) {
    auto r = env_.ReadFile(path);
    return r.ok() ? *r : "<" + r.status().ToString() + ">";
  }

  FaultInjectionEnv env_;
};

TEST_F(FaultInjectionEnvTest, UnsyncedWriteIsGoneAfterPowerCut) {
  auto f = Create("/db/a", "durable", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("/db"));
  ASSERT_OK(f->Append(" and lost"));
  EXPECT_EQ(Read("/db/a"), "durable and lost");
  env_.PowerCut();
  EXPECT_EQ(Read("/db/a"), "durable");
}

TEST_F(FaultInjectionEnvTest, SyncedFileWithoutDirSyncVanishes) {
  auto f = Create("/db/new", "data", /*sync=*/true);
  env_.PowerCut();
  EXPECT_FALSE(env_.FileExists("/db/new"));
}

TEST_F(FaultInjectionEnvTest, DurableNameWithUnsyncedDataIsEmpty) {
  auto f = Create("/db/name-only", "data", /*sync=*/false);
  ASSERT_OK(env_.SyncDir("/db"));
  env_.PowerCut();
  ASSERT_TRUE(env_.FileExists("/db/name-only"));
  EXPECT_EQ(Read("/db/name-only"), "");
}

TEST_F(FaultInjectionEnvTest, RenameWithoutDirSyncIsUndone) {
  Create("/db/CURRENT", "v1", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("/db"));
  Create("/db/CURRENT.tmp", "v2", /*sync=*/true);
  ASSERT_OK(env_.RenameFile("/db/CURRENT.tmp", "/db/CURRENT"));
  EXPECT_EQ(Read("/db/CURRENT"), "v2");
  env_.PowerCut();
  EXPECT_EQ(Read("/db/CURRENT"), "v1");
  EXPECT_FALSE(env_.FileExists("/db/CURRENT.tmp"));  // its creation was never durable
}

TEST_F(FaultInjectionEnvTest, RenameWithDirSyncSurvives) {
  Create("/db/CURRENT", "v1", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("/db"));
  Create("/db/CURRENT.tmp", "v2", /*sync=*/true);
  ASSERT_OK(env_.RenameFile("/db/CURRENT.tmp", "/db/CURRENT"));
  ASSERT_OK(env_.SyncDir("/db"));
  env_.PowerCut();
  EXPECT_EQ(Read("/db/CURRENT"), "v2");
}

TEST_F(FaultInjectionEnvTest, RemoveWithoutDirSyncIsUndone) {
  Create("/db/f", "keep", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("/db"));
  ASSERT_OK(env_.RemoveFile("/db/f"));
  EXPECT_FALSE(env_.FileExists("/db/f"));
  env_.PowerCut();
  EXPECT_EQ(Read("/db/f"), "keep");
}

TEST_F(FaultInjectionEnvTest, NewDirectoryNeedsParentSync) {
  ASSERT_OK(env_.CreateDir("/db/sub"));
  Create("/db/sub/x", "x", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("/db/sub"));
  env_.PowerCut();
  EXPECT_FALSE(env_.FileExists("/db/sub"));
  ASSERT_OK(env_.CreateDirs("/db/sub2/deeper"));  // syncs each parent it changes
  env_.PowerCut();
  EXPECT_TRUE(env_.FileExists("/db/sub2/deeper"));
}

TEST_F(FaultInjectionEnvTest, NthSyncFails) {
  auto f = Create("/db/a", "x", /*sync=*/false);
  env_.FailNth(FaultOp::kSync, 3);
  ASSERT_OK(f->Sync());
  ASSERT_OK(f->DataSync());
  Status s = f->Sync();
  EXPECT_TRUE(s.IsIOError());
  EXPECT_NE(s.message().find("injected sync failure"), std::string::npos) << s.message();
  ASSERT_OK(f->Sync());  // not sticky: only the third fails
}

TEST_F(FaultInjectionEnvTest, StickyFailureKeepsFailing) {
  auto f = Create("/db/a", "x", /*sync=*/false);
  env_.FailNth(FaultOp::kWrite, 1, /*sticky=*/true);
  EXPECT_TRUE(f->Append("y").IsIOError());
  EXPECT_TRUE(f->Append("z").IsIOError());
  EXPECT_EQ(Read("/db/a"), "x");  // failed writes change nothing
  env_.ClearFailures();
  ASSERT_OK(f->Append("w"));
}

TEST_F(FaultInjectionEnvTest, NthRenameAndCreateFail) {
  env_.FailNth(FaultOp::kCreate, 1);
  EXPECT_TRUE(env_.NewFile("/db/c", OpenMode::kCreate).status().IsIOError());
  EXPECT_FALSE(env_.FileExists("/db/c"));
  Create("/db/c", "c", false);
  env_.FailNth(FaultOp::kRename, 1);
  EXPECT_TRUE(env_.RenameFile("/db/c", "/db/d").IsIOError());
  EXPECT_TRUE(env_.FileExists("/db/c"));
  EXPECT_FALSE(env_.FileExists("/db/d"));
}

TEST_F(FaultInjectionEnvTest, CrashAfterStopsEverythingUntilPowerCut) {
  auto f = Create("/db/a", "", /*sync=*/false);
  ASSERT_OK(env_.SyncDir("/db"));
  const uint64_t before = env_.mutating_ops();
  env_.CrashAfter(2);
  ASSERT_OK(f->Append("1"));
  ASSERT_OK(f->Sync());
  EXPECT_FALSE(env_.crashed());
  EXPECT_TRUE(f->Append("2").IsIOError());
  EXPECT_TRUE(env_.crashed());
  EXPECT_TRUE(f->Sync().IsIOError());
  EXPECT_FALSE(f->ReadAt(0, std::span<char>()).ok());
  EXPECT_EQ(env_.mutating_ops(), before + 3);
  env_.PowerCut();
  EXPECT_FALSE(env_.crashed());
  EXPECT_EQ(Read("/db/a"), "1");
  // Handles from before the power cut are stale.
  EXPECT_TRUE(f->Append("3").IsIOError());
  ASSERT_OK_AND_ASSIGN(auto g, env_.NewFile("/db/a", OpenMode::kReadWrite));
  ASSERT_OK(g->Append("3"));
}

TEST_F(FaultInjectionEnvTest, TornPowerCutKeepsAPrefixOfUnsyncedAppends) {
  const std::string synced = "base:";
  std::string all = synced;
  for (int seed = 0; seed < 50; ++seed) {
    auto f = Create("/db/log", synced, /*sync=*/true);
    ASSERT_OK(env_.SyncDir("/db"));
    all = synced;
    for (int i = 0; i < 10; ++i) {
      std::string piece(1 + i * 7, static_cast<char>('a' + i));
      ASSERT_OK(f->Append(piece));
      all += piece;
    }
    env_.PowerCut(PowerCutOptions{true, static_cast<uint64_t>(seed)});
    std::string after = Read("/db/log");
    ASSERT_GE(after.size(), synced.size());
    EXPECT_EQ(after, all.substr(0, after.size())) << "seed " << seed;
  }
}

TEST_F(FaultInjectionEnvTest, HardLinkSharesData) {
  auto f = Create("/db/a", "shared", /*sync=*/true);
  ASSERT_OK(env_.LinkFile("/db/a", "/db/b"));
  ASSERT_OK(env_.SyncDir("/db"));
  ASSERT_OK(env_.RemoveFile("/db/a"));
  ASSERT_OK(env_.SyncDir("/db"));
  env_.PowerCut();
  EXPECT_FALSE(env_.FileExists("/db/a"));
  EXPECT_EQ(Read("/db/b"), "shared");
}

TEST_F(FaultInjectionEnvTest, CountsOperationsByKind) {
  const uint64_t creates = env_.op_count(FaultOp::kCreate);  // SetUp made "/db"
  const uint64_t total = env_.mutating_ops();
  auto f = Create("/db/a", "x", /*sync=*/true);
  ASSERT_OK(f->DataSync());
  EXPECT_EQ(env_.op_count(FaultOp::kSync), 2u);
  EXPECT_EQ(env_.op_count(FaultOp::kWrite), 1u);
  EXPECT_EQ(env_.op_count(FaultOp::kCreate), creates + 1);
  EXPECT_EQ(env_.mutating_ops(), total + 4);
}

TEST(FaultInjectionEnvConcurrencyTest, ParallelWritersAndSyncs) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDir("/c"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&env, t] {
      auto f = env.NewFile("/c/f" + std::to_string(t), OpenMode::kCreate);
      ASSERT_TRUE(f.ok());
      for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE((*f)->Append("0123456789").ok());
        if (i % 10 == 0) {
          ASSERT_TRUE((*f)->Sync().ok());
        }
        if (i % 50 == 0) {
          ASSERT_TRUE(env.SyncDir("/c").ok());
        }
        std::string buf(10, '\0');
        ASSERT_TRUE((*f)->ReadAt(0, std::span<char>(buf.data(), 10)).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(*env.GetFileSize("/c/f" + std::to_string(t)), 2000u);
}

}  // namespace
}  // namespace silt

// The Env contract, checked against both the POSIX Env and the in-memory
// FaultInjectionEnv so that tests using the latter mean something for the former.
#include "silt/env.h"

#include <gtest/gtest.h>

#include <memory>

#include "common/fault_injection_env.h"
#include "common/path.h"
#include "test_util.h"

namespace silt {
namespace {

class EnvContractTest : public ::testing::TestWithParam<bool /*fault env*/> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      fault_env_ = std::make_unique<FaultInjectionEnv>();
      env_ = fault_env_.get();
      root_ = "/root";
      ASSERT_OK(env_->CreateDir(root_));
    } else {
      env_ = Env::Default();
      root_ = tmp_.path();
    }
  }
  std::string P(std::string_view name) const { return JoinPath(root_, name); }

  test::TempDir tmp_;
  std::unique_ptr<FaultInjectionEnv> fault_env_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvContractTest, WriteReadAppendTruncate) {
  ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P("a"), OpenMode::kCreateNew));
  ASSERT_OK(f->Append("hello"));
  ASSERT_OK(f->Append(" world"));
  ASSERT_OK(f->WriteAt(0, "J"));
  ASSERT_OK(f->WriteAt(20, "!"));  // extends with zeros
  ASSERT_OK_AND_ASSIGN(uint64_t size, f->Size());
  EXPECT_EQ(size, 21u);
  std::string buf(30, 'x');
  ASSERT_OK_AND_ASSIGN(size_t n, f->ReadAt(0, std::span<char>(buf.data(), buf.size())));
  EXPECT_EQ(n, 21u);
  EXPECT_EQ(buf.substr(0, 21), std::string("Jello world") + std::string(9, '\0') + "!");
  ASSERT_OK(f->Truncate(5));
  ASSERT_OK_AND_ASSIGN(std::string all, env_->ReadFile(P("a")));
  EXPECT_EQ(all, "Jello");
  ASSERT_OK(f->Sync());
  ASSERT_OK(f->DataSync());
}

TEST_P(EnvContractTest, ReadExactReportsShortFile) {
  ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P("short"), OpenMode::kTruncate));
  ASSERT_OK(f->Append("abc"));
  std::string buf(8, '\0');
  Status s = f->ReadExact(1, std::span<char>(buf.data(), buf.size()));
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.message(), P("short") + " at offset 1: file ends after 2 of 8 bytes");
}

TEST_P(EnvContractTest, OpenModes) {
  EXPECT_TRUE(env_->NewFile(P("missing"), OpenMode::kRead).status().IsNotFound());
  EXPECT_TRUE(env_->NewFile(P("missing"), OpenMode::kReadWrite).status().IsNotFound());
  ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P("m"), OpenMode::kCreate));
  ASSERT_OK(f->Append("data"));
  f.reset();
  EXPECT_TRUE(env_->NewFile(P("m"), OpenMode::kCreateNew).status().IsAlreadyExists());
  ASSERT_OK_AND_ASSIGN(auto g, env_->NewFile(P("m"), OpenMode::kCreate));
  EXPECT_EQ(*g->Size(), 4u);
  ASSERT_OK_AND_ASSIGN(auto h, env_->NewFile(P("m"), OpenMode::kTruncate));
  EXPECT_EQ(*h->Size(), 0u);
  ASSERT_OK_AND_ASSIGN(auto r, env_->NewFile(P("m"), OpenMode::kRead));
  EXPECT_FALSE(r->Append("x").ok());
}

TEST_P(EnvContractTest, AllocateGrowsWithZeros) {
  ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P("pre"), OpenMode::kCreate));
  ASSERT_OK(f->Allocate(0, 4096));
  EXPECT_EQ(*f->Size(), 4096u);
  ASSERT_OK(f->WriteAt(10, "x"));
  ASSERT_OK_AND_ASSIGN(auto map, f->Map());
  ASSERT_EQ(map->data().size(), 4096u);
  EXPECT_EQ(map->data()[10], 'x');
  EXPECT_EQ(map->data()[11], '\0');
}

TEST_P(EnvContractTest, DirectoriesRenameRemoveLink) {
  ASSERT_OK(env_->CreateDirs(P("d1/d2/d3")));
  EXPECT_TRUE(*env_->IsDirectory(P("d1/d2")));
  ASSERT_OK(env_->CreateDir(P("d1")));  // exists: OK
  ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P("d1/x"), OpenMode::kCreate));
  ASSERT_OK(f->Append("1"));
  f.reset();
  ASSERT_OK_AND_ASSIGN(auto names, env_->ListDir(P("d1")));
  EXPECT_EQ(names, (std::vector<std::string>{"d2", "x"}));
  ASSERT_OK(env_->RenameFile(P("d1/x"), P("d1/y")));
  EXPECT_FALSE(env_->FileExists(P("d1/x")));
  EXPECT_TRUE(env_->FileExists(P("d1/y")));
  ASSERT_OK(env_->LinkFile(P("d1/y"), P("d1/z")));
  EXPECT_TRUE(env_->LinkFile(P("d1/y"), P("d1/z")).IsAlreadyExists());
  ASSERT_OK(env_->RemoveFile(P("d1/y")));
  ASSERT_OK_AND_ASSIGN(std::string z, env_->ReadFile(P("d1/z")));
  EXPECT_EQ(z, "1");
  EXPECT_TRUE(env_->RemoveFile(P("d1/y")).IsNotFound());
  EXPECT_FALSE(env_->RemoveDir(P("d1")).ok());  // not empty
  ASSERT_OK(env_->SyncDir(P("d1")));
  // Renaming a directory.
  ASSERT_OK(env_->RenameFile(P("d1/d2"), P("d1/d4")));
  EXPECT_TRUE(*env_->IsDirectory(P("d1/d4/d3")));
  ASSERT_OK(env_->RemoveAll(P("d1")));
  EXPECT_FALSE(env_->FileExists(P("d1")));
  ASSERT_OK(env_->RemoveAll(P("d1")));  // already gone: OK
}

TEST_P(EnvContractTest, RenameReplacesTarget) {
  for (auto [name, text] : {std::pair{"old", "OLD"}, std::pair{"new", "NEW"}}) {
    ASSERT_OK_AND_ASSIGN(auto f, env_->NewFile(P(name), OpenMode::kTruncate));
    ASSERT_OK(f->Append(text));
  }
  ASSERT_OK(env_->RenameFile(P("new"), P("old")));
  EXPECT_EQ(*env_->ReadFile(P("old")), "NEW");
  EXPECT_FALSE(env_->FileExists(P("new")));
}

TEST_P(EnvContractTest, LockIsExclusiveUntilReleased) {
  ASSERT_OK_AND_ASSIGN(auto lock, env_->LockFile(P("LOCK")));
  auto second = env_->LockFile(P("LOCK"));
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
  lock.reset();
  ASSERT_OK_AND_ASSIGN(auto again, env_->LockFile(P("LOCK")));
}

INSTANTIATE_TEST_SUITE_P(Envs, EnvContractTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Fault" : "Posix"; });

}  // namespace
}  // namespace silt

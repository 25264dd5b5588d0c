// LogStore behaviour through its public API.
#include "silt/log_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "common/fault_injection_env.h"
#include "common/file_names.h"
#include "common/forwarding_env.h"
#include "common/path.h"
#include "log/log_file_names.h"
#include "log_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::LogPayload;
using test::SmallLogOptions;

class LogStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogStore> OpenLog(LogOptions o) {
    auto r = LogStore::Open("/log", o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::unique_ptr<LogStore> OpenLog(uint64_t segment_size = 4096) {
    return OpenLog(SmallLogOptions(&env_, segment_size));
  }
  void AppendRange(LogStore* log, uint64_t group, uint64_t from, uint64_t to, uint64_t term = 1,
                   bool sync = true) {
    // Batches of up to 10 entries, so that long ranges span segments.
    for (uint64_t start = from; start <= to; start += 10) {
      LogBatch b;
      for (uint64_t i = start; i <= std::min(to, start + 9); ++i) {
        b.Add(group, i, term, LogPayload(0, group, i));
      }
      ASSERT_OK(log->Append(b, sync));
    }
  }
  void ExpectEntries(LogStore* log, uint64_t group, uint64_t from, uint64_t to) {
    for (uint64_t i = from; i <= to; ++i) {
      auto e = log->Get(group, i);
      ASSERT_TRUE(e.ok()) << "group " << group << " index " << i << ": " << e.status().ToString();
      EXPECT_EQ(e->payload, LogPayload(0, group, i)) << group << "/" << i;
      EXPECT_EQ(e->index, i);
    }
  }

  FaultInjectionEnv env_;
};

TEST_F(LogStoreTest, EmptyGroupHasFirstOneLastZero) {
  auto log = OpenLog();
  EXPECT_EQ(log->FirstIndex(7), 1u);
  EXPECT_EQ(log->LastIndex(7), 0u);
  EXPECT_TRUE(log->Get(7, 1).status().IsNotFound());
  EXPECT_TRUE(log->Groups().empty());
  HardState hs = log->GetHardState(7);
  EXPECT_EQ(hs.term, 0u);
  EXPECT_EQ(hs.vote, 0u);
}

TEST_F(LogStoreTest, AppendAndReadManyGroupsInOneBatch) {
  auto log = OpenLog(1 << 20);
  LogBatch b;
  for (uint64_t g = 0; g < 5; ++g) {
    for (uint64_t i = 1; i <= 3; ++i) b.Add(g, i, 2, LogPayload(0, g, i));
  }
  ASSERT_OK(log->Append(b));
  for (uint64_t g = 0; g < 5; ++g) {
    EXPECT_EQ(log->FirstIndex(g), 1u);
    EXPECT_EQ(log->LastIndex(g), 3u);
    ExpectEntries(log.get(), g, 1, 3);
    EXPECT_EQ(*log->Term(g, 2), 2u);
  }
  EXPECT_EQ(log->Groups(), (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  ASSERT_OK_AND_ASSIGN(auto range, log->GetRange(3, 1, 3));
  ASSERT_EQ(range.size(), 3u);
  EXPECT_EQ(range[2].payload, LogPayload(0, 3, 3));
  ASSERT_OK_AND_ASSIGN(auto limited, log->GetRange(3, 1, 3, 1));
  EXPECT_EQ(limited.size(), 1u);
}

TEST_F(LogStoreTest, NonContiguousAppendIsRefusedWhole) {
  auto log = OpenLog();
  AppendRange(log.get(), 1, 1, 3);
  LogBatch b;
  b.Add(2, 1, 1, "ok");
  b.Add(1, 5, 1, "gap");
  Status s = log->Append(b);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("does not follow the last index 3"), std::string::npos);
  EXPECT_EQ(log->LastIndex(2), 0u);  // nothing of the batch was applied
  LogBatch zero;
  zero.Add(9, 0, 1, "x");
  EXPECT_TRUE(log->Append(zero).IsInvalidArgument());
  AppendRange(log.get(), 1, 4, 4);  // the store still works
}

TEST_F(LogStoreTest, TruncateSuffixThenReappendNewTerm) {
  auto log = OpenLog();
  AppendRange(log.get(), 1, 1, 10, 1);
  ASSERT_OK(log->TruncateSuffix(1, 6));
  EXPECT_EQ(log->LastIndex(1), 6u);
  EXPECT_TRUE(log->Get(1, 7).status().IsNotFound());
  LogBatch b;
  b.Add(1, 7, 2, "new seven");
  ASSERT_OK(log->Append(b));
  EXPECT_EQ(log->Get(1, 7)->payload, "new seven");
  EXPECT_EQ(*log->Term(1, 7), 2u);
  EXPECT_TRUE(log->TruncateSuffix(1, 20).ok());  // beyond the end: nothing to do
  EXPECT_EQ(log->LastIndex(1), 7u);
}

TEST_F(LogStoreTest, TruncatePrefixAndReset) {
  auto log = OpenLog();
  AppendRange(log.get(), 1, 1, 10);
  ASSERT_OK(log->TruncatePrefix(1, 4));
  EXPECT_EQ(log->FirstIndex(1), 4u);
  EXPECT_TRUE(log->Get(1, 3).status().IsNotFound());
  ExpectEntries(log.get(), 1, 4, 10);
  EXPECT_TRUE(log->TruncatePrefix(1, 12).IsInvalidArgument());
  EXPECT_TRUE(log->TruncateSuffix(1, 2).IsInvalidArgument());
  ASSERT_OK(log->TruncatePrefix(1, 11));  // everything, log empty at 11
  EXPECT_EQ(log->FirstIndex(1), 11u);
  EXPECT_EQ(log->LastIndex(1), 10u);
  ASSERT_OK(log->Reset(1, 100));
  EXPECT_EQ(log->FirstIndex(1), 100u);
  EXPECT_EQ(log->LastIndex(1), 99u);
  EXPECT_TRUE(log->Reset(1, 0).IsInvalidArgument());
  LogBatch b;
  b.Add(1, 100, 3, "after reset");
  ASSERT_OK(log->Append(b));
  EXPECT_EQ(log->Get(1, 100)->payload, "after reset");
}

TEST_F(LogStoreTest, HardStateIsDurable) {
  {
    auto log = OpenLog();
    ASSERT_OK(log->SetHardState(5, 7, 3));
    EXPECT_EQ(log->GetHardState(5).term, 7u);
  }
  env_.PowerCut();
  auto log = OpenLog();
  EXPECT_EQ(log->GetHardState(5).term, 7u);
  EXPECT_EQ(log->GetHardState(5).vote, 3u);
  EXPECT_EQ(log->Groups(), std::vector<uint64_t>{5});
}

TEST_F(LogStoreTest, ReopenKeepsEverythingAndAppendsContinue) {
  {
    auto log = OpenLog();
    AppendRange(log.get(), 1, 1, 5);
    AppendRange(log.get(), 2, 1, 2);
  }
  for (int round = 0; round < 3; ++round) {
    auto log = OpenLog();
    EXPECT_EQ(log->LastIndex(1), 5u + round);
    ExpectEntries(log.get(), 1, 1, 5 + round);
    ExpectEntries(log.get(), 2, 1, 2);
    AppendRange(log.get(), 1, 6 + round, 6 + round);
  }
  auto log = OpenLog();
  ExpectEntries(log.get(), 1, 1, 8);
}

TEST_F(LogStoreTest, AppendAfterRestartDoesNotOverwriteTheHeader) {
  // Ignite's segstore reopened its last segment at offset 0; check that the
  // header and earlier records are intact after appending post-restart.
  {
    auto log = OpenLog(1 << 20);
    AppendRange(log.get(), 1, 1, 3);
  }
  {
    auto log = OpenLog(1 << 20);
    AppendRange(log.get(), 1, 4, 6);
  }
  auto log = OpenLog(1 << 20);
  ExpectEntries(log.get(), 1, 1, 6);
  EXPECT_EQ(log->GetStats().segments, 1u);
}

TEST_F(LogStoreTest, RolloverCheckpointsAndReadsFromIndexFiles) {
  auto log = OpenLog(4096);
  for (uint64_t i = 1; i <= 200; ++i) {
    LogBatch b;
    for (uint64_t g = 1; g <= 3; ++g) b.Add(g, i, 1, LogPayload(0, g, i));
    ASSERT_OK(log->Append(b, /*sync=*/i % 7 == 0));
  }
  ASSERT_OK(log->WaitForCheckpoints());
  LogStats st = log->GetStats();
  EXPECT_GT(st.segments, 10u);
  EXPECT_EQ(st.index_files, st.segments - 1);  // every full segment has its index
  for (uint64_t g = 1; g <= 3; ++g) ExpectEntries(log.get(), g, 1, 200);
  log.reset();
  log = OpenLog(4096);
  for (uint64_t g = 1; g <= 3; ++g) ExpectEntries(log.get(), g, 1, 200);
}

// Holds the Sync of one file (the background zero-fill of a segment) until released.
class HoldSyncEnv final : public ForwardingEnv {
 public:
  HoldSyncEnv(Env* base, std::string held_path)
      : ForwardingEnv(base), held_path_(std::move(held_path)) {}

  Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) override {
    SILT_ASSIGN_OR_RETURN(auto f, base()->NewFile(path, mode));
    if (path != held_path_) return f;
    return std::unique_ptr<File>(std::make_unique<HeldFile>(std::move(f), this));
  }
  bool WaitUntilHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return held_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  class HeldFile final : public ForwardingFile {
   public:
    HeldFile(std::unique_ptr<File> f, HoldSyncEnv* env) : ForwardingFile(std::move(f)), env_(env) {}
    Status Sync() override {
      {
        std::unique_lock<std::mutex> lock(env_->mu_);
        env_->held_ = true;
        env_->cv_.notify_all();
        env_->cv_.wait(lock, [&] { return env_->released_; });
      }
      return ForwardingFile::Sync();
    }

   private:
    HoldSyncEnv* env_;
  };

  const std::string held_path_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  bool released_ = false;
};

// Writes that outpace the background zero-fill of the next segment do not
// wait for it: with segment 2's zero-fill held in its Sync, appends still
// fill segments 1, 2 and 3 (2 and 3 fallocated instead); once released, the
// zero-filled file is removed, and everything reads back after a reopen.
TEST_F(LogStoreTest, WriterDoesNotWaitForABackgroundZeroFill) {
  const std::string held = TempFileName(JoinPath("/log/segments", log::SegmentFileName(2, 0)));
  HoldSyncEnv env(&env_, held);
  LogOptions o = SmallLogOptions(&env, 4096);
  ASSERT_TRUE(o.zero_fill_segments);
  auto log = OpenLog(o);
  ASSERT_TRUE(env.WaitUntilHeld());
  // Run the appends on another thread, so that a writer waiting for the held
  // zero-fill fails the test instead of hanging it.
  auto appends = std::async(std::launch::async, [&] { AppendRange(log.get(), 1, 1, 300); });
  const bool finished = appends.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  env.Release();
  appends.get();
  ASSERT_TRUE(finished) << "the writer waited for the background zero-fill";
  LogStats st = log->GetStats();
  EXPECT_GE(st.segments, 3u);
  EXPECT_GE(st.segments_fallocated, 2u);
  ExpectEntries(log.get(), 1, 1, 300);
  log.reset();  // waits for the abandoned zero-fill, which removes its file
  EXPECT_FALSE(env_.FileExists(held));
  log = OpenLog(SmallLogOptions(&env_, 4096));
  ExpectEntries(log.get(), 1, 1, 300);
  AppendRange(log.get(), 1, 301, 320);
  ExpectEntries(log.get(), 1, 1, 320);
}

TEST_F(LogStoreTest, TruncatedSegmentsAreReclaimed) {
  auto log = OpenLog(4096);
  AppendRange(log.get(), 1, 1, 300);
  ASSERT_OK(log->WaitForCheckpoints());
  const uint64_t before = log->GetStats().segments;
  ASSERT_GT(before, 5u);
  ASSERT_OK(log->TruncatePrefix(1, 290));
  ASSERT_OK(log->WaitForCheckpoints());
  LogStats st = log->GetStats();
  EXPECT_LT(st.segments, before);
  EXPECT_GT(st.segments_reclaimed, 0u);
  ExpectEntries(log.get(), 1, 290, 300);
  log.reset();
  env_.PowerCut();
  log = OpenLog(4096);
  EXPECT_EQ(log->FirstIndex(1), 290u);
  ExpectEntries(log.get(), 1, 290, 300);
}

TEST_F(LogStoreTest, ConcurrentSyncAppendersShareFsyncs) {
  auto log = OpenLog(1 << 20);
  constexpr int kThreads = 8, kBatches = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1; i <= kBatches; ++i) {
        LogBatch b;
        b.Add(t, i, 1, LogPayload(0, t, i));
        ASSERT_OK(log->Append(b, true));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) ExpectEntries(log.get(), t, 1, kBatches);
  LogStats st = log->GetStats();
  EXPECT_EQ(st.batches_written, uint64_t{kThreads * kBatches});
  EXPECT_LE(st.sync_rounds, st.batches_written);
}

TEST_F(LogStoreTest, AsyncAppendCallsBackInOrder) {
  auto log = OpenLog();
  std::vector<std::future<Status>> done;
  std::vector<std::promise<Status>> promises(20);
  for (int i = 0; i < 20; ++i) done.push_back(promises[i].get_future());
  for (uint64_t i = 1; i <= 20; ++i) {
    LogBatch b;
    b.Add(1, i, 1, LogPayload(0, 1, i));
    log->AppendAsync(std::move(b), true,
                     [&promises, i](Status s) { promises[i - 1].set_value(s); });
  }
  for (auto& f : done) ASSERT_OK(f.get());
  ExpectEntries(log.get(), 1, 1, 20);
}

TEST_F(LogStoreTest, SecondOpenOfSameDirectoryIsBusy) {
  auto log = OpenLog();
  auto second = LogStore::Open("/log", SmallLogOptions(&env_));
  EXPECT_TRUE(second.status().IsBusy()) << second.status().ToString();
}

TEST_F(LogStoreTest, WriteErrorPoisonsTheStore) {
  auto log = OpenLog();
  AppendRange(log.get(), 1, 1, 2);
  env_.FailNth(FaultOp::kSync, 1);
  LogBatch b;
  b.Add(1, 3, 1, "x");
  EXPECT_TRUE(log->Append(b).IsIOError());
  LogBatch c;
  c.Add(1, 3, 1, "y");
  Status s = log->Append(c);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();  // refused from now on
  ExpectEntries(log.get(), 1, 1, 2);           // reads still work
}

TEST_F(LogStoreTest, LeftoverTmpFilesAreRemoved) {
  { auto log = OpenLog(); }
  ASSERT_OK(env_.NewFile("/log/segments/segment-0000000009-0.bin.tmp", OpenMode::kCreate).status());
  ASSERT_OK(env_.NewFile("/log/index/index-0000000001-0.bin.tmp", OpenMode::kCreate).status());
  auto log = OpenLog();
  EXPECT_FALSE(env_.FileExists("/log/segments/segment-0000000009-0.bin.tmp"));
  EXPECT_FALSE(env_.FileExists("/log/index/index-0000000001-0.bin.tmp"));
}

TEST_F(LogStoreTest, MissingIndexFileIsRebuilt) {
  {
    auto log = OpenLog(4096);
    AppendRange(log.get(), 1, 1, 100);
    ASSERT_OK(log->WaitForCheckpoints());
  }
  ASSERT_OK(env_.RemoveFile("/log/index/" + log::IndexFileName(2, 0)));
  auto log = OpenLog(4096);
  ExpectEntries(log.get(), 1, 1, 100);
  EXPECT_TRUE(env_.FileExists("/log/index/" + log::IndexFileName(2, 0)));
}

TEST_F(LogStoreTest, CorruptNewestIndexFileFallsBackToReplay) {
  {
    auto log = OpenLog(4096);
    AppendRange(log.get(), 1, 1, 100);
    ASSERT_OK(log->SetHardState(1, 4, 2));
    ASSERT_OK(log->TruncatePrefix(1, 3));
    AppendRange(log.get(), 1, 101, 150);
    ASSERT_OK(log->WaitForCheckpoints());
  }
  auto names = *env_.ListDir("/log/index");
  ASSERT_FALSE(names.empty());
  const std::string newest = "/log/index/" + names.back();
  auto f = *env_.NewFile(newest, OpenMode::kReadWrite);
  ASSERT_OK(f->WriteAt(40, "\xff\xff"));
  f.reset();
  auto log = OpenLog(4096);
  EXPECT_EQ(log->FirstIndex(1), 3u);
  EXPECT_EQ(log->GetHardState(1).term, 4u);
  ExpectEntries(log.get(), 1, 3, 150);
}

// Flips one byte of a file in the fault env.
void FlipByte(FaultInjectionEnv* env, const std::string& path, uint64_t offset) {
  auto f = *env->NewFile(path, OpenMode::kReadWrite);
  char c;
  ASSERT_OK(f->ReadExact(offset, std::span<char>(&c, 1)));
  c = static_cast<char>(c ^ 0x5a);
  ASSERT_OK(f->WriteAt(offset, std::string_view(&c, 1)));
}

std::string SegmentPath(uint64_t n) { return "/log/segments/" + log::SegmentFileName(n, 0); }

TEST_F(LogStoreTest, TornTailIsCutAndAppendingResumesThere) {
  {
    auto log = OpenLog(1 << 20);
    AppendRange(log.get(), 1, 1, 20);
  }
  // Garbage where the next batch would go: a torn write.
  ASSERT_OK_AND_ASSIGN(auto map_before, (*env_.NewFile(SegmentPath(1), OpenMode::kRead))->Map());
  const std::string before(map_before->data());
  const size_t end = before.find_last_not_of('\0') + 1;
  {
    auto f = *env_.NewFile(SegmentPath(1), OpenMode::kReadWrite);
    ASSERT_OK(f->WriteAt(end, std::string("\xb7garbage-torn-batch", 20)));
  }
  LogOptions strict = SmallLogOptions(&env_, 1 << 20);
  strict.recovery_mode = LogRecoveryMode::kStrict;
  auto refused = LogStore::Open("/log", strict);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(SegmentPath(1) + " at offset " + std::to_string(end)),
            std::string::npos)
      << refused.status().ToString();
  auto log = OpenLog(1 << 20);  // tolerate_tail (default) cuts it
  ExpectEntries(log.get(), 1, 1, 20);
  AppendRange(log.get(), 1, 21, 25);
  log.reset();
  log = OpenLog(1 << 20);
  ExpectEntries(log.get(), 1, 1, 25);
}

TEST_F(LogStoreTest, DamageInAClosedSegmentIsAnErrorNeverSkipped) {
  {
    auto log = OpenLog(4096);
    AppendRange(log.get(), 1, 1, 60);
  }
  // Segment 1 is closed; remove the index files so that recovery must scan it.
  const auto index_names = *env_.ListDir("/log/index");
  for (const auto& name : index_names) ASSERT_OK(env_.RemoveFile("/log/index/" + name));
  FlipByte(&env_, SegmentPath(1), 200);
  auto r = LogStore::Open("/log", SmallLogOptions(&env_, 4096));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(SegmentPath(1) + " at offset"), std::string::npos)
      << r.status().ToString();
}

TEST_F(LogStoreTest, DamagedEntryInAnIndexedSegmentFailsItsRead) {
  {
    auto log = OpenLog(4096);
    AppendRange(log.get(), 1, 1, 60);
    ASSERT_OK(log->WaitForCheckpoints());
  }
  // Recovery reads only index headers of closed segments, so it opens; the
  // damaged entry is reported when read, with its file and offset.
  FlipByte(&env_, SegmentPath(1), 100);
  auto log = OpenLog(4096);
  int bad = 0;
  for (uint64_t i = 1; i <= 60; ++i) {
    auto e = log->Get(1, i);
    if (!e.ok()) {
      ++bad;
      EXPECT_TRUE(e.status().IsCorruption());
      EXPECT_NE(e.status().message().find(SegmentPath(1)), std::string::npos);
    }
  }
  EXPECT_EQ(bad, 1);
}

TEST_F(LogStoreTest, WrongMagicOrVersionInASegmentIsAClearError) {
  { auto log = OpenLog(); }
  FlipByte(&env_, SegmentPath(1), 0);
  auto r = LogStore::Open("/log", SmallLogOptions(&env_));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a silt log segment"), std::string::npos)
      << r.status().ToString();
  FlipByte(&env_, SegmentPath(1), 0);  // back
  FlipByte(&env_, SegmentPath(1), 4);  // version
  r = LogStore::Open("/log", SmallLogOptions(&env_));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unsupported segment format version"), std::string::npos)
      << r.status().ToString();
}

TEST_F(LogStoreTest, TruncatedIndexFileIsRebuilt) {
  {
    auto log = OpenLog(4096);
    AppendRange(log.get(), 1, 1, 80);
    ASSERT_OK(log->WaitForCheckpoints());
  }
  const std::string path = "/log/index/" + log::IndexFileName(1, 0);
  {
    auto f = *env_.NewFile(path, OpenMode::kReadWrite);
    ASSERT_OK(f->Truncate(20));
  }
  auto log = OpenLog(4096);
  ExpectEntries(log.get(), 1, 1, 80);
  EXPECT_GT(*env_.GetFileSize(path), 20u);
}

TEST_F(LogStoreTest, MostlyDeadSegmentsAreRewrittenAboveTheSoftLimit) {
  LogOptions o = SmallLogOptions(&env_, 4096);
  o.soft_size_limit = 8 * 4096;
  auto log = OpenLog(o);
  // Group 1 and group 2 share every segment; then most of group 1 goes away,
  // leaving segments half dead but not reclaimable.
  for (uint64_t i = 1; i <= 150; ++i) {
    LogBatch c;  // group 1 takes two entries per step
    c.Add(1, 2 * i - 1, 1, LogPayload(0, 1, 2 * i - 1));
    c.Add(1, 2 * i, 1, LogPayload(0, 1, 2 * i));
    c.Add(2, i, 1, LogPayload(0, 2, i));
    ASSERT_OK(log->Append(c, false));
  }
  ASSERT_OK(log->WaitForCheckpoints());
  const LogStats before = log->GetStats();
  ASSERT_OK(log->TruncatePrefix(1, 301));  // all of group 1
  ASSERT_OK(log->WaitForCheckpoints());
  const LogStats after = log->GetStats();
  EXPECT_GT(after.segments_rewritten, 0u);
  EXPECT_EQ(after.rewrite_failures, 0u);
  EXPECT_LT(after.bytes_on_disk, before.bytes_on_disk);
  ExpectEntries(log.get(), 2, 1, 150);
  bool saw_generation_one = false;
  const auto segment_names = *env_.ListDir("/log/segments");
  for (const auto& name : segment_names) {
    saw_generation_one |= name.ends_with("-1.bin");
  }
  EXPECT_TRUE(saw_generation_one);
  log.reset();
  env_.PowerCut();
  log = OpenLog(o);
  ExpectEntries(log.get(), 2, 1, 150);
  EXPECT_EQ(log->FirstIndex(1), 301u);
  AppendRange(log.get(), 2, 151, 160);
}

}  // namespace
}  // namespace silt

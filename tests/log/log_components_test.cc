// Component tests of the shared log: segment file, group state (the striped
// mem-table's per-group runs), index file, checkpointer queue.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/coding.h"
#include "common/fault_injection_env.h"
#include "log/checkpointer.h"
#include "log/group_state.h"
#include "log/index_file.h"
#include "log/segment_file.h"
#include "test_util.h"

namespace silt::log {
namespace {

class SegmentFileTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(env_.CreateDirs("/s")); }
  // Writes one batch frame of the records at `offset`; returns the record offsets.
  std::vector<uint64_t> WriteBatch(File* f, uint64_t offset, const std::vector<Record>& records) {
    std::string frame(kFrameHeaderSize, '\0');
    std::vector<uint64_t> offsets;
    for (const auto& r : records) {
      offsets.push_back(offset + frame.size());
      EncodeRecord(&frame, r);
    }
    EncodeFrameHeader(frame.data(), kFrameBatch,
                      static_cast<uint32_t>(frame.size() - kFrameHeaderSize),
                      static_cast<uint32_t>(records.size()));
    EXPECT_OK(f->WriteAt(offset, frame));
    return offsets;
  }
  FaultInjectionEnv env_;
};

TEST_F(SegmentFileTest, CreateWriteReadScan) {
  ASSERT_OK_AND_ASSIGN(auto seg, SegmentFile::Create(&env_, "/s/seg", 5, 0, 8192));
  EXPECT_EQ(*seg->file()->Size(), 8192u);
  auto offs = WriteBatch(seg->file(), kSegmentHeaderSize,
                         {Record{RecordType::kEntry, 1, 1, 1, "one"},
                          Record{RecordType::kEntry, 2, 1, 1, std::string(6000, 'b')}});
  Record r;
  std::string payload;
  ASSERT_OK(seg->ReadRecord(offs[1], &r, &payload));
  EXPECT_EQ(r.group, 2u);
  EXPECT_EQ(payload.size(), 6000u);  // longer than the first read
  ASSERT_OK_AND_ASSIGN(auto reopened, SegmentFile::Open(&env_, "/s/seg", 5, 0, false));
  EXPECT_TRUE(SegmentFile::Open(&env_, "/s/seg", 6, 0, false).status().IsCorruption());
  ASSERT_OK_AND_ASSIGN(auto map, reopened->file()->Map());
  SegmentScanResult scan;
  int batches = 0;
  ASSERT_OK(ScanSegment(
      map->data(), "/s/seg",
      [&](uint64_t, const std::vector<ScannedRecord>& rs) {
        ++batches;
        EXPECT_EQ(rs.size(), 2u);
        return Status::OK();
      },
      &scan));
  EXPECT_EQ(batches, 1);
  EXPECT_TRUE(scan.damage.ok());
  EXPECT_FALSE(scan.sealed);
  EXPECT_GT(scan.end_offset, offs[1]);
}

TEST_F(SegmentFileTest, ScanStopsAtTornBatchAndNamesIt) {
  ASSERT_OK_AND_ASSIGN(auto seg, SegmentFile::Create(&env_, "/s/seg", 1, 0, 8192));
  WriteBatch(seg->file(), kSegmentHeaderSize, {Record{RecordType::kEntry, 1, 1, 1, "a"}});
  ASSERT_OK_AND_ASSIGN(auto map0, seg->file()->Map());
  SegmentScanResult first;
  ASSERT_OK(ScanSegment(
      map0->data(), "/s/seg", [](auto, auto&) { return Status::OK(); }, &first));
  const uint64_t second_at = first.end_offset;
  auto offs = WriteBatch(seg->file(), second_at, {Record{RecordType::kEntry, 1, 2, 1, "bbbb"}});
  ASSERT_OK(seg->file()->WriteAt(offs[0] + 3, "X"));  // corrupt the second batch's record
  ASSERT_OK_AND_ASSIGN(auto map, seg->file()->Map());
  SegmentScanResult scan;
  int batches = 0;
  ASSERT_OK(ScanSegment(
      map->data(), "/s/seg",
      [&](auto, auto&) {
        ++batches;
        return Status::OK();
      },
      &scan));
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(scan.end_offset, second_at);
  EXPECT_TRUE(scan.damage.IsCorruption());
  EXPECT_NE(scan.damage.message().find("/s/seg at offset"), std::string::npos);
}

TEST(GroupStateTest, RunsFollowAppendsAndTruncations) {
  auto seg1 = std::shared_ptr<SegmentFile>();  // runs only compare segment pointers here
  GroupState g;
  for (uint64_t i = 1; i <= 10; ++i) g.AppendEntry(seg1, i, static_cast<uint32_t>(i * 100));
  ASSERT_EQ(g.runs.size(), 1u);
  EXPECT_EQ(g.FindRun(5)->mem->offsets[5 - g.FindRun(5)->mem->base], 500u);
  g.TruncateSuffix(6);
  EXPECT_EQ(g.last, 6u);
  EXPECT_EQ(g.runs.back().hi, 7u);
  EXPECT_EQ(g.active->offsets.size(), 6u);
  EXPECT_EQ(g.FindRun(7), nullptr);
  g.AppendEntry(seg1, 7, 7777);
  EXPECT_EQ(g.runs.size(), 1u);
  EXPECT_EQ(g.active->offsets.back(), 7777u);
  g.TruncatePrefix(3);
  EXPECT_EQ(g.runs.front().lo, 3u);
  EXPECT_EQ(g.FindRun(2), nullptr);
  ASSERT_NE(g.FindRun(3), nullptr);
  g.TruncateSuffix(20);  // beyond the end: nothing
  EXPECT_EQ(g.last, 7u);
  g.Reset(50);
  EXPECT_TRUE(g.runs.empty());
  EXPECT_EQ(g.first, 50u);
  EXPECT_EQ(g.last, 49u);
  g.AppendEntry(seg1, 50, 1);
  EXPECT_EQ(g.FindRun(50)->lo, 50u);
}

TEST(GroupStateTest, IndexedRunsSupersedeOlderOnes) {
  GroupState g;
  g.AddIndexedRun(nullptr, nullptr, 0, 1, 11);  // segment A: 1..10
  g.AddIndexedRun(nullptr, nullptr, 1, 5, 8);   // segment B rewrote 5..7 after a truncation
  ASSERT_EQ(g.runs.size(), 2u);
  EXPECT_EQ(g.runs[0].hi, 5u);
  EXPECT_EQ(g.FindRun(6)->slot, 1u);
  g.first = 2;
  g.last = 6;
  g.ClampRuns();
  EXPECT_EQ(g.runs[0].lo, 2u);
  EXPECT_EQ(g.runs[1].hi, 7u);
  EXPECT_EQ(g.FindRun(7), nullptr);
}

TEST(IndexFileTest, WriteOpenLookup) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/i"));
  std::vector<uint32_t> a = {32, 64, 96}, none;
  std::vector<IndexGroupInfo> groups(2);
  groups[0] = IndexGroupInfo{7, 0, 0, 10, 13, 5, 12, 3, 1};
  groups[1] = IndexGroupInfo{9, 0, 0, 0, 0, 1, 0, 4, 4};
  ASSERT_OK(IndexFile::Write(&env, "/i/idx", 3, 0, groups, {&a, &none}));
  EXPECT_FALSE(env.FileExists("/i/idx.tmp"));
  ASSERT_OK_AND_ASSIGN(auto f, IndexFile::Open(&env, "/i/idx", 3, 0));
  ASSERT_EQ(f->groups().size(), 2u);
  EXPECT_TRUE(f->has_state());
  EXPECT_EQ(f->groups()[0].last_index, 12u);
  EXPECT_EQ(f->groups()[1].term, 4u);
  EXPECT_EQ(*f->OffsetOf(0, 11), 64u);
  EXPECT_TRUE(f->OffsetOf(0, 13).status().IsOutOfRange());
  // The index is durable when Write returns.
  env.PowerCut();
  ASSERT_OK(IndexFile::Open(&env, "/i/idx", 3, 0).status());
}

TEST(IndexFileTest, DamageIsReportedWithFileAndOffset) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/i"));
  std::vector<uint32_t> a = {32, 64, 96};
  ASSERT_OK(
      IndexFile::Write(&env, "/i/idx", 3, 0, {IndexGroupInfo{7, 0, 0, 1, 4, 1, 3, 0, 0}}, {&a}));
  const std::string good = *env.ReadFile("/i/idx");
  auto with = [&](std::string bytes) {
    auto f = *env.NewFile("/i/bad", OpenMode::kTruncate);
    EXPECT_OK(f->Append(bytes));
    return IndexFile::Open(&env, "/i/bad", 3, 0);
  };
  // Every truncation is an error (never a crash), naming the file.
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = with(good.substr(0, n));
    if (r.ok()) {
      EXPECT_FALSE((*r)->OffsetOf(0, 1).ok()) << n;  // a cut payload fails its checksum
    } else {
      EXPECT_TRUE(r.status().IsCorruption()) << n;
      EXPECT_NE(r.status().message().find("/i/bad"), std::string::npos);
    }
  }
  std::string magic = good;
  magic[0] = 'Z';
  EXPECT_NE(with(magic).status().message().find("not a silt log index file"), std::string::npos);
  std::string version = good;
  version[4] = 2;
  EXPECT_NE(with(version).status().message().find("unsupported index format version 2"),
            std::string::npos);
  std::string table = good;
  table[40] ^= 1;
  EXPECT_NE(with(table).status().message().find("header checksum"), std::string::npos);
  std::string payload = good;
  payload[payload.size() - 6] ^= 1;
  ASSERT_OK_AND_ASSIGN(auto f, with(payload));
  Status s = f->OffsetOf(0, 1).status();
  EXPECT_NE(s.message().find("payload checksum"), std::string::npos) << s.ToString();
}

TEST(CheckpointerTest, FullQueueBlocksTheWriterUntilWorkIsDone) {
  std::atomic<int> done{0};
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool open_gate = false;
  Checkpointer cp(
      2,
      [&](const FrozenSegment&) {
        std::unique_lock<std::mutex> l(gate_mu);
        gate_cv.wait(l, [&] { return open_gate; });
        done++;
        return Status::OK();
      },
      [] { return Status::OK(); });
  // One in progress plus two queued fit; the fourth Enqueue must wait.
  ASSERT_OK(cp.Enqueue(FrozenSegment{}));
  ASSERT_OK(cp.Enqueue(FrozenSegment{}));
  std::atomic<bool> fourth_returned{false};
  std::thread writer([&] {
    EXPECT_OK(cp.Enqueue(FrozenSegment{}));
    EXPECT_OK(cp.Enqueue(FrozenSegment{}));
    fourth_returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(fourth_returned.load());
  EXPECT_EQ(done.load(), 0);
  {
    std::lock_guard<std::mutex> l(gate_mu);
    open_gate = true;
  }
  gate_cv.notify_all();
  writer.join();
  ASSERT_OK(cp.WaitIdle());
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(cp.queued(), 0u);
}

TEST(CheckpointerTest, FailureIsReportedToLaterEnqueues) {
  Checkpointer cp(
      4, [](const FrozenSegment&) { return Status::IOError("disk full"); },
      [] { return Status::OK(); });
  ASSERT_OK(cp.Enqueue(FrozenSegment{}));
  EXPECT_TRUE(cp.WaitIdle().IsIOError());
  EXPECT_TRUE(cp.Enqueue(FrozenSegment{}).IsIOError());
}

}  // namespace
}  // namespace silt::log

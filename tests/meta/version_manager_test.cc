// VersionManager: every operation and its errors, epochs, pinned Versions
// unchanged by later commits, vacuum (each removed file reported once, never
// while a pinned Version can still see it), bounded memory, and a concurrent
// pin/commit test (label `concurrency`, also run under TSan).
#include "meta/version_manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <random>
#include <set>
#include <thread>

#include "test_util.h"

namespace silt::meta {
namespace {

const TableRefId kT1{0, 1};
const TableRefId kT2{0, 2};

CreateTableOp Table(TableRefId ref, ShardId shard = 1) {
  return CreateTableOp{
      ref, "t" + std::to_string(ref.table_id), shard, {{"a", DataType::Int64()}}, false, {}};
}

RowSetMeta RowSet(RowSetId id) {
  return RowSetMeta{id, "rs-" + std::to_string(id), id * 10, id * 100};
}
DVMeta DV(DVId id, RowSetId rowset) { return DVMeta{id, rowset, "dv-" + std::to_string(id)}; }

template <typename F>
Result<uint64_t> CommitOne(VersionManager* vm, F&& build) {
  VersionEdit e;
  build(&e);
  return vm->Commit(e);
}

void ExpectError(const Result<uint64_t>& r, Status::Code code, std::string_view mentions) {
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(mentions), std::string::npos)
      << "'" << r.status().message() << "' does not mention '" << mentions << "'";
}

std::set<std::string> Names(const std::vector<DeletableFile>& files) {
  std::set<std::string> out;
  for (const auto& f : files) out.insert(f.name);
  return out;
}

TEST(VersionManagerTest, OperationsAndEpochs) {
  VersionManager vm;
  EXPECT_EQ(vm.epoch(), 0u);
  ASSERT_OK_AND_ASSIGN(uint64_t e1, CommitOne(&vm, [](VersionEdit* e) {
                         e->CreateTable(Table(kT1, 3));
                         e->CreateTable(Table(kT2));
                       }));
  EXPECT_EQ(e1, 1u);
  ASSERT_OK_AND_ASSIGN(uint64_t e2, CommitOne(&vm, [](VersionEdit* e) {
                         e->AddRowSet(kT1, RowSet(1));
                         e->AddRowSet(kT1, RowSet(2));
                         e->AddDV(kT1, DV(1, 1));
                         e->AddDV(kT1, DV(2, 1));
                         e->AddDV(kT1, DV(3, 2));
                         e->SetSafeId(3, 100);
                       }));
  EXPECT_EQ(e2, 2u);
  auto v = vm.Pin();
  EXPECT_EQ(v->epoch(), 2u);
  ASSERT_OK_AND_ASSIGN(auto t1, v->GetTable(kT1));
  EXPECT_EQ(t1->shard, 3u);
  EXPECT_EQ(t1->rowsets.size(), 2u);
  EXPECT_EQ(t1->rowsets.at(2), RowSet(2));
  EXPECT_EQ(t1->dvs.size(), 3u);
  EXPECT_EQ(v->SafeId(3), 100u);
  EXPECT_EQ(v->SafeId(4), 0u);
  EXPECT_EQ(v->next_rowset_id(), 3u);
  EXPECT_EQ(v->next_dv_id(), 4u);

  // DeleteDV, then DeleteRowSet takes the rowset's remaining DVs with it.
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DeleteDV(kT1, 2); }).status());
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DeleteRowSet(kT1, 1); }).status());
  auto v4 = vm.Pin();
  ASSERT_OK_AND_ASSIGN(auto t1b, v4->GetTable(kT1));
  EXPECT_EQ(t1b->rowsets.size(), 1u);
  ASSERT_EQ(t1b->dvs.size(), 1u);
  EXPECT_EQ(t1b->dvs.begin()->first, 3u);

  // A schema-only edit is still a commit.
  ASSERT_OK_AND_ASSIGN(uint64_t e5,
                       CommitOne(&vm, [](VersionEdit* e) { e->CreateSchema(4, "x"); }));
  EXPECT_EQ(e5, 5u);

  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DropTable(kT1); }).status());
  EXPECT_FALSE(vm.Pin()->GetTable(kT1).ok());
  EXPECT_TRUE(vm.Pin()->GetTable(kT2).ok());
  EXPECT_EQ(vm.epoch(), 6u);
}

TEST(VersionManagerTest, ErrorsChangeNothing) {
  VersionManager vm;
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) {
              e->CreateTable(Table(kT1));
              e->AddRowSet(kT1, RowSet(1));
              e->AddDV(kT1, DV(1, 1));
              e->SetSafeId(1, 50);
            }).status());
  const std::string before = vm.Pin()->DebugString();

  ExpectError(vm.Commit(VersionEdit()), Status::Code::kInvalidArgument, "empty edit");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->CreateTable(Table(kT1)); }),
              Status::Code::kAlreadyExists, "schema 0 table 1");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->CreateTable(Table(kT2, 0)); }),
              Status::Code::kInvalidArgument, "shard 0");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->DropTable(kT2); }), Status::Code::kNotFound,
              "schema 0 table 2");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->AddRowSet(kT2, RowSet(5)); }),
              Status::Code::kNotFound, "schema 0 table 2");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->AddRowSet(kT1, RowSet(1)); }),
              Status::Code::kAlreadyExists, "rowset 1");
  ExpectError(CommitOne(&vm,
                        [](VersionEdit* e) {
                          e->AddRowSet(kT1, RowSetMeta{7, "", 0, 0});
                        }),
              Status::Code::kInvalidArgument, "empty name");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->DeleteRowSet(kT1, 9); }),
              Status::Code::kNotFound, "rowset 9");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->AddDV(kT1, DV(2, 9)); }),
              Status::Code::kNotFound, "rowset 9");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->AddDV(kT1, DV(1, 1)); }),
              Status::Code::kAlreadyExists, "dv 1");
  ExpectError(CommitOne(&vm,
                        [](VersionEdit* e) {
                          e->AddDV(kT1, DVMeta{3, 1, ""});
                        }),
              Status::Code::kInvalidArgument, "empty name");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->DeleteDV(kT1, 9); }), Status::Code::kNotFound,
              "dv 9");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->SetSafeId(1, 49); }),
              Status::Code::kInvalidArgument, "backwards from 50 to 49");
  ExpectError(CommitOne(&vm, [](VersionEdit* e) { e->SetSafeId(0, 1); }),
              Status::Code::kInvalidArgument, "shard 0");
  // An edit whose last operation fails leaves the earlier ones unapplied.
  ExpectError(CommitOne(&vm,
                        [](VersionEdit* e) {
                          e->AddRowSet(kT1, RowSet(2));
                          e->DeleteRowSet(kT1, 1);
                          e->SetSafeId(1, 10);
                        }),
              Status::Code::kInvalidArgument, "backwards");

  // Check gives the same answers without committing anything.
  VersionEdit bad;
  bad.DeleteDV(kT1, 9);
  EXPECT_TRUE(vm.Check(bad).IsNotFound());
  VersionEdit good;
  good.AddRowSet(kT1, RowSet(2));
  EXPECT_OK(vm.Check(good));

  EXPECT_EQ(vm.Pin()->DebugString(), before);
  EXPECT_EQ(vm.epoch(), 1u);
  EXPECT_EQ(vm.pending_deletions(), 0u);
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->SetSafeId(1, 50); }).status());  // equal: ok
}

TEST(VersionManagerTest, PinnedVersionIsUnchangedByLaterCommits) {
  VersionManager vm;
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) {
              e->CreateTable(Table(kT1));
              e->AddRowSet(kT1, RowSet(1));
              e->AddDV(kT1, DV(1, 1));
              e->SetSafeId(1, 5);
            }).status());
  auto pinned = vm.Pin();
  const std::string text = pinned->DebugString();
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) {
              e->AddRowSet(kT1, RowSet(2));
              e->DeleteRowSet(kT1, 1);
              e->SetSafeId(1, 9);
              e->CreateTable(Table(kT2));
            }).status());
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DropTable(kT1); }).status());
  EXPECT_EQ(pinned->DebugString(), text);
  EXPECT_EQ(pinned->epoch(), 1u);
  EXPECT_EQ(pinned->SafeId(1), 5u);
  EXPECT_NE(vm.Pin()->DebugString(), text);
}

TEST(VersionManagerTest, VacuumWaitsForOlderPinsAndReportsOnce) {
  VersionManager vm;
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) {
              e->CreateTable(Table(kT1));
              e->CreateTable(Table(kT2));
              e->AddRowSet(kT1, RowSet(1));
              e->AddRowSet(kT1, RowSet(2));
              e->AddDV(kT1, DV(1, 1));
              e->AddRowSet(kT2, RowSet(3));
            }).status());
  auto pin1 = vm.Pin();  // epoch 1 sees everything
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DeleteRowSet(kT1, 1); }).status());  // 2
  auto pin2 = vm.Pin();
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DropTable(kT2); }).status());  // 3
  EXPECT_EQ(vm.pending_deletions(), 3u);
  EXPECT_EQ(vm.pinned_epochs(), 2u);
  EXPECT_TRUE(vm.TakeDeletableFiles().empty());  // pin1 sees all three

  pin1.reset();
  // pin2 (epoch 2) no longer sees rowset 1 and its DV, but still sees rowset 3.
  auto files = vm.TakeDeletableFiles();
  EXPECT_EQ(Names(files), (std::set<std::string>{"rs-1", "dv-1"}));
  for (const auto& f : files) {
    EXPECT_EQ(f.removed_epoch, 2u);
    EXPECT_EQ(f.table, kT1);
  }
  EXPECT_TRUE(vm.TakeDeletableFiles().empty());  // once only

  pin2.reset();
  files = vm.TakeDeletableFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], (DeletableFile{DeletableFile::Kind::kRowSet, kT2, 3, "rs-3", 3}));
  EXPECT_TRUE(vm.TakeDeletableFiles().empty());
  EXPECT_EQ(vm.pending_deletions(), 0u);
  EXPECT_EQ(vm.pinned_epochs(), 0u);

  // Without pins, a removal is deletable at once; a pin of the current epoch
  // does not hold back files it cannot see.
  auto current = vm.Pin();
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->DeleteRowSet(kT1, 2); }).status());
  EXPECT_TRUE(vm.TakeDeletableFiles().empty());  // `current` (epoch 3) sees rs-2
  auto newer = vm.Pin();
  current.reset();
  EXPECT_EQ(Names(vm.TakeDeletableFiles()), std::set<std::string>{"rs-2"});
}

TEST(VersionManagerTest, MemoryDoesNotGrowWithHistory) {
  VersionManager vm;
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->CreateTable(Table(kT1)); }).status());
  std::weak_ptr<const Version> first = vm.Pin();
  for (RowSetId i = 0; i < 2000; ++i) {
    auto pin = vm.Pin();  // held during one commit, then dropped
    ASSERT_OK(CommitOne(&vm, [&](VersionEdit* e) {
                e->AddRowSet(kT1, RowSet(i));
                if (i > 0) e->DeleteRowSet(kT1, i - 1);
              }).status());
    pin.reset();
    vm.TakeDeletableFiles();
  }
  EXPECT_TRUE(first.expired());  // old versions are freed
  EXPECT_LE(vm.pinned_epochs(), 1u);
  EXPECT_EQ(vm.pending_deletions(), 0u);
  ASSERT_OK_AND_ASSIGN(auto t, vm.Pin()->GetTable(kT1));
  EXPECT_EQ(t->rowsets.size(), 1u);
}

TEST(VersionManagerTest, NewIdsAreAboveCommittedOnes) {
  VersionManager vm;
  EXPECT_EQ(vm.NewRowSetId(), 0u);
  EXPECT_EQ(vm.NewRowSetId(), 1u);
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) {
              e->CreateTable(Table(kT1));
              e->AddRowSet(kT1, RowSet(10));
              e->AddDV(kT1, DV(20, 10));
            }).status());
  EXPECT_EQ(vm.NewRowSetId(), 11u);
  EXPECT_EQ(vm.NewRowSetId(), 12u);
  EXPECT_EQ(vm.NewDVId(), 21u);
}

// Readers pin and check that their Version never changes and that no file
// they can see has been reported deletable; a writer commits add/delete
// rowsets; a vacuum thread takes deletable files.
TEST(VersionManagerTest, ConcurrentPinCommitAndVacuum) {
  VersionManager vm;
  ASSERT_OK(CommitOne(&vm, [](VersionEdit* e) { e->CreateTable(Table(kT1)); }).status());
  std::mutex deleted_mu;
  std::set<RowSetId> deleted;  // reported deletable (the "deleted files")
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};

  std::thread writer([&] {
    std::mt19937_64 rng(7);
    std::vector<RowSetId> live;
    for (int i = 0; i < 3000; ++i) {
      VersionEdit e;
      const RowSetId id = vm.NewRowSetId();
      e.AddRowSet(kT1, RowSet(id));
      std::vector<RowSetId> next = live;
      next.push_back(id);
      if (live.size() > 4 || (rng() % 2 && !live.empty())) {
        const size_t k = rng() % live.size();
        e.DeleteRowSet(kT1, live[k]);
        next.erase(next.begin() + static_cast<long>(k));
      }
      if (!vm.Commit(e).ok()) violations++;
      live = std::move(next);
    }
    stop = true;
  });
  std::thread vacuum([&] {
    while (!stop) {
      for (const auto& f : vm.TakeDeletableFiles()) {
        std::lock_guard<std::mutex> lock(deleted_mu);
        if (!deleted.insert(f.id).second) violations++;  // reported twice
      }
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      // Each reader holds a few older pins for a while, so vacuum has to wait.
      std::deque<std::pair<std::shared_ptr<const Version>, std::string>> held;
      uint64_t n = 0;
      while (!stop) {
        auto v = vm.Pin();
        held.emplace_back(v, v->DebugString());
        if (held.size() > static_cast<size_t>(1 + r * 3)) held.pop_front();
        if (++n % 7 == 0) std::this_thread::yield();
        for (const auto& [pinned, text] : held) {
          auto t = pinned->GetTable(kT1);
          if (!t.ok()) {
            violations++;
            continue;
          }
          {
            std::lock_guard<std::mutex> lock(deleted_mu);
            for (const auto& [id, rs] : (*t)->rowsets) {
              if (deleted.count(id) != 0) violations++;  // visible yet deleted
            }
          }
          if (pinned->DebugString() != text) violations++;
        }
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  vacuum.join();
  EXPECT_EQ(violations.load(), 0);

  // With every pin gone, everything removed is reported, exactly once.
  for (const auto& f : vm.TakeDeletableFiles()) EXPECT_TRUE(deleted.insert(f.id).second);
  ASSERT_OK_AND_ASSIGN(auto t, vm.Pin()->GetTable(kT1));
  EXPECT_EQ(deleted.size() + t->rowsets.size(), 3000u);
  for (const auto& [id, rs] : t->rowsets) EXPECT_EQ(deleted.count(id), 0u);
}

}  // namespace
}  // namespace silt::meta

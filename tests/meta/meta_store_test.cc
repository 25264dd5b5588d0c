// MetaStore: commits through the metadata log, DDL by name and its errors,
// checkpoints (delta, global, automatic), what a restart replays, leftover
// files, bad input (corrupt, truncated or foreign checkpoint files, a
// checkpoint naming an unknown table, a bad log record) and readers running
// beside commits and checkpoints (label `concurrency`, also run under TSan).
#include "meta/meta_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/durable_file.h"
#include "common/fault_injection_env.h"
#include "common/path.h"
#include "meta_store_test_util.h"
#include "test_util.h"

namespace silt::meta {
namespace {

using test::MetaNode;

MetaOptions ManualOptions(uint64_t delta = 0, int global_every = 10) {
  MetaOptions o;
  o.heartbeat = std::chrono::milliseconds(0);
  o.checkpoint_delta = delta;
  o.global_every = global_every;
  return o;
}

const std::vector<ColumnDef> kColumns = {{"id", DataType::Int64().NotNull()},
                                         {"name", DataType::String()}};

std::vector<std::string> CheckpointFiles(MetaNode& node) {
  return node.meta->GetStatus().checkpoint_files;
}

// Adds a rowset to `ref` (one commit).
Status AddRowSet(MetaStore* m, TableRefId ref) {
  VersionEdit e;
  const RowSetId id = m->versions().NewRowSetId();
  e.AddRowSet(ref, RowSetMeta{id, "rs-" + std::to_string(id), 100, 4096});
  return m->Commit(e).status();
}

TEST(MetaStoreTest, CommitsSurviveRestartAndEpochsContinue) {
  FaultInjectionEnv env;
  MetaNode node(&env, "/db", ManualOptions());
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->epoch(), 0u);
  ASSERT_OK_AND_ASSIGN(SchemaId s, node.meta->CreateSchema("sales"));
  ASSERT_OK_AND_ASSIGN(TableRefId t, node.meta->CreateTable("sales", "orders", 3, kColumns));
  ASSERT_OK(AddRowSet(node.meta.get(), t));
  VersionEdit safe;
  safe.SetSafeId(3, 77);
  ASSERT_OK_AND_ASSIGN(uint64_t epoch, node.meta->Commit(safe));
  EXPECT_EQ(epoch, 4u);
  // Each commit is one record of log group 0 at index = epoch.
  EXPECT_EQ(node.log->FirstIndex(kMetaShard), 1u);
  EXPECT_EQ(node.log->LastIndex(kMetaShard), 4u);
  const std::string before = node.meta->DebugString();

  // Power cut right after: every commit was durable on return.
  node.Close();
  env.PowerCut();
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->DebugString(), before);
  EXPECT_EQ(node.meta->open_stats().log_records_replayed, 4u);
  EXPECT_EQ(node.meta->versions().Pin()->SafeId(3), 77u);
  ASSERT_OK_AND_ASSIGN(TableRefId again, node.meta->catalog().GetTableIdByName("sales", "orders"));
  EXPECT_EQ(again, t);
  EXPECT_EQ(again.schema_id, s);
  ASSERT_OK_AND_ASSIGN(uint64_t next, node.meta->Commit(safe));
  EXPECT_EQ(next, 5u);
}

TEST(MetaStoreTest, DdlByNameAndItsErrors) {
  FaultInjectionEnv env;
  MetaNode node(&env, "/db", ManualOptions());
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("a").status());
  auto dup = node.meta->CreateSchema("a");
  EXPECT_TRUE(dup.status().IsAlreadyExists()) << dup.status().ToString();
  auto no_schema = node.meta->CreateTable("nope", "t", 1, kColumns);
  EXPECT_TRUE(no_schema.status().IsNotFound()) << no_schema.status().ToString();
  EXPECT_NE(no_schema.status().message().find("nope"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(TableRefId t1, node.meta->CreateTable("a", "t", 1, kColumns));
  auto dup_table = node.meta->CreateTable("a", "t", 1, kColumns);
  EXPECT_TRUE(dup_table.status().IsAlreadyExists()) << dup_table.status().ToString();
  auto meta_shard = node.meta->CreateTable("a", "u", kMetaShard, kColumns);
  EXPECT_TRUE(meta_shard.status().IsInvalidArgument()) << meta_shard.status().ToString();
  Status no_table = node.meta->DropTable("a", "zzz");
  EXPECT_TRUE(no_table.IsNotFound()) << no_table.ToString();
  EXPECT_NE(no_table.message().find("zzz"), std::string::npos);
  // Failed DDL used no epoch.
  EXPECT_EQ(node.meta->epoch(), 2u);

  // Drop, then create the same name: a new id, never reused after restart.
  ASSERT_OK(node.meta->DropTable("a", "t"));
  ASSERT_OK_AND_ASSIGN(TableRefId t2, node.meta->CreateTable("a", "t", 1, kColumns));
  EXPECT_NE(t2, t1);
  ASSERT_OK(node.meta->DropSchema("a"));
  EXPECT_TRUE(node.meta->catalog().GetSchemaByName("a").status().IsNotFound());
  ASSERT_OK_AND_ASSIGN(SchemaId a2, node.meta->CreateSchema("a"));
  ASSERT_OK(node.meta->Checkpoint());
  node.Close();
  ASSERT_OK(node.Open());
  ASSERT_OK_AND_ASSIGN(SchemaId a3, node.meta->CreateSchema("b"));
  EXPECT_GT(a3, a2);
  ASSERT_OK_AND_ASSIGN(TableRefId t3, node.meta->CreateTable("a", "t", 1, kColumns));
  EXPECT_EQ(t3.schema_id, a2);
  EXPECT_EQ(t3.table_id, 0u);  // table ids are per schema; schema a2 is new
}

TEST(MetaStoreTest, CheckpointsDeltaGlobalAndLogTruncation) {
  FaultInjectionEnv env;
  MetaNode node(&env, "/db", ManualOptions(0, /*global_every=*/2));
  ASSERT_OK(node.Open());
  bool written = true;
  ASSERT_OK(node.meta->Checkpoint(&written));
  EXPECT_FALSE(written) << "nothing committed, nothing to checkpoint";

  ASSERT_OK(node.meta->CreateSchema("s").status());
  std::vector<TableRefId> tables;
  for (int i = 0; i < 12; ++i) {
    ASSERT_OK_AND_ASSIGN(TableRefId t,
                         node.meta->CreateTable("s", "t" + std::to_string(i), 1, kColumns));
    tables.push_back(t);
  }
  ASSERT_OK(node.meta->Checkpoint(&written));
  EXPECT_TRUE(written);
  // The first checkpoint is global; the log prefix it covers is gone.
  EXPECT_EQ(CheckpointFiles(node),
            std::vector<std::string>{CheckpointFileName(CheckpointKind::kGlobal, 1, 13)});
  EXPECT_EQ(node.log->FirstIndex(kMetaShard), 14u);

  ASSERT_OK(AddRowSet(node.meta.get(), tables[1]));
  ASSERT_OK(node.meta->DropTable("s", "t2"));
  ASSERT_OK(node.meta->Checkpoint());
  ASSERT_OK(AddRowSet(node.meta.get(), tables[3]));
  ASSERT_OK(node.meta->Checkpoint());
  EXPECT_EQ(CheckpointFiles(node),
            (std::vector<std::string>{CheckpointFileName(CheckpointKind::kGlobal, 1, 13),
                                      CheckpointFileName(CheckpointKind::kDelta, 14, 15),
                                      CheckpointFileName(CheckpointKind::kDelta, 16, 16)}));
  // A delta holds only what changed: the first one table 1 (table 2 was
  // dropped, so it is only absent from the name list).
  {
    ASSERT_OK_AND_ASSIGN(
        std::string bytes,
        env.ReadFile("/db/meta/" + CheckpointFileName(CheckpointKind::kDelta, 14, 15)));
    ASSERT_OK_AND_ASSIGN(CheckpointData d, DecodeCheckpoint(bytes, "delta"));
    ASSERT_EQ(d.changed.size(), 1u);
    EXPECT_EQ(d.changed[0].state.def.table, tables[1]);
    ASSERT_EQ(d.schemas.size(), 1u);
    EXPECT_EQ(d.schemas[0].tables.size(), 11u);
  }
  // After global_every deltas the next checkpoint is global and replaces them.
  ASSERT_OK(AddRowSet(node.meta.get(), tables[0]));
  ASSERT_OK(node.meta->Checkpoint());
  EXPECT_EQ(CheckpointFiles(node),
            std::vector<std::string>{CheckpointFileName(CheckpointKind::kGlobal, 1, 17)});
  const std::string state = node.meta->DebugString();
  ASSERT_OK(AddRowSet(node.meta.get(), tables[0]));
  const std::string state2 = node.meta->DebugString();
  EXPECT_NE(state, state2);
  node.Close();
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->DebugString(), state2);
  EXPECT_EQ(node.meta->open_stats().global_checkpoints_loaded, 1);
  EXPECT_EQ(node.meta->open_stats().log_records_replayed, 1u);
  MetaStatus st = node.meta->GetStatus();
  EXPECT_EQ(st.epoch, 18u);
  EXPECT_EQ(st.last_checkpoint_epoch, 17u);
  EXPECT_EQ(st.commits_since_checkpoint, 1u);
}

// A global checkpoint replaces the deltas as soon as they stop paying off:
// when one changes more than half of the tables, or when the deltas since
// the last global one add up to more than half of its size, whatever
// global_every says; the rule holds across restarts (sizes come from the
// files).
TEST(MetaStoreTest, GlobalCheckpointOnceDeltasStopPayingOff) {
  FaultInjectionEnv env;
  MetaNode node(&env, "/db", ManualOptions(0, /*global_every=*/100));
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("s").status());
  std::vector<TableRefId> tables;
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK_AND_ASSIGN(TableRefId t,
                         node.meta->CreateTable("s", "t" + std::to_string(i), 1, kColumns));
    tables.push_back(t);
  }
  ASSERT_OK(node.meta->Checkpoint());  // global 1..11
  auto change = [&](int first, int n) {
    for (int i = first; i < first + n; ++i) ASSERT_OK(AddRowSet(node.meta.get(), tables[i]));
  };
  // More than half of the tables changed: global right away.
  change(0, 6);
  ASSERT_OK(node.meta->Checkpoint());
  EXPECT_EQ(CheckpointFiles(node),
            std::vector<std::string>{CheckpointFileName(CheckpointKind::kGlobal, 1, 17)});
  // Small deltas accumulate until they pass half of the global one.
  int deltas = 0;
  for (int round = 0; round < 10 && CheckpointFiles(node).size() == 1u + deltas; ++round) {
    change(round % 10, 1);
    ASSERT_OK(node.meta->Checkpoint());
    if (CheckpointFiles(node).size() == 2u + deltas) deltas++;
  }
  EXPECT_GE(deltas, 2) << "small deltas should come first";
  EXPECT_LE(deltas, 7);
  ASSERT_EQ(CheckpointFiles(node).size(), 1u) << "then a global one replaces them";
  EXPECT_TRUE(CheckpointFiles(node)[0].ends_with(".global"));
  // Across a restart: the same number of deltas, then a global one.
  const int expected = deltas;
  deltas = 0;
  for (int round = 0; round < 10 && CheckpointFiles(node).size() == 1u + deltas; ++round) {
    change(round % 10, 1);
    ASSERT_OK(node.meta->Checkpoint());
    if (CheckpointFiles(node).size() == 2u + deltas) deltas++;
    node.Close();
    ASSERT_OK(node.Open());
  }
  EXPECT_EQ(deltas, expected);
  EXPECT_EQ(CheckpointFiles(node).size(), 1u);
}

TEST(MetaStoreTest, HeartbeatCheckpointsEveryDeltaCommits) {
  FaultInjectionEnv env;
  MetaOptions o;
  o.checkpoint_delta = 5;
  o.heartbeat = std::chrono::milliseconds(2);
  MetaNode node(&env, "/db", o);
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("s").status());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(node.meta->CreateTable("s", "t" + std::to_string(i), 1, kColumns).status());
  }
  // 4 commits: below the delta, the heartbeat leaves them alone.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(node.meta->GetStatus().checkpoints_written, 0u);
  ASSERT_OK(node.meta->CreateTable("s", "t3", 1, kColumns).status());
  // The fifth commit reaches it: wait (bounded) for the background checkpoint.
  for (int i = 0; i < 5000 && node.meta->GetStatus().checkpoints_written == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  MetaStatus st = node.meta->GetStatus();
  EXPECT_EQ(st.checkpoints_written, 1u);
  EXPECT_EQ(st.last_checkpoint_epoch, 5u);
  EXPECT_EQ(st.commits_since_checkpoint, 0u);
  EXPECT_EQ(st.log_first_index, 6u);
}

TEST(MetaStoreTest, LeftoverAndSupersededFilesAreRemoved) {
  FaultInjectionEnv env;
  MetaNode node(&env, "/db", ManualOptions(0, 1));
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("s").status());
  ASSERT_OK(node.meta->Checkpoint());
  ASSERT_OK(node.meta->CreateSchema("t").status());
  ASSERT_OK(node.meta->Checkpoint());  // delta 2..2
  const std::string state = node.meta->DebugString();
  node.Close();
  // A crash while writing a checkpoint leaves a .tmp; one while removing
  // superseded files leaves an older global checkpoint.
  ASSERT_OK(WriteFileDurably(&env, "/db/meta/checkpoint-x.tmp", "half"));
  ASSERT_OK_AND_ASSIGN(
      std::string g, env.ReadFile("/db/meta/" + CheckpointFileName(CheckpointKind::kGlobal, 1, 1)));
  // A delta the global checkpoint covers (its bytes are never read).
  const std::string superseded = "/db/meta/" + CheckpointFileName(CheckpointKind::kDelta, 1, 1);
  ASSERT_OK(WriteFileDurably(&env, superseded, g));
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->DebugString(), state);
  EXPECT_FALSE(env.FileExists("/db/meta/checkpoint-x.tmp"));
  EXPECT_FALSE(env.FileExists(superseded));
  EXPECT_EQ(node.meta->open_stats().stale_files_removed, 2);
}

// Commits not yet synced when a checkpoint made them durable: a crash after
// the checkpoint's rename but before the log truncation leaves a log that
// ends before the checkpoint. Open continues after the checkpoint.
TEST(MetaStoreTest, CheckpointAheadOfAnUnsyncedLog) {
  FaultInjectionEnv env;
  MetaOptions o = ManualOptions();
  o.sync = false;
  MetaNode node(&env, "/db", o);
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("s").status());
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(node.meta->CreateTable("s", "t" + std::to_string(i), 1, kColumns).status());
  }
  const std::string state = node.meta->DebugString();
  // create .tmp, write, fsync, rename, fsync dir: then the power goes.
  env.CrashAfter(5);
  EXPECT_FALSE(node.meta->Checkpoint().ok());
  node.Close();
  env.PowerCut();
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->DebugString(), state);
  EXPECT_EQ(node.meta->epoch(), 5u);
  ASSERT_OK(node.meta->CreateSchema("after").status());
  EXPECT_EQ(node.meta->epoch(), 6u);
  EXPECT_EQ(node.log->LastIndex(kMetaShard), 6u);
}

// ---- bad input ----

class MetaStoreBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<MetaNode>(&env_, "/db", ManualOptions(0, 3));
    ASSERT_OK(node_->Open());
    ASSERT_OK(node_->meta->CreateSchema("s").status());
    ASSERT_OK(node_->meta->CreateTable("s", "t", 1, kColumns).status());
    ASSERT_OK(node_->meta->Checkpoint());
    global_ = "/db/meta/" + CheckpointFileName(CheckpointKind::kGlobal, 1, 2);
    ASSERT_TRUE(env_.FileExists(global_));
    node_->Close();
  }
  void ExpectOpenFails(std::string_view mentions1, std::string_view mentions2 = "") {
    Status s = node_->Open();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.ToString().find(mentions1), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find(mentions2), std::string::npos) << s.ToString();
  }
  // Appends a record to the metadata log behind the store's back.
  void AppendToMetaLog(uint64_t index, const std::string& payload) {
    LogOptions lo;
    lo.env = &env_;
    lo.segment_size = node_->segment_size;
    ASSERT_OK_AND_ASSIGN(auto log, LogStore::Open("/db/log", lo));
    LogBatch b;
    b.Add(kMetaShard, index, 1, payload);
    ASSERT_OK(log->Append(b));
  }
  void Rewrite(const std::string& path, const std::string& bytes) {
    ASSERT_OK(WriteFileDurably(&env_, path, bytes));
  }

  FaultInjectionEnv env_;
  std::unique_ptr<MetaNode> node_;
  std::string global_;
};

TEST_F(MetaStoreBadInputTest, FlippedByteAnywhereNamesTheFile) {
  ASSERT_OK_AND_ASSIGN(std::string good, env_.ReadFile(global_));
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x20;
    Rewrite(global_, bad);
    SCOPED_TRACE("byte " + std::to_string(i));
    ExpectOpenFails(global_, "offset");
    if (HasFailure()) return;
  }
}

TEST_F(MetaStoreBadInputTest, TruncatedFile) {
  ASSERT_OK_AND_ASSIGN(std::string good, env_.ReadFile(global_));
  Rewrite(global_, good.substr(0, good.size() - 1));
  ExpectOpenFails(global_, "truncated");
  Rewrite(global_, good.substr(0, 10));
  ExpectOpenFails(global_, "shorter");
}

TEST_F(MetaStoreBadInputTest, WrongMagic) {
  ASSERT_OK_AND_ASSIGN(std::string good, env_.ReadFile(global_));
  Rewrite(global_, "NOTACKPT" + good.substr(8));
  ExpectOpenFails(global_, "magic");
}

TEST_F(MetaStoreBadInputTest, DeltaWithoutItsGlobalCheckpoint) {
  ASSERT_OK(
      env_.RenameFile(global_, "/db/meta/" + CheckpointFileName(CheckpointKind::kDelta, 1, 2)));
  ExpectOpenFails("no global checkpoint");
}

TEST_F(MetaStoreBadInputTest, CheckpointReferringToAnUnknownTable) {
  // A delta that lists table 0 and a table 9 of schema 0, with no definition
  // of table 9.
  CheckpointData d;
  d.kind = CheckpointKind::kDelta;
  d.start_epoch = 3;
  d.end_epoch = 3;
  d.next_schema_id = 1;
  d.schemas.push_back(
      CheckpointData::SchemaEntry{0, "s", 10, {CheckpointData::TableName{0, "t"}, {9, "ghost"}}});
  const std::string path = "/db/meta/" + CheckpointFileName(CheckpointKind::kDelta, 3, 3);
  Rewrite(path, EncodeCheckpoint(d));
  ExpectOpenFails(path, "unknown table 'ghost'");
}

TEST_F(MetaStoreBadInputTest, MissingDeltaInTheChain) {
  CheckpointData d;
  d.kind = CheckpointKind::kDelta;
  d.start_epoch = 5;  // 3..4 missing
  d.end_epoch = 6;
  d.next_schema_id = 1;
  d.schemas.push_back(CheckpointData::SchemaEntry{0, "s", 1, {CheckpointData::TableName{0, "t"}}});
  const std::string path = "/db/meta/" + CheckpointFileName(CheckpointKind::kDelta, 5, 6);
  Rewrite(path, EncodeCheckpoint(d));
  ExpectOpenFails(path, "a checkpoint is missing");
}

TEST_F(MetaStoreBadInputTest, LogRecordThatIsNotAnEdit) {
  AppendToMetaLog(3, "this is not a version edit");
  ExpectOpenFails("metadata log (log group 0) index 3");
}

TEST_F(MetaStoreBadInputTest, LogRecordThatDoesNotApply) {
  VersionEdit e;
  e.DropTable(TableRefId{0, 42});
  std::string rec;
  e.EncodeTo(&rec);
  AppendToMetaLog(3, rec);
  ExpectOpenFails("index 3", "does not apply");
}

// ---- concurrency ----

// Readers pin versions and read the catalog while a writer commits and the
// heartbeat writes checkpoints; every reader's snapshot stays unchanged, and
// vacuum never reports a file a pinned Version still lists.
TEST(MetaStoreConcurrencyTest, ReadersBesideCommitsAndCheckpoints) {
  silt::test::TempDir dir;
  MetaOptions o;
  o.checkpoint_delta = 50;
  o.global_every = 3;
  o.heartbeat = std::chrono::milliseconds(1);
  MetaNode node(Env::Default(), dir.path(), o);
  node.segment_size = 1 << 16;
  ASSERT_OK(node.Open());
  ASSERT_OK(node.meta->CreateSchema("s").status());
  ASSERT_OK_AND_ASSIGN(TableRefId t, node.meta->CreateTable("s", "t", 1, kColumns));
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        auto v = node.meta->versions().Pin();
        auto cat = node.meta->catalog().Current();
        const std::string before = v->DebugString() + cat->DebugString();
        std::this_thread::yield();
        if (v->DebugString() + cat->DebugString() != before) violations++;
      }
    });
  }
  std::thread vacuum([&] {
    while (!stop.load()) {
      auto pinned = node.meta->versions().Pin();
      for (const DeletableFile& f : node.meta->versions().TakeDeletableFiles()) {
        auto tv = pinned->GetTable(f.table);
        if (tv.ok() && f.kind == DeletableFile::Kind::kRowSet && (*tv)->rowsets.count(f.id)) {
          violations++;
        }
      }
    }
  });
  std::vector<RowSetId> live;
  for (int i = 0; i < 600; ++i) {
    VersionEdit e;
    if (live.size() > 5) {
      e.DeleteRowSet(t, live.front());
      live.erase(live.begin());
    }
    const RowSetId id = node.meta->versions().NewRowSetId();
    e.AddRowSet(t, RowSetMeta{id, "rs" + std::to_string(id), 1, 1});
    live.push_back(id);
    ASSERT_OK(node.meta->Commit(e).status());
  }
  stop = true;
  for (auto& th : readers) th.join();
  vacuum.join();
  EXPECT_EQ(violations.load(), 0);
  const std::string state = node.meta->DebugString();
  EXPECT_GT(node.meta->GetStatus().checkpoints_written, 0u);
  node.Close();
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.meta->DebugString(), state);
}

}  // namespace
}  // namespace silt::meta

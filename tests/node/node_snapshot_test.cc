// Node snapshots (silt/node_snapshot.h): full and incremental snapshots of a
// node through inserts, loads, deletes, compactions and drops, restored into
// fresh directories; shard snapshots; log records of unflushed MemTables;
// folding on reap; damaged snapshots refused with nothing half-restored.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/durable_file.h"
#include "common/file_names.h"
#include "common/path.h"
#include "node_test_util.h"
#include "silt/node.h"
#include "silt/node_snapshot.h"
#include "silt/snapshot_store.h"

namespace silt {
namespace {

using test::MakeRows;

const std::vector<ColumnDef>& Columns() {
  static const auto* cols =
      new std::vector<ColumnDef>(*ParseColumnDefs("id int64 not null, s string, x float64"));
  return *cols;
}

RowBatch Rows(int64_t first, int64_t n) {
  std::vector<std::vector<Value>> rows;
  for (int64_t id = first; id < first + n; ++id) {
    rows.push_back({Value::Int(id), Value::String("s" + std::to_string(id % 97)),
                    Value::Double(static_cast<double>(id) / 4)});
  }
  return MakeRows(Columns(), rows);
}

NodeOptions Options() {
  NodeOptions o;
  o.background_interval = std::chrono::milliseconds(0);
  o.log_segment_size = 1 << 20;
  return o;
}

// Every table of the node with its rows, sorted: what a restore must equal.
using Contents = std::map<std::string, std::vector<std::string>>;

Contents Dump(Node* node) {
  Contents out;
  auto status = node->GetStatus();
  EXPECT_TRUE(status.ok()) << status.status().ToString();
  if (!status.ok()) return out;
  for (const TableStatus& t : status->tables) {
    auto r = node->Query(t.schema, t.name, "SELECT * FROM t");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) continue;
    std::vector<std::string> rows;
    for (size_t i = 0; i < r->rows; ++i) {
      std::string line;
      for (size_t c = 0; c < r->columns.size(); ++c) {
        line += FormatResultValue(r->columns[c], i) + "|";
      }
      rows.push_back(std::move(line));
    }
    std::sort(rows.begin(), rows.end());
    out[t.schema + "." + t.name] = std::move(rows);
  }
  return out;
}

Contents DumpDir(const std::string& dir) {
  auto node = Node::Open(dir, Options());
  EXPECT_TRUE(node.ok()) << node.status().ToString();
  if (!node.ok()) return {};
  return Dump(node->get());
}

std::string Summary(const Contents& c) {
  std::string s;
  for (const auto& [name, rows] : c) s += name + ":" + std::to_string(rows.size()) + " ";
  return s;
}

class NodeSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = JoinPath(dir_.path(), "data");
    auto node = Node::Open(data_, Options());
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    node_ = std::move(*node);
    auto store = SnapshotStore::Open(Env::Default(), JoinPath(data_, kSnapshotsDirName));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  void Load(const std::string& table, int64_t first, int64_t n) {
    auto load = node_->BeginLoad("", table);
    ASSERT_TRUE(load.ok()) << load.status().ToString();
    ASSERT_OK((*load)->Add(Rows(first, n)));
    ASSERT_OK((*load)->Commit().status());
  }

  NodeSnapshotResult Snap(NodeSnapshotOptions o = {}) {
    auto r = node_->Snapshot(*store_, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : NodeSnapshotResult{};
  }

  // Restores `id` into a fresh directory and returns its contents.
  Contents Restored(const std::string& id) {
    const std::string to = JoinPath(dir_.path(), "restore-" + std::to_string(++restores_));
    auto r = Node::Restore(*store_, id, to);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return {};
    return DumpDir(to);
  }

  test::TempDir dir_;
  std::string data_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<SnapshotStore> store_;
  int restores_ = 0;
};

TEST_F(NodeSnapshotTest, RoundTripThroughFullAndIncrementalSnapshots) {
  ASSERT_OK(node_->CreateTable("", "a", Columns(), {"id"}).status());
  ASSERT_OK(node_->CreateTable("", "b", Columns()).status());
  ASSERT_OK(node_->CreateTable("", "gone", Columns()).status());
  ASSERT_OK(node_->Insert("", "a", Rows(0, 500)));
  Load("b", 0, 3000);
  Load("gone", 0, 100);
  std::map<std::string, Contents> expected;  // by snapshot id

  auto s0 = Snap();
  EXPECT_EQ(s0.kind, SnapshotKind::kFull);
  expected[s0.id] = Dump(node_.get());
  EXPECT_EQ(Summary(expected[s0.id]), "main.a:500 main.b:3000 main.gone:100 ");

  // 1: inserts and a delete across rowsets and the MemTable.
  ASSERT_OK(node_->Insert("", "a", Rows(500, 200)));
  ASSERT_OK(node_->Flush());
  ASSERT_OK(node_->Insert("", "a", Rows(700, 50)));
  ASSERT_OK_AND_ASSIGN(uint64_t n, node_->Delete("", "a", "id >= 690 and id < 765"));
  EXPECT_EQ(n, 60u);  // 690..749: 10 in rowsets, 50 in the MemTable
  auto s1 = Snap();
  EXPECT_EQ(s1.kind, SnapshotKind::kIncremental);
  EXPECT_EQ(s1.base, s0.id);
  EXPECT_GT(s1.files_added, 0u);
  EXPECT_LT(s1.files_added, s1.files);
  expected[s1.id] = Dump(node_.get());

  // 2: a compaction (rowsets replaced: files removed) and a drop.
  ASSERT_OK(node_->Compact("", "a").status());
  ASSERT_OK(node_->DropTable("", "gone"));
  ASSERT_OK(node_->Vacuum().status());
  auto s2 = Snap();
  EXPECT_EQ(s2.kind, SnapshotKind::kIncremental);
  EXPECT_GT(s2.files_removed, 0u);
  expected[s2.id] = Dump(node_.get());
  EXPECT_EQ(expected[s2.id].count("main.gone"), 0u);

  // 3: a new table, a load and deletes in a loaded table.
  ASSERT_OK(node_->CreateTable("", "c", Columns(), {"id"}).status());
  Load("c", 10, 40);
  ASSERT_OK(node_->Delete("", "b", "id < 1000").status());
  auto s3 = Snap();
  EXPECT_EQ(s3.kind, SnapshotKind::kIncremental);
  expected[s3.id] = Dump(node_.get());

  for (const auto& [id, want] : expected) {
    SCOPED_TRACE("snapshot " + id);
    ASSERT_OK(VerifyNodeSnapshot(*store_, id).status());
    EXPECT_EQ(Restored(id), want);
  }

  // Reap folds the chain into a full snapshot at the same epoch first.
  ASSERT_OK_AND_ASSIGN(int reaped, ReapNodeSnapshots(*store_));
  EXPECT_EQ(reaped, 4);
  ASSERT_OK(store_->WaitForDeletes());
  ASSERT_OK_AND_ASSIGN(auto all, store_->List());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].kind, SnapshotKind::kFull);
  EXPECT_EQ(all[0].index, s3.epoch);
  ASSERT_OK(VerifyNodeSnapshot(*store_).status());
  EXPECT_EQ(Restored(""), expected[s3.id]);

  // The next snapshot extends the folded one.
  ASSERT_OK(node_->Insert("", "c", Rows(1000, 5)));
  auto s4 = Snap();
  EXPECT_EQ(s4.kind, SnapshotKind::kIncremental);
  EXPECT_EQ(s4.base, all[0].id);
  EXPECT_EQ(Restored(s4.id), Dump(node_.get()));
}

TEST_F(NodeSnapshotTest, IncrementalHoldsOnlyWhatChangedAndFilesAreLinked) {
  ASSERT_OK(node_->CreateTable("", "t", Columns()).status());
  for (int i = 0; i < 10; ++i) Load("t", i * 2000, 2000);
  auto full = Snap();
  EXPECT_EQ(full.files_added, full.files);
  ASSERT_OK(node_->Insert("", "t", Rows(100000, 200)));
  auto inc = Snap();
  ASSERT_EQ(inc.kind, SnapshotKind::kIncremental);
  EXPECT_EQ(inc.files, full.files + inc.files_added);
  EXPECT_LT(inc.bytes_added * 5, full.bytes_added);
  EXPECT_EQ(inc.files_removed, 0u);

  // A snapshot's data file is the node's own file, linked (same inode).
  std::string some_file;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_ + "/tables")) {
    if (entry.is_regular_file()) some_file = entry.path().string();
  }
  ASSERT_FALSE(some_file.empty());
  struct stat st {};
  ASSERT_EQ(::stat(some_file.c_str(), &st), 0);
  EXPECT_GE(st.st_nlink, 2u) << some_file << " is not linked into the snapshot";

  // --full re-links everything, reusing the recorded checksums.
  NodeSnapshotOptions o;
  o.full = true;
  auto full2 = Snap(o);
  EXPECT_EQ(full2.kind, SnapshotKind::kFull);
  EXPECT_EQ(full2.files_added, full2.files);
  EXPECT_EQ(Restored(full2.id), Dump(node_.get()));
}

TEST_F(NodeSnapshotTest, ShardSnapshotHoldsOneShard) {
  ASSERT_OK(node_->CreateTable("", "a", Columns()).status());
  ASSERT_OK(node_->CreateTable("", "b", Columns()).status());
  Load("a", 0, 100);
  Load("b", 0, 200);
  ASSERT_OK_AND_ASSIGN(TableStatus b, node_->DescribeTable("", "b"));
  NodeSnapshotOptions o;
  o.shard = b.shard;
  auto s = Snap(o);
  EXPECT_EQ(s.tables, 1u);
  Contents want = Dump(node_.get());
  want.erase("main.a");
  EXPECT_EQ(Restored(s.id), want);

  // A whole-node snapshot does not extend a shard snapshot.
  auto all = Snap();
  EXPECT_EQ(all.kind, SnapshotKind::kFull);

  o.shard = 999;
  EXPECT_TRUE(node_->Snapshot(*store_, o).status().IsNotFound());
}

TEST_F(NodeSnapshotTest, WithoutFlushTheLogRecordsAreCarried) {
  ASSERT_OK(node_->CreateTable("", "t", Columns(), {"id"}).status());
  Load("t", 0, 1000);
  ASSERT_OK(node_->Insert("", "t", Rows(5000, 30)));
  ASSERT_OK(node_->Insert("", "t", Rows(6000, 30)));
  ASSERT_OK(node_->Delete("", "t", "id >= 5010 and id < 5020 or id < 10").status());
  NodeSnapshotOptions o;
  o.flush = false;
  auto s = Snap(o);
  EXPECT_EQ(s.log_records, 3u);
  const Contents want = Dump(node_.get());
  const std::string to = JoinPath(dir_.path(), "restored");
  ASSERT_OK(Node::Restore(*store_, s.id, to).status());
  auto restored = Node::Open(to, Options());
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ((*restored)->open_stats().records_replayed, 3u);
  EXPECT_EQ(Dump(restored->get()), want);
  // The restored node goes on from there, and is a node of its own.
  ASSERT_OK((*restored)->Insert("", "t", Rows(7000, 1)));
  ASSERT_OK((*restored)->Flush());
  EXPECT_EQ(test::Scalar(restored->get(), "t", "SELECT count(*) FROM t"), "1041");
  auto other_id = Env::Default()->ReadFile(JoinPath(to, kNodeIdFileName));
  auto own_id = Env::Default()->ReadFile(JoinPath(data_, kNodeIdFileName));
  ASSERT_TRUE(other_id.ok() && own_id.ok());
  EXPECT_NE(*other_id, *own_id);
}

TEST_F(NodeSnapshotTest, SnapshotsOfAnotherNodeAreNeverExtended) {
  ASSERT_OK(node_->CreateTable("", "t", Columns()).status());
  Load("t", 0, 100);
  Snap();
  auto other = Node::Open(JoinPath(dir_.path(), "other"), Options());
  ASSERT_TRUE(other.ok());
  ASSERT_OK((*other)->CreateTable("", "t", Columns()).status());
  for (int i = 0; i < 5; ++i) ASSERT_OK((*other)->Insert("", "t", Rows(i * 10, 10)));
  ASSERT_OK((*other)->Flush());
  auto r = (*other)->Snapshot(*store_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, SnapshotKind::kFull);
  EXPECT_EQ(Restored(r->id), Dump(other->get()));
}

// Flips one byte of `path` (a regular file).
void FlipByte(const std::string& path, size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x20);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

TEST_F(NodeSnapshotTest, DamagedSnapshotsAreRefusedAndNothingIsHalfRestored) {
  ASSERT_OK(node_->CreateTable("", "t", Columns()).status());
  Load("t", 0, 1000);
  auto full = Snap();
  Load("t", 1000, 1000);
  ASSERT_OK(node_->Insert("", "t", Rows(5000, 3)));
  NodeSnapshotOptions no_flush;
  no_flush.flush = false;
  auto inc = Snap(no_flush);
  ASSERT_EQ(inc.kind, SnapshotKind::kIncremental);
  node_.reset();  // the linked files are the node's: damage them only once it is closed

  const std::string full_dir = store_->SnapshotDir(full.id);
  const std::string inc_dir = store_->SnapshotDir(inc.id);
  auto expect_refused = [&](const std::string& what, const std::string& needle) {
    SCOPED_TRACE(what);
    auto v = VerifyNodeSnapshot(*store_, inc.id);
    ASSERT_FALSE(v.ok());
    EXPECT_NE(v.status().ToString().find(needle), std::string::npos) << v.status().ToString();
    const std::string to = JoinPath(dir_.path(), "r");
    auto r = Node::Restore(*store_, inc.id, to);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().ToString().find(needle), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(Env::Default()->FileExists(to));
    EXPECT_FALSE(Env::Default()->FileExists(to + ".restoring"));
  };
  ASSERT_OK(VerifyNodeSnapshot(*store_, inc.id).status());

  // A flipped byte in a data file held by the base snapshot.
  std::string data_file;
  for (const auto& entry : std::filesystem::directory_iterator(full_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find("col-0000.dat") != std::string::npos) data_file = entry.path().string();
  }
  ASSERT_FALSE(data_file.empty());
  FlipByte(data_file, 10);
  expect_refused("flipped data byte", std::filesystem::path(data_file).filename().string());
  FlipByte(data_file, 10);
  ASSERT_OK(VerifyNodeSnapshot(*store_, inc.id).status());

  // A flipped byte in the incremental's log records.
  std::string log_name;
  for (const auto& entry : std::filesystem::directory_iterator(inc_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("log-", 0) == 0) log_name = entry.path().string();
  }
  ASSERT_FALSE(log_name.empty());
  FlipByte(log_name, 20);
  expect_refused("flipped log byte", std::filesystem::path(log_name).filename().string());
  FlipByte(log_name, 20);

  // A missing file, and a missing base snapshot.
  ASSERT_OK(Env::Default()->RenameFile(data_file, data_file + ".away"));
  expect_refused("missing file", "missing");
  ASSERT_OK(Env::Default()->RenameFile(data_file + ".away", data_file));
  ASSERT_OK(Env::Default()->RenameFile(full_dir, full_dir + ".away"));
  expect_refused("missing base", full.id);
  ASSERT_OK(Env::Default()->RenameFile(full_dir + ".away", full_dir));
  ASSERT_OK(VerifyNodeSnapshot(*store_, inc.id).status());
}

TEST_F(NodeSnapshotTest, RestoreNeedsANewDirectory) {
  ASSERT_OK(node_->CreateTable("", "t", Columns()).status());
  Load("t", 0, 10);
  Snap();
  const std::string to = JoinPath(dir_.path(), "busy");
  ASSERT_OK(Env::Default()->CreateDirs(to));
  ASSERT_OK(WriteFileDurably(Env::Default(), JoinPath(to, "x"), "keep me"));
  auto r = Node::Restore(*store_, "", to);
  EXPECT_TRUE(r.status().IsAlreadyExists()) << r.status().ToString();
  EXPECT_EQ(*Env::Default()->ReadFile(JoinPath(to, "x")), "keep me");
  // An empty directory is fine.
  const std::string empty = JoinPath(dir_.path(), "empty");
  ASSERT_OK(Env::Default()->CreateDirs(empty));
  ASSERT_OK(Node::Restore(*store_, "", empty).status());
  EXPECT_EQ(Summary(DumpDir(empty)), "main.t:10 ");
  // An empty store, or an unknown id.
  EXPECT_TRUE(Node::Restore(*store_, "1-999-1", JoinPath(dir_.path(), "n")).status().IsNotFound());
}

}  // namespace
}  // namespace silt

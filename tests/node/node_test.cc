// Node: the write path, flush, delete, load, compaction, vacuum and restart.
#include "silt/node.h"

#include <gtest/gtest.h>

#include "common/file_names.h"
#include "common/path.h"
#include "meta/meta_store.h"
#include "node/node_file_names.h"
#include "node_test_util.h"

namespace silt {
namespace {

using test::MakeRows;
using test::Rows;
using test::Scalar;

const std::vector<ColumnDef>& Columns() {
  static const auto* cols = new std::vector<ColumnDef>(
      *ParseColumnDefs("id int64 not null, name string, price decimal(12,2), day date"));
  return *cols;
}

// Rows id = first .. first + n - 1, name "n<id>" (null when id % 10 == 0),
// price id / 100, day 2024-01-01 + id % 30.
RowBatch Generate(int64_t first, int64_t n) {
  std::vector<std::vector<Value>> rows;
  for (int64_t id = first; id < first + n; ++id) {
    rows.push_back({Value::Int(id),
                    id % 10 == 0 ? Value::Null() : Value::String("n" + std::to_string(id)),
                    Value::Int(id), Value::Int(DaysFromCivil(2024, 1, 1) + id % 30)});
  }
  return MakeRows(Columns(), rows);
}

NodeOptions Quiet() {
  NodeOptions o;
  o.background_interval = std::chrono::milliseconds(0);
  o.log_segment_size = 1 << 20;
  return o;
}

class NodeTest : public ::testing::Test {
 protected:
  void Open(const NodeOptions& options = Quiet()) {
    node_.reset();
    auto n = Node::Open(dir_.path(), options);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    node_ = std::move(*n);
  }
  void CreateT(const std::vector<std::string>& sort_key = {}) {
    ASSERT_OK(node_->CreateTable("", "t", Columns(), sort_key).status());
  }
  std::string Count(std::string_view where = "") {
    std::string sql = "SELECT count(*) FROM t";
    if (!where.empty()) sql += " WHERE " + std::string(where);
    return Scalar(node_.get(), "t", sql);
  }
  std::string Sum() { return Scalar(node_.get(), "t", "SELECT sum(id) FROM t"); }
  std::string TableDir() {
    auto st = node_->DescribeTable("", "t");
    EXPECT_TRUE(st.ok());
    return JoinPath(JoinPath(dir_.path(), std::string(kTablesDirName)),
                    node::TableDirName(st->ref));
  }
  std::vector<std::string> Files(const std::string& dir) {
    auto names = Env::Default()->ListDir(dir);
    EXPECT_TRUE(names.ok());
    return names.ok() ? *names : std::vector<std::string>{};
  }

  test::TempDir dir_;
  std::unique_ptr<Node> node_;
};

TEST_F(NodeTest, InsertScanRestartReplaysTheLog) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 100)));
  ASSERT_OK(node_->Insert("", "t", Generate(101, 5000)));
  EXPECT_EQ(Count(), "5100");
  EXPECT_EQ(Sum(), std::to_string(5100 * 5101 / 2));
  EXPECT_EQ(Count("name is null"), "510");
  Open();
  EXPECT_EQ(node_->open_stats().records_replayed, 2u);
  EXPECT_EQ(node_->open_stats().rows_replayed, 5100u);
  EXPECT_EQ(Count(), "5100");
  EXPECT_EQ(Sum(), std::to_string(5100 * 5101 / 2));
  EXPECT_EQ(Rows(node_.get(), "t", "SELECT id, name, price, day FROM t WHERE id = 42"),
            std::vector<std::string>{"42|n42|0.42|2024-01-13"});
}

TEST_F(NodeTest, FlushWritesARowSetAdvancesTheSafeIdAndReleasesTheLog) {
  Open();
  CreateT({"id"});
  ASSERT_OK(node_->Insert("", "t", Generate(500, 500)));
  ASSERT_OK(node_->Insert("", "t", Generate(1, 499)));
  ASSERT_OK(node_->Flush());
  ASSERT_OK_AND_ASSIGN(TableStatus st, node_->DescribeTable("", "t"));
  EXPECT_EQ(st.rowsets, 1u);
  EXPECT_EQ(st.rowset_rows, 999u);
  EXPECT_EQ(st.memtable_rows, 0u);
  EXPECT_EQ(st.safe_id, 2u);
  EXPECT_EQ(node_->log().FirstIndex(st.shard), 3u);  // released
  // Sorted by the sort key: the first rows of the rowset are the smallest ids.
  EXPECT_EQ(Rows(node_.get(), "t", "SELECT id FROM t LIMIT 3"),
            (std::vector<std::string>{"1", "2", "3"}));
  ASSERT_OK(node_->Insert("", "t", Generate(1000, 1)));
  Open();
  EXPECT_EQ(node_->open_stats().records_replayed, 1u);  // only the one after the flush
  EXPECT_EQ(Count(), "1000");
  EXPECT_EQ(Sum(), std::to_string(1000 * 1001 / 2));
}

TEST_F(NodeTest, DeleteCoversRowSetsAndMemTableAndSurvivesRestart) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 1000)));
  ASSERT_OK(node_->Flush());
  ASSERT_OK(node_->Insert("", "t", Generate(1001, 1000)));
  ASSERT_OK_AND_ASSIGN(uint64_t deleted, node_->Delete("", "t", "id <= 500 or name is null"));
  EXPECT_EQ(deleted, 650u);
  ASSERT_OK_AND_ASSIGN(deleted, node_->Delete("", "t", "id <= 500"));
  EXPECT_EQ(deleted, 0u);
  EXPECT_EQ(Count(), "1350");
  ASSERT_OK_AND_ASSIGN(TableStatus st, node_->DescribeTable("", "t"));
  EXPECT_EQ(st.delete_vectors, 1u);
  EXPECT_EQ(st.deleted_rows, 550u);
  EXPECT_EQ(st.memtable_rows, 900u);
  const std::string sum = Sum();
  Open();
  EXPECT_EQ(Count(), "1350");
  EXPECT_EQ(Sum(), sum);
  // Rows inserted after a delete are not deleted by its replay.
  ASSERT_OK(node_->Insert("", "t", Generate(1, 2)));
  Open();
  EXPECT_EQ(Count(), "1352");
  ASSERT_OK(node_->Flush());
  Open();
  EXPECT_EQ(node_->open_stats().records_replayed, 0u);
  EXPECT_EQ(Count(), "1352");
}

TEST_F(NodeTest, LoadIsAllOrNothing) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 10)));
  {
    ASSERT_OK_AND_ASSIGN(auto load, node_->BeginLoad("", "t"));
    ASSERT_OK(load->Add(Generate(100, 5000)));
    EXPECT_EQ(Count(), "10");  // not visible before Commit
    // Dropped without Commit: nothing stays, not even files.
  }
  EXPECT_EQ(Count(), "10");
  EXPECT_EQ(Files(TableDir()).size(), 0u);
  NodeOptions o = Quiet();
  o.load_rowset_rows = 2000;  // three rowsets
  Open(o);
  ASSERT_OK_AND_ASSIGN(auto load, node_->BeginLoad("", "t"));
  for (int i = 0; i < 5; ++i) ASSERT_OK(load->Add(Generate(100 + 1000 * i, 1000)));
  ASSERT_OK_AND_ASSIGN(uint64_t rows, load->Commit());
  EXPECT_EQ(rows, 5000u);
  EXPECT_EQ(Count(), "5010");
  ASSERT_OK_AND_ASSIGN(TableStatus st, node_->DescribeTable("", "t"));
  EXPECT_EQ(st.rowsets, 4u);  // three loaded + the flushed memtable
  EXPECT_EQ(st.memtable_rows, 0u);
  Open();
  EXPECT_EQ(node_->open_stats().records_replayed, 0u);
  EXPECT_EQ(Count(), "5010");
  // A bad batch fails the load; nothing of it is committed.
  ASSERT_OK_AND_ASSIGN(auto bad, node_->BeginLoad("", "t"));
  ASSERT_OK(bad->Add(Generate(20000, 10)));
  RowBatch wrong = MakeRows(*ParseColumnDefs("id int64"), {{Value::Int(1)}});
  EXPECT_TRUE(bad->Add(wrong).IsInvalidArgument());
  EXPECT_FALSE(bad->Commit().ok());
  bad.reset();
  EXPECT_EQ(Count(), "5010");
}

TEST_F(NodeTest, CompactionMergesSortedRowSetsDropsDeletedRowsAndVacuums) {
  Open();
  CreateT({"id"});
  for (int i = 0; i < 3; ++i) {
    // Interleaved keys: each rowset spans the whole range.
    std::vector<std::vector<Value>> rows;
    for (int64_t id = i; id < 3000; id += 3) {
      rows.push_back({Value::Int(id), Value::String("x"), Value::Int(id), Value::Null()});
    }
    ASSERT_OK(node_->Insert("", "t", MakeRows(Columns(), rows)));
    ASSERT_OK(node_->Flush());
  }
  ASSERT_OK_AND_ASSIGN(uint64_t deleted, node_->Delete("", "t", "id < 100"));
  EXPECT_EQ(deleted, 100u);
  const std::string dir = TableDir();
  EXPECT_EQ(Files(dir).size(), 6u);  // 3 rowsets + a DV for each
  ASSERT_OK_AND_ASSIGN(CompactionResult c, node_->Compact("", "t"));
  EXPECT_TRUE(c.compacted);
  EXPECT_TRUE(c.merged);
  EXPECT_EQ(c.input_rowsets, 3u);
  EXPECT_EQ(c.output_rows, 2900u);
  EXPECT_EQ(Files(dir).size(), 1u);  // the old rowsets and the DV are vacuumed
  EXPECT_EQ(Count(), "2900");
  EXPECT_EQ(Rows(node_.get(), "t", "SELECT id FROM t LIMIT 3"),
            (std::vector<std::string>{"100", "101", "102"}));
  ASSERT_OK_AND_ASSIGN(c, node_->Compact("", "t"));
  EXPECT_FALSE(c.compacted);  // one rowset, no deletes: nothing to do
  Open();
  EXPECT_EQ(Count(), "2900");
  EXPECT_EQ(Sum(), std::to_string(3000 * 2999 / 2 - 100 * 99 / 2));
}

TEST_F(NodeTest, VacuumWaitsForReadersOfTheOldVersion) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 100)));
  ASSERT_OK(node_->Flush());
  ASSERT_OK(node_->Insert("", "t", Generate(101, 100)));
  ASSERT_OK(node_->Flush());
  auto pinned = node_->meta().versions().Pin();
  ASSERT_OK_AND_ASSIGN(CompactionResult c, node_->Compact("", "t"));
  EXPECT_TRUE(c.compacted);
  EXPECT_EQ(Files(TableDir()).size(), 3u);  // a reader still sees the old rowsets
  pinned.reset();
  ASSERT_OK_AND_ASSIGN(uint64_t removed, node_->Vacuum());
  EXPECT_EQ(removed, 2u);
  EXPECT_EQ(Files(TableDir()).size(), 1u);
  EXPECT_EQ(Count(), "200");
}

TEST_F(NodeTest, DropTableRemovesItsFilesAndReplaysNothingOfIt) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 100)));
  ASSERT_OK(node_->Flush());
  ASSERT_OK(node_->Insert("", "t", Generate(101, 100)));
  const std::string dir = TableDir();
  ASSERT_OK(node_->DropTable("", "t"));
  EXPECT_FALSE(Env::Default()->FileExists(dir));
  EXPECT_TRUE(node_->Query("", "t", "SELECT count(*) FROM t").status().IsNotFound());
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 3)));
  Open();
  EXPECT_EQ(Count(), "3");
}

TEST_F(NodeTest, OpenRemovesFilesNoMetadataReferences) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 100)));
  ASSERT_OK(node_->Flush());
  const std::string dir = TableDir();
  node_.reset();
  Env* env = Env::Default();
  ASSERT_OK(env->CreateDir(JoinPath(dir, node::RowSetDirName(999))));
  ASSERT_OK(env->CreateDir(JoinPath(dir, node::RowSetDirName(998) + ".tmp")));
  ASSERT_OK(env->CreateDir(JoinPath(JoinPath(dir_.path(), "tables"), "s9-t9")));
  {
    ASSERT_OK_AND_ASSIGN(auto f,
                         env->NewFile(JoinPath(dir, node::DVFileName(7)), OpenMode::kCreate));
  }
  Open();
  EXPECT_EQ(node_->open_stats().orphan_files_removed, 4u);
  EXPECT_EQ(Files(dir).size(), 1u);
  EXPECT_EQ(Count(), "100");
}

TEST_F(NodeTest, BadInputIsAClearErrorAndChangesNothing) {
  Open();
  CreateT();
  ASSERT_OK(node_->Insert("", "t", Generate(1, 10)));
  EXPECT_TRUE(node_->Insert("", "nope", Generate(1, 1)).IsNotFound());
  EXPECT_TRUE(node_->Insert("nope", "t", Generate(1, 1)).IsNotFound());
  RowBatch wrong =
      MakeRows(*ParseColumnDefs("id int32 not null, name string, price decimal(12,2), day date"),
               {{Value::Int(1), Value::Null(), Value::Null(), Value::Null()}});
  Status s = node_->Insert("", "t", wrong);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  auto d = node_->Delete("", "t", "id = ");
  ASSERT_TRUE(d.status().IsInvalidArgument());
  EXPECT_NE(d.status().message().find("--where at 6"), std::string::npos) << d.status().ToString();
  d = node_->Delete("", "t", "nosuch = 1");
  ASSERT_TRUE(d.status().IsInvalidArgument());
  EXPECT_NE(d.status().message().find("unknown column 'nosuch'"), std::string::npos);
  d = node_->Delete("", "t", "id + 1");
  EXPECT_TRUE(d.status().IsInvalidArgument());
  EXPECT_TRUE(node_->CreateTable("", "t", Columns()).status().IsAlreadyExists());
  EXPECT_TRUE(node_->CreateTable("", "u", Columns(), {"zz"}).status().IsInvalidArgument());
  EXPECT_EQ(Count(), "10");
  Open();
  EXPECT_EQ(Count(), "10");
}

}  // namespace
}  // namespace silt

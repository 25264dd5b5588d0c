// Snapshots taken while inserters, a deleter, flushes and compactions run
// (ThreadSanitizer in CI): each snapshot, restored, is one consistent state —
// per inserter a prefix of what it inserted, and of the table being deleted
// from in order, a suffix of its rows.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "common/file_names.h"
#include "common/path.h"
#include "node_test_util.h"
#include "silt/node.h"
#include "silt/node_snapshot.h"
#include "silt/snapshot_store.h"

namespace silt {
namespace {

constexpr int kInserters = 3;
constexpr int64_t kRange = 1000000;  // inserter k uses ids [k * kRange, (k + 1) * kRange)
constexpr int64_t kBatch = 5;
constexpr int64_t kDeletable = 400;

const std::vector<ColumnDef>& Columns() {
  static const auto* cols = new std::vector<ColumnDef>(*ParseColumnDefs("id int64 not null"));
  return *cols;
}

RowBatch Rows(int64_t first, int64_t n) {
  RowBatch b;
  b.columns.emplace_back(Columns()[0].type);
  for (int64_t id = first; id < first + n; ++id) b.columns[0].AppendInt64(id);
  b.rows = static_cast<size_t>(n);
  return b;
}

NodeOptions Options() {
  NodeOptions o;
  o.background_interval = std::chrono::milliseconds(0);
  o.log_segment_size = 1 << 20;
  o.sync = false;  // consistency is the subject here, not durability: no fsync per insert
  return o;
}

int64_t Int(Node* node, const std::string& table, const std::string& sql) {
  auto r = node->Query("", table, sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || r->columns[0].IsNull(0)) return -1;
  return r->columns[0].Get<int64_t>(0);
}

// Checks that the node at `dir` holds a consistent state; returns its rows.
int64_t CheckConsistent(const std::string& dir) {
  auto opened = Node::Open(dir, Options());
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return 0;
  Node* node = opened->get();
  int64_t total = 0;
  for (int k = 0; k < kInserters; ++k) {
    const std::string range = " FROM t WHERE id >= " + std::to_string(k * kRange) + " and id < " +
                              std::to_string((k + 1) * kRange);
    const int64_t count = Int(node, "t", "SELECT count(*)" + range);
    total += count;
    if (count == 0) continue;
    EXPECT_EQ(Int(node, "t", "SELECT min(id)" + range), k * kRange) << "inserter " << k;
    EXPECT_EQ(Int(node, "t", "SELECT max(id)" + range), k * kRange + count - 1)
        << "inserter " << k << ": not a prefix";
    EXPECT_EQ(count % kBatch, 0) << "inserter " << k << ": part of a batch";
  }
  const int64_t left = Int(node, "u", "SELECT count(*) FROM u");
  if (left > 0) {
    EXPECT_EQ(Int(node, "u", "SELECT max(id) FROM u"), kDeletable - 1);
    EXPECT_EQ(Int(node, "u", "SELECT min(id) FROM u"), kDeletable - left) << "not a suffix";
  }
  return total;
}

TEST(NodeSnapshotConcurrencyTest, SnapshotsDuringWritesAreConsistent) {
  test::TempDir dir;
  const std::string data = JoinPath(dir.path(), "data");
  auto opened = Node::Open(data, Options());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Node* node = opened->get();
  ASSERT_OK(node->CreateTable("", "t", Columns(), {"id"}).status());
  ASSERT_OK(node->CreateTable("", "u", Columns()).status());
  ASSERT_OK(node->Insert("", "u", Rows(0, kDeletable)));
  ASSERT_OK(node->Flush());
  ASSERT_OK_AND_ASSIGN(auto store,
                       SnapshotStore::Open(Env::Default(), JoinPath(data, kSnapshotsDirName)));

  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::atomic<int64_t> batches{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < kInserters; ++k) {
    threads.emplace_back([&, k] {
      for (int64_t next = k * kRange; !stop && next + kBatch <= (k + 1) * kRange; next += kBatch) {
        if (!node->Insert("", "t", Rows(next, kBatch)).ok()) ++errors;
        ++batches;
        // A steady stream, not a flood: MemTables stay small enough for a
        // sanitized build to flush and restore them quickly.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  threads.emplace_back([&] {
    for (int64_t id = 0; id < kDeletable && !stop; ++id) {
      auto n = node->Delete("", "u", "id = " + std::to_string(id));
      if (!n.ok() || *n != 1) ++errors;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  threads.emplace_back([&] {
    for (int round = 0; !stop; ++round) {
      if (!node->Flush().ok()) ++errors;
      if (round % 3 == 2 && !node->Compact("", "t").ok()) ++errors;
      if (round % 3 == 2 && !node->Compact("", "u").ok()) ++errors;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  while (batches < 10) std::this_thread::yield();  // every snapshot has rows
  NodeRestoreOptions ro;
  ro.log_segment_size = 1 << 20;
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE("snapshot " + std::to_string(i));
    NodeSnapshotOptions o;
    o.flush = i % 2 == 0;
    o.full = i == 3;
    auto r = node->Snapshot(*store, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    // Restored while the writers go on.
    const std::string to = JoinPath(dir.path(), "r" + std::to_string(i));
    auto restored = Node::Restore(*store, r->id, to, ro);
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    const auto check_start = std::chrono::steady_clock::now();
    EXPECT_GT(CheckConsistent(to), 0);
    std::fprintf(
        stderr, "snapshot %d (%s, %s): %.3f s; restore %.3f s; check %.3f s\n", i,
        SnapshotKindName(r->kind), o.flush ? "flushed" : "with log records", r->seconds,
        restored->seconds,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - check_start).count());
  }
  ASSERT_OK(ReapNodeSnapshots(*store).status());
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_EQ(all.size(), 1u);
  ASSERT_OK(Node::Restore(*store, "", JoinPath(dir.path(), "folded"), ro).status());
  EXPECT_GT(CheckConsistent(JoinPath(dir.path(), "folded")), 0);
  // And the node itself.
  node->Flush().ok();
  opened->reset();
  CheckConsistent(data);
}

}  // namespace
}  // namespace silt

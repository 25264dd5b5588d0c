// A power cut after every file operation of each phase of a node snapshot's
// life (FaultInjectionEnv, plain and with torn writes): a full snapshot, an incremental one, a reap
// that folds the chain, and a restore. After each cut the store recovers and its newest snapshot
// restores to exactly the state it was taken of, the node's own data is untouched, and a restore's
// target is complete or absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "common/fault_injection_env.h"
#include "node_test_util.h"
#include "silt/node.h"
#include "silt/node_snapshot.h"
#include "silt/snapshot_store.h"

namespace silt {
namespace {

const std::vector<ColumnDef>& Columns() { return test::IdStringColumns(); }
RowBatch Rows(int64_t first, int64_t n) { return test::IdStringRows(first, n); }

constexpr uint64_t kSegment = 256 << 10;

NodeOptions Options(Env* env) {
  NodeOptions o;
  o.env = env;
  o.background_interval = std::chrono::milliseconds(0);
  o.log_segment_size = kSegment;
  return o;
}

SnapshotStoreOptions StoreOptions() {
  SnapshotStoreOptions o;
  auto clock = std::make_shared<uint64_t>(1000);
  o.now_ms = [clock] { return ++*clock; };
  o.delete_in_background = false;
  return o;
}

// "count|sum" of each table: what must survive.
using State = std::map<std::string, std::string>;

Result<State> Read(Node* node) {
  State out;
  SILT_ASSIGN_OR_RETURN(NodeStatus st, node->GetStatus());
  for (const TableStatus& t : st.tables) {
    SILT_ASSIGN_OR_RETURN(QueryResult r,
                          node->Query(t.schema, t.name, "SELECT count(*), sum(id) FROM t"));
    out[t.name] = FormatResultValue(r.columns[0], 0) + "|" + FormatResultValue(r.columns[1], 0);
  }
  return out;
}

Result<State> ReadDir(Env* env, const std::string& dir) {
  SILT_ASSIGN_OR_RETURN(auto node, Node::Open(dir, Options(env)));
  return Read(node.get());
}

enum Phase { kFullSnapshot, kIncrementalSnapshot, kReap, kRestore, kNumPhases };
const char* kPhaseNames[] = {"full snapshot", "incremental snapshot", "reap with folding",
                             "restore"};

// Everything the world holds after each phase, as a successful run sees it.
struct Expected {
  std::map<uint64_t, State> by_epoch;  // what the snapshot of each epoch holds
  State node;                          // the node's own tables when the phase starts
};

// Runs the phases before `phase` without faults, then arms a crash after
// `crash_after` operations (if set) and runs `phase`. Returns the status of
// that phase.
Status Run(FaultInjectionEnv* env, Phase phase, std::optional<uint64_t> crash_after,
           Expected* expected, uint64_t* ops) {
  SILT_ASSIGN_OR_RETURN(auto node, Node::Open("/data", Options(env)));
  SILT_ASSIGN_OR_RETURN(auto store, SnapshotStore::Open(env, "/data/snapshots", StoreOptions()));
  SILT_RETURN_IF_ERROR(node->CreateTable("", "t", Columns(), {"id"}).status());
  SILT_RETURN_IF_ERROR(node->CreateTable("", "u", Columns()).status());
  SILT_RETURN_IF_ERROR(node->Insert("", "t", Rows(0, 40)));
  {
    SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad("", "u"));
    SILT_RETURN_IF_ERROR(load->Add(Rows(0, 300)));
    SILT_RETURN_IF_ERROR(load->Commit().status());
  }
  SILT_RETURN_IF_ERROR(node->Insert("", "t", Rows(100, 10)));  // stays in the MemTable
  auto arm = [&](Phase p) -> Status {
    if (p != phase) return Status::OK();
    if (expected != nullptr) {
      SILT_ASSIGN_OR_RETURN(expected->node, Read(node.get()));
    }
    if (crash_after) env->CrashAfter(*crash_after);
    if (ops != nullptr) *ops = env->mutating_ops();
    return Status::OK();
  };
  auto done = [&](Phase p, const Status& s) {
    if (p == phase && ops != nullptr) *ops = env->mutating_ops() - *ops;
    return s;
  };
  auto record = [&](const NodeSnapshotResult& r) -> Status {
    SILT_ASSIGN_OR_RETURN(State s, Read(node.get()));
    if (expected != nullptr) expected->by_epoch[r.epoch] = s;
    return Status::OK();
  };

  SILT_RETURN_IF_ERROR(arm(kFullSnapshot));
  NodeSnapshotOptions no_flush;
  no_flush.flush = false;  // carries t's MemTable as log records
  auto full = node->Snapshot(*store, no_flush);
  if (phase == kFullSnapshot) {
    const Status s = done(kFullSnapshot, full.status());
    if (full.ok()) SILT_RETURN_IF_ERROR(record(*full));
    return s;
  }
  SILT_RETURN_IF_ERROR(full.status());
  SILT_RETURN_IF_ERROR(record(*full));

  SILT_RETURN_IF_ERROR(node->Insert("", "t", Rows(200, 20)));
  SILT_RETURN_IF_ERROR(node->Flush());
  SILT_RETURN_IF_ERROR(node->Delete("", "u", "id < 50").status());
  SILT_RETURN_IF_ERROR(node->Compact("", "t").status());
  SILT_RETURN_IF_ERROR(node->Vacuum().status());
  SILT_RETURN_IF_ERROR(arm(kIncrementalSnapshot));
  auto inc = node->Snapshot(*store);
  if (phase == kIncrementalSnapshot) {
    const Status s = done(kIncrementalSnapshot, inc.status());
    if (inc.ok()) SILT_RETURN_IF_ERROR(record(*inc));
    return s;
  }
  SILT_RETURN_IF_ERROR(inc.status());
  if (inc->kind != SnapshotKind::kIncremental) return Status::Corruption("not incremental");
  SILT_RETURN_IF_ERROR(record(*inc));

  SILT_RETURN_IF_ERROR(arm(kReap));
  auto reaped = ReapNodeSnapshots(*store);
  if (phase == kReap) return done(kReap, reaped.status());
  SILT_RETURN_IF_ERROR(reaped.status());

  SILT_RETURN_IF_ERROR(arm(kRestore));
  NodeRestoreOptions ro;
  ro.log_segment_size = kSegment;
  auto restored = Node::Restore(*store, "", "/restored", ro);
  return done(kRestore, restored.status());
}

std::string Describe(const State& s) {
  std::string out;
  for (const auto& [k, v] : s) out += k + "=" + v + " ";
  return out;
}

void RunPhase(Phase phase, bool torn) {
  Expected expected;
  uint64_t ops = 0;
  {
    FaultInjectionEnv env;
    ASSERT_OK(Run(&env, phase, std::nullopt, &expected, &ops));
    if (phase == kRestore) {
      ASSERT_OK_AND_ASSIGN(State restored, ReadDir(&env, "/restored"));
      EXPECT_EQ(Describe(restored), Describe(expected.by_epoch.rbegin()->second));
    }
  }
  if (phase >= kReap) {
    ASSERT_EQ(expected.by_epoch.size(), 2u);
  }
  ASSERT_GT(ops, 5u);
  std::fprintf(stderr, "%s: power cut after each of %llu file operations\n", kPhaseNames[phase],
               static_cast<unsigned long long>(ops));
  for (uint64_t n = 0; n <= ops; ++n) {
    SCOPED_TRACE(std::string(kPhaseNames[phase]) + ": power cut after " + std::to_string(n) +
                 " of " + std::to_string(ops) + " operations" + (torn ? " (torn writes)" : ""));
    FaultInjectionEnv env;
    Expected unused;
    (void)Run(&env, phase, n, &unused, nullptr);
    PowerCutOptions cut;
    cut.keep_random_prefix = torn;
    cut.seed = n;
    env.PowerCut(cut);

    // The node's data is untouched: it holds what it held before the phase.
    {
      ASSERT_OK_AND_ASSIGN(State node_state, ReadDir(&env, "/data"));
      EXPECT_EQ(Describe(node_state), Describe(expected.node));
    }
    // The store recovers; its newest snapshot is whole and restores to the
    // state it was taken of.
    auto store = SnapshotStore::Open(&env, "/data/snapshots", StoreOptions());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_OK_AND_ASSIGN(auto newest, (*store)->Newest());
    if (!newest) {
      EXPECT_EQ(phase, kFullSnapshot) << "the store lost its snapshots";
      continue;
    }
    ASSERT_TRUE(expected.by_epoch.count(newest->index)) << newest->id;
    ASSERT_OK(VerifyNodeSnapshot(**store).status());
    if (phase == kRestore && env.FileExists("/restored")) {
      // The interrupted restore finished its rename: it is whole.
      ASSERT_OK_AND_ASSIGN(State s, ReadDir(&env, "/restored"));
      EXPECT_EQ(Describe(s), Describe(expected.by_epoch.at(newest->index)));
      continue;
    }
    NodeRestoreOptions ro;
    ro.log_segment_size = kSegment;
    auto r = Node::Restore(**store, "", "/restored", ro);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_OK_AND_ASSIGN(State s, ReadDir(&env, "/restored"));
    EXPECT_EQ(Describe(s), Describe(expected.by_epoch.at(newest->index)));
  }
}

TEST(NodeSnapshotCrashTest, FullSnapshot) { RunPhase(kFullSnapshot, false); }
TEST(NodeSnapshotCrashTest, IncrementalSnapshot) { RunPhase(kIncrementalSnapshot, false); }
TEST(NodeSnapshotCrashTest, ReapWithFolding) { RunPhase(kReap, false); }
TEST(NodeSnapshotCrashTest, Restore) { RunPhase(kRestore, false); }
TEST(NodeSnapshotCrashTest, EveryPhaseWithTornWrites) {
  for (int p = 0; p < kNumPhases; ++p) RunPhase(static_cast<Phase>(p), true);
}

}  // namespace
}  // namespace silt

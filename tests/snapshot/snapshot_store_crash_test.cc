// A power cut after every single file operation of Persist (and Reap, whose
// removal of files runs on the store's background thread; the store is closed
// at the end of the workload, which waits for it, so the operations come in
// one order), and then after every operation of the Recover that follows: the
// store must come back with its newest complete snapshot whole, nothing
// half-written listed, and FULL_NEEDED set whenever a Sink had been started
// but not persisted.
#include <gtest/gtest.h>

#include "common/fault_injection_env.h"
#include "silt/snapshot_store.h"
#include "test_util.h"

namespace silt {
namespace {

const std::string kRoot = "/data/snapshots";

struct Content {
  std::string a;
  std::string b;
};

Content Old() { return {std::string(200000, 'o') + "old-a", "old-b"}; }
Content New() { return {std::string(250000, 'n') + "new-a", "new-b"}; }

// A store holding one complete snapshot (term 1, index 1) of Old().
std::string Build(FaultInjectionEnv* env) {
  auto store = SnapshotStore::Open(env, kRoot);
  EXPECT_TRUE(store.ok());
  auto sink = (*store)->Create(1, 1, SnapshotKind::kFull);
  EXPECT_TRUE(sink.ok());
  EXPECT_OK((*sink)->Append("a", Old().a));
  EXPECT_OK((*sink)->Append("b", Old().b));
  const std::string id = (*sink)->id();
  EXPECT_OK((*sink)->Close());
  return id;
}

struct WorkloadResult {
  bool created = false;    // Create returned a Sink
  bool persisted = false;  // Close returned OK
  bool completed = false;  // everything, Reap included, returned OK
  std::string id;
};

// Snapshot (term 1, index 2) of New(), then Reap.
WorkloadResult Workload(FaultInjectionEnv* env, SnapshotKind kind) {
  WorkloadResult r;
  auto store = SnapshotStore::Open(env, kRoot);
  if (!store.ok()) return r;
  auto sink = (*store)->Create(1, 2, kind);
  if (!sink.ok()) return r;
  r.created = true;
  r.id = (*sink)->id();
  const Content c = New();
  // In three pieces, so that a torn tail can cut between them.
  if (!(*sink)->Append("a", c.a.substr(0, 100000)).ok()) return r;
  if (!(*sink)->Append("a", c.a.substr(100000)).ok()) return r;
  if (!(*sink)->Append("b", c.b).ok()) return r;
  if (!(*sink)->Close().ok()) return r;
  r.persisted = true;
  if (!(*store)->Reap().ok()) return r;
  r.completed = true;
  return r;
}

// The checks after a power cut: Recover succeeds, the newest snapshot is the
// old or the new one and holds exactly its content, every listed snapshot
// verifies, no .tmp or .del is left.
void CheckRecovered(FaultInjectionEnv* env, const std::string& old_id, const WorkloadResult& w,
                    const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_OK_AND_ASSIGN(auto store, SnapshotStore::Open(env, kRoot));
  ASSERT_OK_AND_ASSIGN(auto all, store->List());
  ASSERT_FALSE(all.empty());
  const SnapshotInfo& newest = all.back();
  const bool is_new = newest.id == w.id;
  ASSERT_TRUE(is_new || newest.id == old_id) << newest.id;
  if (w.persisted) {
    EXPECT_TRUE(is_new) << "a persisted snapshot was lost";
  }
  if (w.created && !is_new) {
    EXPECT_TRUE(store->full_needed()) << "an unfinished Sink must force a full snapshot";
  }
  for (const auto& s : all) {
    ASSERT_OK_AND_ASSIGN(auto reader, store->Open(s.id));
    ASSERT_OK(reader->Verify());
  }
  ASSERT_OK_AND_ASSIGN(auto reader, store->Open(newest.id));
  const Content want = is_new ? New() : Old();
  ASSERT_OK_AND_ASSIGN(std::string a, reader->ReadAll("a"));
  ASSERT_OK_AND_ASSIGN(std::string b, reader->ReadAll("b"));
  EXPECT_TRUE(a == want.a) << "file a differs";
  EXPECT_EQ(b, want.b);
  ASSERT_OK_AND_ASSIGN(auto names, env->ListDir(kRoot));
  for (const auto& name : names) {
    EXPECT_FALSE(name.ends_with(".tmp") || name.ends_with(".del")) << name;
  }
  reader.reset();
  // Recover twice is harmless, and the store takes new snapshots.
  ASSERT_OK(store->Recover());
  ASSERT_OK_AND_ASSIGN(auto again, store->List());
  EXPECT_EQ(again.size(), all.size());
  ASSERT_OK_AND_ASSIGN(auto sink, store->Create(2, 1, SnapshotKind::kFull));
  ASSERT_OK(sink->Append("a", "next"));
  ASSERT_OK(sink->Close());
}

void CrashEveryOperation(SnapshotKind kind, bool torn) {
  uint64_t n = 0;
  for (;; ++n) {
    FaultInjectionEnv env;
    const std::string old_id = Build(&env);
    env.CrashAfter(n);
    const WorkloadResult w = Workload(&env, kind);
    const bool crashed = env.crashed();
    env.PowerCut(PowerCutOptions{torn, n});
    CheckRecovered(&env, old_id, w, "crash after op " + std::to_string(n));
    if (!crashed) {
      EXPECT_TRUE(w.completed);
      break;
    }
  }
  EXPECT_GT(n, 10u);
}

TEST(SnapshotStoreCrashTest, PowerCutAtEveryOperationOfAFullPersist) {
  CrashEveryOperation(SnapshotKind::kFull, false);
}

TEST(SnapshotStoreCrashTest, PowerCutAtEveryOperationOfAnIncrementalPersist) {
  CrashEveryOperation(SnapshotKind::kIncremental, false);
}

TEST(SnapshotStoreCrashTest, PowerCutWithTornTailsAtEveryOperation) {
  CrashEveryOperation(SnapshotKind::kIncremental, true);
}

// A power cut during Persist, then another at every operation of the Recover
// that follows it.
TEST(SnapshotStoreCrashTest, PowerCutAtEveryOperationOfRecover) {
  uint64_t cases = 0;
  for (uint64_t n = 0;; ++n) {
    bool workload_crashed = false;
    for (uint64_t m = 0;; ++m) {
      FaultInjectionEnv env;
      const std::string old_id = Build(&env);
      env.CrashAfter(n);
      const WorkloadResult w = Workload(&env, SnapshotKind::kIncremental);
      workload_crashed = env.crashed();
      env.PowerCut();
      env.CrashAfter(m);
      { auto store = SnapshotStore::Open(&env, kRoot); }
      const bool recover_crashed = env.crashed();
      env.PowerCut();
      CheckRecovered(
          &env, old_id, w,
          "crash after op " + std::to_string(n) + ", recover crash after " + std::to_string(m));
      ++cases;
      if (!recover_crashed || !workload_crashed) break;
    }
    if (!workload_crashed) break;
  }
  EXPECT_GT(cases, 20u);
}

}  // namespace
}  // namespace silt

// Randomized model tests of the MetaStore: random DDL and version operations
// (valid and invalid), checkpoints at random points (delta and global), clean
// restarts and power cuts after any file operation (plain and torn), all on
// the fault-injecting Env. After every reopen the catalog, the versions, the
// next ids and the safe ids equal the model's exactly: the model of every
// acknowledged commit, or that plus the one commit in flight at the crash.
#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "common/fault_injection_env.h"
#include "meta_store_test_util.h"
#include "test_util.h"

namespace silt::meta {
namespace {

using test::Canon;
using test::Generator;
using test::MetaNode;
using test::Model;

// After a crash: the state must be `acked`, or `inflight` if given.
void ExpectRecovered(const MetaNode& node, const Model& acked,
                     const std::optional<Model>& inflight) {
  const std::string got = node.Canon();
  if (inflight && got == Canon(*inflight)) return;
  EXPECT_EQ(got, Canon(acked));
}

void RunModel(uint64_t seed, int steps, int* crashes, int* checkpoints) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed * 7919);
  FaultInjectionEnv env;
  MetaOptions options;
  options.heartbeat = std::chrono::milliseconds(0);
  options.checkpoint_delta = 3 + rng() % 12;
  options.global_every = 1 + static_cast<int>(rng() % 4);
  MetaNode node(&env, "/db", options);
  ASSERT_OK(node.Open());
  Model model;
  Generator gen(seed);
  for (int step = 0; step < steps; ++step) {
    const uint64_t r = rng() % 100;
    if (r < 4) {
      // Clean restart.
      node.Close();
      ASSERT_OK(node.Open());
      ASSERT_EQ(node.Canon(), Canon(model)) << "after a clean restart at step " << step;
      continue;
    }
    if (r < 9) {
      // Power cut after a few more file operations, in the middle of commits
      // and checkpoints.
      env.CrashAfter(rng() % 40);
      std::optional<Model> inflight;
      for (int i = 0; i < 20 && !env.crashed(); ++i) {
        const VersionEdit edit = gen.Next(model);
        Model next = model;
        const bool valid = next.Commit(edit);
        Status s = node.meta->Commit(edit).status();
        if (s.ok()) {
          ASSERT_TRUE(valid) << edit.DebugString();
          model = std::move(next);
        } else if (valid) {
          inflight = std::move(next);  // failed by the crash: maybe durable
          break;
        }
        if (rng() % 4 == 0) (void)node.meta->Checkpoint();
        (void)node.meta->MaybeCheckpoint();
      }
      node.Close();
      PowerCutOptions cut;
      cut.keep_random_prefix = rng() % 2 == 0;
      cut.seed = rng();
      env.PowerCut(cut);
      ASSERT_OK(node.Open());
      ExpectRecovered(node, model, inflight);
      if (::testing::Test::HasFailure()) return;
      if (inflight && node.Canon() == Canon(*inflight)) model = std::move(*inflight);
      (*crashes)++;
      continue;
    }
    if (r < 15) {
      bool written = false;
      ASSERT_OK(node.meta->Checkpoint(&written));
      *checkpoints += written;
      continue;
    }
    const VersionEdit edit = gen.Next(model);
    SCOPED_TRACE(fmt::format("step {}: {}", step, edit.DebugString()));
    const bool expect_ok = model.Commit(edit);
    auto epoch = node.meta->Commit(edit);
    ASSERT_EQ(epoch.ok(), expect_ok) << epoch.status().ToString();
    if (epoch.ok()) {
      EXPECT_EQ(*epoch, model.epoch);
    }
    ASSERT_OK(node.meta->MaybeCheckpoint());
    ASSERT_EQ(node.Canon(), Canon(model));
  }
  node.Close();
  ASSERT_OK(node.Open());
  EXPECT_EQ(node.Canon(), Canon(model));
}

TEST(MetaStoreModelTest, RandomCommitsCheckpointsRestartsAndPowerCuts) {
  int crashes = 0, checkpoints = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    RunModel(seed, 500, &crashes, &checkpoints);
    if (HasFatalFailure() || HasFailure()) return;
  }
  // The runs must exercise what they claim to.
  EXPECT_GT(crashes, 40);
  EXPECT_GT(checkpoints, 40);
}

// A power cut after every single file operation of a workload that commits,
// writes delta and global checkpoints and truncates the log: after reopening,
// the state is the acknowledged one (or includes the commit in flight), and
// the store goes on to finish the workload with the same final state.
TEST(MetaStoreModelTest, PowerCutAfterEveryFileOperation) {
  MetaOptions options;
  options.heartbeat = std::chrono::milliseconds(0);
  options.checkpoint_delta = 4;
  options.global_every = 2;
  // The workload: only valid edits, so every one must succeed when no crash.
  std::vector<VersionEdit> workload;
  {
    Model m;
    Generator gen(42);
    while (workload.size() < 40) {
      VersionEdit e = gen.Next(m);
      if (m.Commit(e)) workload.push_back(std::move(e));
    }
  }
  auto run = [&](MetaNode* node, size_t from, Model* model, std::optional<Model>* inflight,
                 size_t* done) {
    for (size_t i = from; i < workload.size(); ++i) {
      Model next = *model;
      EXPECT_TRUE(next.Commit(workload[i]));
      Status s = node->meta->Commit(workload[i]).status();
      if (!s.ok()) {
        *inflight = std::move(next);
        return;
      }
      *model = std::move(next);
      *done = i + 1;
      if (!node->meta->MaybeCheckpoint().ok()) return;
    }
  };
  // Count the operations of a clean run.
  uint64_t total_ops = 0;
  std::string final_state;
  {
    FaultInjectionEnv env;
    MetaNode node(&env, "/db", options);
    ASSERT_OK(node.Open());
    const uint64_t before = env.mutating_ops();
    Model model;
    std::optional<Model> inflight;
    size_t done = 0;
    run(&node, 0, &model, &inflight, &done);
    ASSERT_EQ(done, workload.size());
    total_ops = env.mutating_ops() - before;
    final_state = Canon(model);
    ASSERT_EQ(node.Canon(), final_state);
  }
  ASSERT_GT(total_ops, 100u);
  for (uint64_t n = 0; n <= total_ops; ++n) {
    SCOPED_TRACE(fmt::format("power cut after operation {} of {}", n, total_ops));
    FaultInjectionEnv env;
    MetaNode node(&env, "/db", options);
    ASSERT_OK(node.Open());
    env.CrashAfter(n);
    Model model;
    std::optional<Model> inflight;
    size_t done = 0;
    run(&node, 0, &model, &inflight, &done);
    node.Close();
    PowerCutOptions cut;
    cut.keep_random_prefix = n % 2 == 1;
    cut.seed = n;
    env.PowerCut(cut);
    ASSERT_OK(node.Open());
    ExpectRecovered(node, model, inflight);
    if (HasFailure()) return;
    if (inflight && node.Canon() == Canon(*inflight)) {
      model = std::move(*inflight);
      done++;
    }
    std::optional<Model> none;
    run(&node, done, &model, &none, &done);
    ASSERT_FALSE(none.has_value());
    ASSERT_EQ(node.Canon(), final_state);
    node.Close();
    ASSERT_OK(node.Open());
    ASSERT_EQ(node.Canon(), final_state);
  }
}

}  // namespace
}  // namespace silt::meta

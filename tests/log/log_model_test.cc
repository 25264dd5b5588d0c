// Model-based randomized test: random appends, truncations, resets, hard
// states and restarts (clean, and power cuts after synced operations) over
// many groups; after every step the store must equal an in-memory model.
#include <gtest/gtest.h>

#include <random>

#include "common/fault_injection_env.h"
#include "log_test_util.h"
#include "silt/log_store.h"
#include "test_util.h"

namespace silt {
namespace {

using test::LogModel;
using test::LogPayload;

// On the fault-injecting Env (with power cuts), or on the real file system
// (where segments are read through shared mappings) when `posix` is set.
void RunModel(uint64_t seed, int steps, uint64_t segment_size, bool posix = false) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  FaultInjectionEnv env;
  test::TempDir tmp;
  LogOptions options = test::SmallLogOptions(posix ? Env::Default() : &env, segment_size);
  const std::string dir = posix ? tmp.path() + "/log" : "/log";
  options.stripes = 1 + static_cast<int>(seed % 4);
  auto open = [&] {
    auto r = LogStore::Open(dir, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  };
  std::unique_ptr<LogStore> log = open();
  LogModel model;
  std::mt19937_64 rng(seed);
  auto pick_group = [&] { return rng() % 12; };
  bool all_synced = true;  // every acknowledged operation so far was synced
  uint64_t term = 1;
  for (int step = 0; step < steps; ++step) {
    const int op = static_cast<int>(rng() % 100);
    if (op < 55) {
      LogBatch b;
      const int groups = 1 + static_cast<int>(rng() % 3);
      std::map<uint64_t, uint64_t> next;
      for (int k = 0; k < groups; ++k) {
        const uint64_t g = pick_group();
        if (!next.count(g)) next[g] = model.Peek(g).last + 1;
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int j = 0; j < n; ++j) {
          b.Add(g, next[g], term, LogPayload(seed, g, next[g] * 1000 + term, 300));
          next[g]++;
        }
      }
      const bool sync = rng() % 3 != 0;
      ASSERT_OK(log->Append(b, sync));
      all_synced &= sync;
      model.Append(b);
    } else if (op < 65) {
      const uint64_t g = pick_group();
      const auto mg = model.Peek(g);
      const uint64_t k = mg.first - 1 + rng() % (mg.last - mg.first + 2);
      ASSERT_OK(log->TruncateSuffix(g, k));
      model.TruncateSuffix(g, k);
      term++;
    } else if (op < 75) {
      const uint64_t g = pick_group();
      const auto mg = model.Peek(g);
      const uint64_t k = mg.first + rng() % (mg.last - mg.first + 2);
      ASSERT_OK(log->TruncatePrefix(g, k));
      model.TruncatePrefix(g, k);
    } else if (op < 79) {
      const uint64_t g = pick_group();
      const uint64_t next = 1 + rng() % (model.Peek(g).last + 20);
      ASSERT_OK(log->Reset(g, next));
      model.Reset(g, next);
    } else if (op < 85) {
      const uint64_t g = pick_group();
      const uint64_t t = rng() % 100, v = rng() % 5;
      ASSERT_OK(log->SetHardState(g, t, v));
      model.SetHardState(g, t, v);
    } else if (op < 90) {
      log.reset();  // clean close
      log = open();
    } else if (op < 94) {
      if (all_synced && !posix) {
        log.reset();
        env.PowerCut();
        log = open();
      }
    } else {
      ASSERT_OK(log->WaitForCheckpoints());
    }
    const std::string diff = model.Diff(log.get());
    ASSERT_EQ(diff, "") << "after step " << step << " (op " << op << ")";
  }
  log.reset();
  log = open();
  ASSERT_EQ(model.Diff(log.get()), "");
}

TEST(LogModelTest, RandomOperationsSmallSegments) {
  for (uint64_t seed = 1; seed <= 6; ++seed) RunModel(seed, 300, 4096);
}

TEST(LogModelTest, RandomOperationsEightKiBSegments) {
  for (uint64_t seed = 100; seed <= 103; ++seed) RunModel(seed, 300, 8192);
}

TEST(LogModelTest, RandomOperationsOnTheRealFileSystem) {
  for (uint64_t seed = 300; seed <= 302; ++seed) RunModel(seed, 250, 4096, /*posix=*/true);
  RunModel(303, 150, 1 << 20, /*posix=*/true);
}

TEST(LogModelTest, RandomOperationsLargeSegments) {
  for (uint64_t seed = 200; seed <= 202; ++seed) RunModel(seed, 200, 1 << 20);
}

}  // namespace
}  // namespace silt

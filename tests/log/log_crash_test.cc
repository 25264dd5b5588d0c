// Crash tests with the fault-injecting Env: a power cut after every single
// file operation of a workload that rolls segments over, writes index files
// and reclaims segments. After reopening, every operation acknowledged as
// durable is there and intact, the one operation in flight is either wholly
// there or wholly absent, and appending continues.
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

// One step of the workload; applies itself to the model when it succeeds.
struct Step {
  int kind;  // 0 append, 1 truncate suffix, 2 truncate prefix, 3 reset, 4 hard state
  LogBatch batch;
  uint64_t group = 0, a = 0, b = 0;

  Status Run(LogStore* log) const {
    switch (kind) {
      case 0:
        return log->Append(batch, true);
      case 1:
        return log->TruncateSuffix(group, a);
      case 2:
        return log->TruncatePrefix(group, a);
      case 3:
        return log->Reset(group, a);
      default:
        return log->SetHardState(group, a, b);
    }
  }
  void Apply(LogModel* m) const {
    switch (kind) {
      case 0:
        m->Append(batch);
        break;
      case 1:
        m->TruncateSuffix(group, a);
        break;
      case 2:
        m->TruncatePrefix(group, a);
        break;
      case 3:
        m->Reset(group, a);
        break;
      default:
        m->SetHardState(group, a, b);
    }
  }
};

// A fixed workload, generated against a model so that every step is valid.
std::vector<Step> MakeWorkload(uint64_t seed, int steps) {
  std::mt19937_64 rng(seed);
  LogModel m;
  std::vector<Step> out;
  for (int i = 0; i < steps; ++i) {
    Step s;
    const int r = static_cast<int>(rng() % 20);
    s.group = rng() % 4;
    const auto g = m.Peek(s.group);
    if (r < 14) {
      s.kind = 0;
      const int n = 1 + static_cast<int>(rng() % 8);
      for (int j = 0; j < n; ++j) {
        const uint64_t gid = (s.group + j % 2) % 4;
        const uint64_t idx =
            m.Peek(gid).last + 1 +
            static_cast<uint64_t>(std::count_if(s.batch.entries().begin(), s.batch.entries().end(),
                                                [&](const LogEntry& e) { return e.group == gid; }));
        s.batch.Add(gid, idx, 1, LogPayload(seed, gid, idx, 400));
      }
    } else if (r < 16) {
      s.kind = 1;
      s.a = g.first - 1 + rng() % (g.last - g.first + 2);
    } else if (r < 18) {
      s.kind = 2;
      s.a = g.first + rng() % (g.last - g.first + 2);
    } else if (r < 19) {
      s.kind = 3;
      s.a = g.last + 1 + rng() % 3;
    } else {
      s.kind = 4;
      s.a = i;
      s.b = rng() % 3;
    }
    s.Apply(&m);
    out.push_back(std::move(s));
  }
  return out;
}

struct CrashResult {
  bool finished = false;
  uint64_t ops = 0;
  LogStats stats;  // of the run that finished
};

// Runs the workload with a power cut after `crash_at` file operations, then
// checks the recovered log. Returns whether the workload finished first.
CrashResult CrashAndCheck(const std::vector<Step>& work, uint64_t crash_at, bool torn,
                          uint64_t segment_size) {
  FaultInjectionEnv env;
  LogOptions options = test::SmallLogOptions(&env, segment_size);
  options.soft_size_limit = 6 * segment_size;  // so that segments get rewritten too
  LogModel acked;
  const Step* in_flight = nullptr;
  CrashResult result;
  {
    auto log = LogStore::Open("/log", options);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    const uint64_t start = env.mutating_ops();
    env.CrashAfter(crash_at);
    for (const Step& s : work) {
      Status st = s.Run(log->get());
      if (!st.ok()) {
        in_flight = &s;
        break;
      }
      s.Apply(&acked);
    }
    result.finished = in_flight == nullptr;
    result.ops = env.mutating_ops() - start;
    if (result.finished) {
      // Also crash during the checkpointer's remaining work and close.
      (*log)->WaitForCheckpoints().ok();
      result.stats = (*log)->GetStats();
    }
  }
  env.PowerCut(PowerCutOptions{torn, crash_at});
  auto log = LogStore::Open("/log", options);
  EXPECT_TRUE(log.ok()) << "crash at " << crash_at << ": " << log.status().ToString();
  if (!log.ok()) return result;
  std::string diff = acked.Diff(log->get());
  if (!diff.empty() && in_flight != nullptr) {
    LogModel with = acked;
    in_flight->Apply(&with);
    const std::string diff_with = with.Diff(log->get());
    if (diff_with.empty()) {
      diff.clear();
      acked = with;
    } else {
      diff += " / with the in-flight step: " + diff_with;
    }
  }
  EXPECT_EQ(diff, "") << "crash after " << crash_at << " file operations";
  // Appending continues after recovery.
  LogBatch b;
  const uint64_t next = (*log)->LastIndex(0) + 1;
  b.Add(0, next, 9, "after recovery");
  EXPECT_OK((*log)->Append(b));
  EXPECT_EQ((*log)->Get(0, next)->payload, "after recovery");
  return result;
}

void CrashEverywhere(uint64_t seed, int steps, bool torn, uint64_t stride) {
  const auto work = MakeWorkload(seed, steps);
  uint64_t crash_at = 0;
  int runs = 0;
  while (true) {
    CrashResult r = CrashAndCheck(work, crash_at, torn, 4096);
    ++runs;
    if (::testing::Test::HasFailure()) return;
    if (r.finished) {
      // The workload must exercise rollover, index files, reclamation and rewriting.
      EXPECT_GT(r.stats.index_files, 0u);
      EXPECT_GT(r.stats.segments_reclaimed + r.stats.segments_rewritten, 0u);
    }
    if (r.finished && crash_at >= r.ops + 8) break;  // past the end, checkpoints included
    crash_at += stride;
    ASSERT_LT(runs, 5000);
  }
  EXPECT_GT(runs, 20);
}

TEST(LogCrashTest, PowerCutAfterEveryFileOperation) { CrashEverywhere(1, 120, false, 1); }

TEST(LogCrashTest, TornPowerCutAfterEveryOtherFileOperation) { CrashEverywhere(2, 120, true, 2); }

TEST(LogCrashTest, PowerCutAfterEveryOtherFileOperationLongerWorkload) {
  CrashEverywhere(3, 160, false, 2);
}

}  // namespace
}  // namespace silt

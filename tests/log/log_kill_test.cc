// Real crashes: `silt log stress --sync` in a child process is killed with
// SIGKILL at a random point, repeatedly, on the same log directory; after each
// kill `silt log check` must verify every entry and find every batch that the
// child acknowledged (printed as "acked GROUP LAST") before it died.
#include <signal.h>

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>

#include "test_util.h"

namespace silt {
namespace {

using test::ChildProcess;
using test::RunCommand;
using test::SiltBinary;

TEST(LogKillTest, KillNineDuringSyncedStressThenCheck) {
  test::TempDir dir;
  const std::string log_dir = dir.path() + "/log";
  std::map<uint64_t, uint64_t> acked;  // group -> highest acknowledged index
  std::mt19937 rng(12345);
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ChildProcess child({SiltBinary(), "log",     "stress",    "--dir",          log_dir,
                        "--groups",   "4",       "--entries", "1000000",        "--entry-size",
                        "300",        "--batch", "4",         "--threads",      "2",
                        "--sync",     "--seed",  "7",         "--segment-size", "65536"});
    const int kill_after = 20 + static_cast<int>(rng() % 200);
    std::string line;
    int lines = 0;
    auto record = [&](const std::string& l) {
      std::istringstream in(l);
      std::string word;
      uint64_t g, last;
      if (in >> word >> g >> last && word == "acked") acked[g] = std::max(acked[g], last);
    };
    while (lines < kill_after && child.ReadLine(&line)) {
      record(line);
      ++lines;
    }
    child.Kill(SIGKILL);
    // Lines already printed before the kill were acknowledged too.
    while (child.ReadLine(&line)) record(line);
    EXPECT_EQ(child.Wait(), -SIGKILL);
    ASSERT_GE(lines, 1);

    auto check = RunCommand({SiltBinary(), "log", "check", "--dir", log_dir, "--seed", "7"});
    ASSERT_EQ(check.exit_code, 0) << check.err;
    std::map<uint64_t, uint64_t> last;
    std::istringstream out(check.out);
    std::string word1, word2, word3;
    uint64_t g, first, l;
    while (out >> word1 >> g >> word2 >> first >> word3 >> l) last[g] = l;
    for (const auto& [group, index] : acked) {
      EXPECT_GE(last[group], index) << "group " << group << " lost acknowledged entries";
    }
  }
}

}  // namespace
}  // namespace silt

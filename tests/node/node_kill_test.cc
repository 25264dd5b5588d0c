// kill -9 of `silt node stress` during inserts, loads, deletes, flushes and
// compactions, repeated; after each restart every acknowledged insert and
// delete is reflected exactly once, and the operation in flight at the kill
// is either wholly applied or not at all.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "node_test_util.h"
#include "silt/node.h"

namespace silt {
namespace {

struct Range {
  int64_t first = 0;
  int64_t n = 0;
  enum State { kPresent, kAbsent, kEither } state = kPresent;
};

TEST(NodeKillTest, KillNineDuringEveryKindOfOperation) {
  test::TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<Range> ranges;
  std::mt19937 rng(42);
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int64_t first_id = int64_t{round} << 32;
    test::ChildProcess child({test::SiltBinary(), "--data", data, "node", "stress", "--first-id",
                              std::to_string(first_id), "--ops", "100000", "--seed",
                              std::to_string(round + 1)});
    const int lines = 40 + static_cast<int>(rng() % 200);
    std::string line;
    int in_flight = -1;  // index into ranges
    bool in_flight_delete = false;
    // Every line the child wrote before it died counts: it announces an
    // operation before starting it, so read on to the end after the kill.
    bool killed = false;
    for (int i = 0;; ++i) {
      if (i == lines && !killed) {
        child.Kill(9);
        killed = true;
      }
      if (!child.ReadLine(&line)) break;
      std::istringstream in(line);
      std::string word, op;
      in >> word;
      if (word == "ok") {
        if (in_flight >= 0)
          ranges[in_flight].state = in_flight_delete ? Range::kAbsent : Range::kPresent;
        in_flight = -1;
        continue;
      }
      ASSERT_EQ(word, "begin") << line;
      in >> op;
      if (op == "insert" || op == "load" || op == "delete") {
        int64_t a = 0, n = 0;
        in >> a >> n;
        if (op == "delete") {
          in_flight = -1;
          for (size_t i = 0; i < ranges.size(); ++i) {
            if (ranges[i].first == a && ranges[i].n == n) in_flight = static_cast<int>(i);
          }
          ASSERT_GE(in_flight, 0) << "delete of a range never inserted: " << line;
          ASSERT_EQ(ranges[in_flight].state, Range::kPresent) << line;
          ranges[in_flight].state = Range::kEither;
          in_flight_delete = true;
        } else {
          ranges.push_back(Range{a, n, Range::kEither});
          in_flight = static_cast<int>(ranges.size()) - 1;
          in_flight_delete = false;
        }
      } else {
        in_flight = -1;
      }
    }
    if (!killed) child.Kill(9);
    child.Wait();

    NodeOptions o;
    o.background_interval = std::chrono::milliseconds(0);
    auto opened = Node::Open(data, o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    std::unique_ptr<Node> node = std::move(*opened);
    int64_t total = 0;
    for (Range& r : ranges) {
      const std::string got =
          test::Scalar(node.get(), "stress",
                       "SELECT count(*) FROM t WHERE id >= " + std::to_string(r.first) +
                           " and id < " + std::to_string(r.first + r.n));
      const std::string full = std::to_string(r.n);
      switch (r.state) {
        case Range::kPresent:
          EXPECT_EQ(got, full) << "acknowledged rows [" << r.first << ", +" << r.n << ") lost";
          break;
        case Range::kAbsent:
          EXPECT_EQ(got, "0") << "acknowledged delete of [" << r.first << ", +" << r.n << ") lost";
          break;
        case Range::kEither:
          EXPECT_TRUE(got == "0" || got == full)
              << "operation in flight on [" << r.first << ", +" << r.n << ") half applied: " << got;
          r.state = got == "0" ? Range::kAbsent : Range::kPresent;
          break;
      }
      if (got == full) total += r.n;
    }
    // Nothing else: no row twice, none from nowhere.
    EXPECT_EQ(test::Scalar(node.get(), "stress", "SELECT count(*) FROM t"), std::to_string(total));
  }
}

}  // namespace
}  // namespace silt

// A power cut after every file operation of a workload that inserts,
// flushes, deletes, loads, compacts and drops (FaultInjectionEnv, plain and
// with torn writes): after reopening, every acknowledged operation is there,
// the one that failed is all or nothing, and nothing after it happened.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/fault_injection_env.h"
#include "node_test_util.h"
#include "silt/node.h"

namespace silt {
namespace {

const std::vector<ColumnDef>& Columns() { return test::IdStringColumns(); }
RowBatch Rows(int64_t first, int64_t n) { return test::IdStringRows(first, n); }

NodeOptions Options(Env* env) {
  NodeOptions o;
  o.env = env;
  o.background_interval = std::chrono::milliseconds(0);
  o.log_segment_size = 256 << 10;
  o.checkpoint_delta = 4;  // metadata checkpoints within the workload
  return o;
}

// The workload: ranges of ids [first, first + n) inserted (or loaded) and
// later deleted. Each step returns its status; the run stops at the first
// failure.
struct Step {
  enum Kind { kInsert, kLoad, kDelete, kFlush, kCompact } kind;
  int64_t first = 0;
  int64_t n = 0;
};

const std::vector<Step>& Workload() {
  static const auto* w = new std::vector<Step>{
      {Step::kInsert, 0, 50},   {Step::kInsert, 100, 30}, {Step::kFlush},
      {Step::kInsert, 200, 20}, {Step::kDelete, 100, 30}, {Step::kLoad, 1000, 300},
      {Step::kDelete, 200, 20}, {Step::kFlush},           {Step::kInsert, 300, 10},
      {Step::kCompact},         {Step::kDelete, 0, 50},   {Step::kInsert, 400, 5},
      {Step::kLoad, 2000, 100}, {Step::kCompact},         {Step::kInsert, 500, 7},
  };
  return *w;
}

Status RunStep(Node* node, const Step& s) {
  switch (s.kind) {
    case Step::kInsert:
      return node->Insert("", "t", Rows(s.first, s.n));
    case Step::kLoad: {
      SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad("", "t"));
      SILT_RETURN_IF_ERROR(load->Add(Rows(s.first, s.n / 2)));
      SILT_RETURN_IF_ERROR(load->Add(Rows(s.first + s.n / 2, s.n - s.n / 2)));
      return load->Commit().status();
    }
    case Step::kDelete: {
      SILT_ASSIGN_OR_RETURN(uint64_t n,
                            node->Delete("", "t",
                                         "id >= " + std::to_string(s.first) + " and id < " +
                                             std::to_string(s.first + s.n)));
      if (n != static_cast<uint64_t>(s.n))
        return Status::Corruption("delete count " + std::to_string(n));
      return Status::OK();
    }
    case Step::kFlush:
      return node->Flush();
    case Step::kCompact:
      return node->Compact("", "t").status();
  }
  return Status::OK();
}

// Rows present after steps [0, done) all succeeded, plus (if `with_failed`)
// the step `done` too.
std::map<int64_t, int64_t> Expected(size_t done, bool with_failed) {
  std::map<int64_t, int64_t> present;  // first -> n
  const auto& w = Workload();
  for (size_t i = 0; i < w.size() && i < done + (with_failed ? 1 : 0); ++i) {
    if (w[i].kind == Step::kInsert || w[i].kind == Step::kLoad) present[w[i].first] = w[i].n;
    if (w[i].kind == Step::kDelete) present.erase(w[i].first);
  }
  return present;
}

std::string Describe(const std::map<int64_t, int64_t>& m) {
  std::string s;
  for (const auto& [a, n] : m) s += "[" + std::to_string(a) + ",+" + std::to_string(n) + ") ";
  return s;
}

// What the node holds, as ranges of the workload.
Result<std::map<int64_t, int64_t>> Actual(Node* node) {
  std::map<int64_t, int64_t> present;
  int64_t total = 0;
  for (const Step& s : Workload()) {
    if (s.kind != Step::kInsert && s.kind != Step::kLoad) continue;
    SILT_ASSIGN_OR_RETURN(
        QueryResult r, node->Query("", "t",
                                   "SELECT count(*) FROM t WHERE id >= " + std::to_string(s.first) +
                                       " and id < " + std::to_string(s.first + s.n)));
    const int64_t got = r.columns[0].Get<int64_t>(0);
    if (got == s.n) {
      present[s.first] = s.n;
    } else if (got != 0) {
      return Status::Corruption("range " + std::to_string(s.first) + " has " + std::to_string(got) +
                                " of " + std::to_string(s.n) + " rows");
    }
    total += got;
  }
  SILT_ASSIGN_OR_RETURN(QueryResult all, node->Query("", "t", "SELECT count(*) FROM t"));
  if (all.columns[0].Get<int64_t>(0) != total) return Status::Corruption("rows from nowhere");
  return present;
}

void RunCrashes(bool torn) {
  // How many mutating operations the whole workload makes.
  uint64_t total_ops = 0;
  {
    FaultInjectionEnv env;
    auto node = Node::Open("/data", Options(&env));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    ASSERT_OK((*node)->CreateTable("", "t", Columns(), {"id"}).status());
    const uint64_t before = env.mutating_ops();
    for (const Step& s : Workload()) ASSERT_OK(RunStep(node->get(), s));
    total_ops = env.mutating_ops() - before;
    ASSERT_OK_AND_ASSIGN(auto actual, Actual(node->get()));
    EXPECT_EQ(Describe(actual), Describe(Expected(Workload().size(), false)));
  }
  ASSERT_GT(total_ops, 50u);
  ::testing::Test::RecordProperty("file_operations", static_cast<int>(total_ops));
  std::fprintf(stderr, "power cut after each of %llu file operations\n",
               static_cast<unsigned long long>(total_ops));
  for (uint64_t n = 0; n <= total_ops; ++n) {
    SCOPED_TRACE("power cut after " + std::to_string(n) + " of " + std::to_string(total_ops) +
                 " operations" + (torn ? " (torn writes)" : ""));
    FaultInjectionEnv env;
    size_t done = 0;
    {
      auto node = Node::Open("/data", Options(&env));
      ASSERT_TRUE(node.ok()) << node.status().ToString();
      ASSERT_OK((*node)->CreateTable("", "t", Columns(), {"id"}).status());
      env.CrashAfter(n);
      for (const Step& s : Workload()) {
        if (!RunStep(node->get(), s).ok()) break;
        ++done;
      }
    }
    PowerCutOptions cut;
    cut.keep_random_prefix = torn;
    cut.seed = n;
    env.PowerCut(cut);
    auto node = Node::Open("/data", Options(&env));
    ASSERT_TRUE(node.ok()) << node.status().ToString();
    auto actual = Actual(node->get());
    ASSERT_TRUE(actual.ok()) << actual.status().ToString();
    const auto without = Expected(done, false);
    const auto with = Expected(done, true);
    EXPECT_TRUE(*actual == without || *actual == with)
        << "after " << done << " steps: have " << Describe(*actual) << "; expected "
        << Describe(without) << " or " << Describe(with);
    // And the node still works.
    ASSERT_OK((*node)->Insert("", "t", Rows(100000, 3)));
    ASSERT_OK((*node)->Flush());
  }
}

TEST(NodeCrashTest, PowerCutAfterEveryFileOperation) { RunCrashes(false); }
TEST(NodeCrashTest, PowerCutWithTornWrites) { RunCrashes(true); }

}  // namespace
}  // namespace silt

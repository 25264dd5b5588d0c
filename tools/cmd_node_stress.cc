// `silt node stress`: random inserts, loads, deletes, flushes and compactions
// of one table, each announced on stdout before it starts ("begin ...") and
// after it is durable ("ok"), for crash tests that kill -9 the process at a
// random moment and then check that every acknowledged operation, and
// all or nothing of the one in flight, survived (tests/node/node_kill_test.cc).
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "cli.h"
#include "silt/node.h"

namespace silt::cli {
namespace {

struct StressFlags {
  std::string table = "stress";
  int64_t first_id = 0;
  uint64_t ops = 1000;
  uint64_t seed = 1;
};

const std::vector<ColumnDef>& StressColumns() {
  static const auto* cols =
      new std::vector<ColumnDef>(*ParseColumnDefs("id int64 not null, v string, x float64"));
  return *cols;
}

RowBatch StressRows(int64_t first, int64_t n) {
  RowBatch b;
  for (const ColumnDef& c : StressColumns()) b.columns.emplace_back(c.type);
  for (int64_t id = first; id < first + n; ++id) {
    b.columns[0].AppendInt64(id);
    b.columns[1].AppendString(fmt::format("value-{}", id % 1000));
    if (id % 3 == 0) {
      b.columns[2].AppendNull();
    } else {
      b.columns[2].AppendDouble(static_cast<double>(id) * 0.5);
    }
  }
  b.rows = static_cast<size_t>(n);
  return b;
}

// One write per line (shorter than PIPE_BUF), so a kill never leaves half a line.
void Say(const std::string& line) {
  const std::string out = line + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

Status Stress(const Cli& cli, const StressFlags& f) {
  NodeOptions o;
  o.memtable_bytes = 256 << 10;
  o.target_rowset_bytes = 2 << 20;
  o.background_interval = std::chrono::milliseconds(20);
  o.log_segment_size = 4 << 20;
  SILT_ASSIGN_OR_RETURN(auto node, Node::Open(cli.data_dir, o));
  if (!node->DescribeTable("", f.table).ok()) {
    SILT_RETURN_IF_ERROR(node->CreateTable("", f.table, StressColumns(), {"id"}).status());
  }
  std::mt19937_64 rng(f.seed);
  struct Range {
    int64_t first;
    int64_t n;
  };
  std::vector<Range> live;  // acknowledged in this run, not deleted
  int64_t next = f.first_id;
  for (uint64_t op = 0; op < f.ops; ++op) {
    const uint64_t dice = rng() % 100;
    if (dice < 45) {
      const int64_t n = 1 + static_cast<int64_t>(rng() % 200);
      Say(fmt::format("begin insert {} {}", next, n));
      SILT_RETURN_IF_ERROR(node->Insert("", f.table, StressRows(next, n)));
      live.push_back(Range{next, n});
      next += n;
    } else if (dice < 55) {
      const int64_t n = 1000 + static_cast<int64_t>(rng() % 5000);
      Say(fmt::format("begin load {} {}", next, n));
      SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad("", f.table));
      for (int64_t at = next; at < next + n; at += 1000) {
        SILT_RETURN_IF_ERROR(load->Add(StressRows(at, std::min<int64_t>(1000, next + n - at))));
      }
      SILT_RETURN_IF_ERROR(load->Commit().status());
      live.push_back(Range{next, n});
      next += n;
    } else if (dice < 80 && !live.empty()) {
      const size_t i = rng() % live.size();
      const Range r = live[i];
      Say(fmt::format("begin delete {} {}", r.first, r.n));
      SILT_ASSIGN_OR_RETURN(
          uint64_t deleted,
          node->Delete("", f.table, fmt::format("id >= {} and id < {}", r.first, r.first + r.n)));
      if (deleted != static_cast<uint64_t>(r.n)) {
        return Status::Corruption(
            fmt::format("delete of [{}, {}) removed {} rows", r.first, r.first + r.n, deleted));
      }
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (dice < 90) {
      Say("begin flush");
      SILT_RETURN_IF_ERROR(node->Flush());
    } else {
      Say("begin compact");
      SILT_RETURN_IF_ERROR(node->Compact("", f.table).status());
    }
    Say("ok");
  }
  return Status::OK();
}

void RegisterNodeStressCommands(Cli& cli) {
  CLI::App* node = cli.app.add_subcommand("node", "Node tools for tests");
  node->require_subcommand(1);
  auto f = std::make_shared<StressFlags>();
  CLI::App* c = node->add_subcommand(
      "stress",
      "Random inserts, loads, deletes, flushes and compactions of one table; prints "
      "'begin OP' before and 'ok' after each (for crash tests)");
  c->add_option("--table", f->table, "Table (created with (id int64, v string, x float64))")
      ->capture_default_str();
  c->add_option("--first-id", f->first_id, "First id to insert")->capture_default_str();
  c->add_option("--ops", f->ops, "Operations")->capture_default_str();
  c->add_option("--seed", f->seed, "Random seed")->capture_default_str();
  c->callback([&cli, f] { cli.action = [&cli, f] { return Stress(cli, *f); }; });
}

const CommandRegistrar kRegistrar(1100, RegisterNodeStressCommands);

}  // namespace
}  // namespace silt::cli

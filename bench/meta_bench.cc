// meta_bench: restart time and on-disk size of the metadata (issue 5) after
// many commits over many tables, with checkpoints (MetaStore's delta and
// global checkpoints) vs replaying the full metadata log without them, in the
// same run on the same commits.
//
// Two stores, each with its own dedicated log, receive the same commits:
//   checkpointed: checkpoint_delta and global_every as given (defaults as in
//                 a node), a checkpoint taken whenever checkpoint_delta
//                 commits have accumulated (what the heartbeat does);
//   full log:     checkpoint_delta = 0, so restart replays every commit.
// The workload: S schemas of T/S tables each, created first; then random
// commits: add a rowset (deleting the table's oldest once it has 6, with its
// DVs), add a DV, advance a shard's safe id, or drop a table and create it
// again under the same name (a new id). Commits are not fsynced one by one
// (sync = false): durability is not what is measured, and the stores are
// closed cleanly before each timed restart.
//
// A restart is LogStore::Open + MetaStore::Open of the store's directory; its
// result is checked against the state before the restart (equal DebugString).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_report.h"
#include "bench/markdown_table.h"
#include "bench/page_cache.h"
#include "common/hash.h"
#include "meta/meta_store.h"
#include "silt/log_store.h"

namespace silt::bench {
namespace {

struct Flags {
  std::string dir;
  uint64_t commits = 1000000;
  uint32_t tables = 10000;
  uint32_t schemas = 100;
  double drop_pct = 1.0;
  uint64_t checkpoint_delta = 10000;
  int global_every = 10;
  uint64_t segment_size = 1ull << 20;
  int rounds = 3;
  bool drop_cache = true;
  uint64_t seed = 1;
};

struct Store {
  std::string dir;
  meta::MetaOptions options;
  uint64_t segment_size = 0;
  std::unique_ptr<LogStore> log;
  std::unique_ptr<meta::MetaStore> meta;

  double log_open_seconds = 0;

  Status Open() {
    LogOptions lo;
    lo.segment_size = segment_size;
    const auto start = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(log, LogStore::Open(dir + "/log", lo));
    log_open_seconds = Since(start);
    SILT_ASSIGN_OR_RETURN(meta, meta::MetaStore::Open(dir + "/meta", log.get(), options));
    return Status::OK();
  }
  void Close() {
    meta.reset();
    log.reset();
  }
};

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// The commits, built from the current state of one store and sent to both.
class Workload {
 public:
  Workload(const Flags& f) : flags_(f), rng_(f.seed) {}

  Status Setup(const std::vector<Store*>& stores) {
    const uint32_t per_schema = (flags_.tables + flags_.schemas - 1) / flags_.schemas;
    for (uint32_t s = 0; s < flags_.schemas; ++s) {
      for (Store* st : stores) SILT_RETURN_IF_ERROR(st->meta->CreateSchema(SchemaName(s)).status());
      commits_++;
      for (uint32_t t = 0; t < per_schema && names_.size() < flags_.tables; ++t) {
        names_.emplace_back(SchemaName(s), fmt::format("t{}", t));
        SILT_RETURN_IF_ERROR(CreateTable(stores, names_.size() - 1));
      }
    }
    return Status::OK();
  }

  Status Run(const std::vector<Store*>& stores, uint64_t total) {
    meta::MetaStore* m = stores[0]->meta.get();
    while (commits_ < total) {
      const size_t which = rng_() % names_.size();
      const TableRefId t = refs_[which];
      const double r = static_cast<double>(rng_() % 10000) / 100.0;
      if (r < flags_.drop_pct) {
        for (Store* st : stores) {
          SILT_RETURN_IF_ERROR(st->meta->DropTable(names_[which].first, names_[which].second));
        }
        commits_++;
        SILT_RETURN_IF_ERROR(CreateTable(stores, which));
        continue;
      }
      meta::VersionEdit e;
      auto tv = m->versions().Pin()->GetTable(t);
      SILT_RETURN_IF_ERROR(tv.status());
      const auto& rowsets = (*tv)->rowsets;
      if (r < flags_.drop_pct + 10 && !rowsets.empty()) {
        auto it = rowsets.begin();
        std::advance(it, rng_() % rowsets.size());
        const meta::DVId id = next_dv_++;
        e.AddDV(t, meta::DVMeta{id, it->first, fmt::format("dv-{:08}.bin", id)});
      } else if (r < flags_.drop_pct + 20) {
        const ShardId shard = 1 + which % 64;
        e.SetSafeId(shard, m->versions().Pin()->SafeId(shard) + 1 + rng_() % 1000);
      } else {
        if (rowsets.size() >= 6) e.DeleteRowSet(t, rowsets.begin()->first);
        const meta::RowSetId id = next_rowset_++;
        e.AddRowSet(t, meta::RowSetMeta{id, fmt::format("rs-{:08}", id), 1 + rng_() % 1000000,
                                        4096 + rng_() % (64 << 20)});
      }
      for (Store* st : stores) SILT_RETURN_IF_ERROR(st->meta->Commit(e).status());
      commits_++;
      if (commits_ % 100000 == 0) Progress(fmt::format("{} commits", commits_));
      for (Store* st : stores) SILT_RETURN_IF_ERROR(st->meta->MaybeCheckpoint());
    }
    return Status::OK();
  }

  uint64_t commits() const { return commits_; }

 private:
  static std::string SchemaName(uint32_t s) { return fmt::format("s{}", s); }

  Status CreateTable(const std::vector<Store*>& stores, size_t which) {
    static const std::vector<ColumnDef> kColumns = {{"id", DataType::Int64().NotNull()},
                                                    {"name", DataType::String()},
                                                    {"price", DataType::Decimal(12, 2).value()},
                                                    {"day", DataType::Date()}};
    TableRefId ref;
    for (Store* st : stores) {
      SILT_ASSIGN_OR_RETURN(ref, st->meta->CreateTable(names_[which].first, names_[which].second,
                                                       1 + which % 64, kColumns, false, {0}));
    }
    if (refs_.size() <= which) refs_.resize(which + 1);
    refs_[which] = ref;
    commits_++;
    return Status::OK();
  }

  const Flags& flags_;
  std::mt19937_64 rng_;
  std::vector<std::pair<std::string, std::string>> names_;
  std::vector<TableRefId> refs_;
  meta::RowSetId next_rowset_ = 0;
  meta::DVId next_dv_ = 0;
  uint64_t commits_ = 0;
};

struct RestartResult {
  std::vector<double> seconds;  // per round
  double median() const {
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
  }
  meta::MetaOpenStats stats;
  double log_open_seconds = 0;
  std::string cache_note;
};

Result<RestartResult> TimeRestarts(Store* store, const std::string& expected, const Flags& f) {
  RestartResult out;
  for (int r = 0; r < f.rounds; ++r) {
    if (f.drop_cache) out.cache_note = DropPageCache({store->dir});
    const auto start = std::chrono::steady_clock::now();
    SILT_RETURN_IF_ERROR(store->Open());
    out.seconds.push_back(Since(start));
    out.stats = store->meta->open_stats();
    out.log_open_seconds = store->log_open_seconds;
    if (Hash64(store->meta->DebugString()) != Hash64(expected)) {
      return Status::Corruption(store->dir + ": the state after the restart differs");
    }
    store->Close();
  }
  return out;
}

Status RunBench(const Flags& f, const std::string& root) {
  Store ck, full;
  ck.dir = root + "/checkpointed";
  full.dir = root + "/full-log";
  for (Store* s : {&ck, &full}) {
    s->segment_size = f.segment_size;
    s->options.sync = false;
    s->options.heartbeat = std::chrono::milliseconds(0);
  }
  ck.options.checkpoint_delta = f.checkpoint_delta;
  ck.options.global_every = f.global_every;
  full.options.checkpoint_delta = 0;
  SILT_RETURN_IF_ERROR(ck.Open());
  SILT_RETURN_IF_ERROR(full.Open());
  Workload w(f);
  const auto gen_start = std::chrono::steady_clock::now();
  std::vector<Store*> both = {&ck, &full};
  SILT_RETURN_IF_ERROR(w.Setup(both));
  SILT_RETURN_IF_ERROR(w.Run(both, f.commits));
  const double gen_seconds = Since(gen_start);
  const std::string expected = ck.meta->DebugString();
  if (full.meta->DebugString() != expected) {
    return Status::Corruption("the two stores disagree after the same commits");
  }
  const meta::MetaStatus st = ck.meta->GetStatus();
  const uint64_t tables = ck.meta->versions().Pin()->tables().size();
  uint64_t rowsets = 0, dvs = 0;
  ck.meta->versions().Pin()->tables().ForEach([&](TableRefId, const auto& t) {
    rowsets += t->rowsets.size();
    dvs += t->dvs.size();
  });
  ck.Close();
  full.Close();
  Progress(fmt::format("{} commits in {:.1f} s; timing restarts", w.commits(), gen_seconds));

  SILT_ASSIGN_OR_RETURN(RestartResult rck, TimeRestarts(&ck, expected, f));
  SILT_ASSIGN_OR_RETURN(RestartResult rfull, TimeRestarts(&full, expected, f));

  // Sizes.
  uint64_t global_bytes = 0, delta_bytes = 0;
  int deltas = 0;
  for (const std::string& name : st.checkpoint_files) {
    const uint64_t size = std::filesystem::file_size(ck.dir + "/meta/" + name);
    if (name.ends_with(".global")) {
      global_bytes = size;
    } else {
      delta_bytes += size;
      deltas++;
    }
  }
  const uint64_t ck_meta_dir = DirBytes(ck.dir + "/meta");
  const uint64_t ck_log_dir = DirBytes(ck.dir + "/log");
  const uint64_t full_log_dir = DirBytes(full.dir + "/log");
  const double record_bytes =
      static_cast<double>(rfull.stats.log_bytes_replayed) /
      static_cast<double>(std::max<uint64_t>(1, rfull.stats.log_records_replayed));
  // Log bytes of one delta: checkpoint_delta records of the average size plus
  // the log's per-entry overhead (the full log's files / records).
  const double log_bytes_per_commit =
      static_cast<double>(full_log_dir) / static_cast<double>(w.commits());
  const double one_delta_of_log = log_bytes_per_commit * static_cast<double>(f.checkpoint_delta);
  const double size_limit = 2.0 * (static_cast<double>(global_bytes) + one_delta_of_log);
  const double ck_total = static_cast<double>(ck_meta_dir + ck_log_dir);
  const double speedup = rfull.median() / rck.median();

  fmt::print("## Metadata restart: checkpoints vs full-log replay (issue 5)\n\n");
  fmt::print("{} {}\n\n", MachineDescription(), BuildDescription());
  fmt::print(
      "Workload: {} commits over {} tables in {} schemas ({}% drop+re-create, 10% add DV, 10% "
      "safe id, the rest add rowset (+ delete the oldest of 6)); end state: {} tables, {} rowsets, "
      "{} DVs, epoch {}. Mean edit record {:.1f} bytes. Generation (both stores, sync off): "
      "{:.1f} s. checkpoint_delta {}, global_every {}, log segment size {} KiB. Restarts: {} "
      "rounds each, median reported; page cache: {}.\n\n",
      w.commits(), f.tables, f.schemas, f.drop_pct, tables, rowsets, dvs, st.epoch, record_bytes,
      gen_seconds, f.checkpoint_delta, f.global_every, f.segment_size >> 10, f.rounds,
      f.drop_cache ? rck.cache_note : "warm");
  MarkdownTable t({"store", "restart (median)", "rounds", "checkpoints read",
                   "log records replayed", "on disk: checkpoints", "on disk: log files",
                   "on disk: total"});
  auto secs = [](const RestartResult& r) {
    std::string s;
    for (double x : r.seconds) s += (s.empty() ? "" : ", ") + fmt::format("{:.3f}", x);
    return s;
  };
  t.AddRow({"checkpointed", fmt::format("{:.1f} ms", rck.median() * 1000), secs(rck),
            fmt::format("{} global + {} delta ({} bytes)", rck.stats.global_checkpoints_loaded,
                        rck.stats.delta_checkpoints_loaded, rck.stats.checkpoint_bytes_read),
            Num(static_cast<double>(rck.stats.log_records_replayed)), Num(ck_meta_dir),
            Num(ck_log_dir), Num(ck_total)});
  t.AddRow({"full log", fmt::format("{:.1f} ms", rfull.median() * 1000), secs(rfull), "0",
            Num(static_cast<double>(rfull.stats.log_records_replayed)), "0", Num(full_log_dir),
            Num(full_log_dir)});
  fmt::print("{}\n", t.ToString());
  auto phases = [](const RestartResult& r) {
    return fmt::format(
        "log open {:.1f} ms, checkpoints {:.1f} ms, build {:.1f} ms, log replay "
        "{:.1f} ms",
        r.log_open_seconds * 1000, r.stats.checkpoint_seconds * 1000, r.stats.build_seconds * 1000,
        r.stats.replay_seconds * 1000);
  };
  fmt::print("Last restart, by phase: checkpointed: {}; full log: {}.\n\n", phases(rck),
             phases(rfull));
  MarkdownTable targets({"target", "result", "required", "verdict"});
  targets.AddRow({"restart with checkpoints", fmt::format("{:.1f} ms", rck.median() * 1000),
                  "<= 200 ms", Met(rck.median() <= 0.2)});
  targets.AddRow({"metadata on disk", fmt::format("{} bytes", Num(ck_total)),
                  fmt::format("<= 2 x (global checkpoint {} + one delta of log {}) = {}",
                              Num(global_bytes), Num(one_delta_of_log), Num(size_limit)),
                  Met(ck_total <= size_limit)});
  targets.AddRow({"restart vs full-log replay", fmt::format("{:.0f}x faster", speedup), ">= 50x",
                  Met(speedup >= 50)});
  fmt::print("{}\n", targets.ToString());
  fmt::print("Checkpoint files at the end: {} global ({} bytes), {} delta ({} bytes).\n", 1,
             global_bytes, deltas, delta_bytes);
  return Status::OK();
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  silt::bench::Flags f;
  CLI::App app("silt metadata restart: checkpoints vs full-log replay (same run)");
  app.add_option("--dir", f.dir, "Parent directory for the data (default $TMPDIR or /tmp)");
  app.add_option("--commits", f.commits, "Commits in all (setup included)")->capture_default_str();
  app.add_option("--tables", f.tables, "Tables")->capture_default_str();
  app.add_option("--schemas", f.schemas, "Schemas")->capture_default_str();
  app.add_option("--drop-pct", f.drop_pct, "% of commits that drop a table (and re-create it)")
      ->capture_default_str();
  app.add_option("--checkpoint-delta", f.checkpoint_delta, "Commits between checkpoints")
      ->capture_default_str();
  app.add_option("--global-every", f.global_every, "Deltas between global checkpoints")
      ->capture_default_str();
  app.add_option("--segment-size", f.segment_size, "Log segment size in bytes")
      ->capture_default_str();
  app.add_option("--rounds", f.rounds, "Timed restarts per store")->capture_default_str();
  app.add_option("--drop-cache", f.drop_cache, "Drop the page cache before each restart")
      ->capture_default_str();
  app.add_option("--seed", f.seed, "Workload seed")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (f.tables == 0 || f.schemas == 0 || f.schemas > f.tables || f.rounds < 1 ||
      f.commits < f.tables + f.schemas) {
    std::fprintf(stderr,
                 "meta_bench: need 1 <= schemas <= tables, rounds >= 1 and commits >= "
                 "tables + schemas\n");
    return 2;
  }
  const std::string root = silt::bench::CreateRunDirectory(f.dir, "meta_bench");
  if (root.empty()) return 1;
  const auto start = std::chrono::steady_clock::now();
  const std::string load = silt::bench::LoadAverage();
  const silt::Status s = silt::bench::RunBench(f, root);
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  std::printf("\nLoad average at start: %s; at end: %s. Whole run: %.0f s.\n", load.c_str(),
              silt::bench::LoadAverage().c_str(), silt::bench::Since(start));
  if (!s.ok()) {
    std::fprintf(stderr, "meta_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

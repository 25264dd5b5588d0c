// node_snapshot_bench: snapshots of a node's tables (issue 7, "Benchmark"),
// in one run:
//   1. a node of --gb GB of table data (bulk loads of random rows, which
//      compress little, so the data directory is about that size);
//   2. a first full snapshot (every file linked and read once to hash it);
//   3. --change of the rows changed (half deleted in ranges spread over the
//      table, as many inserted and flushed), then an incremental snapshot,
//      and a full one for comparison (linked again, recorded checksums reused);
//   4. `cp -r` of the data directory (without the snapshots) as the peer of a
//      full snapshot, with and without a final `sync`;
//   5. a restore of the newest snapshot into a new directory (every byte
//      copied, checked and fsynced), against the disk's sequential write
//      bandwidth (MeasureSequentialWrite: large writes + fdatasync).
// The output is Markdown for docs/benchmarks.md; progress goes to stderr.
// scripts/bench_node_snapshot.sh builds and runs it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_report.h"
#include "bench/disk_bandwidth.h"
#include "bench/markdown_table.h"
#include "common/file_names.h"
#include "common/path.h"
#include "silt/env.h"
#include "silt/node.h"
#include "silt/node_snapshot.h"
#include "silt/snapshot_store.h"

namespace silt::bench {
namespace {

constexpr double kMB = 1e6;
constexpr size_t kBatchRows = 8192;
constexpr size_t kStringBytes = 48;

struct Flags {
  double gb = 2;
  double change = 0.01;
  std::string dir;
  bool keep = false;
};

const std::vector<ColumnDef>& Columns() {
  static const auto* cols = new std::vector<ColumnDef>(*ParseColumnDefs(
      "id int64 not null, v int64 not null, x float64 not null, s string not null"));
  return *cols;
}

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Rows [first, first + n) with random values (ids as given).
RowBatch RandomRows(int64_t first, size_t n, uint64_t* rng) {
  RowBatch b;
  for (const ColumnDef& c : Columns()) b.columns.emplace_back(c.type);
  std::string s(kStringBytes, ' ');
  for (size_t i = 0; i < n; ++i) {
    b.columns[0].AppendInt64(first + static_cast<int64_t>(i));
    b.columns[1].AppendInt64(static_cast<int64_t>(SplitMix(rng)));
    b.columns[2].AppendDouble(static_cast<double>(SplitMix(rng) >> 11) / 9007199254740992.0);
    for (size_t k = 0; k < kStringBytes; k += 8) {
      uint64_t r = SplitMix(rng);
      for (size_t j = 0; j < 8; ++j, r >>= 6) s[k + j] = static_cast<char>('0' + (r & 63));
    }
    b.columns[3].AppendString(s);
  }
  b.rows = n;
  return b;
}

uint64_t TreeBytes(const std::string& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file(ec)) bytes += it->file_size(ec);
  }
  return bytes;
}

double Timed(const std::string& command) {
  const auto start = std::chrono::steady_clock::now();
  const int rc = std::system(command.c_str());
  if (rc != 0) std::fprintf(stderr, "node_snapshot_bench: '%s' exited %d\n", command.c_str(), rc);
  return Since(start);
}

std::string Ratio(double a, double b) {
  return a > 0 && b > 0 ? fmt::format("{:.1f}x", a / b) : "-";
}

Status Run(const Flags& f, const std::string& run_dir) {
  const std::string data = JoinPath(run_dir, "data");
  NodeOptions o;
  o.background_interval = std::chrono::milliseconds(0);
  SILT_ASSIGN_OR_RETURN(auto node, Node::Open(data, o));
  SILT_RETURN_IF_ERROR(node->CreateTable("", "t", Columns(), {"id"}).status());

  // 1. The data: loads of 4M rows (one rowset each, the node's default).
  Progress(fmt::format("loading about {} GB of random rows", f.gb));
  const uint64_t target = static_cast<uint64_t>(f.gb * 1e9);
  uint64_t rng = 42;
  int64_t rows = 0;
  const auto load_start = std::chrono::steady_clock::now();
  while (true) {
    SILT_ASSIGN_OR_RETURN(TableStatus ts, node->DescribeTable("", "t"));
    if (ts.rowset_bytes >= target) break;
    SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad("", "t"));
    for (size_t i = 0; i < o.load_rowset_rows / kBatchRows; ++i) {
      SILT_RETURN_IF_ERROR(load->Add(RandomRows(rows, kBatchRows, &rng)));
      rows += kBatchRows;
    }
    SILT_RETURN_IF_ERROR(load->Commit().status());
  }
  const double load_seconds = Since(load_start);
  SILT_ASSIGN_OR_RETURN(TableStatus loaded, node->DescribeTable("", "t"));
  const uint64_t data_bytes = TreeBytes(data);
  Progress(fmt::format("{} rows, {} rowsets, data directory {:.0f} MB, loaded in {:.1f} s", rows,
                       loaded.rowsets, data_bytes / kMB, load_seconds));

  SILT_ASSIGN_OR_RETURN(auto store,
                        SnapshotStore::Open(Env::Default(), JoinPath(data, kSnapshotsDirName)));
  // 2. The first full snapshot.
  Progress("full snapshot (first: hashes every file)");
  SILT_ASSIGN_OR_RETURN(NodeSnapshotResult full1, node->Snapshot(*store));

  // 3. Change --change of the rows: delete half of them in 10 ranges spread
  // over the table, insert as many new rows, flush.
  const int64_t changed = static_cast<int64_t>(static_cast<double>(rows) * f.change);
  const int64_t per_range = changed / 2 / 10;
  Progress(fmt::format("changing {} rows ({} deleted, {} inserted)", changed, per_range * 10,
                       changed - per_range * 10));
  for (int r = 0; r < 10; ++r) {
    const int64_t from = rows / 10 * r + rows / 20;
    SILT_RETURN_IF_ERROR(
        node->Delete("", "t", fmt::format("id >= {} and id < {}", from, from + per_range))
            .status());
  }
  for (int64_t done = 0; done < changed - per_range * 10;) {
    const size_t n =
        static_cast<size_t>(std::min<int64_t>(kBatchRows, changed - per_range * 10 - done));
    SILT_RETURN_IF_ERROR(node->Insert("", "t", RandomRows(rows + done, n, &rng)));
    done += static_cast<int64_t>(n);
  }
  SILT_RETURN_IF_ERROR(node->Flush());

  Progress("incremental snapshot");
  SILT_ASSIGN_OR_RETURN(NodeSnapshotResult inc, node->Snapshot(*store));
  if (inc.kind != SnapshotKind::kIncremental) return Status::Corruption("not incremental");
  Progress("full snapshot (again: recorded checksums reused)");
  NodeSnapshotOptions full_opt;
  full_opt.full = true;
  SILT_ASSIGN_OR_RETURN(NodeSnapshotResult full2, node->Snapshot(*store, full_opt));

  // 4. cp -r of the data directory, the snapshots left out.
  Progress("cp -r of the data directory");
  const std::string copy = JoinPath(run_dir, "copy");
  const std::string copy_sync = JoinPath(run_dir, "copy-sync");
  std::filesystem::create_directories(copy);
  std::filesystem::create_directories(copy_sync);
  std::string cp = "cp -r";
  std::string cp_sync = "cp -r";
  for (const auto& name : {kLogDirName, kMetaDirName, kTablesDirName}) {
    cp += " " + JoinPath(data, name);
    cp_sync += " " + JoinPath(data, name);
  }
  const double cp_seconds = Timed(cp + " " + copy);
  const double cp_sync_seconds = Timed(cp_sync + " " + copy_sync + " && sync");
  std::filesystem::remove_all(copy);
  std::filesystem::remove_all(copy_sync);

  // 5. Restore, against the disk's bandwidth.
  Progress("restore of the newest snapshot");
  const std::string restored = JoinPath(run_dir, "restored");
  SILT_ASSIGN_OR_RETURN(NodeRestoreResult rr, Node::Restore(*store, "", restored));
  std::filesystem::remove_all(restored);
  Progress("disk bandwidth");
  SILT_ASSIGN_OR_RETURN(
      double disk, MeasureSequentialWrite(JoinPath(run_dir, "bandwidth"), 1ull << 30, 1 << 20));
  const double restore_rate = rr.bytes / rr.seconds;

  fmt::print("{}{}\n\n", MachineDescription(), BuildDescription());
  fmt::print("Load average before the snapshots: {}\n\n", LoadAverage());
  fmt::print(
      "Node: {} rows of `id int64, v int64, x float64, s string` (random values), {} rowsets, "
      "data directory {:.0f} MB (rowsets {:.0f} MB). Changed {} rows ({:.2f}%): {} deleted in 10 "
      "ranges, {} inserted and flushed.\n\n",
      rows, loaded.rowsets, data_bytes / kMB, loaded.rowset_bytes / kMB, changed, f.change * 100,
      per_range * 10, changed - per_range * 10);
  MarkdownTable t({"operation", "time, s", "bytes added", "files added / needed", "vs"});
  t.AddRow({"full snapshot, first (hashes every file)", fmt::format("{:.3f}", full1.seconds),
            fmt::format("{:.1f} MB", full1.bytes_added / kMB),
            fmt::format("{} / {}", full1.files_added, full1.files), ""});
  t.AddRow({"incremental snapshot after the change", fmt::format("{:.3f}", inc.seconds),
            fmt::format("{:.1f} MB", inc.bytes_added / kMB),
            fmt::format("{} / {}", inc.files_added, inc.files),
            fmt::format("{} less time, {} fewer bytes than the first full (target 20x: {} / {})",
                        Ratio(full1.seconds, inc.seconds),
                        Ratio(static_cast<double>(full1.bytes_added), inc.bytes_added),
                        Met(full1.seconds >= 20 * inc.seconds),
                        Met(full1.bytes_added >= 20 * inc.bytes_added))});
  t.AddRow({"full snapshot after the change (checksums reused)",
            fmt::format("{:.3f}", full2.seconds), fmt::format("{:.1f} MB", full2.bytes_added / kMB),
            fmt::format("{} / {}", full2.files_added, full2.files),
            fmt::format("incremental: {} less time", Ratio(full2.seconds, inc.seconds))});
  t.AddRow({"`cp -r` of the data directory", fmt::format("{:.3f}", cp_seconds), "", "",
            fmt::format("first full snapshot {} faster, later full {} faster (target 5x: {})",
                        Ratio(cp_seconds, full1.seconds), Ratio(cp_seconds, full2.seconds),
                        Met(cp_seconds >= 5 * full1.seconds))});
  t.AddRow({"`cp -r` + `sync`", fmt::format("{:.3f}", cp_sync_seconds), "", "",
            fmt::format("first full snapshot {} faster", Ratio(cp_sync_seconds, full1.seconds))});
  t.AddRow({"restore of the newest snapshot", fmt::format("{:.3f}", rr.seconds),
            fmt::format("{:.1f} MB", rr.bytes / kMB), fmt::format("{}", rr.files),
            fmt::format("{:.0f} MB/s = {:.0f}% of the disk's {:.0f} MB/s sequential write",
                        restore_rate / kMB, 100 * restore_rate / disk, disk / kMB)});
  fmt::print("{}\n", t.ToString());
  fmt::print(
      "Writers waited at most {:.6f} s (first full), {:.6f} s (incremental) while the "
      "Version was pinned.\n",
      full1.capture_seconds, inc.capture_seconds);
  return Status::OK();
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  using namespace silt::bench;
  Flags f;
  CLI::App app("node snapshots: full vs incremental vs cp -r, restore vs disk bandwidth");
  app.add_option("--gb", f.gb, "Table data to load, GB")->capture_default_str();
  app.add_option("--change", f.change, "Fraction of rows changed before the incremental snapshot")
      ->capture_default_str();
  app.add_option("--dir", f.dir, "Parent directory for the run (default $TMPDIR or /tmp)");
  app.add_option("--keep", f.keep, "Keep the run directory")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!(f.gb > 0) || !(f.change > 0) || f.change >= 1) {
    std::fprintf(stderr, "node_snapshot_bench: bad parameters\n");
    return 2;
  }
  const std::string run_dir = CreateRunDirectory(f.dir, "node_snapshot_bench");
  if (run_dir.empty()) return 1;
  silt::Status st = Run(f, run_dir);
  if (!f.keep) std::filesystem::remove_all(run_dir);
  if (!st.ok()) {
    std::fprintf(stderr, "node_snapshot_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

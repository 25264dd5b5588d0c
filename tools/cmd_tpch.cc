// `silt tpch lineitem`: generate TPC-H's lineitem table (docs/tpch.md) as
// rowsets and/or CSV, for benchmarks and for loading the same rows into
// another database.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli.h"
#include "table/tpch_lineitem.h"

namespace silt::cli {
namespace {

// Larger scale factors would pass 2^31 dates or keys nowhere, but would take
// days to generate; 1000 is TPC-H's largest common size below 3000.
constexpr double kMaxScaleFactor = 1000;

struct LineitemFlags {
  double sf = 1;
  std::string out;
  uint64_t rowset_rows = 1000000;
  std::string csv;
  uint64_t seed = LineitemOptions().seed;
};

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Status RunLineitem(const LineitemFlags& f) {
  if (!(f.sf > 0) || !std::isfinite(f.sf) || f.sf > kMaxScaleFactor) {
    return Status::InvalidArgument(
        fmt::format("--sf must be above 0 and at most {} (got {})", kMaxScaleFactor, f.sf));
  }
  if (f.out.empty() && f.csv.empty()) {
    return Status::InvalidArgument("give --out DIR (rowsets) and/or --csv FILE");
  }
  if (f.rowset_rows == 0 || f.rowset_rows > kMaxRowSetRows) {
    return Status::InvalidArgument(
        fmt::format("--rowset-rows must be between 1 and {}", kMaxRowSetRows));
  }
  LineitemOptions options;
  options.scale_factor = f.sf;
  options.seed = f.seed;
  Env* env = Env::Default();
  if (!f.out.empty()) {
    const auto start = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(auto written, WriteLineitemRowSets(env, f.out, options, f.rowset_rows));
    std::printf("lineitem sf %g: %llu rows in %zu rowsets under %s, %llu bytes, %.2f s\n", f.sf,
                static_cast<unsigned long long>(written.rows), written.dirs.size(), f.out.c_str(),
                static_cast<unsigned long long>(written.bytes), Since(start));
  }
  if (!f.csv.empty()) {
    const auto start = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(uint64_t rows, WriteLineitemCsv(env, f.csv, options));
    std::printf("lineitem sf %g: %llu rows to %s, %.2f s\n", f.sf,
                static_cast<unsigned long long>(rows), f.csv.c_str(), Since(start));
  }
  return Status::OK();
}

void RegisterTpchCommands(Cli& cli) {
  CLI::App* tpch = cli.app.add_subcommand("tpch", "Generate TPC-H-like tables (docs/tpch.md)");
  tpch->require_subcommand(1);

  auto f = std::make_shared<LineitemFlags>();
  CLI::App* l = tpch->add_subcommand(
      "lineitem",
      "Generate lineitem at a scale factor (SF 1: about 6 million rows) as rowsets "
      "DIR/lineitem-NNNN and/or as CSV with a header line; the same rows for the same "
      "--sf and --seed on every machine");
  l->add_option("--sf", f->sf, "Scale factor (> 0)")->capture_default_str();
  l->add_option("--out", f->out, "Directory for the rowsets (created; rowsets must not exist)");
  l->add_option("--rowset-rows", f->rowset_rows, "Rows per rowset")->capture_default_str();
  l->add_option("--csv", f->csv, "Also (or only) write the rows as CSV to FILE");
  l->add_option("--seed", f->seed, "Generator seed")->capture_default_str();
  l->callback([&cli, f] { cli.action = [f] { return RunLineitem(*f); }; });
}

const CommandRegistrar kRegistrar(310, RegisterTpchCommands);

}  // namespace
}  // namespace silt::cli

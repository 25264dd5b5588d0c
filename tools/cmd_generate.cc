// `silt generate lineitem`: write TPC-H's lineitem table (docs/tpch.md) as a
// CSV file for `silt import` and for other databases: a header line, commas,
// RFC 4180 quoting, dates as YYYY-MM-DD (docs/csv_import.md).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli.h"
#include "table/tpch_lineitem.h"

namespace silt::cli {
namespace {

// The same limit as `silt tpch lineitem --sf`.
constexpr double kMaxScaleFactor = 1000;

struct GenerateFlags {
  double scale = 1;
  std::string out;
  uint64_t seed = LineitemOptions().seed;
};

Status RunGenerateLineitem(const GenerateFlags& f) {
  if (!(f.scale > 0) || !std::isfinite(f.scale) || f.scale > kMaxScaleFactor) {
    return Status::InvalidArgument(
        fmt::format("--scale must be above 0 and at most {} (got {})", kMaxScaleFactor, f.scale));
  }
  if (f.out.empty()) return Status::InvalidArgument("--out FILE is required");
  LineitemOptions options;
  options.scale_factor = f.scale;
  options.seed = f.seed;
  Env* env = Env::Default();
  const auto start = std::chrono::steady_clock::now();
  SILT_ASSIGN_OR_RETURN(uint64_t rows, WriteLineitemCsv(env, f.out, options));
  SILT_ASSIGN_OR_RETURN(uint64_t bytes, env->GetFileSize(f.out));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("lineitem scale %g: %llu rows, %llu bytes to %s in %.2f s\n", f.scale,
              static_cast<unsigned long long>(rows), static_cast<unsigned long long>(bytes),
              f.out.c_str(), secs);
  return Status::OK();
}

void RegisterGenerateCommands(Cli& cli) {
  CLI::App* gen = cli.app.add_subcommand("generate", "Generate test data as CSV files");
  gen->require_subcommand(1);

  auto f = std::make_shared<GenerateFlags>();
  CLI::App* l = gen->add_subcommand(
      "lineitem",
      "Write TPC-H's lineitem table at a scale factor (1: about 6 million rows, 750 MB) as "
      "CSV with a header line; the same rows for the same --scale and --seed everywhere");
  l->add_option("--scale", f->scale, "Scale factor (> 0)")->capture_default_str();
  l->add_option("--out", f->out, "The CSV file to write (replaced)");
  l->add_option("--seed", f->seed, "Generator seed")->capture_default_str();
  l->callback([&cli, f] { cli.action = [f] { return RunGenerateLineitem(*f); }; });
}

const CommandRegistrar kRegistrar(320, RegisterGenerateCommands);

}  // namespace
}  // namespace silt::cli

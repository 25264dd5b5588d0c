// The `silt` command-line program: parses arguments and runs one subcommand.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.h"
#include "silt/version.h"

namespace silt::cli {

int ReportError(const Status& status) {
  std::fprintf(stderr, "silt: error: %s\n", status.message().c_str());
  return status.IsInvalidArgument() ? kExitUsage : kExitRuntimeError;
}

namespace {

std::vector<std::pair<int, RegisterFn>>& Registry() {
  static std::vector<std::pair<int, RegisterFn>> registry;
  return registry;
}

}  // namespace

CommandRegistrar::CommandRegistrar(int order, RegisterFn fn) { Registry().emplace_back(order, fn); }

void RegisterAllCommands(Cli& cli) {
  auto entries = Registry();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, fn] : entries) fn(cli);
}

namespace {

int Main(int argc, char** argv) {
  Cli cli;
  CLI::App& app = cli.app;
  app.set_version_flag("--version", std::string("silt ") + kVersionString);
  app.set_help_all_flag("--help-all", "Print help for every subcommand and exit");
  if (const char* env_data = std::getenv("SILT_DATA"); env_data != nullptr && *env_data != '\0') {
    cli.data_dir = env_data;
  }
  app.add_option("--data", cli.data_dir, "Data directory (default ./silt-data, or $SILT_DATA)")
      ->capture_default_str();
  app.require_subcommand(1);
  app.fallthrough();  // --data may also follow the subcommand

  RegisterAllCommands(cli);

  // CLI11 reports an unknown command as "A subcommand is required"; name it instead.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--data") {
      ++i;
      continue;
    }
    if (arg.starts_with("-")) continue;
    const std::string name(arg);
    auto known = app.get_subcommands([&name](CLI::App* sub) { return sub->check_name(name); });
    if (known.empty()) {
      std::fprintf(stderr, "silt: error: unknown command '%s'\nRun 'silt --help' for usage.\n",
                   argv[i]);
      return kExitUsage;
    }
    break;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "silt: error: %s\nRun 'silt --help' for usage.\n", e.what());
    return kExitUsage;
  }
  if (!cli.action) {
    std::fprintf(stderr, "silt: error: no command given\nRun 'silt --help' for usage.\n");
    return kExitUsage;
  }
  Status s = cli.action();
  if (!s.ok()) return ReportError(s);
  return kExitOk;
}

}  // namespace
}  // namespace silt::cli

int main(int argc, char** argv) { return silt::cli::Main(argc, argv); }

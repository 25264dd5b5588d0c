// Shared plumbing of the `silt` command-line program.
//
// Each group of subcommands lives in its own tools/cmd_*.cc (picked up by
// tools/CMakeLists.txt) and registers itself with a file-scope
//   const CommandRegistrar kRegistrar(ORDER, RegisterFooCommands);
// so adding a command group touches no shared file. ORDER sorts the groups in
// --help. A subcommand's CLI11 callback
// stores the work to do in Cli::action; main() runs it after parsing and maps
// the resulting Status to the exit code:
//   0 success; 1 runtime error; 2 usage error (bad arguments, InvalidArgument).
// Errors are printed to stderr as "silt: error: MESSAGE".
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "silt/status.h"

namespace silt::cli {

constexpr int kExitOk = 0;
constexpr int kExitRuntimeError = 1;
constexpr int kExitUsage = 2;

struct Cli {
  CLI::App app{"silt: a crash-safe storage node for replicated analytical databases", "silt"};
  // --data DIR (default ./silt-data, or $SILT_DATA).
  std::string data_dir = "./silt-data";
  // What the chosen subcommand does; set by its callback during parsing.
  std::function<Status()> action;
};

// Prints "silt: error: ..." and returns the exit code for the status.
int ReportError(const Status& status);

using RegisterFn = void (*)(Cli& cli);

// Adds fn to the list main() calls before parsing (static-initialisation time).
class CommandRegistrar {
 public:
  CommandRegistrar(int order, RegisterFn fn);
};

// Calls every registered function, in ORDER.
void RegisterAllCommands(Cli& cli);

}  // namespace silt::cli

// `silt version`: what this binary is and how it was built.
#include <cstdio>

#include "cli.h"
#include "common/crc32c.h"
#include "silt/version.h"

namespace silt::cli {

namespace {

void RegisterVersionCommand(Cli& cli) {
  CLI::App* cmd = cli.app.add_subcommand("version", "Print the version and build details");
  cmd->callback([&cli] {
    cli.action = [] {
      std::printf("silt %s\n", kVersionString);
      std::printf("build: %s\n", kBuildDescription);
      std::printf("crc32c: %s\n",
                  crc32c::IsHardwareAccelerated() ? "hardware (SSE4.2)" : "portable (table)");
      return Status::OK();
    };
  });
}

// Listed last in --help.
const CommandRegistrar kRegistrar(1000, RegisterVersionCommand);

}  // namespace
}  // namespace silt::cli

// The `silt` program's conventions: --help everywhere, --version, exit codes
// 0 / 1 / 2, errors on stderr as "silt: error: ...".
#include <gtest/gtest.h>

#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

TEST(CliTest, HelpExitsZeroAndListsCommands) {
  auto r = RunCommand({SiltBinary(), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("version"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--data"), std::string::npos) << r.out;
}

TEST(CliTest, VersionFlagAndCommand) {
  auto r = RunCommand({SiltBinary(), "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("silt ", 0), 0u) << r.out;
  auto v = RunCommand({SiltBinary(), "version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("crc32c:"), std::string::npos) << v.out;
  auto h = RunCommand({SiltBinary(), "version", "--help"});
  EXPECT_EQ(h.exit_code, 0);
}

TEST(CliTest, UsageErrorsExitTwoOnStderr) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {SiltBinary()}, {SiltBinary(), "no-such-command"}, {SiltBinary(), "--bogus-flag"}}) {
    auto r = RunCommand(args);
    EXPECT_EQ(r.exit_code, 2) << args.size();
    EXPECT_EQ(r.err.rfind("silt: error: ", 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace silt

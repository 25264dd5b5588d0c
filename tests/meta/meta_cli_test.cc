// `silt schema|table|meta ...` end to end: output, exit codes (0 ok, 1 error,
// 2 usage), checkpoints through the CLI, and repeated kill -9 of
// `silt meta stress` followed by a reopen that has every printed (durable)
// epoch.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

class MetaCliTest : public ::testing::Test {
 protected:
  test::CommandResult Silt(std::vector<std::string> args) {
    std::vector<std::string> argv = {SiltBinary(), "--data", dir_.path() + "/data"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  void ExpectOk(const test::CommandResult& r, std::string_view out_mentions = "") {
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(out_mentions), std::string::npos) << r.out;
  }
  void ExpectError(const test::CommandResult& r, int code, std::string_view err_mentions) {
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    EXPECT_NE(r.err.find(err_mentions), std::string::npos) << r.err;
  }
  test::TempDir dir_;
};

TEST_F(MetaCliTest, SchemasTablesAndCheckpoints) {
  ExpectError(Silt({"schema", "list"}), 1, "no metadata here");
  ExpectOk(Silt({"schema", "create", "sales"}), "created schema sales (id 0) at epoch 1");
  ExpectError(Silt({"schema", "create", "sales"}), 1, "already exists");
  // `table create` opens the node, which creates schema main (epoch 2).
  ExpectOk(Silt({"table", "create", "sales.orders", "--columns",
                 "id int64 not null, amount decimal(12,2), day date", "--sort-key", "id"}),
           "created table sales.orders");
  ExpectError(Silt({"table", "create", "sales.x", "--columns", "id nosuchtype"}), 2, "--columns");
  ExpectError(Silt({"table", "create", "sales.x", "--columns", "id int64", "--sort-key", "zz"}), 2,
              "sort key column 'zz' is not a column");
  ExpectError(Silt({"table", "create", "a.b.c", "--columns", "id int64"}), 2, "bad table name");
  ExpectError(Silt({"table", "create", "nope.x", "--columns", "id int64"}), 1, "nope");
  ExpectError(Silt({"table", "drop", "sales.nope"}), 1, "nope");
  ExpectError(Silt({"schema", "frobnicate"}), 2, "");

  auto list = Silt({"schema", "list", "sales"});
  ExpectOk(list, "orders (id 0, shard 1, 0 rowset(s)): id int64 not null, amount decimal(12,2)");
  ExpectOk(Silt({"schema", "list"}), "sales");

  auto status = Silt({"meta", "status"});
  ExpectOk(status, "epoch                     3");
  EXPECT_NE(status.out.find("commits since checkpoint  3"), std::string::npos) << status.out;

  ExpectOk(Silt({"meta", "checkpoint"}), "checkpoint written: checkpoint-");
  ExpectOk(Silt({"meta", "checkpoint"}), "nothing to checkpoint");
  auto json = Silt({"meta", "status", "--json"});
  ExpectOk(json, "\"last_checkpoint_epoch\": 3");
  EXPECT_NE(json.out.find("\"log_first_index\": 4"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(".global\""), std::string::npos) << json.out;

  ExpectOk(Silt({"table", "drop", "sales.orders"}), "dropped table sales.orders");
  ExpectOk(Silt({"schema", "drop", "sales"}), "dropped schema sales and its 0 table(s)");
  auto dump = Silt({"meta", "dump"});
  ExpectOk(dump, "next schema id 2");
  EXPECT_EQ(dump.out.find("orders"), std::string::npos) << dump.out;
}

TEST_F(MetaCliTest, KillNineDuringCommitsAndCheckpoints) {
  uint64_t acked = 0;
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    test::ChildProcess child({SiltBinary(), "--data", dir_.path() + "/data", "meta", "stress",
                              "--commits", "100000", "--tables", "20", "--checkpoint-delta", "37",
                              "--seed", std::to_string(round + 1)});
    std::string line;
    // Let it commit (and checkpoint) for a while, then kill it mid-stride.
    for (int i = 0; i < 150 + 90 * round && child.ReadLine(&line); ++i) {
      ASSERT_EQ(line.rfind("committed ", 0), 0u) << line;
      acked = std::stoull(line.substr(10));
    }
    child.Kill(9);
    child.Wait();
    auto status = Silt({"meta", "status", "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const size_t at = status.out.find("\"epoch\": ");
    ASSERT_NE(at, std::string::npos);
    const uint64_t epoch = std::stoull(status.out.substr(at + 9));
    EXPECT_GE(epoch, acked) << "an acknowledged commit was lost";
    EXPECT_EQ(status.out.find("\"checkpoint_files\": []"), std::string::npos)
        << "the stress run should have checkpointed: " << status.out;
  }
  auto dump = Silt({"meta", "dump"});
  ExpectOk(dump, "schema 'stress' (0) next table id 20");
}

}  // namespace
}  // namespace silt

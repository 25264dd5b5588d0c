// `silt snapshot create|list|verify|restore|reap` through the binary: a full
// and an incremental snapshot around a delete, listed oldest first, verified,
// restored into a new data directory that scans like the original did, reaped;
// and the errors: restore into a used directory, a damaged snapshot, bad
// arguments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

namespace silt {
namespace {

using test::RunCommand;
using test::SiltBinary;

class NodeSnapshotCliTest : public ::testing::Test {
 protected:
  test::CommandResult Silt(const std::string& data, std::vector<std::string> args) {
    std::vector<std::string> argv = {SiltBinary(), "--data", data};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  std::string Ok(std::vector<std::string> args, const std::string& data = "") {
    auto r = Silt(data.empty() ? data_ : data, args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.out
                              << r.err;
    return r.out;
  }
  void Error(std::vector<std::string> args, int code, std::string_view mentions) {
    auto r = Silt(data_, args);
    EXPECT_EQ(r.exit_code, code) << r.out << r.err;
    EXPECT_NE(r.err.find(mentions), std::string::npos) << r.err;
  }
  std::string Scan(const std::string& data) {
    return Ok({"scan", "t", "--agg", "count(*), sum(id), min(s), max(s)", "--format", "csv"}, data);
  }

  test::TempDir dir_;
  std::string data_ = dir_.path() + "/data";
};

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(NodeSnapshotCliTest, CreateListVerifyRestoreReap) {
  const std::string csv = dir_.path() + "/t.csv";
  {
    std::ofstream f(csv);
    f << "id,s\n";
    for (int i = 0; i < 2000; ++i) f << i << ",name" << i % 37 << "\n";
  }
  Ok({"table", "create", "t", "--columns", "id int64 not null, s string", "--sort-key", "id"});
  Ok({"import", "t", csv, "--header"});
  const std::string first = Ok({"snapshot", "create"});
  EXPECT_NE(first.find(": full, epoch"), std::string::npos) << first;
  const std::string scan1 = Scan(data_);

  Ok({"delete", "t", "--where", "id < 500"});
  const std::string second = Ok({"snapshot", "create"});
  EXPECT_NE(second.find(": incremental on "), std::string::npos) << second;
  const std::string scan2 = Scan(data_);
  EXPECT_NE(scan1, scan2);

  const auto list = Lines(Ok({"snapshot", "list"}));
  ASSERT_EQ(list.size(), 2u);
  const std::string id1 = list[0].substr(0, list[0].find(' '));
  const std::string id2 = list[1].substr(0, list[1].find(' '));
  EXPECT_NE(list[0].find(" full "), std::string::npos) << list[0];
  EXPECT_NE(list[1].find(" incremental "), std::string::npos) << list[1];
  EXPECT_NE(list[1].find("base=" + id1), std::string::npos) << list[1];

  EXPECT_NE(Ok({"snapshot", "verify"}).find("ok: 2 snapshots in the chain"), std::string::npos);
  EXPECT_NE(Ok({"snapshot", "verify", id1}).find("ok: 1 snapshot in the chain"), std::string::npos);

  const std::string r1 = dir_.path() + "/r1";
  const std::string r2 = dir_.path() + "/r2";
  Ok({"snapshot", "restore", id1, "--to", r1});
  Ok({"snapshot", "restore", "--to", r2});  // the newest
  EXPECT_EQ(Scan(r1), scan1);
  EXPECT_EQ(Scan(r2), scan2);

  // Errors: a used target, an unknown id, missing --to, a damaged snapshot.
  auto used = Silt(data_, {"snapshot", "restore", "--to", r1});
  EXPECT_EQ(used.exit_code, 1);
  EXPECT_NE(used.err.find("not an empty directory"), std::string::npos) << used.err;
  Error({"snapshot", "restore", "1-99-99", "--to", dir_.path() + "/r3"}, 1, "1-99-99");
  Error({"snapshot", "restore"}, 2, "--to");
  Error({"snapshot", "create", "--shard", "nosuch"}, 2, "nosuch");

  // Reap folds the chain: one full snapshot remains, and it restores.
  EXPECT_NE(Ok({"snapshot", "reap"}).find("reaped 2 snapshots"), std::string::npos);
  const auto after = Lines(Ok({"snapshot", "list"}));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0].find(" full "), std::string::npos) << after[0];
  EXPECT_NE(after[0].rfind(id2.substr(0, id2.rfind('-')), 0), std::string::npos) << after[0];
  const std::string r4 = dir_.path() + "/r4";
  Ok({"snapshot", "restore", "--to", r4});
  EXPECT_EQ(Scan(r4), scan2);

  // A flipped byte in the snapshot's metadata: verify and restore refuse it.
  const std::string snap_dir = data_ + "/snapshots/" + after[0].substr(0, after[0].find(' '));
  {
    std::fstream f(snap_dir + "/metadata.ckpt", std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp(20);
    f.put('\x7f');
  }
  Error({"snapshot", "verify"}, 1, "metadata.ckpt");
  Error({"snapshot", "restore", "--to", dir_.path() + "/r5"}, 1, "metadata.ckpt");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/r5"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/r5.restoring"));

  // --store puts snapshots elsewhere.
  const std::string other = dir_.path() + "/elsewhere";
  EXPECT_NE(Ok({"snapshot", "create", "--store", other}).find(": full, epoch"), std::string::npos);
  EXPECT_EQ(Lines(Ok({"snapshot", "list", "--store", other})).size(), 1u);
}

}  // namespace
}  // namespace silt

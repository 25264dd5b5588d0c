// RowSetBuilder under power cuts (FaultInjectionEnv): a cut after Finish
// returns keeps the whole rowset; a cut after any single file operation
// during the build leaves either the whole rowset or nothing at DIR, plus at
// most a DIR.tmp that RemoveIncompleteRowSet removes.
#include <gtest/gtest.h>

#include "common/fault_injection_env.h"
#include "rowset_test_util.h"
#include "table_test_util.h"

namespace silt {
namespace {

struct Data {
  std::vector<ColumnDef> schema = {
      {"id", DataType::Int64().NotNull()}, {"s", DataType::String()}, {"d", DataType::Float64()}};
  std::vector<ColumnVector> columns;
  Data() {
    test::ColumnGenerator gen(5);
    columns.push_back(gen.Make(schema[0].type, test::Shape::kSorted, 450, 0));
    columns.push_back(gen.Make(schema[1].type, test::Shape::kRandom, 450, 10));
    columns.push_back(gen.Make(schema[2].type, test::Shape::kLowCardinality, 450, 10));
  }
};

RowSetBuilderOptions Options() {
  RowSetBuilderOptions o;
  o.block_rows = 100;
  o.sort_key = {0};
  o.rowset_id = 9;
  return o;
}

void ExpectIntact(FaultInjectionEnv* env, const Data& data) {
  auto reader = RowSetReader::Open(env, "/db/rs");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto back = test::ReadAll(**reader);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  for (size_t c = 0; c < data.columns.size(); ++c) EXPECT_TRUE((*back)[c].Equals(data.columns[c]));
}

TEST(RowSetDurabilityTest, PowerCutAfterFinishKeepsTheRowSet) {
  Data data;
  for (bool torn : {false, true}) {
    FaultInjectionEnv env;
    ASSERT_TRUE(env.CreateDirs("/db").ok());
    ASSERT_TRUE(test::BuildRowSet(&env, "/db/rs", data.schema, data.columns, Options(), 64).ok());
    env.PowerCut(PowerCutOptions{torn, 1});
    ExpectIntact(&env, data);
    EXPECT_FALSE(env.FileExists("/db/rs.tmp"));
  }
}

TEST(RowSetDurabilityTest, PowerCutAtEveryOperation) {
  Data data;
  uint64_t total = 0;
  {
    FaultInjectionEnv env;
    ASSERT_TRUE(env.CreateDirs("/db").ok());
    const uint64_t before = env.mutating_ops();
    ASSERT_TRUE(test::BuildRowSet(&env, "/db/rs", data.schema, data.columns, Options(), 64).ok());
    total = env.mutating_ops() - before;
  }
  ASSERT_GT(total, 20u);
  int whole = 0, nothing = 0;
  for (uint64_t n = 0; n <= total; ++n) {
    for (bool torn : {false, true}) {
      SCOPED_TRACE(testing::Message() << "crash after " << n << " ops, torn " << torn);
      FaultInjectionEnv env;
      ASSERT_TRUE(env.CreateDirs("/db").ok());
      env.CrashAfter(n);
      auto built = test::BuildRowSet(&env, "/db/rs", data.schema, data.columns, Options(), 64);
      EXPECT_EQ(built.ok(), n >= total);
      env.PowerCut(PowerCutOptions{torn, n});
      if (env.FileExists("/db/rs")) {
        ++whole;
        ExpectIntact(&env, data);
      } else {
        ++nothing;
      }
      ASSERT_TRUE(RemoveIncompleteRowSet(&env, "/db/rs").ok());
      EXPECT_FALSE(env.FileExists("/db/rs.tmp"));
      auto names = env.ListDir("/db");
      ASSERT_TRUE(names.ok());
      EXPECT_LE(names->size(), 1u);
      // The name is free again (or holds the whole rowset): a retry works.
      if (!env.FileExists("/db/rs")) {
        ASSERT_TRUE(
            test::BuildRowSet(&env, "/db/rs", data.schema, data.columns, Options(), 64).ok());
        ExpectIntact(&env, data);
      }
    }
  }
  EXPECT_GT(whole, 0);
  EXPECT_GT(nothing, 0);
}

// An I/O error at any single operation fails the build cleanly.
TEST(RowSetDurabilityTest, FailedOperationFailsTheBuild) {
  Data data;
  for (FaultOp op :
       {FaultOp::kWrite, FaultOp::kSync, FaultOp::kSyncDir, FaultOp::kRename, FaultOp::kCreate}) {
    for (uint64_t nth = 1; nth <= 4; ++nth) {
      FaultInjectionEnv env;
      ASSERT_TRUE(env.CreateDirs("/db").ok());
      env.FailNth(op, nth);
      auto built = test::BuildRowSet(&env, "/db/rs", data.schema, data.columns, Options(), 64);
      env.ClearFailures();
      if (built.ok()) {
        ExpectIntact(&env, data);
      } else {
        EXPECT_TRUE(built.status().IsIOError()) << built.status().ToString();
        // Either nothing is published or (a failed final directory sync)
        // the whole rowset is.
        if (env.FileExists("/db/rs")) ExpectIntact(&env, data);
      }
    }
  }
}

}  // namespace
}  // namespace silt

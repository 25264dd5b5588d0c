// Zone-map pruning: a scan skips the blocks whose statistics rule out a
// conjunction of predicates, on any column and type, and the number of
// blocks read is exactly the number that may hold a matching row. A model
// check confirms no block with a matching row is ever skipped.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "common/fault_injection_env.h"
#include "rowset_test_util.h"
#include "table_test_util.h"

namespace silt {
namespace {

constexpr size_t kRows = 10000;
constexpr uint32_t kBlock = 1000;  // 10 blocks
enum Col : uint32_t { kId, kDay, kName, kPrice, kScore, kFlag, kMaybe, kTs };

class ZoneMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirs("/db").ok());
    schema_ = {{"id", DataType::Int64().NotNull()}, {"day", DataType::Date()},
               {"name", DataType::String()},        {"price", *DataType::Decimal(12, 2)},
               {"score", DataType::Float64()},      {"flag", DataType::Bool()},
               {"maybe", DataType::Int32()},        {"ts", DataType::Timestamp()}};
    for (const auto& c : schema_) columns_.emplace_back(c.type);
    for (size_t i = 0; i < kRows; ++i) {
      const size_t block = i / kBlock;
      columns_[kId].AppendInt64(static_cast<int64_t>(i));
      columns_[kDay].AppendInt32(static_cast<int32_t>(18000 + i / 10));
      char name[16];
      std::snprintf(name, sizeof(name), "key-%05zu", i);
      columns_[kName].AppendString(name);
      columns_[kPrice].AppendInt64(static_cast<int64_t>((i * 7919) % 100000));  // spread
      // Block 4 holds a NaN; block 7 -inf; others finite.
      double score = static_cast<double>(block) + (i % 100) / 100.0;
      if (i == 4321) score = std::numeric_limits<double>::quiet_NaN();
      if (i == 7007) score = -std::numeric_limits<double>::infinity();
      columns_[kScore].AppendDouble(score);
      columns_[kFlag].AppendBool(block == 2 && i % 2 == 0);  // true only in block 2
      if (block == 3) {
        columns_[kMaybe].AppendNull();  // an all-null block
      } else if (block == 6 && i % 50 == 0) {
        columns_[kMaybe].AppendNull();  // a few nulls
      } else {
        columns_[kMaybe].AppendInt32(static_cast<int32_t>(block * 10));
      }
      columns_[kTs].AppendInt64(static_cast<int64_t>(i) * 1000000);
    }
    RowSetBuilderOptions options;
    options.block_rows = kBlock;
    ASSERT_TRUE(test::BuildRowSet(&env_, "/db/rs", schema_, columns_, options, 2500).ok());
    auto reader = RowSetReader::Open(&env_, "/db/rs");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    reader_ = std::move(*reader);
    ASSERT_EQ(reader_->block_count(), 10u);
  }

  // Scans with the predicates; returns blocks read and checks that every
  // row matching all predicates is among the rows returned.
  uint64_t BlocksRead(const std::vector<ZonePredicate>& preds) {
    ScanOptions options;
    options.predicates = preds;
    auto scan = reader_->NewScan(options);
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    if (!scan.ok()) return ~0ull;
    std::vector<ColumnVector> back;
    EXPECT_TRUE(test::Drain(scan->get(), &back).ok());
    const ScanCounters& c = (*scan)->counters();
    EXPECT_EQ(c.blocks_read + c.blocks_skipped_zone_map, 10u);
    EXPECT_EQ(c.column_blocks_read, c.blocks_read * schema_.size());
    std::vector<bool> returned(kRows, false);
    if (!back.empty()) {
      for (size_t i = 0; i < back[kId].size(); ++i) returned[back[kId].Get<int64_t>(i)] = true;
    }
    for (size_t i = 0; i < kRows; ++i) {
      bool match = true;
      for (const auto& p : preds) match = match && p.Matches(columns_[p.column].GetValue(i));
      if (match) EXPECT_TRUE(returned[i]) << "row " << i << " skipped wrongly";
    }
    return c.blocks_read;
  }

  FaultInjectionEnv env_;
  std::vector<ColumnDef> schema_;
  std::vector<ColumnVector> columns_;
  std::unique_ptr<RowSetReader> reader_;
};

using P = ZonePredicate;
Value I(int64_t v) { return Value::Int(v); }

TEST_F(ZoneMapTest, NoPredicateReadsEverything) { EXPECT_EQ(BlocksRead({}), 10u); }

TEST_F(ZoneMapTest, IntegerComparisons) {
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kLt, I(1500))}), 2u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kLe, I(999))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kGe, I(9000))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kGt, I(8999))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kEq, I(5555))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kEq, I(10000))}), 0u);
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kNe, I(5555))}), 10u);
  EXPECT_EQ(BlocksRead({P::Between(kId, I(2500), I(3500))}), 2u);
  EXPECT_EQ(BlocksRead({P::Between(kId, I(3500), I(2500))}), 0u);  // empty range
  // The all-equal column: != its value rules a block out.
  EXPECT_EQ(BlocksRead({P::Compare(kMaybe, CompareOp::kNe, I(50))}), 8u);  // not 3 (null), not 5
}

TEST_F(ZoneMapTest, DatesTimestampsDecimals) {
  EXPECT_EQ(BlocksRead({P::Compare(kDay, CompareOp::kGe, I(18000 + 950))}), 1u);
  EXPECT_EQ(BlocksRead({P::Between(kTs, I(1000ll * 1000000), I(1999ll * 1000000))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kPrice, CompareOp::kGt, I(100000))}), 0u);
  EXPECT_EQ(BlocksRead({P::Compare(kPrice, CompareOp::kLt, I(0))}), 0u);
}

TEST_F(ZoneMapTest, Strings) {
  EXPECT_EQ(BlocksRead({P::Compare(kName, CompareOp::kGe, Value::String("key-09000"))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kName, CompareOp::kLt, Value::String("key-01000"))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kName, CompareOp::kEq, Value::String("zzz"))}), 0u);
  EXPECT_EQ(BlocksRead({P::Between(kName, Value::String("key-02500"), Value::String("key-04"))}),
            2u);
}

TEST_F(ZoneMapTest, FloatsWithNaNAndInfinity) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // NaN is the largest value: only block 4 has it.
  EXPECT_EQ(BlocksRead({P::Compare(kScore, CompareOp::kEq, Value::Double(nan))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kScore, CompareOp::kGt, Value::Double(1e300))}), 1u);
  EXPECT_EQ(BlocksRead({P::Compare(kScore, CompareOp::kLt, Value::Double(-1e300))}), 1u);  // -inf
  EXPECT_EQ(BlocksRead({P::Compare(kScore, CompareOp::kLt, Value::Double(1.0))}), 2u);     // 0, 7
}

TEST_F(ZoneMapTest, BoolAndNulls) {
  EXPECT_EQ(BlocksRead({P::Compare(kFlag, CompareOp::kEq, I(1))}), 1u);
  EXPECT_EQ(BlocksRead({P::IsNull(kMaybe)}), 2u);     // blocks 3 and 6
  EXPECT_EQ(BlocksRead({P::IsNotNull(kMaybe)}), 9u);  // not block 3
  EXPECT_EQ(BlocksRead({P::IsNull(kId)}), 0u);
  // A null literal: no row compares true.
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kEq, Value())}), 0u);
}

TEST_F(ZoneMapTest, Conjunctions) {
  EXPECT_EQ(BlocksRead({P::Compare(kId, CompareOp::kGe, I(1000)),
                        P::Compare(kId, CompareOp::kLt, I(3000)),
                        P::Compare(kName, CompareOp::kLe, Value::String("key-01500"))}),
            1u);
  EXPECT_EQ(BlocksRead({P::Compare(kFlag, CompareOp::kEq, I(1)), P::IsNull(kMaybe)}), 0u);
  EXPECT_EQ(reader_->total_blocks_read() + reader_->total_blocks_skipped(), 20u);
}

TEST_F(ZoneMapTest, WrongLiteralKindIsRejected) {
  ScanOptions options;
  options.predicates = {P::Compare(kName, CompareOp::kEq, I(3))};
  EXPECT_TRUE(reader_->NewScan(options).status().IsInvalidArgument());
  options.predicates = {P::Compare(kScore, CompareOp::kEq, I(3))};
  EXPECT_TRUE(reader_->NewScan(options).status().IsInvalidArgument());
  options.predicates = {P::Compare(99, CompareOp::kEq, I(3))};
  EXPECT_TRUE(reader_->NewScan(options).status().IsInvalidArgument());
}

// Random predicates on every column: never a wrong skip (checked inside
// BlocksRead against the rows), and the count matches the statistics.
TEST_F(ZoneMapTest, RandomPredicatesNeverSkipAMatch) {
  std::mt19937_64 rng(1);
  const CompareOp ops[] = {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt,
                           CompareOp::kLe, CompareOp::kGt, CompareOp::kGe};
  for (int round = 0; round < 60; ++round) {
    const uint32_t col = rng() % schema_.size();
    const Value lit = columns_[col].GetValue(rng() % kRows);
    ZonePredicate p = rng() % 4 == 0 ? P::Between(col, lit, columns_[col].GetValue(rng() % kRows))
                                     : P::Compare(col, ops[rng() % 6], lit);
    uint64_t expected = 0;
    for (const auto& e : reader_->index(col).blocks) expected += p.MayMatch(e.stats) ? 1 : 0;
    EXPECT_EQ(BlocksRead({p}), expected) << p.ToString();
  }
}

}  // namespace
}  // namespace silt

// ConcatIterator and MergeIterator over rowsets with overlapping sort keys
// and delete vectors, compared with a naive model (all live rows, stably
// sorted by key, ties in input order).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/fault_injection_env.h"
#include "rowset_test_util.h"
#include "table/concat_iterator.h"
#include "table/merge_iterator.h"
#include "table/row_compare.h"

namespace silt {
namespace {

// Columns: k (int32, nullable, sort key 1), k2 (string, sort key 2),
// src (int32: input number), row (int64: row id in its rowset).
struct Input {
  std::vector<ColumnVector> columns;
  std::vector<bool> deleted;
};

class IteratorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirs("/db").ok()); }

  std::vector<ColumnDef> Schema() {
    return {{"k", DataType::Int32()},
            {"k2", DataType::String()},
            {"src", DataType::Int32().NotNull()},
            {"row", DataType::Int64().NotNull()}};
  }

  // Makes `count` sorted rowsets with overlapping key ranges, random deletes.
  void MakeInputs(int count, uint64_t seed, bool with_nulls) {
    std::mt19937_64 rng(seed);
    for (int s = 0; s < count; ++s) {
      const size_t n = s == 1 ? 0 : 100 + rng() % 5000;  // input 1 is empty
      std::vector<std::pair<int64_t, std::string>> keys;
      for (size_t i = 0; i < n; ++i) {
        const int64_t k = with_nulls && rng() % 20 == 0 ? -1 : static_cast<int64_t>(rng() % 300);
        keys.emplace_back(k, "x" + std::to_string(rng() % 4));
      }
      std::sort(keys.begin(), keys.end());  // -1 (null) first, as the key order wants
      Input in;
      for (const auto& c : Schema()) in.columns.emplace_back(c.type);
      for (size_t i = 0; i < n; ++i) {
        if (keys[i].first < 0) {
          in.columns[0].AppendNull();
        } else {
          in.columns[0].AppendInt32(static_cast<int32_t>(keys[i].first));
        }
        in.columns[1].AppendString(keys[i].second);
        in.columns[2].AppendInt32(s);
        in.columns[3].AppendInt64(static_cast<int64_t>(i));
      }
      in.deleted.assign(n, false);
      DeleteVector dv;
      for (size_t i = 0; i < n; ++i) {
        if (rng() % 4 == 0) {
          in.deleted[i] = true;
          dv.Add(static_cast<uint32_t>(i));
        }
      }
      if (n > 1500) {  // and a whole block
        dv.AddRange(1024, 1536);
        for (size_t i = 1024; i < 1536; ++i) in.deleted[i] = true;
      }
      RowSetBuilderOptions options;
      options.block_rows = 512;
      options.sort_key = {0, 1};
      options.rowset_id = s;
      const std::string dir = "/db/rs" + std::to_string(s);
      auto meta = test::BuildRowSet(&env_, dir, Schema(), in.columns, options, 300);
      ASSERT_TRUE(meta.ok()) << meta.status().ToString();
      auto reader = RowSetReader::Open(&env_, dir);
      ASSERT_TRUE(reader.ok());
      ASSERT_TRUE((*reader)->ApplyDeleteVector(dv).ok());
      readers_.push_back(std::move(*reader));
      inputs_.push_back(std::move(in));
    }
  }

  std::vector<std::unique_ptr<RowIterator>> Scans() {
    std::vector<std::unique_ptr<RowIterator>> scans;
    for (const auto& r : readers_) {
      auto scan = r->NewScan();
      EXPECT_TRUE(scan.ok());
      scans.push_back(std::move(*scan));
    }
    return scans;
  }

  // Live rows of every input, one after another.
  std::vector<ColumnVector> ConcatModel() {
    std::vector<ColumnVector> out;
    for (const auto& c : Schema()) out.emplace_back(c.type);
    for (const auto& in : inputs_) {
      for (size_t c = 0; c < out.size(); ++c) {
        ColumnVector live = test::Without(in.columns[c], in.deleted);
        out[c].AppendFrom(live, 0, live.size());
      }
    }
    return out;
  }

  // ConcatModel stably sorted by key.
  std::vector<ColumnVector> MergeModel(const std::vector<uint32_t>& key) {
    std::vector<ColumnVector> all = ConcatModel();
    std::vector<size_t> order(all[0].size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return CompareKeyRows(all, a, all, b, key) < 0; });
    std::vector<ColumnVector> out;
    for (const auto& c : Schema()) out.emplace_back(c.type);
    for (size_t i : order) {
      for (size_t c = 0; c < out.size(); ++c) out[c].AppendFrom(all[c], i, 1);
    }
    return out;
  }

  void ExpectEqual(const std::vector<ColumnVector>& got, const std::vector<ColumnVector>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t c = 0; c < got.size(); ++c) {
      EXPECT_EQ(got[c].size(), want[c].size());
      EXPECT_TRUE(got[c].Equals(want[c])) << "column " << c;
    }
  }

  FaultInjectionEnv env_;
  std::vector<std::unique_ptr<RowSetReader>> readers_;
  std::vector<Input> inputs_;
};

TEST_F(IteratorTest, ConcatMatchesModel) {
  MakeInputs(4, 1, true);
  ConcatIterator it(Scans());
  std::vector<ColumnVector> got;
  ASSERT_TRUE(test::Drain(&it, &got).ok());
  ExpectEqual(got, ConcatModel());
}

TEST_F(IteratorTest, MergeMatchesModel) {
  for (uint64_t seed : {2, 3, 4}) {
    SCOPED_TRACE(seed);
    readers_.clear();
    inputs_.clear();
    ASSERT_TRUE(env_.RemoveAll("/db").ok());
    ASSERT_TRUE(env_.CreateDirs("/db").ok());
    MakeInputs(static_cast<int>(seed) + 1, seed, seed != 3);
    for (const std::vector<uint32_t>& key : {std::vector<uint32_t>{0, 1}, {0}}) {
      MergeIterator it(Scans(), key, 1000);
      std::vector<ColumnVector> got;
      size_t batches = 0;
      ASSERT_TRUE(test::Drain(&it, &got, &batches).ok());
      ExpectEqual(got, MergeModel(key));
      EXPECT_EQ(batches, (got[0].size() + 999) / 1000);  // full batches but the last
    }
  }
}

TEST_F(IteratorTest, MergeOfNothing) {
  MergeIterator none({}, {0});
  RowBatch batch;
  auto more = none.Next(&batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  ConcatIterator empty({});
  more = empty.Next(&batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_F(IteratorTest, MergeKeyOutsideTheBatchIsRefused) {
  MakeInputs(2, 5, false);
  MergeIterator it(Scans(), {7});
  RowBatch batch;
  EXPECT_TRUE(it.Next(&batch).status().IsInvalidArgument());
}

// A single input comes through unchanged; an error from an input ends the merge.
TEST_F(IteratorTest, MergePropagatesErrors) {
  MakeInputs(3, 9, false);
  auto names = env_.ListDir("/db/rs2");
  ASSERT_TRUE(names.ok());
  // Damage the middle of rowset 2's key column file.
  auto f = env_.NewFile("/db/rs2/" + ColumnDataFileName(0), OpenMode::kReadWrite);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->WriteAt(*(*f)->Size() / 2, "\xff\xfe").ok());
  MergeIterator it(Scans(), {0, 1});
  std::vector<ColumnVector> got;
  Status s = test::Drain(&it, &got);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

}  // namespace
}  // namespace silt

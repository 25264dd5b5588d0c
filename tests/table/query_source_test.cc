// RunQuery over QuerySources (src/table/query.h): the same rows held in a
// rowset, in in-memory batches (large, tiny, empty) and in a mix of both,
// with deletions through the readers' own delete vectors, extra_deleted and
// batch_deleted, give identical results for filters on every type, groups,
// aggregates, projections and ORDER BY/LIMIT; a few are also checked against
// results computed here. Plus zero sources and malformed sources.
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "table/query.h"
#include "table/rowset_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::BuildRowSet;
using test::TempDir;

constexpr int64_t kRows = 7000;

std::optional<int64_t> IVal(int64_t id) {
  if (id % 11 == 0) return std::nullopt;
  return id % 7;
}
std::optional<int64_t> DVal(int64_t id) {  // decimal(12,2), scaled
  if (id % 13 == 0) return std::nullopt;
  return id * 125 - 100000;
}
std::optional<double> FVal(int64_t id) {
  if (id % 17 == 0) return std::nullopt;
  return static_cast<double>(id) / 4.0;
}
std::optional<std::string> SVal(int64_t id) {
  if (id % 19 == 0) return std::nullopt;
  return "s" + std::to_string(id % 5);
}
int32_t DtVal(int64_t id) { return static_cast<int32_t>(8766 + id / 10); }  // from 1994-01-01
int64_t TsVal(int64_t id) { return id * 3600LL * 1000000LL; }
bool BVal(int64_t id) { return id % 2 == 0; }
std::string GVal(int64_t id) { return "g" + std::to_string(id % 3); }
int32_t HVal(int64_t id) { return static_cast<int32_t>(id % 4); }

std::vector<ColumnDef> Schema() {
  return {{"id", DataType::Int64().NotNull()},
          {"i", DataType::Int32()},
          {"d", *DataType::Decimal(12, 2)},
          {"f", DataType::Float64()},
          {"s", DataType::String()},
          {"dt", DataType::Date().NotNull()},
          {"ts", DataType::Timestamp().NotNull()},
          {"b", DataType::Bool().NotNull()},
          {"g", DataType::String().NotNull()},
          {"h", DataType::Int32().NotNull()}};
}

// The rows of the given ids, in order.
std::vector<ColumnVector> Columns(const std::vector<int64_t>& ids) {
  std::vector<ColumnVector> cols;
  for (const auto& c : Schema()) cols.emplace_back(c.type);
  for (int64_t id : ids) {
    cols[0].AppendInt64(id);
    if (auto v = IVal(id)) {
      cols[1].AppendInt32(static_cast<int32_t>(*v));
    } else {
      cols[1].AppendNull();
    }
    if (auto v = DVal(id)) {
      cols[2].AppendInt64(*v);
    } else {
      cols[2].AppendNull();
    }
    if (auto v = FVal(id)) {
      cols[3].AppendDouble(*v);
    } else {
      cols[3].AppendNull();
    }
    if (auto v = SVal(id)) {
      cols[4].AppendString(*v);
    } else {
      cols[4].AppendNull();
    }
    cols[5].AppendInt32(DtVal(id));
    cols[6].AppendInt64(TsVal(id));
    cols[7].AppendBool(BVal(id));
    cols[8].AppendString(GVal(id));
    cols[9].AppendInt32(HVal(id));
  }
  return cols;
}

std::vector<int64_t> Range(int64_t begin, int64_t end) {
  std::vector<int64_t> ids;
  for (int64_t id = begin; id < end; ++id) ids.push_back(id);
  return ids;
}

RowBatch Batch(int64_t begin, int64_t end) {
  RowBatch b;
  b.columns = Columns(Range(begin, end));
  b.rows = static_cast<size_t>(end - begin);
  return b;
}

// The deleted ids: every 7th row from 3, a whole rowset block [1000, 1500),
// a range inside a batch and a block of the second rowset [5000, 5500).
bool Deleted(int64_t id) {
  return id % 7 == 3 || (id >= 1000 && id < 1500) || (id >= 2100 && id < 2300) ||
         (id >= 5000 && id < 5500);
}

// The deleted ids in [begin, end) that satisfy `pick`, as row ids from `begin`.
template <typename F>
DeleteVector DeletedIn(int64_t begin, int64_t end, F pick) {
  DeleteVector dv;
  for (int64_t id = begin; id < end; ++id) {
    if (Deleted(id) && pick(id)) dv.Add(static_cast<uint32_t>(id - begin));
  }
  return dv;
}
DeleteVector DeletedIn(int64_t begin, int64_t end) {
  return DeletedIn(begin, end, [](int64_t) { return true; });
}

int64_t LiveRows() {
  int64_t n = 0;
  for (int64_t id = 0; id < kRows; ++id) n += !Deleted(id);
  return n;
}

// A result as text: names, types, then the rows.
std::string Dump(const QueryResult& r) {
  std::string out;
  for (size_t c = 0; c < r.columns.size(); ++c) {
    out +=
        r.names[c] + ":" + r.columns[c].type().ToString() + (c + 1 < r.columns.size() ? "," : "");
  }
  out += "\n";
  for (size_t row = 0; row < r.rows; ++row) {
    for (size_t c = 0; c < r.columns.size(); ++c) {
      out += FormatResultValue(r.columns[c], row) + (c + 1 < r.columns.size() ? "|" : "");
    }
    out += "\n";
  }
  return out;
}

class QuerySourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RowSetBuilderOptions o;
    o.block_rows = 500;
    // (a) every row in one rowset; deletes as extra_deleted, or as its own.
    ASSERT_OK(
        BuildRowSet(Env::Default(), dir_.path() + "/all", Schema(), Columns(Range(0, kRows)), o)
            .status());
    ASSERT_OK_AND_ASSIGN(all_, RowSetReader::Open(Env::Default(), dir_.path() + "/all"));
    ASSERT_OK(
        BuildRowSet(Env::Default(), dir_.path() + "/own", Schema(), Columns(Range(0, kRows)), o)
            .status());
    ASSERT_OK_AND_ASSIGN(own_, RowSetReader::Open(Env::Default(), dir_.path() + "/own"));
    ASSERT_OK(own_->ApplyDeleteVector(DeletedIn(0, kRows)));
    all_deleted_ = DeletedIn(0, kRows);
    // The live rows alone, nothing deleted.
    std::vector<int64_t> live;
    for (int64_t id = 0; id < kRows; ++id) {
      if (!Deleted(id)) live.push_back(id);
    }
    ASSERT_OK(
        BuildRowSet(Env::Default(), dir_.path() + "/live", Schema(), Columns(live), o).status());
    ASSERT_OK_AND_ASSIGN(live_, RowSetReader::Open(Env::Default(), dir_.path() + "/live"));

    // (b) every row in memory: batches larger than 2048 rows, tiny and empty.
    const int64_t sizes[] = {1, 3000, 7, 0, 2500, 1492};
    int64_t begin = 0;
    for (int64_t size : sizes) {
      batch_begin_.push_back(begin);
      batches_.push_back(Batch(begin, begin + size));
      batch_deleted_.push_back(DeletedIn(begin, begin + size));
      begin += size;
    }
    ASSERT_EQ(begin, kRows);

    // (c) rows [0, 2000) in a rowset whose block [1000, 1500) is deleted
    // half by its own delete vector, half by extra_deleted (they overlap);
    // [2000, 4500) in memory; [4500, 7000) in a rowset, deletes split too.
    ASSERT_OK(BuildRowSet(Env::Default(), dir_.path() + "/r1", Schema(), Columns(Range(0, 2000)), o)
                  .status());
    ASSERT_OK_AND_ASSIGN(r1_, RowSetReader::Open(Env::Default(), dir_.path() + "/r1"));
    ASSERT_OK(r1_->ApplyDeleteVector(DeletedIn(0, 2000, [](int64_t id) { return id < 1250; })));
    r1_extra_ = DeletedIn(0, 2000, [](int64_t id) { return id >= 1100; });
    const int64_t mem_sizes[] = {1, 2100, 3, 396};
    begin = 2000;
    for (int64_t size : mem_sizes) {
      mix_batches_.push_back(Batch(begin, begin + size));
      mix_deleted_.push_back(DeletedIn(begin, begin + size));
      begin += size;
    }
    ASSERT_EQ(begin, 4500);
    ASSERT_OK(
        BuildRowSet(Env::Default(), dir_.path() + "/r2", Schema(), Columns(Range(4500, kRows)), o)
            .status());
    ASSERT_OK_AND_ASSIGN(r2_, RowSetReader::Open(Env::Default(), dir_.path() + "/r2"));
    ASSERT_OK(r2_->ApplyDeleteVector(DeletedIn(4500, kRows, [](int64_t id) { return id % 2; })));
    r2_extra_ = DeletedIn(4500, kRows, [](int64_t id) { return id % 2 == 0; });
  }

  std::vector<QuerySource> RowSetExtra() const {
    QuerySource s;
    s.rowset = all_.get();
    s.extra_deleted = &all_deleted_;
    return {s};
  }
  std::vector<QuerySource> RowSetOwn() const {
    QuerySource s;
    s.rowset = own_.get();
    return {s};
  }
  std::vector<QuerySource> Live() const {
    QuerySource s;
    s.rowset = live_.get();
    return {s};
  }
  std::vector<QuerySource> InMemory() const {
    std::vector<QuerySource> out;
    for (size_t i = 0; i < batches_.size(); ++i) {
      QuerySource s;
      s.batch = &batches_[i];
      s.batch_deleted = &batch_deleted_[i];
      out.push_back(s);
    }
    return out;
  }
  std::vector<QuerySource> Mixed() const {
    std::vector<QuerySource> out;
    QuerySource s;
    s.rowset = r1_.get();
    s.extra_deleted = &r1_extra_;
    out.push_back(s);
    for (size_t i = 0; i < mix_batches_.size(); ++i) {
      QuerySource b;
      b.batch = &mix_batches_[i];
      // The first (one row, not deleted) without a delete vector at all.
      b.batch_deleted = i == 0 ? nullptr : &mix_deleted_[i];
      out.push_back(b);
    }
    s.rowset = r2_.get();
    s.extra_deleted = &r2_extra_;
    out.push_back(s);
    return out;
  }

  // Runs sql over every arrangement; all must agree. Returns the result.
  QueryResult RunAll(const std::string& sql) {
    const std::vector<std::pair<std::string, std::vector<QuerySource>>> arrangements = {
        {"live rowset", Live()}, {"rowset + extra_deleted", RowSetExtra()},
        {"rowset", RowSetOwn()}, {"in memory", InMemory()},
        {"mixed", Mixed()},
    };
    QueryResult first;
    std::string expected;
    for (size_t a = 0; a < arrangements.size(); ++a) {
      auto r = RunQuery(sql, Schema(), arrangements[a].second);
      EXPECT_TRUE(r.ok()) << sql << " (" << arrangements[a].first << "): " << r.status().ToString();
      if (!r.ok()) return QueryResult();
      const std::string text = Dump(*r);
      if (a == 0) {
        expected = text;
        first = std::move(*r);
      } else {
        EXPECT_EQ(text, expected) << sql << " (" << arrangements[a].first << ")";
      }
    }
    // The rowset-only overload agrees too.
    auto old = RunQuery(sql, {live_.get()});
    EXPECT_TRUE(old.ok()) << sql;
    if (old.ok()) {
      EXPECT_EQ(Dump(*old), expected) << sql << " (old overload)";
    }
    return first;
  }

  TempDir dir_;
  std::unique_ptr<RowSetReader> all_, own_, live_, r1_, r2_;
  DeleteVector all_deleted_, r1_extra_, r2_extra_;
  std::vector<RowBatch> batches_, mix_batches_;
  std::vector<DeleteVector> batch_deleted_, mix_deleted_;
  std::vector<int64_t> batch_begin_;
};

TEST_F(QuerySourceTest, AllArrangementsAgree) {
  const char* queries[] = {
      "select count(*) from t",
      "select count(*), count(i), sum(i), min(i), max(i), avg(i) from t",
      "select sum(d), min(d), max(d), avg(d), count(d) from t where d > 0",
      "select sum(f), min(f), max(f), count(f) from t where f < 500.5",
      "select count(*) from t where s = 's1'",
      "select count(*) from t where s in ('s1', 's3') and i is not null",
      "select min(s), max(s), count(s) from t where s >= 's2'",
      "select count(*) from t where s <> 's0' and s < 's4'",
      "select count(*) from t where s is null",
      "select count(*), min(ts) from t where dt >= date '1994-03-01' and dt < date '1994-04-01'",
      "select count(*) from t where dt >= '1994-02-01'",
      "select count(*), max(dt) from t "
      "where ts between timestamp '1994-01-02 00:00:00' and timestamp '1994-02-10 12:00:00'",
      "select count(*) from t where b",
      "select count(*) from t where b = false and i is null",
      "select count(*) from t where not b and d is not null and d < 100.50",
      "select count(*) from t where d between -50.25 and 2000 and f is null",
      "select count(*) from t where d in (-99875.00, 25.00, 250000.00, 1.01)",
      "select count(*) from t where i + h > 5",
      "select count(*) from t where d * 2 > f or s is null",
      "select sum(d * (1 - 0.05)), sum(i * h), avg(f / 2) from t where id < 6543",
      "select g, count(*), sum(d), max(s), min(f) from t group by g",
      "select g, h, count(*), sum(i) from t group by g, h",
      "select s, count(*), sum(h) from t group by s",
      "select i, count(*), min(dt), max(ts) from t where id < 3000 group by i",
      "select b, g, count(*) from t where s = 's2' group by b, g",
      "select h, sum(d) / count(*) from t group by h order by 2 desc",
      "select id, s, d from t where i = 2 and h = 1",
      "select id, d * 2, dt + 1, ts, b, g, f from t where id > 6900",
      "select * from t where id between 2040 and 2060",
      "select * from t where i = 6 and s = 's4' and b",
      "select id, f from t where f is not null order by f desc, id limit 10",
      "select id, s from t order by s, id desc limit 25",
      "select id from t limit 5",
      "select id, s from t where s = 's2' limit 7",
      "select id, i from t where id >= 2990 and id < 3010 limit 4",
      "select count(*) from t where 1 = 2",
      "select id from t where 1 = 2",
      "select count(*), sum(d) from t where id < 0",
      "select id from t limit 0",
      "select 1 + 2",
      "select 1 + 2 from t where id = 7",
      "select id, s from t where id in (1000, 1200, 2150, 2299, 2300, 5100, 6999)",
  };
  for (const char* q : queries) RunAll(q);
}

TEST_F(QuerySourceTest, MatchesExpectedResults) {
  const int64_t live = LiveRows();
  QueryResult r = RunAll("select count(*) from t");
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), std::to_string(live));

  int64_t count = 0;
  for (int64_t id = 0; id < kRows; ++id) count += !Deleted(id) && IVal(id) == 3;
  r = RunAll("select count(*) from t where i = 3");
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), std::to_string(count));

  // Grouped sums of a decimal.
  std::map<std::string, std::pair<int64_t, int64_t>> groups;  // g -> (rows, sum d)
  for (int64_t id = 0; id < kRows; ++id) {
    if (Deleted(id)) continue;
    auto& g = groups[GVal(id)];
    ++g.first;
    if (auto d = DVal(id)) g.second += *d;
  }
  r = RunAll("select g, count(*), sum(d) from t group by g");
  ASSERT_EQ(r.rows, groups.size());
  size_t row = 0;
  for (const auto& [g, v] : groups) {
    EXPECT_EQ(FormatResultValue(r.columns[0], row), g);
    EXPECT_EQ(r.columns[1].GetValue(row), Value::Int(v.first));
    EXPECT_EQ(r.columns[2].GetValue(row), Value::Int(v.second));
    ++row;
  }

  // A selective projection, in id order.
  std::vector<int64_t> ids;
  for (int64_t id = 0; id < kRows; ++id) {
    if (!Deleted(id) && IVal(id) == 2 && HVal(id) == 1) ids.push_back(id);
  }
  r = RunAll("select id from t where i = 2 and h = 1");
  ASSERT_EQ(r.rows, ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(r.columns[0].GetValue(i), Value::Int(ids[i]));

  // Strings with ORDER BY and LIMIT: the first 3 live ids of s = 's4' descending.
  std::vector<int64_t> top;
  for (int64_t id = kRows - 1; id >= 0 && top.size() < 3; --id) {
    if (!Deleted(id) && SVal(id) == "s4") top.push_back(id);
  }
  r = RunAll("select id, s from t where s = 's4' order by id desc limit 3");
  ASSERT_EQ(r.rows, 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.columns[0].GetValue(i), Value::Int(top[i]));
    EXPECT_EQ(FormatResultValue(r.columns[1], i), "s4");
  }
}

TEST_F(QuerySourceTest, CountersCoverMemoryAndExtraDeletes) {
  const uint64_t live = static_cast<uint64_t>(LiveRows());
  const uint64_t deleted = static_cast<uint64_t>(kRows) - live;
  // In memory: rows only, no blocks.
  ASSERT_OK_AND_ASSIGN(QueryResult r, RunQuery("select count(*) from t", Schema(), InMemory()));
  EXPECT_EQ(r.counters.rows_returned, live);
  EXPECT_EQ(r.counters.rows_deleted, deleted);
  EXPECT_EQ(r.counters.blocks_read, 0u);
  EXPECT_EQ(r.rows_matched, live);
  // A rowset whose block [1000, 1500) and [5000, 5500) are deleted only by
  // extra_deleted: both skipped without being read, like its own deletes.
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*) from t", Schema(), RowSetExtra()));
  EXPECT_EQ(r.counters.blocks_skipped_deleted, 2u);
  EXPECT_EQ(r.counters.blocks_read, 12u);
  EXPECT_EQ(r.counters.rows_returned, live);
  EXPECT_EQ(r.counters.rows_deleted, deleted - 1000);
  ASSERT_OK_AND_ASSIGN(QueryResult own, RunQuery("select count(*) from t", Schema(), RowSetOwn()));
  EXPECT_EQ(own.counters.blocks_skipped_deleted, 2u);
  EXPECT_EQ(own.counters.rows_deleted, r.counters.rows_deleted);
  // Mixed: r1's block [1000, 1500) is deleted only by the union of its own
  // and the extra delete vector, r2's [5000, 5500) likewise.
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*) from t", Schema(), Mixed()));
  EXPECT_EQ(r.counters.blocks_skipped_deleted, 2u);
  EXPECT_EQ(r.counters.blocks_read, 7u);  // r1: 3 of 4, r2: 4 of 5 blocks
  EXPECT_EQ(r.counters.rows_returned, live);
  EXPECT_EQ(r.counters.rows_deleted, deleted - 1000);
  // Zone maps still prune rowset blocks; in-memory rows are all examined.
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*) from t where id >= 6600", Schema(), Mixed()));
  EXPECT_EQ(r.counters.blocks_read, 1u);
  EXPECT_EQ(r.counters.blocks_skipped_zone_map, 8u);
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), std::to_string([] {
              int64_t n = 0;
              for (int64_t id = 6600; id < kRows; ++id) n += !Deleted(id);
              return n;
            }()));
}

TEST_F(QuerySourceTest, DeletedRowsNeverReachFilters) {
  // Deleted rows would overflow; they must not raise the error.
  RowBatch b;
  b.columns = Columns({1, 2, 3});
  b.rows = 3;
  b.columns[2] = ColumnVector(*DataType::Decimal(12, 2));
  b.columns[2].AppendInt64(100);
  b.columns[2].AppendInt64(std::numeric_limits<int64_t>::max() / 2);
  b.columns[2].AppendInt64(300);
  DeleteVector dv;
  dv.Add(1);
  QuerySource s;
  s.batch = &b;
  s.batch_deleted = &dv;
  ASSERT_OK_AND_ASSIGN(QueryResult r, RunQuery("select sum(d * 100) from t", Schema(), {s}));
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "400.00");
  s.batch_deleted = nullptr;
  auto bad = RunQuery("select sum(d * 100) from t", Schema(), {s});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("overflows"), std::string::npos);
  // Every row deleted: nothing evaluated, nothing counted as matched.
  dv.AddRange(0, 3);
  s.batch_deleted = &dv;
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*), sum(d * 100) from t", Schema(), {s}));
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "0");
  EXPECT_EQ(FormatResultValue(r.columns[1], 0), "NULL");
  EXPECT_EQ(r.counters.rows_deleted, 3u);
  EXPECT_EQ(r.rows_matched, 0u);
}

TEST_F(QuerySourceTest, ZeroSources) {
  ASSERT_OK_AND_ASSIGN(QueryResult r, RunQuery("select count(*), sum(d) from t", Schema(), {}));
  ASSERT_EQ(r.rows, 1u);
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "0");
  EXPECT_EQ(FormatResultValue(r.columns[1], 0), "NULL");
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select id, s from t where i = 1", Schema(), {}));
  EXPECT_EQ(r.rows, 0u);
  ASSERT_EQ(r.columns.size(), 2u);
  EXPECT_EQ(r.names, (std::vector<std::string>{"id", "s"}));
  EXPECT_EQ(r.columns[0].size(), 0u);
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select * from t", Schema(), {}));
  EXPECT_EQ(r.rows, 0u);
  EXPECT_EQ(r.columns.size(), Schema().size());
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select g, count(*) from t group by g", Schema(), {}));
  EXPECT_EQ(r.rows, 0u);
  // Columns are still checked.
  auto bad = RunQuery("select nope from t", Schema(), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  // No schema at all.
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*) from t", std::vector<ColumnDef>{}, {}));
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "0");
}

TEST_F(QuerySourceTest, MismatchedSourcesAreInvalid) {
  auto expect_invalid = [&](const std::vector<QuerySource>& sources, const std::string& part) {
    auto r = RunQuery("select count(*) from t", Schema(), sources);
    ASSERT_FALSE(r.ok()) << part;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
  };
  // A rowset with other columns.
  RowSetBuilderOptions o;
  ASSERT_OK(BuildRowSet(Env::Default(), dir_.path() + "/other", {{"x", DataType::Int64()}}, {}, o)
                .status());
  ASSERT_OK_AND_ASSIGN(auto other, RowSetReader::Open(Env::Default(), dir_.path() + "/other"));
  QuerySource s;
  s.rowset = other.get();
  expect_invalid({Live()[0], s}, "differ from the table's");
  // A batch with a column missing, of another type, or too short.
  RowBatch b = Batch(0, 10);
  b.columns.pop_back();
  QuerySource m;
  m.batch = &b;
  expect_invalid({m}, "9 columns, the table has 10");
  RowBatch t = Batch(0, 10);
  t.columns[2] = ColumnVector(*DataType::Decimal(12, 3));
  for (int i = 0; i < 10; ++i) t.columns[2].AppendInt64(i);
  m.batch = &t;
  expect_invalid({m}, "column 2 'd'");
  RowBatch shortb = Batch(0, 10);
  shortb.rows = 11;
  m.batch = &shortb;
  expect_invalid({m}, "has 10 rows, not 11");
  // Both or neither of rowset and batch.
  QuerySource both;
  both.rowset = live_.get();
  both.batch = &batches_[0];
  expect_invalid({both}, "exactly one");
  expect_invalid({QuerySource{}}, "exactly one");
  // Nullability may differ: a not-null vector for a nullable column is fine.
  RowBatch nn = Batch(1, 3);  // ids 1, 2: i, d, f, s are all valid
  for (int c : {1, 2, 3, 4}) {
    ColumnVector v(Schema()[c].type.WithNullable(false));
    v.AppendFrom(nn.columns[c], 0, 2);
    nn.columns[c] = std::move(v);
  }
  m.batch = &nn;
  ASSERT_OK_AND_ASSIGN(QueryResult r, RunQuery("select sum(i), max(s) from t", Schema(), {m}));
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "3");
  EXPECT_EQ(FormatResultValue(r.columns[1], 0), "s2");
}

}  // namespace
}  // namespace silt

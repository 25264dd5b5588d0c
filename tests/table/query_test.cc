// The scan executor (src/table/query.h) on small rowsets built with
// RowSetBuilder: results are checked against plain loops over the same
// generated columns (nulls, every type, groups, limits, deletes, empty
// input, exact decimals) and zone-map pruning against the counters.
#include "table/query.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "table/block_builder.h"
#include "table/block_decoder.h"
#include "table/rowset_test_util.h"
#include "table/table_test_util.h"
#include "test_util.h"

namespace silt {
namespace {

using test::BuildRowSet;
using test::TempDir;

constexpr int64_t kRows = 3000;

// Column values of row `id` (nullopt = null).
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

std::vector<ColumnVector> Columns(int64_t begin, int64_t end) {
  std::vector<ColumnVector> cols;
  for (const auto& c : Schema()) cols.emplace_back(c.type);
  for (int64_t id = begin; id < end; ++id) {
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

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RowSetBuilderOptions o;
    o.block_rows = 100;  // 30 blocks: zone maps have something to skip
    o.sort_key = {0};
    ASSERT_OK(
        BuildRowSet(Env::Default(), dir_.path() + "/rs", Schema(), Columns(0, kRows), o).status());
    ASSERT_OK_AND_ASSIGN(reader_, RowSetReader::Open(Env::Default(), dir_.path() + "/rs"));
  }

  Result<QueryResult> Run(const std::string& sql) { return RunQuery(sql, {reader_.get()}); }

  // A one-row, one-column result as text.
  std::string Scalar(const std::string& sql) {
    auto r = Run(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok()) return "<error>";
    EXPECT_EQ(r->rows, 1u) << sql;
    EXPECT_EQ(r->columns.size(), 1u) << sql;
    if (r->rows != 1 || r->columns.size() != 1) return "<shape>";
    return FormatResultValue(r->columns[0], 0);
  }

  int64_t Count(const std::string& where) {
    const std::string v = Scalar("select count(*) from t where " + where);
    return std::stoll(v);
  }

  std::string Error(const std::string& sql) {
    auto r = Run(sql);
    EXPECT_FALSE(r.ok()) << sql;
    if (r.ok()) return "<ok>";
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    return r.status().message();
  }

  TempDir dir_;
  std::unique_ptr<RowSetReader> reader_;
};

template <typename F>
int64_t CountIf(F f) {
  int64_t n = 0;
  for (int64_t id = 0; id < kRows; ++id) n += f(id) ? 1 : 0;
  return n;
}

TEST_F(QueryTest, FiltersFollowSqlNullRules) {
  EXPECT_EQ(Count("i = 3"), CountIf([](int64_t id) { return IVal(id) == 3; }));
  EXPECT_EQ(Count("3 = i"), CountIf([](int64_t id) { return IVal(id) == 3; }));
  EXPECT_EQ(Count("i != 3"), CountIf([](int64_t id) { return IVal(id) && *IVal(id) != 3; }));
  EXPECT_EQ(Count("i <> 3"), Count("i != 3"));
  EXPECT_EQ(Count("i < 3"), CountIf([](int64_t id) { return IVal(id) && *IVal(id) < 3; }));
  EXPECT_EQ(Count("2 >= i"), CountIf([](int64_t id) { return IVal(id) && *IVal(id) <= 2; }));
  EXPECT_EQ(Count("not (i < 3)"), CountIf([](int64_t id) { return IVal(id) && *IVal(id) >= 3; }));
  EXPECT_EQ(Count("i is null"), CountIf([](int64_t id) { return !IVal(id); }));
  EXPECT_EQ(Count("i is not null"), CountIf([](int64_t id) { return IVal(id).has_value(); }));
  EXPECT_EQ(Count("d between 10 and 20.5"),
            CountIf([](int64_t id) { return DVal(id) && *DVal(id) >= 1000 && *DVal(id) <= 2050; }));
  EXPECT_EQ(Count("d not between 10 and 20.5"),
            CountIf([](int64_t id) { return DVal(id) && (*DVal(id) < 1000 || *DVal(id) > 2050); }));
  EXPECT_EQ(Count("d > 10.005"), CountIf([](int64_t id) { return DVal(id) && *DVal(id) > 1000; }));
  EXPECT_EQ(Count("s in ('s1', 's3', null)"),
            CountIf([](int64_t id) { return SVal(id) == "s1" || SVal(id) == "s3"; }));
  // x NOT IN (..., null) is never true.
  EXPECT_EQ(Count("s not in ('s1', null)"), 0);
  EXPECT_EQ(Count("s not in ('s1')"),
            CountIf([](int64_t id) { return SVal(id) && *SVal(id) != "s1"; }));
  EXPECT_EQ(Count("s >= 's3'"), CountIf([](int64_t id) { return SVal(id) && *SVal(id) >= "s3"; }));
  EXPECT_EQ(Count("i < 3 or s = 's1'"),
            CountIf([](int64_t id) { return (IVal(id) && *IVal(id) < 3) || SVal(id) == "s1"; }));
  // (null or false) is null, so not(...) of it is not true either.
  EXPECT_EQ(Count("not (i < 3 or s = 's1')"), CountIf([](int64_t id) {
              return IVal(id) && *IVal(id) >= 3 && SVal(id) && *SVal(id) != "s1";
            }));
  EXPECT_EQ(Count("f > 100.0 and f <= 200"),
            CountIf([](int64_t id) { return FVal(id) && *FVal(id) > 100 && *FVal(id) <= 200; }));
  EXPECT_EQ(Count("i + 1 = h * 2"),
            CountIf([](int64_t id) { return IVal(id) && *IVal(id) + 1 == HVal(id) * 2; }));
  EXPECT_EQ(Count("b"), CountIf(BVal));
  EXPECT_EQ(Count("b = false"), CountIf([](int64_t id) { return !BVal(id); }));
  EXPECT_EQ(Count("true"), kRows);
  EXPECT_EQ(Count("null"), 0);
  EXPECT_EQ(Count("1 = 0"), 0);
  EXPECT_EQ(Count("i = null"), 0);
  EXPECT_EQ(Count("g = 'g1' and h in (1, 3)"), CountIf([](int64_t id) {
              return GVal(id) == "g1" && (HVal(id) == 1 || HVal(id) == 3);
            }));
}

TEST_F(QueryTest, DatesAndTimestamps) {
  EXPECT_EQ(Count("dt >= date '1994-01-05' and dt < date '1994-01-10'"),
            CountIf([](int64_t id) { return DtVal(id) >= 8770 && DtVal(id) < 8775; }));
  // A string literal compared with a date is read as a date.
  EXPECT_EQ(Count("dt = '1994-01-05'"), CountIf([](int64_t id) { return DtVal(id) == 8770; }));
  EXPECT_EQ(Count("dt < date '1994-01-01' + interval '1' month"),
            CountIf([](int64_t id) { return DtVal(id) < 8766 + 31; }));
  EXPECT_EQ(Count("dt <= date '1994-03-01' - interval '1' day"),
            CountIf([](int64_t id) { return DtVal(id) <= 8766 + 58; }));
  EXPECT_EQ(Count("dt + 10 = date '1994-01-20'"),
            CountIf([](int64_t id) { return DtVal(id) + 10 == 8766 + 19; }));
  EXPECT_EQ(Count("ts >= timestamp '1970-01-02 00:00:00'"),
            CountIf([](int64_t id) { return TsVal(id) >= 86400LL * 1000000; }));
  // A date compared with a timestamp is midnight of that day.
  EXPECT_EQ(Count("ts < date '1970-01-03'"),
            CountIf([](int64_t id) { return TsVal(id) < 2 * 86400LL * 1000000; }));
  EXPECT_EQ(Scalar("select min(dt) from t"), "1994-01-01");
  EXPECT_EQ(Scalar("select max(ts) from t"), FormatTimestamp(TsVal(kRows - 1)));
  EXPECT_EQ(Scalar("select date '1994-01-31' + interval '1' month"), "1994-02-28");
  EXPECT_EQ(Scalar("select date '1996-02-29' + interval '1' year"), "1997-02-28");
  EXPECT_EQ(Scalar("select max(dt) - min(dt) from t"), std::to_string(DtVal(kRows - 1) - 8766));
}

TEST_F(QueryTest, ProjectionWithNullsAndLimit) {
  ASSERT_OK_AND_ASSIGN(
      QueryResult r, Run("select id, i, d, f, s as name, dt, b, id * 2 + 1 from t where id < 20"));
  ASSERT_EQ(r.rows, 20u);
  EXPECT_EQ(r.names,
            (std::vector<std::string>{"id", "i", "d", "f", "name", "dt", "b", "id * 2 + 1"}));
  EXPECT_EQ(r.columns[2].type().id(), TypeId::kDecimal);
  EXPECT_EQ(r.columns[5].type().id(), TypeId::kDate);
  EXPECT_EQ(r.columns[7].type().id(), TypeId::kInt64);
  for (int64_t id = 0; id < 20; ++id) {
    EXPECT_EQ(r.columns[0].GetValue(id), Value::Int(id));
    EXPECT_EQ(r.columns[1].IsNull(id), !IVal(id).has_value());
    EXPECT_EQ(r.columns[2].IsNull(id), !DVal(id).has_value());
    if (DVal(id)) EXPECT_EQ(r.columns[2].GetValue(id), Value::Int(*DVal(id)));
    EXPECT_EQ(r.columns[3].IsNull(id), !FVal(id).has_value());
    EXPECT_EQ(r.columns[4].IsNull(id), !SVal(id).has_value());
    if (SVal(id)) EXPECT_EQ(r.columns[4].GetString(id), *SVal(id));
    EXPECT_EQ(r.columns[5].GetValue(id), Value::Int(DtVal(id)));
    EXPECT_EQ(r.columns[6].GetValue(id), Value::Int(BVal(id) ? 1 : 0));
    EXPECT_EQ(r.columns[7].GetValue(id), Value::Int(id * 2 + 1));
  }
  ASSERT_OK_AND_ASSIGN(QueryResult lim, Run("select id from t where i = 2 limit 3"));
  ASSERT_EQ(lim.rows, 3u);
  EXPECT_EQ(lim.columns[0].GetValue(0), Value::Int(2));
  EXPECT_EQ(lim.columns[0].GetValue(1), Value::Int(9));
  EXPECT_EQ(lim.columns[0].GetValue(2), Value::Int(16));
  // LIMIT stops the scan early.
  EXPECT_LT(lim.counters.blocks_read, 3u);
  ASSERT_OK_AND_ASSIGN(QueryResult zero, Run("select id from t limit 0"));
  EXPECT_EQ(zero.rows, 0u);
  EXPECT_EQ(zero.columns[0].size(), 0u);
}

TEST_F(QueryTest, StarAndOrderBy) {
  ASSERT_OK_AND_ASSIGN(QueryResult r,
                       Run("select * from t where id >= 5 order by id desc limit 2"));
  ASSERT_EQ(r.rows, 2u);
  ASSERT_EQ(r.columns.size(), Schema().size());
  for (size_t c = 0; c < Schema().size(); ++c) {
    EXPECT_EQ(r.names[c], Schema()[c].name);
    EXPECT_TRUE(r.columns[c].type().SameValues(Schema()[c].type));
  }
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(kRows - 1));
  EXPECT_EQ(r.columns[0].GetValue(1), Value::Int(kRows - 2));
  ASSERT_OK_AND_ASSIGN(QueryResult o,
                       Run("select g, count(*) as n from t group by g order by n desc, 1"));
  ASSERT_EQ(o.rows, 3u);
  EXPECT_EQ(o.columns[0].GetString(0), "g0");  // 1000 rows each: ties by g
  ASSERT_OK_AND_ASSIGN(QueryResult e, Run("select id, i from t order by i, id desc limit 3"));
  // Nulls first.
  EXPECT_TRUE(e.columns[1].IsNull(0));
  EXPECT_EQ(e.columns[0].GetValue(0), Value::Int(2992));  // the largest id % 11 == 0
  ASSERT_OK_AND_ASSIGN(QueryResult x, Run("select id + 1 from t order by id + 1 desc limit 1"));
  EXPECT_EQ(x.columns[0].GetValue(0), Value::Int(kRows));
}

TEST_F(QueryTest, AggregatesIgnoreNulls) {
  __int128 dsum = 0;
  int64_t dcount = 0, isum = 0, icount = 0, dmin = INT64_MAX, dmax = INT64_MIN;
  double fsum = 0;
  int64_t fcount = 0;
  for (int64_t id = 0; id < kRows; ++id) {
    if (auto v = DVal(id)) {
      dsum += *v;
      ++dcount;
      dmin = std::min(dmin, *v);
      dmax = std::max(dmax, *v);
    }
    if (auto v = IVal(id)) {
      isum += *v;
      ++icount;
    }
    if (auto v = FVal(id)) {
      fsum += *v;
      ++fcount;
    }
  }
  ASSERT_OK_AND_ASSIGN(QueryResult r,
                       Run("select count(*), count(d), sum(d), min(d), max(d), avg(d), sum(i), "
                           "count(i), avg(i), sum(f), count(s), min(s), max(s), min(b), max(b), "
                           "sum(1), count(null) from t"));
  ASSERT_EQ(r.rows, 1u);
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(kRows));
  EXPECT_EQ(r.columns[1].GetValue(0), Value::Int(dcount));
  EXPECT_EQ(r.columns[2].GetValue(0), Value::Int(static_cast<int64_t>(dsum)));
  EXPECT_EQ(r.columns[2].type(), *DataType::Decimal(18, 2));
  EXPECT_EQ(r.columns[3].GetValue(0), Value::Int(dmin));
  EXPECT_EQ(r.columns[4].GetValue(0), Value::Int(dmax));
  EXPECT_EQ(r.columns[5].type().id(), TypeId::kFloat64);
  EXPECT_DOUBLE_EQ(r.columns[5].Get<double>(0),
                   static_cast<double>(dsum) / static_cast<double>(dcount) / 100.0);
  EXPECT_EQ(r.columns[6].GetValue(0), Value::Int(isum));
  EXPECT_EQ(r.columns[6].type().id(), TypeId::kInt64);
  EXPECT_EQ(r.columns[7].GetValue(0), Value::Int(icount));
  EXPECT_DOUBLE_EQ(r.columns[8].Get<double>(0), static_cast<double>(isum) / icount);
  EXPECT_DOUBLE_EQ(r.columns[9].Get<double>(0), fsum);
  EXPECT_EQ(r.columns[10].GetValue(0),
            Value::Int(CountIf([](int64_t id) { return SVal(id).has_value(); })));
  EXPECT_EQ(r.columns[11].GetString(0), "s0");
  EXPECT_EQ(r.columns[12].GetString(0), "s4");
  EXPECT_EQ(r.columns[13].GetValue(0), Value::Int(0));
  EXPECT_EQ(r.columns[14].GetValue(0), Value::Int(1));
  EXPECT_EQ(r.columns[15].GetValue(0), Value::Int(kRows));
  EXPECT_EQ(r.columns[16].GetValue(0), Value::Int(0));
  (void)fcount;
}

TEST_F(QueryTest, AggregatesOfNoRows) {
  ASSERT_OK_AND_ASSIGN(QueryResult r,
                       Run("select count(*), count(d), sum(d), avg(d), min(s), max(f) from t "
                           "where id < 0"));
  ASSERT_EQ(r.rows, 1u);
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(0));
  EXPECT_EQ(r.columns[1].GetValue(0), Value::Int(0));
  for (size_t c = 2; c < 6; ++c) EXPECT_TRUE(r.columns[c].IsNull(0)) << c;
  // Zone maps ruled out every block (id is sorted, min 0).
  EXPECT_EQ(r.counters.blocks_read, 0u);
  EXPECT_EQ(r.counters.blocks_skipped_zone_map, 30u);
  // All-null input: sum is null, count 0.
  EXPECT_EQ(Scalar("select sum(d) from t where d is null"), "NULL");
  EXPECT_EQ(Scalar("select count(d) from t where d is null"), "0");
  ASSERT_OK_AND_ASSIGN(QueryResult g, Run("select g, count(*) from t where id < 0 group by g"));
  EXPECT_EQ(g.rows, 0u);
  EXPECT_EQ(g.columns.size(), 2u);
}

TEST_F(QueryTest, GroupByMultipleKeysInKeyOrder) {
  std::map<std::pair<std::string, int32_t>, std::pair<int64_t, __int128>> model;
  for (int64_t id = 0; id < kRows; ++id) {
    auto& m = model[{GVal(id), HVal(id)}];
    ++m.first;
    if (DVal(id)) m.second += *DVal(id);
  }
  ASSERT_OK_AND_ASSIGN(QueryResult r,
                       Run("select g, h, count(*) as n, sum(d) as total, sum(d) / count(*) "
                           "from t group by g, h"));
  ASSERT_EQ(r.rows, model.size());
  size_t row = 0;
  for (const auto& [key, v] : model) {
    EXPECT_EQ(r.columns[0].GetString(row), key.first);
    EXPECT_EQ(r.columns[1].GetValue(row), Value::Int(key.second));
    EXPECT_EQ(r.columns[2].GetValue(row), Value::Int(v.first));
    EXPECT_EQ(r.columns[3].GetValue(row), Value::Int(static_cast<int64_t>(v.second)));
    EXPECT_NEAR(r.columns[4].Get<double>(row),
                static_cast<double>(v.second) / 100.0 / static_cast<double>(v.first), 1e-9);
    ++row;
  }
  EXPECT_EQ(r.columns[4].type().id(), TypeId::kFloat64);
}

TEST_F(QueryTest, GroupByNullableKeysPutsNullFirst) {
  ASSERT_OK_AND_ASSIGN(QueryResult r, Run("select i, s, count(*) from t group by i, s"));
  std::map<std::pair<int64_t, std::string>, int64_t> model;  // null as -1 / ""
  for (int64_t id = 0; id < kRows; ++id) {
    model[{IVal(id).value_or(-1), SVal(id).value_or("")}]++;
  }
  ASSERT_EQ(r.rows, model.size());
  size_t row = 0;
  for (const auto& [key, n] : model) {
    EXPECT_EQ(r.columns[0].IsNull(row), key.first == -1) << row;
    if (key.first != -1) EXPECT_EQ(r.columns[0].GetValue(row), Value::Int(key.first));
    EXPECT_EQ(r.columns[1].IsNull(row), key.second.empty()) << row;
    if (!key.second.empty()) EXPECT_EQ(r.columns[1].GetString(row), key.second);
    EXPECT_EQ(r.columns[2].GetValue(row), Value::Int(n));
    ++row;
  }
  // Group keys of any type; GROUP BY without aggregates lists the distinct keys.
  ASSERT_OK_AND_ASSIGN(QueryResult b, Run("select b, dt from t where id < 25 group by b, dt"));
  EXPECT_EQ(b.rows, 6u);
  EXPECT_EQ(FormatResultValue(b.columns[0], 0), "false");
  EXPECT_EQ(FormatResultValue(b.columns[1], 0), "1994-01-01");
  ASSERT_OK_AND_ASSIGN(QueryResult lim, Run("select h, count(*) from t group by h limit 2"));
  EXPECT_EQ(lim.rows, 2u);
  EXPECT_EQ(lim.columns[0].GetValue(1), Value::Int(1));
}

TEST_F(QueryTest, DecimalArithmeticIsExact) {
  // d (scale 2) * 0.05 (scale 2) has scale 4; sums are exact.
  __int128 sum = 0, prod = 0;
  for (int64_t id = 0; id < kRows; ++id) {
    if (DVal(id)) {
      sum += *DVal(id) * 5;
      prod += *DVal(id) * (100 - 7);
    }
  }
  ASSERT_OK_AND_ASSIGN(QueryResult r,
                       Run("select sum(d * 0.05), sum(d * (1 - 0.07)), sum(d + 0.001), "
                           "sum(d / 4), max(d * d) from t"));
  EXPECT_EQ(r.columns[0].type(), *DataType::Decimal(18, 4));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(static_cast<int64_t>(sum)));
  EXPECT_EQ(r.columns[1].GetValue(0), Value::Int(static_cast<int64_t>(prod)));
  EXPECT_EQ(r.columns[2].type(), *DataType::Decimal(18, 3));
  EXPECT_EQ(r.columns[3].type().id(), TypeId::kFloat64);
  EXPECT_EQ(r.columns[4].type(), *DataType::Decimal(18, 4));
  EXPECT_EQ(Scalar("select 0.1 + 0.2"), "0.3");
  EXPECT_EQ(Scalar("select 1.5 * 1.5"), "2.25");
  EXPECT_EQ(Scalar("select 7 / 2"), "3.5");
  EXPECT_EQ(Scalar("select 1 / 0"), "NULL");
  EXPECT_EQ(Scalar("select -(2.50)"), "-2.50");
  EXPECT_EQ(Scalar("select 2 + 0.5"), "2.5");
  EXPECT_EQ(Scalar("select 2 * 1.5e0"), "3");
  EXPECT_EQ(Scalar("select max(d / 0) from t"), "NULL");
}

TEST_F(QueryTest, OverflowRules) {
  // A product beyond int64 fails, naming where.
  const std::string err = Error("select max(id * 9223372036854775807) from t");
  EXPECT_NE(err.find("at 15: arithmetic overflows"), std::string::npos) << err;
  EXPECT_NE(Error("select 9223372036854775807 + 1").find("overflows"), std::string::npos);
  // Rows that WHERE filtered out do not overflow.
  EXPECT_EQ(Scalar("select sum(id * 4611686018427387904) from t where id = 1"),
            "4611686018427387904");
  // A sum beyond int64 is exact in __int128 and reported as float64.
  ASSERT_OK_AND_ASSIGN(
      QueryResult r,
      Run("select sum(id * 4611686018427387903), sum(id) from t where id between 1 and 2"));
  EXPECT_EQ(r.columns[0].type().id(), TypeId::kFloat64);
  EXPECT_DOUBLE_EQ(r.columns[0].Get<double>(0), 3.0 * 4611686018427387903.0);
  EXPECT_EQ(r.columns[1].type().id(), TypeId::kInt64);
  // Scales add up in products and may not pass 18.
  EXPECT_NE(Error("select 0.0000000001 * 0.0000000001").find("scale 20"), std::string::npos);
}

TEST_F(QueryTest, ZoneMapsSkipBlocks) {
  ASSERT_OK_AND_ASSIGN(QueryResult r, Run("select count(*) from t where id >= 250 and id < 420"));
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "170");
  // Blocks of 100 rows: 200-299 .. 400-499 survive.
  EXPECT_EQ(r.counters.blocks_read, 3u);
  EXPECT_EQ(r.counters.blocks_skipped_zone_map, 27u);
  EXPECT_EQ(r.counters.rows_returned, 300u);
  EXPECT_EQ(r.rows_matched, 170u);
  // Between and IN prune too; an OR does not.
  ASSERT_OK_AND_ASSIGN(r, Run("select count(*) from t where id between 1000 and 1099"));
  EXPECT_EQ(r.counters.blocks_read, 1u);
  ASSERT_OK_AND_ASSIGN(r, Run("select count(*) from t where id in (5, 150)"));
  EXPECT_EQ(r.counters.blocks_read, 2u);
  ASSERT_OK_AND_ASSIGN(r, Run("select count(*) from t where id < 5 or id > 2990"));
  EXPECT_EQ(r.counters.blocks_read, 30u);
  EXPECT_EQ(FormatResultValue(r.columns[0], 0), "14");
  // A constant false WHERE reads nothing.
  ASSERT_OK_AND_ASSIGN(r, Run("select count(*) from t where 1 = 2"));
  EXPECT_EQ(r.counters.blocks_read, 0u);
  // Only the columns the query needs are read.
  ASSERT_OK_AND_ASSIGN(r, Run("select sum(d) from t where i = 1"));
  EXPECT_EQ(r.counters.column_blocks_read, 60u);
}

TEST_F(QueryTest, DeletedRowsNeverCount) {
  DeleteVector dv;
  for (uint32_t id = 0; id < kRows; id += 3) dv.Add(id);
  ASSERT_OK(reader_->ApplyDeleteVector(dv));
  EXPECT_EQ(Count("true"), CountIf([](int64_t id) { return id % 3 != 0; }));
  EXPECT_EQ(Count("i = 3"), CountIf([](int64_t id) { return id % 3 != 0 && IVal(id) == 3; }));
  ASSERT_OK_AND_ASSIGN(QueryResult r, Run("select id from t limit 3"));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(1));
  EXPECT_EQ(r.columns[0].GetValue(2), Value::Int(4));
  // Everything deleted: no blocks read, aggregates of nothing.
  DeleteVector all;
  all.AddRange(0, kRows);
  ASSERT_OK(reader_->ApplyDeleteVector(all));
  ASSERT_OK_AND_ASSIGN(r, Run("select count(*), sum(d) from t"));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(0));
  EXPECT_TRUE(r.columns[1].IsNull(0));
  EXPECT_EQ(r.counters.blocks_read, 0u);
  EXPECT_EQ(r.counters.blocks_skipped_deleted, 30u);
  ASSERT_OK_AND_ASSIGN(r, Run("select * from t"));
  EXPECT_EQ(r.rows, 0u);
}

TEST_F(QueryTest, SeveralRowsetsAreOneTable) {
  RowSetBuilderOptions o;
  o.block_rows = 64;
  ASSERT_OK(
      BuildRowSet(Env::Default(), dir_.path() + "/rs2", Schema(), Columns(kRows, kRows + 500), o)
          .status());
  ASSERT_OK(BuildRowSet(Env::Default(), dir_.path() + "/empty", Schema(), {}, o).status());
  ASSERT_OK_AND_ASSIGN(auto second, RowSetReader::Open(Env::Default(), dir_.path() + "/rs2"));
  ASSERT_OK_AND_ASSIGN(auto empty, RowSetReader::Open(Env::Default(), dir_.path() + "/empty"));
  ASSERT_OK_AND_ASSIGN(QueryResult r, RunQuery("select count(*), max(id) from t",
                                               {reader_.get(), empty.get(), second.get()}));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(kRows + 500));
  EXPECT_EQ(r.columns[1].GetValue(0), Value::Int(kRows + 499));
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*), sum(d) from t", {empty.get()}));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(0));
  EXPECT_TRUE(r.columns[1].IsNull(0));
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select id from t", {empty.get()}));
  EXPECT_EQ(r.rows, 0u);
  ASSERT_OK_AND_ASSIGN(r, RunQuery("select count(*)", {}));
  EXPECT_EQ(r.columns[0].GetValue(0), Value::Int(0));
  // Rowsets with other columns cannot be one table.
  ASSERT_OK(BuildRowSet(Env::Default(), dir_.path() + "/other", {{"x", DataType::Int64()}}, {}, o)
                .status());
  ASSERT_OK_AND_ASSIGN(auto other, RowSetReader::Open(Env::Default(), dir_.path() + "/other"));
  auto bad = RunQuery("select count(*) from t", {reader_.get(), other.get()});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("differ"), std::string::npos);
}

TEST_F(QueryTest, BindingErrorsNameThePosition) {
  EXPECT_EQ(Error("select nope from t"), "at 8: unknown column 'nope'");
  EXPECT_EQ(Error("select id from t where zz > 1"), "at 24: unknown column 'zz'");
  EXPECT_EQ(Error("select id, count(*) from t"),
            "at 8: column 'id' must appear in GROUP BY or be used in an aggregate function");
  EXPECT_EQ(Error("select g, sum(d) + h from t group by g"),
            "at 20: column 'h' must appear in GROUP BY or be used in an aggregate function");
  EXPECT_EQ(Error("select count(*) from t where sum(d) > 1"),
            "at 30: aggregate sum() is not allowed in WHERE");
  EXPECT_EQ(Error("select sum(max(d)) from t"), "at 12: aggregates cannot be nested");
  EXPECT_EQ(Error("select sum(s) from t"), "at 8: sum() needs a numeric argument, not string");
  EXPECT_EQ(Error("select avg(dt) from t"), "at 8: avg() needs a numeric argument, not date");
  EXPECT_EQ(Error("select sum(*) from t"), "at 8: sum(*) is not allowed; only count(*)");
  EXPECT_EQ(Error("select count(a, b) from t"), "at 8: count() takes one argument");
  EXPECT_EQ(Error("select foo(d) from t"), "at 8: unknown function 'foo'");
  EXPECT_EQ(Error("select id from t where id + 1"),
            "at 27: WHERE needs a boolean expression, not int64");
  EXPECT_EQ(Error("select id from t where s = 1"), "at 26: cannot compare string with int64");
  EXPECT_EQ(Error("select s + 1 from t"), "at 10: cannot apply '+' to string and int64");
  EXPECT_EQ(Error("select -s from t"), "at 8: cannot negate a string");
  EXPECT_EQ(Error("select id from t where dt = 'soon'"), "at 29: 'soon' is not a date");
  EXPECT_EQ(Error("select i and b from t"), "at 8: expected a boolean, not int32");
  EXPECT_EQ(Error("select d + interval '1' day from t"),
            "at 12: cannot add an interval to a decimal(12,2)");
  EXPECT_EQ(Error("select interval '1' day"),
            "at 8: an interval can only be added to or subtracted from a date or timestamp");
  EXPECT_EQ(Error("select dt + interval '1' month from t"),
            "at 13: month and year intervals need a constant date or timestamp");
  EXPECT_EQ(Error("select g from t group by g + 1"), "at 28: GROUP BY takes column names");
  EXPECT_NE(Error("select id from t order by nope").find("at 27: ORDER BY must name"),
            std::string::npos);
  EXPECT_EQ(Error("select id from t order by 2"), "at 27: ORDER BY position 2 is not in 1..1");
  // Syntax errors come from the parser with their position too.
  EXPECT_EQ(Error("select count(id from t"), "at 17: expected ')' near 'from'");
}

TEST_F(QueryTest, ColumnNamesAreCaseInsensitive) {
  EXPECT_EQ(Scalar("select COUNT(ID) from T where G = 'g0'"), "1000");
  EXPECT_EQ(Scalar("select count(\"id\") from t"), std::to_string(kRows));
}

// The executor's fast path decodes only the surviving rows of a block: it
// must give what a full decode gives for those rows, for every encoding.
TEST(DecodeSelectedTest, MatchesDecodeTo) {
  test::ColumnGenerator gen(7);
  const Encoding kEncodings[] = {Encoding::kPlain, Encoding::kRunLength, Encoding::kDictionary,
                                 Encoding::kBitPacked};
  std::mt19937 rng(3);
  int checked = 0;
  for (const DataType& type : test::AllTypes()) {
    for (test::Shape shape : test::kAllShapes) {
      for (int nulls : {0, 20}) {
        const ColumnVector col = gen.Make(type, shape, 1000, nulls);
        for (Encoding enc : kEncodings) {
          BlockBuilderOptions o;
          o.force_encoding = enc;
          BlockBuilder builder(o);
          auto block = builder.Build(col);
          if (!block.ok()) continue;  // the encoding does not apply to the type
          ASSERT_OK_AND_ASSIGN(BlockDecoder dec, BlockDecoder::Open(block->data, type));
          ColumnVector all(type);
          ASSERT_OK(dec.DecodeTo(&all));
          for (int density : {1, 10, 50, 100}) {
            std::vector<uint32_t> sel;
            for (uint32_t i = 0; i < col.size(); ++i) {
              if (static_cast<int>(rng() % 100) < density) sel.push_back(i);
            }
            ColumnVector want(type), got(type);
            for (uint32_t i : sel) want.AppendFrom(all, i, 1);
            ASSERT_OK(dec.DecodeSelected(sel.data(), sel.size(), &got));
            ASSERT_TRUE(got.Equals(want))
                << type.ToString() << " " << test::ShapeName(shape) << " " << EncodingName(enc);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace silt

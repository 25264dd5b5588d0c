// The scan executor (RunQuery) against SQLite: the same rows in rowsets and
// in an in-memory SQLite database, the same queries through both, results
// compared row by row after sorting.
//
// Tables:
//   lineitem  TPC-H lineitem at SF 0.01 (about 60,000 rows) in 3 rowsets;
//   edge      400 rows of our own with nulls in every nullable column and
//             edge values (int32 and int64 extremes, negative decimals and
//             dates, empty and high-byte strings), in 2 rowsets of small
//             blocks (so zone maps and block boundaries matter).
//
// How SQLite holds them: integers, dates (days since 1970-01-01) and bools
// (0/1) as INTEGER; decimal(p,s) as INTEGER scaled by 10^s, so sums and
// products stay exact; float64 as REAL; strings as TEXT (bytewise BINARY
// collation, like silt). Each case is therefore written twice: in silt's
// dialect and in SQLite's, where decimal literals and arithmetic use the
// scaled integers and DATE 'YYYY-MM-DD' is rewritten to its day number.
// Each SQLite output column carries its power of ten (`scales`), so a silt
// decimal(18,4) sum is compared exactly with SQLite's integer sum at scale
// 4; floats (avg, division, float64 columns in arithmetic) are compared with
// a relative tolerance of 1e-9.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <variant>

#include "common/path.h"
#include "rowset_test_util.h"
#include "table/query.h"
#include "table/tpch_lineitem.h"
#include "test_util.h"

namespace silt {
namespace {

// ---- values of both sides, compared -----------------------------------

// One result cell: null, an exact number (value / 10^scale), a double or bytes.
struct Exact {
  __int128 value;
  int scale;
};
using Cell = std::variant<std::monostate, Exact, double, std::string>;

__int128 Pow10(int n) {
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

double ToDouble(const Cell& c) {
  if (const auto* e = std::get_if<Exact>(&c)) {
    return static_cast<double>(static_cast<long double>(e->value) / Pow10(e->scale));
  }
  return std::get<double>(c);
}

bool IsNumber(const Cell& c) { return c.index() == 1 || c.index() == 2; }

// -1, 0, 1 in the order null < numbers < strings (numbers by value); used to
// sort the rows of both sides the same way.
int Order(const Cell& a, const Cell& b) {
  const int ka = IsNumber(a) ? 1 : static_cast<int>(a.index() == 0 ? 0 : 2);
  const int kb = IsNumber(b) ? 1 : static_cast<int>(b.index() == 0 ? 0 : 2);
  if (ka != kb) return ka < kb ? -1 : 1;
  if (ka == 0) return 0;
  if (ka == 2) {
    const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  const double x = ToDouble(a), y = ToDouble(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool Same(const Cell& a, const Cell& b) {
  if (a.index() == 0 || b.index() == 0) return a.index() == b.index();
  if (a.index() == 3 || b.index() == 3) {
    return a.index() == b.index() && std::get<std::string>(a) == std::get<std::string>(b);
  }
  const auto* ea = std::get_if<Exact>(&a);
  const auto* eb = std::get_if<Exact>(&b);
  if (ea != nullptr && eb != nullptr) {
    const int s = std::max(ea->scale, eb->scale);
    return ea->value * Pow10(s - ea->scale) == eb->value * Pow10(s - eb->scale);
  }
  const double x = ToDouble(a), y = ToDouble(b);
  if (x == y) return true;
  return std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y)) ||
         std::fabs(x - y) <= 1e-12;
}

std::string Show(const Cell& c) {
  switch (c.index()) {
    case 0:
      return "NULL";
    case 1: {
      const Exact& e = std::get<Exact>(c);
      if (e.value >= INT64_MIN && e.value <= INT64_MAX) {
        return FormatDecimal(static_cast<int64_t>(e.value), e.scale);
      }
      return std::to_string(static_cast<double>(e.value)) + "e-" + std::to_string(e.scale);
    }
    case 2: {
      std::ostringstream o;
      o.precision(17);
      o << std::get<double>(c);
      return o.str();
    }
  }
  return "'" + std::get<std::string>(c) + "'";
}

using Row = std::vector<Cell>;

std::string ShowRow(const Row& r) {
  std::string s = "(";
  for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + Show(r[i]);
  return s + ")";
}

void SortRows(std::vector<Row>* rows) {
  std::sort(rows->begin(), rows->end(), [](const Row& a, const Row& b) {
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
      const int c = Order(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  });
}

Cell SiltCell(const ColumnVector& v, size_t row) {
  if (v.IsNull(row)) return std::monostate{};
  switch (v.type().id()) {
    case TypeId::kBool:
      return Exact{v.Get<uint8_t>(row), 0};
    case TypeId::kInt32:
    case TypeId::kDate:
      return Exact{v.Get<int32_t>(row), 0};
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return Exact{v.Get<int64_t>(row), 0};
    case TypeId::kDecimal:
      return Exact{v.Get<int64_t>(row), v.type().scale()};
    case TypeId::kFloat64:
      return v.Get<double>(row);
    case TypeId::kString:
      return std::string(v.GetString(row));
  }
  return std::monostate{};
}

// ---- SQLite ---------------------------------------------------------------

// "DATE '1994-01-01'" -> "8766": SQLite holds dates as day numbers.
std::string DatesToDays(const std::string& sql) {
  static const std::regex date(R"(DATE\s*'(\d{4}-\d{2}-\d{2})')", std::regex::icase);
  std::string out;
  auto begin = std::sregex_iterator(sql.begin(), sql.end(), date);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += sql.substr(last, it->position() - last);
    out += std::to_string(ParseDate((*it)[1].str()).value());
    last = it->position() + it->length();
  }
  return out + sql.substr(last);
}

class Sqlite {
 public:
  Sqlite() { EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK); }
  ~Sqlite() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* msg = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg), SQLITE_OK)
        << sql << ": " << (msg ? msg : "?");
  }

  // Copies every row of `columns` (a whole table) into a new table `name`.
  void Load(const std::string& name, const std::vector<ColumnDef>& schema,
            const std::vector<ColumnVector>& columns) {
    std::string create = "CREATE TABLE " + name + " (";
    std::string insert = "INSERT INTO " + name + " VALUES (";
    for (size_t c = 0; c < schema.size(); ++c) {
      const TypeId t = schema[c].type.id();
      create += (c ? ", " : "") + schema[c].name + " " +
                (t == TypeId::kFloat64  ? "REAL"
                 : t == TypeId::kString ? "TEXT"
                                        : "INTEGER");
      insert += c ? ", ?" : "?";
    }
    Exec(create + ")");
    Exec("BEGIN");
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, (insert + ")").c_str(), -1, &stmt, nullptr), SQLITE_OK);
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < columns.size(); ++c) {
        const Cell cell = SiltCell(columns[c], r);
        const int i = static_cast<int>(c) + 1;
        if (cell.index() == 0) {
          sqlite3_bind_null(stmt, i);
        } else if (const auto* e = std::get_if<Exact>(&cell)) {
          sqlite3_bind_int64(stmt, i, static_cast<int64_t>(e->value));  // scaled as stored
        } else if (const auto* d = std::get_if<double>(&cell)) {
          sqlite3_bind_double(stmt, i, *d);
        } else {
          const std::string& s = std::get<std::string>(cell);
          sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        }
      }
      ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    Exec("COMMIT");
  }

  // Runs a query; column i's integers are read as value / 10^scales[i].
  std::vector<Row> Query(const std::string& sql, const std::vector<int>& scales, size_t* columns) {
    std::vector<Row> rows;
    sqlite3_stmt* stmt = nullptr;
    const std::string text = DatesToDays(sql);
    if (sqlite3_prepare_v2(db_, text.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "SQLite: " << text << ": " << sqlite3_errmsg(db_);
      return rows;
    }
    *columns = static_cast<size_t>(sqlite3_column_count(stmt));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      for (size_t c = 0; c < *columns; ++c) {
        const int scale = c < scales.size() ? scales[c] : 0;
        const int i = static_cast<int>(c);
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_NULL:
            row.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            row.emplace_back(Exact{sqlite3_column_int64(stmt, i), scale});
            break;
          case SQLITE_FLOAT:
            row.emplace_back(sqlite3_column_double(stmt, i) /
                             static_cast<double>(static_cast<int64_t>(Pow10(scale))));
            break;
          default: {
            const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
            row.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(stmt, i)));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << text << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---- the tables -------------------------------------------------------------

std::vector<ColumnDef> EdgeSchema() {
  return {{"id", DataType::Int64().NotNull()},
          {"i", DataType::Int32()},
          {"big", DataType::Int64()},
          {"d", DataType::Decimal(12, 3).value()},
          {"f", DataType::Float64()},
          {"s", DataType::String()},
          {"dt", DataType::Date()},
          {"b", DataType::Bool()}};
}

// 400 rows from fixed pools of edge values, about one in six null per column.
std::vector<ColumnVector> EdgeRows() {
  std::mt19937_64 rng(20261122);  // std::mt19937_64 is the same everywhere
  const std::vector<int64_t> ints = {INT32_MIN, INT32_MIN + 1, -1000,    -7, -1, 0, 1, 2, 3,
                                     10,        999,           INT32_MAX};
  const std::vector<int64_t> bigs = {INT64_MIN / 2, -(1ll << 40), -1,       0, 1, 42,
                                     1ll << 40,     1ll << 62,    INT64_MAX};
  const std::vector<int64_t> decs = {-999999999, -123456, -1, 0, 1, 500, 999, 1000, 123456789};
  const std::vector<double> floats = {-1e300, -2.5, -0.001, 0.0, 1e-5, 0.5, 1.0, 3.25, 1e10, 1e300};
  const std::vector<std::string> strings = {"",
                                            "a",
                                            "A",
                                            "ab",
                                            "abc",
                                            "it's",
                                            "b",
                                            "z",
                                            "zz",
                                            "\xff",
                                            "\xc3\xa9t\xc3\xa9",
                                            std::string(300, 'x'),
                                            "with,comma"};
  const std::vector<int32_t> dates = {
      -25567 /* 1900-01-01 */, -1, 0, 1, 8766, 9131, 10000, 24855, 2932896 /* 9999-12-31 */};
  std::vector<ColumnVector> cols;
  for (const auto& c : EdgeSchema()) cols.emplace_back(c.type);
  auto pick = [&](const auto& pool) { return pool[rng() % pool.size()]; };
  auto null = [&] { return rng() % 6 == 0; };
  for (int64_t id = 0; id < 400; ++id) {
    cols[0].AppendInt64(id);
    null() ? cols[1].AppendNull() : cols[1].AppendInt32(static_cast<int32_t>(pick(ints)));
    null() ? cols[2].AppendNull() : cols[2].AppendInt64(pick(bigs));
    null() ? cols[3].AppendNull() : cols[3].AppendInt64(pick(decs));
    null() ? cols[4].AppendNull() : cols[4].AppendDouble(pick(floats));
    null() ? cols[5].AppendNull() : cols[5].AppendString(pick(strings));
    null() ? cols[6].AppendNull() : cols[6].AppendInt32(pick(dates));
    null() ? cols[7].AppendNull() : cols[7].AppendBool(rng() % 2 == 0);
  }
  return cols;
}

// ---- the cases ----------------------------------------------------------------

struct Case {
  std::string name;
  std::string silt;    // silt's dialect
  std::string sqlite;  // SQLite's, over the scaled columns
  std::vector<int> scales = {};
  // > 0: silt's query has LIMIT n and `sqlite` has none; silt's rows must be
  // min(n, all) distinct rows of SQLite's result.
  size_t limit = 0;
  // >= 0: the number of rows both must return (guards against vacuous cases).
  int64_t expect_rows = -1;
};

const char* const kQ1Silt =
    "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
    "sum(l_extendedprice) AS sum_base_price, "
    "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
    "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
    "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, "
    "avg(l_discount) AS avg_disc, count(*) AS count_order "
    "FROM lineitem WHERE l_shipdate <= DATE '1998-09-02' "
    "GROUP BY l_returnflag, l_linestatus";
const char* const kQ1Sqlite =
    "SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), "
    "sum(l_extendedprice * (100 - l_discount)), "
    "sum(l_extendedprice * (100 - l_discount) * (100 + l_tax)), "
    "avg(l_quantity), avg(l_extendedprice), avg(l_discount), count(*) "
    "FROM lineitem WHERE l_shipdate <= DATE '1998-09-02' "
    "GROUP BY l_returnflag, l_linestatus";

std::vector<Case> LineitemCases() {
  return {
      {"q1", kQ1Silt, kQ1Sqlite, {0, 0, 2, 2, 4, 6, 2, 2, 2, 0}, 0, 4},
      {"q6",
       "SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem "
       "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
       "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24",
       "SELECT sum(l_extendedprice * l_discount) FROM lineitem "
       "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
       "AND l_discount BETWEEN 5 AND 7 AND l_quantity < 2400",
       {4},
       0,
       1},
      {"q6_other_year_and_band",
       "SELECT sum(l_extendedprice * l_discount), count(*) FROM lineitem "
       "WHERE l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1997-01-01' "
       "AND l_discount BETWEEN 0.02 AND 0.04 AND l_quantity < 25",
       "SELECT sum(l_extendedprice * l_discount), count(*) FROM lineitem "
       "WHERE l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1997-01-01' "
       "AND l_discount BETWEEN 2 AND 4 AND l_quantity < 2500",
       {4, 0}},
      {"q6_not_and_ranges",
       "SELECT sum(l_extendedprice * l_discount) FROM lineitem "
       "WHERE l_shipdate BETWEEN DATE '1994-01-01' AND DATE '1994-12-31' "
       "AND l_discount >= 0.05 AND l_discount <= 0.07 AND NOT (l_quantity >= 24)",
       "SELECT sum(l_extendedprice * l_discount) FROM lineitem "
       "WHERE l_shipdate BETWEEN DATE '1994-01-01' AND DATE '1994-12-31' "
       "AND l_discount >= 5 AND l_discount <= 7 AND NOT (l_quantity >= 2400)",
       {4}},
      {"q6_or_shipmode",
       "SELECT sum(l_extendedprice * l_discount), min(l_discount), max(l_discount) FROM lineitem "
       "WHERE l_shipdate >= DATE '1995-01-01' AND l_shipdate < DATE '1996-01-01' "
       "AND (l_shipmode = 'AIR' OR l_shipmode = 'REG AIR') AND l_quantity < 10",
       "SELECT sum(l_extendedprice * l_discount), min(l_discount), max(l_discount) FROM lineitem "
       "WHERE l_shipdate >= DATE '1995-01-01' AND l_shipdate < DATE '1996-01-01' "
       "AND (l_shipmode = 'AIR' OR l_shipmode = 'REG AIR') AND l_quantity < 1000",
       {4, 2, 2}},
      {"whole_table",
       "SELECT count(*), count(l_comment), sum(l_extendedprice), sum(l_quantity), avg(l_tax), "
       "min(l_orderkey), max(l_orderkey), min(l_shipdate), max(l_receiptdate) FROM lineitem",
       "SELECT count(*), count(l_comment), sum(l_extendedprice), sum(l_quantity), avg(l_tax), "
       "min(l_orderkey), max(l_orderkey), min(l_shipdate), max(l_receiptdate) FROM lineitem",
       {0, 0, 2, 2, 2},
       0,
       1},
      {"group_by_shipmode",
       "SELECT l_shipmode, count(*) FROM lineitem GROUP BY l_shipmode",
       "SELECT l_shipmode, count(*) FROM lineitem GROUP BY l_shipmode",
       {},
       0,
       7},
      {"group_by_two_strings",
       "SELECT l_shipinstruct, l_shipmode, count(*), sum(l_quantity), min(l_extendedprice), "
       "max(l_discount) FROM lineitem WHERE l_receiptdate > DATE '1997-01-01' "
       "GROUP BY l_shipinstruct, l_shipmode",
       "SELECT l_shipinstruct, l_shipmode, count(*), sum(l_quantity), min(l_extendedprice), "
       "max(l_discount) FROM lineitem WHERE l_receiptdate > DATE '1997-01-01' "
       "GROUP BY l_shipinstruct, l_shipmode",
       {0, 0, 0, 2, 2, 2},
       0,
       28},
      {"group_by_three_keys",
       "SELECT l_returnflag, l_linestatus, l_shipmode, count(*), sum(l_tax), avg(l_quantity) "
       "FROM lineitem GROUP BY l_returnflag, l_linestatus, l_shipmode",
       "SELECT l_returnflag, l_linestatus, l_shipmode, count(*), sum(l_tax), avg(l_quantity) "
       "FROM lineitem GROUP BY l_returnflag, l_linestatus, l_shipmode",
       {0, 0, 0, 0, 2, 2}},
      {"group_by_int_key",
       "SELECT l_linenumber, count(*), avg(l_quantity), min(l_shipdate), max(l_receiptdate) "
       "FROM lineitem GROUP BY l_linenumber",
       "SELECT l_linenumber, count(*), avg(l_quantity), min(l_shipdate), max(l_receiptdate) "
       "FROM lineitem GROUP BY l_linenumber",
       {0, 0, 2},
       0,
       7},
      {"group_by_date_key",
       "SELECT l_shipdate, count(*), sum(l_quantity) FROM lineitem "
       "WHERE l_shipdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-31' GROUP BY l_shipdate",
       "SELECT l_shipdate, count(*), sum(l_quantity) FROM lineitem "
       "WHERE l_shipdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-31' GROUP BY l_shipdate",
       {0, 0, 2},
       0,
       31},
      {"group_by_decimal_key",
       "SELECT l_discount, count(*), sum(l_extendedprice) FROM lineitem "
       "WHERE l_quantity = 1 GROUP BY l_discount",
       "SELECT l_discount, count(*), sum(l_extendedprice) FROM lineitem "
       "WHERE l_quantity = 100 GROUP BY l_discount",
       {2, 0, 2},
       0,
       11},
      {"eq_int64_rows",
       "SELECT l_orderkey, l_linenumber, l_quantity, l_shipmode, l_comment FROM lineitem "
       "WHERE l_orderkey = 33",
       "SELECT l_orderkey, l_linenumber, l_quantity, l_shipmode, l_comment FROM lineitem "
       "WHERE l_orderkey = 33",
       {0, 0, 2}},
      {"ne_int64",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_partkey != 1000",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_partkey != 1000",
       {0, 2}},
      {"lt_int64",
       "SELECT count(*), min(l_suppkey), max(l_suppkey) FROM lineitem WHERE l_suppkey < 10",
       "SELECT count(*), min(l_suppkey), max(l_suppkey) FROM lineitem WHERE l_suppkey < 10"},
      {"le_decimal",
       "SELECT count(*), sum(l_extendedprice) FROM lineitem WHERE l_quantity <= 5",
       "SELECT count(*), sum(l_extendedprice) FROM lineitem WHERE l_quantity <= 500",
       {0, 2}},
      {"gt_decimal_fraction",
       "SELECT count(*), min(l_extendedprice) FROM lineitem WHERE l_extendedprice > 100000.5",
       "SELECT count(*), min(l_extendedprice) FROM lineitem WHERE l_extendedprice > 10000050",
       {0, 2}},
      {"ge_date_rows",
       "SELECT l_orderkey, l_linenumber, l_receiptdate, l_comment FROM lineitem "
       "WHERE l_receiptdate >= DATE '1998-11-15'",
       "SELECT l_orderkey, l_linenumber, l_receiptdate, l_comment FROM lineitem "
       "WHERE l_receiptdate >= DATE '1998-11-15'"},
      {"string_lt_ge_ne",
       "SELECT count(*) FROM lineitem WHERE l_shipmode < 'MAIL' AND l_comment >= 'p' "
       "AND l_returnflag != 'N'",
       "SELECT count(*) FROM lineitem WHERE l_shipmode < 'MAIL' AND l_comment >= 'p' "
       "AND l_returnflag != 'N'"},
      {"in_strings",
       "SELECT l_shipmode, count(*) FROM lineitem WHERE l_shipmode IN ('MAIL', 'SHIP', 'NONE') "
       "GROUP BY l_shipmode",
       "SELECT l_shipmode, count(*) FROM lineitem WHERE l_shipmode IN ('MAIL', 'SHIP', 'NONE') "
       "GROUP BY l_shipmode",
       {},
       0,
       2},
      {"in_ints_and_decimals",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_linenumber IN (1, 7) "
       "AND l_discount IN (0.00, 0.10)",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_linenumber IN (1, 7) "
       "AND l_discount IN (0, 10)",
       {0, 2}},
      {"not_in",
       "SELECT l_shipinstruct, count(*) FROM lineitem "
       "WHERE l_shipinstruct NOT IN ('NONE', 'COLLECT COD') GROUP BY l_shipinstruct",
       "SELECT l_shipinstruct, count(*) FROM lineitem "
       "WHERE l_shipinstruct NOT IN ('NONE', 'COLLECT COD') GROUP BY l_shipinstruct",
       {},
       0,
       2},
      {"is_null_on_not_null_column",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_comment IS NULL",
       "SELECT count(*), sum(l_quantity) FROM lineitem WHERE l_comment IS NULL",
       {0, 2},
       0,
       1},
      {"is_not_null", "SELECT count(*) FROM lineitem WHERE l_tax IS NOT NULL AND l_linenumber > 6",
       "SELECT count(*) FROM lineitem WHERE l_tax IS NOT NULL AND l_linenumber > 6"},
      {"and_or_not_nested",
       "SELECT l_returnflag, count(*), sum(l_extendedprice) FROM lineitem "
       "WHERE (l_returnflag = 'R' AND l_quantity > 45) OR "
       "(l_linestatus = 'O' AND NOT l_discount < 0.09) OR NOT (l_shipdate > DATE '1992-03-01') "
       "GROUP BY l_returnflag",
       "SELECT l_returnflag, count(*), sum(l_extendedprice) FROM lineitem "
       "WHERE (l_returnflag = 'R' AND l_quantity > 4500) OR "
       "(l_linestatus = 'O' AND NOT l_discount < 9) OR NOT (l_shipdate > DATE '1992-03-01') "
       "GROUP BY l_returnflag",
       {0, 0, 2}},
      {"arithmetic_rows",
       "SELECT l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount), l_quantity + l_tax, "
       "l_extendedprice / l_quantity, l_quantity * 2 - 1 FROM lineitem WHERE l_orderkey < 40",
       "SELECT l_orderkey, l_linenumber, l_extendedprice * (100 - l_discount), "
       "l_quantity + l_tax, l_extendedprice * 1.0 / l_quantity, l_quantity * 2 - 100 "
       "FROM lineitem WHERE l_orderkey < 40",
       {0, 0, 4, 2, 0, 2}},
      {"division_by_zero_is_null",
       "SELECT l_orderkey, l_linenumber, l_quantity / l_discount FROM lineitem "
       "WHERE l_orderkey < 200",
       "SELECT l_orderkey, l_linenumber, l_quantity * 1.0 / l_discount FROM lineitem "
       "WHERE l_orderkey < 200"},
      {"order_by_limit_top",
       "SELECT l_orderkey, l_linenumber, l_extendedprice FROM lineitem "
       "ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber LIMIT 7",
       "SELECT l_orderkey, l_linenumber, l_extendedprice FROM lineitem "
       "ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber LIMIT 7",
       {0, 0, 2},
       0,
       7},
      {"arithmetic_in_where",
       "SELECT count(*) FROM lineitem WHERE l_extendedprice * l_discount > 5000",
       "SELECT count(*) FROM lineitem WHERE l_extendedprice * l_discount > 50000000"},
      {"string_min_max",
       "SELECT min(l_comment), max(l_comment), min(l_shipinstruct), max(l_shipmode) "
       "FROM lineitem WHERE l_orderkey < 5000",
       "SELECT min(l_comment), max(l_comment), min(l_shipinstruct), max(l_shipmode) "
       "FROM lineitem WHERE l_orderkey < 5000"},
      {"empty_rows",
       "SELECT l_orderkey, l_comment FROM lineitem WHERE l_shipdate < DATE '1992-01-01'",
       "SELECT l_orderkey, l_comment FROM lineitem WHERE l_shipdate < DATE '1992-01-01'",
       {},
       0,
       0},
      {"empty_aggregate",
       "SELECT count(*), sum(l_quantity), min(l_comment), avg(l_tax) FROM lineitem "
       "WHERE l_quantity > 50",
       "SELECT count(*), sum(l_quantity), min(l_comment), avg(l_tax) FROM lineitem "
       "WHERE l_quantity > 5000",
       {0, 2, 0, 2},
       0,
       1},
      {"empty_group_by",
       "SELECT l_shipmode, count(*) FROM lineitem WHERE l_discount > 0.10 GROUP BY l_shipmode",
       "SELECT l_shipmode, count(*) FROM lineitem WHERE l_discount > 10 GROUP BY l_shipmode",
       {},
       0,
       0},
      {"contradiction",
       "SELECT count(*) FROM lineitem WHERE l_quantity < 10 AND l_quantity > 20",
       "SELECT count(*) FROM lineitem WHERE l_quantity < 1000 AND l_quantity > 2000",
       {},
       0,
       1},
      {"limit_rows",
       "SELECT l_orderkey, l_linenumber, l_shipmode FROM lineitem WHERE l_shipmode = 'AIR' "
       "LIMIT 10",
       "SELECT l_orderkey, l_linenumber, l_shipmode FROM lineitem WHERE l_shipmode = 'AIR'",
       {},
       10},
      {"limit_groups",
       "SELECT l_shipmode, count(*) FROM lineitem GROUP BY l_shipmode LIMIT 3",
       "SELECT l_shipmode, count(*) FROM lineitem GROUP BY l_shipmode",
       {},
       3},
      {"limit_above_result",
       "SELECT l_orderkey, l_linenumber FROM lineitem WHERE l_orderkey < 10 LIMIT 1000",
       "SELECT l_orderkey, l_linenumber FROM lineitem WHERE l_orderkey < 10",
       {},
       1000},
  };
}

std::vector<Case> EdgeCases() {
  return {
      {"edge_counts",
       "SELECT count(*), count(i), count(big), count(d), count(f), count(s), count(dt), "
       "count(b) FROM edge",
       "SELECT count(*), count(i), count(big), count(d), count(f), count(s), count(dt), "
       "count(b) FROM edge",
       {},
       0,
       1},
      {"edge_int_aggregates", "SELECT sum(i), min(i), max(i), avg(i), min(big), max(big) FROM edge",
       "SELECT sum(i), min(i), max(i), avg(i), min(big), max(big) FROM edge"},
      {"edge_other_aggregates",
       "SELECT min(d), max(d), sum(d), avg(d), min(f), max(f), min(s), max(s), min(dt), "
       "max(dt) FROM edge",
       "SELECT min(d), max(d), sum(d), avg(d), min(f), max(f), min(s), max(s), min(dt), "
       "max(dt) FROM edge",
       {3, 3, 3, 3}},
      {"edge_is_null", "SELECT id FROM edge WHERE i IS NULL",
       "SELECT id FROM edge WHERE i IS NULL"},
      {"edge_is_not_null_and",
       "SELECT id, s, d FROM edge WHERE s IS NOT NULL AND d < 0",
       "SELECT id, s, d FROM edge WHERE s IS NOT NULL AND d < 0",
       {0, 0, 3}},
      {"edge_ne_skips_nulls", "SELECT count(*), count(i) FROM edge WHERE i != 0",
       "SELECT count(*), count(i) FROM edge WHERE i != 0"},
      {"edge_not_of_null_is_not_true", "SELECT id FROM edge WHERE NOT (i > 0)",
       "SELECT id FROM edge WHERE NOT (i > 0)"},
      {"edge_between_or", "SELECT id, i, s FROM edge WHERE i BETWEEN -10 AND 10 OR s = ''",
       "SELECT id, i, s FROM edge WHERE i BETWEEN -10 AND 10 OR s = ''"},
      {"edge_not_between", "SELECT count(*) FROM edge WHERE i NOT BETWEEN -1000 AND 1000",
       "SELECT count(*) FROM edge WHERE i NOT BETWEEN -1000 AND 1000"},
      {"edge_in_strings_with_quote",
       "SELECT id, s FROM edge WHERE s IN ('', 'it''s', 'a', 'with,comma')",
       "SELECT id, s FROM edge WHERE s IN ('', 'it''s', 'a', 'with,comma')"},
      {"edge_string_ranges_bytewise",
       "SELECT s, count(*) FROM edge WHERE s > 'Z' AND s <= 'zz' GROUP BY s",
       "SELECT s, count(*) FROM edge WHERE s > 'Z' AND s <= 'zz' GROUP BY s"},
      {"edge_float_compare", "SELECT id, f FROM edge WHERE f > 0.5 OR f < -2",
       "SELECT id, f FROM edge WHERE f > 0.5 OR f < -2"},
      {"edge_decimal_compare",
       "SELECT id, d FROM edge WHERE d >= -0.001 AND d < 1",
       "SELECT id, d FROM edge WHERE d >= -1 AND d < 1000",
       {0, 3}},
      {"edge_bool", "SELECT count(*), sum(i) FROM edge WHERE b = true",
       "SELECT count(*), sum(i) FROM edge WHERE b = 1"},
      {"edge_group_by_bool_with_nulls",
       "SELECT b, count(*), count(s), min(dt) FROM edge GROUP BY b",
       "SELECT b, count(*), count(s), min(dt) FROM edge GROUP BY b",
       {},
       0,
       3},
      {"edge_group_by_two_nullable", "SELECT s, dt, count(*), max(id) FROM edge GROUP BY s, dt",
       "SELECT s, dt, count(*), max(id) FROM edge GROUP BY s, dt"},
      {"edge_group_by_int_nullable",
       "SELECT i, count(*), sum(d), avg(d), max(f) FROM edge GROUP BY i",
       "SELECT i, count(*), sum(d), avg(d), max(f) FROM edge GROUP BY i",
       {0, 0, 3, 3}},
      {"edge_dates_before_epoch", "SELECT id, dt FROM edge WHERE dt < DATE '1970-01-01'",
       "SELECT id, dt FROM edge WHERE dt < DATE '1970-01-01'"},
      {"edge_big_literals",
       "SELECT count(*) FROM edge WHERE big >= 4611686018427387904 OR big < -1099511627776",
       "SELECT count(*) FROM edge WHERE big >= 4611686018427387904 OR big < -1099511627776"},
      {"edge_arithmetic_with_nulls",
       "SELECT id, i + 1, d * 2, f / 2, d - i FROM edge WHERE i BETWEEN -1000 AND 1000",
       "SELECT id, i + 1, d * 2, f / 2, d - i * 1000 FROM edge WHERE i BETWEEN -1000 AND 1000",
       {0, 0, 3, 0, 3}},
      {"edge_negation",
       "SELECT id, -i, -d, -f FROM edge WHERE id < 60 AND i > -5",
       "SELECT id, -i, -d, -f FROM edge WHERE id < 60 AND i > -5",
       {0, 0, 3}},
      {"edge_empty_sum_is_null",
       "SELECT count(*), sum(d), min(s), max(f), avg(i) FROM edge WHERE id < 0",
       "SELECT count(*), sum(d), min(s), max(f), avg(i) FROM edge WHERE id < 0",
       {0, 3},
       0,
       1},
      {"edge_limit",
       "SELECT id, s FROM edge WHERE s IS NULL LIMIT 5",
       "SELECT id, s FROM edge WHERE s IS NULL",
       {},
       5},
  };
}

// ---- the fixture ------------------------------------------------------------

class QuerySqliteCompareTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    sqlite_ = new Sqlite();
    Env* env = Env::Default();

    LineitemOptions o;
    o.scale_factor = 0.01;
    auto written = WriteLineitemRowSets(env, JoinPath(dir_->path(), "lineitem"), o, 25000);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    ASSERT_EQ(written->dirs.size(), 3u);
    lineitem_ = new std::vector<std::unique_ptr<RowSetReader>>();
    OpenAll(written->dirs, lineitem_);
    LoadIntoSqlite("lineitem", *lineitem_);

    const auto edge = EdgeRows();
    edge_ = new std::vector<std::unique_ptr<RowSetReader>>();
    std::vector<std::string> dirs;
    for (int half = 0; half < 2; ++half) {
      std::vector<ColumnVector> part;
      for (const auto& c : edge) {
        part.emplace_back(c.type());
        part.back().AppendFrom(c, half * 200, 200);
      }
      RowSetBuilderOptions bo;
      bo.block_rows = 37;  // many small blocks, boundaries at odd places
      dirs.push_back(JoinPath(dir_->path(), "edge-" + std::to_string(half)));
      auto meta = test::BuildRowSet(env, dirs.back(), EdgeSchema(), part, bo, 64);
      ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    }
    OpenAll(dirs, edge_);
    LoadIntoSqlite("edge", *edge_);
  }

  static void TearDownTestSuite() {
    delete lineitem_;
    delete edge_;
    delete sqlite_;
    delete dir_;
  }

  static void OpenAll(const std::vector<std::string>& dirs,
                      std::vector<std::unique_ptr<RowSetReader>>* out) {
    for (const auto& d : dirs) {
      auto r = RowSetReader::Open(Env::Default(), d);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      out->push_back(std::move(r).value());
    }
  }

  static void LoadIntoSqlite(const std::string& name,
                             const std::vector<std::unique_ptr<RowSetReader>>& readers) {
    std::vector<ColumnVector> all;
    for (const auto& c : readers[0]->columns()) all.emplace_back(c.type);
    for (const auto& r : readers) {
      auto cols = test::ReadAll(*r);
      ASSERT_TRUE(cols.ok()) << cols.status().ToString();
      for (size_t c = 0; c < all.size(); ++c) all[c].AppendFrom((*cols)[c], 0, (*cols)[c].size());
    }
    sqlite_->Load(name, readers[0]->columns(), all);
  }

  static std::vector<const RowSetReader*> Readers(
      const std::vector<std::unique_ptr<RowSetReader>>& v) {
    std::vector<const RowSetReader*> out;
    for (const auto& r : v) out.push_back(r.get());
    return out;
  }

  void Check(const Case& c, const std::vector<std::unique_ptr<RowSetReader>>& table) {
    SCOPED_TRACE(c.name + ": " + c.silt);
    auto result = RunQuery(c.silt, Readers(table));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    std::vector<Row> got;
    for (size_t r = 0; r < result->rows; ++r) {
      Row row;
      for (const auto& col : result->columns) row.push_back(SiltCell(col, r));
      got.push_back(std::move(row));
    }
    ASSERT_EQ(result->names.size(), result->columns.size());
    size_t sqlite_columns = 0;
    std::vector<Row> want = sqlite_->Query(c.sqlite, c.scales, &sqlite_columns);
    ASSERT_EQ(result->columns.size(), sqlite_columns);
    for (const auto& col : result->columns) ASSERT_EQ(col.size(), result->rows);
    if (c.expect_rows >= 0) {
      ASSERT_EQ(want.size(), static_cast<size_t>(c.expect_rows)) << "SQLite: " << c.sqlite;
    }
    SortRows(&got);
    SortRows(&want);
    if (c.limit > 0) {
      ASSERT_EQ(got.size(), std::min(c.limit, want.size()));
      // Each row of silt's is one of SQLite's, none used twice.
      std::vector<bool> used(want.size(), false);
      for (const Row& g : got) {
        bool found = false;
        for (size_t i = 0; i < want.size() && !found; ++i) {
          if (used[i]) continue;
          bool same = true;
          for (size_t k = 0; k < g.size() && same; ++k) same = Same(g[k], want[i][k]);
          if (same) used[i] = found = true;
        }
        EXPECT_TRUE(found) << "row not in SQLite's result: " << ShowRow(g);
      }
      return;
    }
    ASSERT_EQ(got.size(), want.size()) << "silt rows vs SQLite rows";
    int shown = 0;
    for (size_t r = 0; r < got.size(); ++r) {
      for (size_t k = 0; k < got[r].size(); ++k) {
        if (!Same(got[r][k], want[r][k]) && shown++ < 5) {
          ADD_FAILURE() << "row " << r << " column " << k << " (" << result->names[k] << "): silt "
                        << ShowRow(got[r]) << " SQLite " << ShowRow(want[r]);
          break;
        }
      }
    }
  }

  static test::TempDir* dir_;
  static Sqlite* sqlite_;
  static std::vector<std::unique_ptr<RowSetReader>>* lineitem_;
  static std::vector<std::unique_ptr<RowSetReader>>* edge_;
};

test::TempDir* QuerySqliteCompareTest::dir_ = nullptr;
Sqlite* QuerySqliteCompareTest::sqlite_ = nullptr;
std::vector<std::unique_ptr<RowSetReader>>* QuerySqliteCompareTest::lineitem_ = nullptr;
std::vector<std::unique_ptr<RowSetReader>>* QuerySqliteCompareTest::edge_ = nullptr;

TEST_F(QuerySqliteCompareTest, CaseCount) {
  EXPECT_GE(LineitemCases().size() + EdgeCases().size(), 25u);
}

TEST_F(QuerySqliteCompareTest, Lineitem) {
  for (const Case& c : LineitemCases()) Check(c, *lineitem_);
}

TEST_F(QuerySqliteCompareTest, Edge) {
  for (const Case& c : EdgeCases()) Check(c, *edge_);
}

// The comparison itself: exact across scales, tolerant for floats only, and
// a wrong answer (or a wrong scale) is reported.
TEST_F(QuerySqliteCompareTest, HarnessCatchesDifferences) {
  EXPECT_TRUE(Same(Exact{1, 0}, Exact{100, 2}));
  EXPECT_FALSE(Same(Exact{1, 0}, Exact{101, 2}));
  EXPECT_FALSE(Same(Exact{1000000000000000000, 0}, Exact{1000000000000000001, 0}));
  EXPECT_TRUE(Same(0.1 + 0.2, Exact{3, 1}));
  EXPECT_FALSE(Same(1.0, 1.001));
  EXPECT_FALSE(Same(std::monostate{}, Exact{0, 0}));
  EXPECT_FALSE(Same(std::string("1"), Exact{1, 0}));

  Case wrong = LineitemCases()[1];  // Q6
  ASSERT_EQ(wrong.name, "q6");
  wrong.sqlite.replace(wrong.sqlite.find("< 2400"), 6, "< 2300");
  EXPECT_NONFATAL_FAILURE(Check(wrong, *lineitem_), "SQLite (");
  Case scale = LineitemCases()[1];
  scale.scales = {3};
  EXPECT_NONFATAL_FAILURE(Check(scale, *lineitem_), "SQLite (");
}

// Q1 and Q6 also on each rowset alone and on the rowsets in another order:
// the executor's result does not depend on how the table is cut.
TEST_F(QuerySqliteCompareTest, RowSetOrderDoesNotMatter) {
  const auto all = Readers(*lineitem_);
  std::vector<const RowSetReader*> reversed(all.rbegin(), all.rend());
  const std::string q6 = LineitemCases()[1].silt;
  for (const std::string& q : {std::string(kQ1Silt), q6}) {
    auto a = RunQuery(q, all);
    auto b = RunQuery(q, reversed);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->rows, b->rows);
    for (size_t c = 0; c < a->columns.size(); ++c) {
      for (size_t r = 0; r < a->rows; ++r) {
        EXPECT_TRUE(Same(SiltCell(a->columns[c], r), SiltCell(b->columns[c], r))) << q;
      }
    }
  }
}

}  // namespace
}  // namespace silt

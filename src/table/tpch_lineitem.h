// A deterministic generator of a TPC-H-like `lineitem` table (docs/tpch.md),
// for tests and benchmarks: TPC-H's 16 column names and types and its value
// distributions at a scale factor (SF 1 = 1.5 million orders, about 6 million
// lines), produced in batches of ColumnVectors in l_orderkey order.
//
// The output is a function of (scale factor, seed) only: the random numbers
// come from our own xoshiro256** seeded per order with splitmix64, and no
// floating point enters a value, so every machine produces the same bytes.
// Each order draws from its own stream, so a row range could be generated
// without generating the rows before it.
//
// Also here: writing the table as rowsets (RowSetBuilder) and as CSV (for
// loading DuckDB or SQLite's shell).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"
#include "silt/types.h"
#include "table/row_iterator.h"
#include "table/rowset_builder.h"

namespace silt {

// Column ids of LineitemSchema(), in TPC-H's order.
enum LineitemColumn : uint32_t {
  kLOrderKey = 0,
  kLPartKey,
  kLSuppKey,
  kLLineNumber,
  kLQuantity,
  kLExtendedPrice,
  kLDiscount,
  kLTax,
  kLReturnFlag,
  kLLineStatus,
  kLShipDate,
  kLCommitDate,
  kLReceiptDate,
  kLShipInstruct,
  kLShipMode,
  kLComment,
  kLineitemColumnCount,
};

// l_orderkey int64, l_partkey int64, l_suppkey int64, l_linenumber int32,
// l_quantity, l_extendedprice, l_discount, l_tax decimal(15,2),
// l_returnflag, l_linestatus string (1 char), l_shipdate, l_commitdate,
// l_receiptdate date, l_shipinstruct, l_shipmode, l_comment string; all not null.
std::vector<ColumnDef> LineitemSchema();

// TPC-H Q1 (DELTA = 90 days) and Q6 (1994, discount 0.06, quantity 24) in
// silt's dialect (docs/query.md); group-by rows come out in key order, as
// Q1's ORDER BY asks. Shared by the benchmarks.
inline constexpr const char* kTpchQ1 =
    "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, "
    "sum(l_extendedprice) AS sum_base_price, "
    "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
    "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
    "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, "
    "avg(l_discount) AS avg_disc, count(*) AS count_order "
    "FROM lineitem WHERE l_shipdate <= DATE '1998-09-02' "
    "GROUP BY l_returnflag, l_linestatus";
inline constexpr const char* kTpchQ6 =
    "SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem "
    "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
    "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

struct LineitemOptions {
  // TPC-H's scale factor: round(1,500,000 x SF) orders (at least 1),
  // round(200,000 x SF) parts and round(10,000 x SF) suppliers (at least 1).
  double scale_factor = 1.0;
  // Any seed gives a table with the same distributions; tests and benchmarks
  // use the default so that their numbers can be compared.
  uint64_t seed = 0x53494c54;  // "SILT"
  // Rows per batch handed out by Next (the last one may be shorter).
  size_t batch_rows = 2048;
};

// The scale-dependent sizes and the fixed dates of the generator.
struct LineitemScale {
  uint64_t orders = 0;
  int64_t parts = 0;
  int64_t suppliers = 0;
  static LineitemScale For(double scale_factor);
};
// TPC-H's dates: orders from kLineitemStartDate to kLineitemLastOrderDate
// (1992-01-01 .. 1998-08-02); "today" is 1995-06-17 (returnflag, linestatus).
// (days since 1970-01-01).
constexpr int32_t kLineitemStartDate = 8035;       // 1992-01-01
constexpr int32_t kLineitemLastOrderDate = 10440;  // 1998-08-02 = 1998-12-31 - 151 days
constexpr int32_t kLineitemCurrentDate = 9298;     // 1995-06-17

// The sparse order keys of TPC-H: the first 8 of every 32 keys are used, so
// order index 0..7 -> keys 1..8, index 8 -> key 33, ...
int64_t LineitemOrderKey(uint64_t order_index);
// A part's retail price in cents: 90000 + ((p / 10) mod 20001) + 100 x (p mod 1000).
int64_t PartRetailPriceCents(int64_t partkey);
// The i-th (0..3) supplier of a part among `suppliers` (TPC-H's PARTSUPP rule).
int64_t PartSupplier(int64_t partkey, int i, int64_t suppliers);

class LineitemGenerator final : public RowIterator {
 public:
  explicit LineitemGenerator(const LineitemOptions& options = {});

  // The next options.batch_rows rows (fewer at the end); false when done.
  Result<bool> Next(RowBatch* batch) override;
  // The next max_rows rows at most (batch replaced); false when done.
  bool NextRows(RowBatch* batch, size_t max_rows);

  const LineitemScale& scale() const { return scale_; }
  uint64_t rows_generated() const { return rows_; }
  bool done() const { return next_order_ >= scale_.orders && next_line_ >= lines_.size(); }

 private:
  struct Line {
    int64_t partkey, suppkey, quantity, extendedprice, discount, tax;
    int32_t shipdate, commitdate, receiptdate;
    char returnflag, linestatus;
    uint8_t shipinstruct, shipmode;
    uint8_t comment_length;
    char comment[48];
  };
  void GenerateOrder();

  LineitemOptions options_;
  LineitemScale scale_;
  uint64_t next_order_ = 0;  // index of the next order to generate
  int64_t orderkey_ = 0;     // of the order whose lines are in lines_
  std::vector<Line> lines_;
  size_t next_line_ = 0;
  uint64_t rows_ = 0;
};

// Where WriteLineitemRowSets puts rowset i: DIR/lineitem-0000, ...
std::string LineitemRowSetDir(const std::string& dir, size_t i);

struct LineitemRowSets {
  std::vector<std::string> dirs;
  uint64_t rows = 0;
  uint64_t bytes = 0;  // on disk, all files of all rowsets
};

// Writes the table as rowsets of `rowset_rows` rows each (the last one
// shorter) below `dir` (created if missing), rowset ids 0, 1, ..., sort key
// l_orderkey. `builder` sets the block options; its sort_key and rowset_id
// are replaced.
Result<LineitemRowSets> WriteLineitemRowSets(Env* env, const std::string& dir,
                                             const LineitemOptions& options,
                                             uint64_t rowset_rows = 1000000,
                                             RowSetBuilderOptions builder = {});

// Writes the table as CSV to `path` (replaced): a header line of the column
// names, then one line per row; dates as YYYY-MM-DD, decimals as 12.34,
// strings quoted only if they need it (RFC 4180). Returns the row count.
Result<uint64_t> WriteLineitemCsv(Env* env, const std::string& path,
                                  const LineitemOptions& options);

// Appends row `row` of `batch` (a lineitem batch) to *out as one CSV line
// with '\n'; exposed for tests.
void AppendCsvRow(const RowBatch& batch, size_t row, std::string* out);

}  // namespace silt

// The TPC-H lineitem generator: determinism, size at a scale factor, value
// distributions and the rules between columns, rowsets and CSV written from
// it, and `silt tpch lineitem`.
#include "table/tpch_lineitem.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/hash.h"
#include "common/path.h"
#include "rowset_test_util.h"
#include "table/rowset_reader.h"
#include "test_util.h"

namespace silt {
namespace {

// XXH3 of the CSV text of every row, and the row count.
std::pair<uint64_t, uint64_t> Checksum(const LineitemOptions& options, size_t step = 0) {
  LineitemGenerator gen(options);
  RowBatch batch;
  std::string text;
  Hasher64 h;
  size_t k = 0;
  while (step == 0 ? gen.Next(&batch).value() : gen.NextRows(&batch, 1 + (k++ * 7) % step)) {
    text.clear();
    for (size_t r = 0; r < batch.rows; ++r) AppendCsvRow(batch, r, &text);
    h.Update(text);
  }
  return {h.Digest(), gen.rows_generated()};
}

TEST(TpchLineitemTest, Schema) {
  const auto schema = LineitemSchema();
  ASSERT_EQ(schema.size(), static_cast<size_t>(kLineitemColumnCount));
  EXPECT_EQ(ColumnDefsToString(schema),
            "l_orderkey int64 not null, l_partkey int64 not null, l_suppkey int64 not null, "
            "l_linenumber int32 not null, l_quantity decimal(15,2) not null, "
            "l_extendedprice decimal(15,2) not null, l_discount decimal(15,2) not null, "
            "l_tax decimal(15,2) not null, l_returnflag string not null, "
            "l_linestatus string not null, l_shipdate date not null, "
            "l_commitdate date not null, l_receiptdate date not null, "
            "l_shipinstruct string not null, l_shipmode string not null, "
            "l_comment string not null");
  EXPECT_EQ(FormatDate(kLineitemStartDate), "1992-01-01");
  EXPECT_EQ(FormatDate(kLineitemLastOrderDate), "1998-08-02");
  EXPECT_EQ(FormatDate(kLineitemCurrentDate), "1995-06-17");
}

TEST(TpchLineitemTest, Formulas) {
  EXPECT_EQ(LineitemOrderKey(0), 1);
  EXPECT_EQ(LineitemOrderKey(7), 8);
  EXPECT_EQ(LineitemOrderKey(8), 33);
  EXPECT_EQ(LineitemOrderKey(17), 66);
  // (90000 + ((p/10) mod 20001) + 100 (p mod 1000)) / 100
  EXPECT_EQ(PartRetailPriceCents(1), 90100);
  EXPECT_EQ(PartRetailPriceCents(1234), 90000 + 123 + 23400);
  EXPECT_EQ(PartRetailPriceCents(200000), 90000 + 20000 + 0);
  // The four suppliers of a part are distinct and in range.
  for (int64_t p : {1, 2, 999, 200000}) {
    std::set<int64_t> s;
    for (int i = 0; i < 4; ++i) {
      const int64_t sk = PartSupplier(p, i, 10000);
      EXPECT_GE(sk, 1);
      EXPECT_LE(sk, 10000);
      s.insert(sk);
    }
    EXPECT_EQ(s.size(), 4u) << p;
  }
  const LineitemScale one = LineitemScale::For(1);
  EXPECT_EQ(one.orders, 1500000u);
  EXPECT_EQ(one.parts, 200000);
  EXPECT_EQ(one.suppliers, 10000);
  const LineitemScale tiny = LineitemScale::For(1e-9);
  EXPECT_EQ(tiny.orders, 1u);
  EXPECT_EQ(tiny.parts, 1);
  EXPECT_EQ(tiny.suppliers, 1);
}

TEST(TpchLineitemTest, Deterministic) {
  LineitemOptions o;
  o.scale_factor = 0.002;
  const auto a = Checksum(o);
  EXPECT_EQ(a, Checksum(o));
  // Batch boundaries do not change the rows.
  EXPECT_EQ(a, Checksum(o, 3000));
  o.batch_rows = 100;
  EXPECT_EQ(a, Checksum(o));
  // Another seed gives another table of about the same size.
  o.seed = 7;
  const auto b = Checksum(o);
  EXPECT_NE(a.first, b.first);
  // The same bytes on every machine: pinned.
  LineitemOptions pinned;
  pinned.scale_factor = 0.001;
  const auto p = Checksum(pinned);
  EXPECT_EQ(p.second, 6032u);
  EXPECT_EQ(p.first, 0x7158f1121c537b0eull) << std::hex << p.first;
}

TEST(TpchLineitemTest, BatchesAreBounded) {
  LineitemOptions o;
  o.scale_factor = 0.001;
  o.batch_rows = 1000;
  LineitemGenerator gen(o);
  RowBatch batch;
  uint64_t total = 0;
  while (gen.Next(&batch).value()) {
    ASSERT_GT(batch.rows, 0u);
    ASSERT_LE(batch.rows, 1000u);
    for (const auto& c : batch.columns) ASSERT_EQ(c.size(), batch.rows);
    total += batch.rows;
  }
  EXPECT_EQ(total, gen.rows_generated());
  EXPECT_TRUE(gen.done());
  EXPECT_FALSE(gen.Next(&batch).value());
  EXPECT_EQ(batch.rows, 0u);
}

// Every row of SF 0.01 against TPC-H's rules; the counts against its
// distributions.
TEST(TpchLineitemTest, DistributionsAtSf001) {
  LineitemOptions o;
  o.scale_factor = 0.01;
  LineitemGenerator gen(o);
  const LineitemScale& sc = gen.scale();
  ASSERT_EQ(sc.orders, 15000u);
  RowBatch b;
  uint64_t rows = 0, orders = 0;
  int64_t last_key = 0;
  int32_t last_line = 0;
  int32_t order_date_lo = 0;  // the order's date is within [ship - 121, commit - 30]
  int32_t order_date_hi = 0;
  std::map<std::string, uint64_t> flags, instructs, modes;
  std::map<int64_t, uint64_t> discounts, taxes;
  std::map<int32_t, uint64_t> lines_per_order;
  uint64_t qty_sum = 0;
  int32_t min_ship = INT32_MAX, max_ship = INT32_MIN;
  std::set<int64_t> parts;
  auto end_order = [&] {
    if (last_line > 0) {
      ++lines_per_order[last_line];
      EXPECT_LE(order_date_lo, order_date_hi);
    }
  };
  while (gen.Next(&b).value()) {
    const auto& c = b.columns;
    for (size_t r = 0; r < b.rows; ++r) {
      const int64_t key = c[kLOrderKey].Get<int64_t>(r);
      const int32_t line = c[kLLineNumber].Get<int32_t>(r);
      const int32_t ship = c[kLShipDate].Get<int32_t>(r);
      const int32_t commit = c[kLCommitDate].Get<int32_t>(r);
      const int32_t receipt = c[kLReceiptDate].Get<int32_t>(r);
      if (key != last_key) {
        ASSERT_GT(key, last_key);
        ASSERT_EQ(line, 1);
        ASSERT_GE((key - 1) % 32, 0);
        ASSERT_LT((key - 1) % 32, 8) << key;  // 8 of every 32 keys
        end_order();
        ++orders;
        last_key = key;
        order_date_lo = kLineitemStartDate;
        order_date_hi = kLineitemLastOrderDate;
      } else {
        ASSERT_EQ(line, last_line + 1);
      }
      last_line = line;
      ASSERT_LE(line, 7);
      order_date_lo = std::max(order_date_lo, std::max(ship - 121, commit - 90));
      order_date_hi = std::min(order_date_hi, std::min(ship - 1, commit - 30));

      const int64_t part = c[kLPartKey].Get<int64_t>(r);
      ASSERT_GE(part, 1);
      ASSERT_LE(part, sc.parts);
      parts.insert(part);
      const int64_t supp = c[kLSuppKey].Get<int64_t>(r);
      bool supplies = false;
      for (int i = 0; i < 4; ++i) supplies |= PartSupplier(part, i, sc.suppliers) == supp;
      ASSERT_TRUE(supplies) << part << " " << supp;
      const int64_t qty = c[kLQuantity].Get<int64_t>(r);
      ASSERT_EQ(qty % 100, 0);
      ASSERT_GE(qty, 100);
      ASSERT_LE(qty, 5000);
      qty_sum += qty / 100;
      ASSERT_EQ(c[kLExtendedPrice].Get<int64_t>(r), qty / 100 * PartRetailPriceCents(part));
      const int64_t disc = c[kLDiscount].Get<int64_t>(r);
      const int64_t tax = c[kLTax].Get<int64_t>(r);
      ASSERT_GE(disc, 0);
      ASSERT_LE(disc, 10);
      ASSERT_GE(tax, 0);
      ASSERT_LE(tax, 8);
      ++discounts[disc];
      ++taxes[tax];

      ASSERT_GE(receipt - ship, 1);
      ASSERT_LE(receipt - ship, 30);
      min_ship = std::min(min_ship, ship);
      max_ship = std::max(max_ship, ship);
      const std::string rf(c[kLReturnFlag].GetString(r));
      const std::string ls(c[kLLineStatus].GetString(r));
      if (receipt <= kLineitemCurrentDate) {
        ASSERT_TRUE(rf == "R" || rf == "A") << rf;
      } else {
        ASSERT_EQ(rf, "N");
      }
      ASSERT_EQ(ls, ship > kLineitemCurrentDate ? "O" : "F");
      ++flags[rf + ls];
      ++instructs[std::string(c[kLShipInstruct].GetString(r))];
      ++modes[std::string(c[kLShipMode].GetString(r))];
      const std::string_view comment = c[kLComment].GetString(r);
      ASSERT_GE(comment.size(), 10u);
      ASSERT_LE(comment.size(), 43u);
      ASSERT_NE(comment.front(), ' ');
      ASSERT_NE(comment.back(), ' ');
      for (char ch : comment) ASSERT_TRUE((ch >= 'a' && ch <= 'z') || ch == ' ' || ch == '.');
      ++rows;
    }
  }
  end_order();
  EXPECT_EQ(orders, sc.orders);
  EXPECT_EQ(rows, gen.rows_generated());
  // TPC-H: about 6,000,000 x SF lines (dbgen makes 60,175 at SF 0.01); 1-7
  // lines per order uniformly gives 60,000 +- 245 (one standard deviation).
  EXPECT_GE(rows, 59000u);
  EXPECT_LE(rows, 61000u);
  ASSERT_EQ(lines_per_order.size(), 7u);
  for (const auto& [n, count] : lines_per_order) {
    EXPECT_NEAR(static_cast<double>(count), 15000.0 / 7, 200) << n << " lines";
  }
  EXPECT_NEAR(static_cast<double>(qty_sum) / rows, 25.5, 0.3);
  ASSERT_EQ(discounts.size(), 11u);
  ASSERT_EQ(taxes.size(), 9u);
  for (const auto& [d, count] : discounts) EXPECT_NEAR(count, rows / 11.0, rows / 11.0 * 0.1);
  for (const auto& [t, count] : taxes) EXPECT_NEAR(count, rows / 9.0, rows / 9.0 * 0.1);
  EXPECT_EQ(instructs.size(), 4u);
  EXPECT_EQ(modes.size(), 7u);
  EXPECT_TRUE(instructs.count("DELIVER IN PERSON") && instructs.count("TAKE BACK RETURN"));
  EXPECT_TRUE(modes.count("REG AIR") && modes.count("FOB"));
  // Q1's four groups, in about TPC-H's proportions: A/F and R/F a quarter each,
  // N/O about half, N/F rare (received after 1995-06-17 but shipped before).
  ASSERT_EQ(flags.size(), 4u);
  EXPECT_NEAR(flags["AF"] / double(rows), 0.247, 0.02);
  EXPECT_NEAR(flags["RF"] / double(rows), 0.247, 0.02);
  EXPECT_NEAR(flags["NO"] / double(rows), 0.49, 0.03);
  EXPECT_GT(flags["NF"], 0u);
  EXPECT_LT(flags["NF"] / double(rows), 0.05);
  EXPECT_GE(min_ship, kLineitemStartDate + 1);
  EXPECT_LE(max_ship, kLineitemLastOrderDate + 121);
  EXPECT_GT(parts.size(), sc.parts * 9 / 10);  // 60,000 draws from 2,000 parts
}

TEST(TpchLineitemTest, RowSetsHoldTheGeneratedRows) {
  test::TempDir dir;
  LineitemOptions o;
  o.scale_factor = 0.005;
  const std::string out = JoinPath(dir.path(), "data");
  ASSERT_OK_AND_ASSIGN(auto written, WriteLineitemRowSets(Env::Default(), out, o, 10000));
  ASSERT_EQ(written.dirs.size(), (written.rows + 9999) / 10000);
  EXPECT_GT(written.bytes, 0u);
  EXPECT_EQ(written.dirs[1], LineitemRowSetDir(out, 1));

  LineitemGenerator gen(o);
  RowBatch expected;
  uint64_t total = 0, bytes = 0;
  for (size_t i = 0; i < written.dirs.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(auto reader, RowSetReader::Open(Env::Default(), written.dirs[i]));
    EXPECT_EQ(reader->meta().rowset_id, i);
    EXPECT_EQ(reader->meta().sort_key, std::vector<uint32_t>{kLOrderKey});
    EXPECT_EQ(reader->columns(), LineitemSchema());
    if (i + 1 < written.dirs.size()) {
      EXPECT_EQ(reader->row_count(), 10000u);
    }
    ASSERT_OK_AND_ASSIGN(auto got, test::ReadAll(*reader));
    ASSERT_TRUE(gen.NextRows(&expected, reader->row_count()));
    ASSERT_EQ(expected.rows, reader->row_count());
    for (size_t c = 0; c < got.size(); ++c) {
      EXPECT_TRUE(got[c].Equals(expected.columns[c])) << "rowset " << i << " column " << c;
    }
    total += reader->row_count();
    ASSERT_OK_AND_ASSIGN(auto names, Env::Default()->ListDir(written.dirs[i]));
    for (const auto& n : names)
      bytes += Env::Default()->GetFileSize(JoinPath(written.dirs[i], n)).value();
  }
  EXPECT_TRUE(gen.done());
  EXPECT_EQ(total, written.rows);
  EXPECT_EQ(bytes, written.bytes);
  // Rowsets are immutable: writing again into the same place fails.
  EXPECT_FALSE(WriteLineitemRowSets(Env::Default(), out, o, 10000).ok());
  EXPECT_FALSE(WriteLineitemRowSets(Env::Default(), out + "2", o, 0).ok());
}

TEST(TpchLineitemTest, Csv) {
  test::TempDir dir;
  LineitemOptions o;
  o.scale_factor = 0.0001;
  const std::string path = JoinPath(dir.path(), "l.csv");
  ASSERT_OK_AND_ASSIGN(uint64_t rows, WriteLineitemCsv(Env::Default(), path, o));
  ASSERT_OK_AND_ASSIGN(std::string text, Env::Default()->ReadFile(path));
  EXPECT_EQ(static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')), rows + 1);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "l_orderkey,l_partkey,l_suppkey,l_linenumber,l_quantity,l_extendedprice,l_discount,"
            "l_tax,l_returnflag,l_linestatus,l_shipdate,l_commitdate,l_receiptdate,"
            "l_shipinstruct,l_shipmode,l_comment");
  // The first data line has 16 fields, the first being order key 1, line 1.
  const std::string first =
      text.substr(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n') - 1);
  EXPECT_EQ(std::count(first.begin(), first.end(), ','), 15) << first;
  EXPECT_EQ(first.substr(0, 2), "1,");

  // Quoting and nulls, on a batch of another schema.
  RowBatch b;
  b.columns.emplace_back(DataType::String());
  b.columns.emplace_back(DataType::Decimal(5, 2).value());
  b.columns.emplace_back(DataType::Date());
  b.columns[0].AppendString("a,\"b\"");
  b.columns[1].AppendInt64(-5);
  b.columns[2].AppendNull();
  b.columns[0].AppendString("");
  b.columns[1].AppendNull();
  b.columns[2].AppendInt32(0);
  b.rows = 2;
  std::string line;
  AppendCsvRow(b, 0, &line);
  AppendCsvRow(b, 1, &line);
  EXPECT_EQ(line, "\"a,\"\"b\"\"\",-0.05,\n\"\",,1970-01-01\n");
}

TEST(TpchLineitemTest, Cli) {
  test::TempDir dir;
  const std::string out = JoinPath(dir.path(), "rs");
  const std::string csv = JoinPath(dir.path(), "l.csv");
  auto r = test::RunCommand({test::SiltBinary(), "tpch", "lineitem", "--sf", "0.001", "--out", out,
                             "--rowset-rows", "2500", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("6032 rows"), std::string::npos) << r.out;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(Env::Default()->FileExists(LineitemRowSetDir(out, i))) << i;
  }
  EXPECT_FALSE(Env::Default()->FileExists(LineitemRowSetDir(out, 3)));
  ASSERT_OK_AND_ASSIGN(std::string text, Env::Default()->ReadFile(csv));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6033);

  // Usage errors exit with 2 and say what is wrong.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"tpch", "lineitem", "--sf", "0", "--out", out + "x"},
           {"tpch", "lineitem", "--sf", "-1", "--out", out + "x"},
           {"tpch", "lineitem", "--sf", "abc", "--out", out + "x"},
           {"tpch", "lineitem", "--sf", "0.001"},
           {"tpch", "lineitem", "--sf", "0.001", "--out", out + "x", "--rowset-rows", "0"},
           {"tpch", "orders", "--sf", "0.001", "--out", out + "x"},
       }) {
    std::vector<std::string> argv = {test::SiltBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto bad = test::RunCommand(argv);
    EXPECT_EQ(bad.exit_code, 2) << args[2] << " " << args[3] << ": " << bad.err;
    EXPECT_NE(bad.err.find("error"), std::string::npos) << bad.err;
  }
  // An existing rowset is not overwritten (a runtime error).
  auto again = test::RunCommand({test::SiltBinary(), "tpch", "lineitem", "--sf", "0.001", "--out",
                                 out, "--rowset-rows", "2500"});
  EXPECT_EQ(again.exit_code, 1) << again.err;
}

}  // namespace
}  // namespace silt

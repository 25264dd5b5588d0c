// RowSetBuilder + RowSetReader: every type and nullability round-trips,
// including empty and single-row rowsets and blocks at exact boundaries;
// the header records schema and sort key; the builder refuses bad input.
#include <gtest/gtest.h>

#include "common/fault_injection_env.h"
#include "rowset_test_util.h"
#include "table_test_util.h"

namespace silt {
namespace {

using test::BuildRowSet;
using test::ReadAll;

class RowSetRoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_.CreateDirs("/db").ok()); }
  FaultInjectionEnv env_;
};

// One column of every type, nullable and not, with mixed shapes.
TEST_F(RowSetRoundTripTest, EveryTypeAndNullability) {
  test::ColumnGenerator gen(7);
  std::vector<ColumnDef> schema;
  std::vector<ColumnVector> columns;
  const size_t n = 5000;
  int i = 0;
  for (const DataType& t : test::AllTypes()) {
    for (bool nullable : {true, false}) {
      const DataType type = t.WithNullable(nullable);
      schema.push_back({"c" + std::to_string(i), type});
      columns.push_back(gen.Make(type, test::kAllShapes[i % 6], n, nullable ? 20 : 0));
      ++i;
    }
  }
  RowSetBuilderOptions options;
  options.rowset_id = 42;
  auto meta = BuildRowSet(&env_, "/db/rs", schema, columns, options, 777);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->row_count, n);
  EXPECT_EQ(meta->block_count, 3u);  // 2048 + 2048 + 904
  auto reader = RowSetReader::Open(&env_, "/db/rs");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->meta(), *meta);
  EXPECT_EQ((*reader)->meta().rowset_id, 42u);
  EXPECT_EQ((*reader)->columns(), schema);
  auto back = ReadAll(**reader);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    EXPECT_TRUE((*back)[c].Equals(columns[c]))
        << schema[c].name << " " << schema[c].type.ToString();
  }
  // A projection in another order.
  ScanOptions proj;
  proj.columns = {5, 0};
  auto some = ReadAll(**reader, proj);
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE((*some)[0].Equals(columns[5]));
  EXPECT_TRUE((*some)[1].Equals(columns[0]));
  // The index statistics agree with the data.
  const ColumnIndex& idx = (*reader)->index(2);
  ASSERT_EQ(idx.blocks.size(), 3u);
  EXPECT_EQ(idx.blocks[1].first_row, 2048u);
  EXPECT_EQ(idx.blocks[2].stats.row_count, 904u);
}

TEST_F(RowSetRoundTripTest, AllNullAndAllEqualColumns) {
  test::ColumnGenerator gen(3);
  std::vector<ColumnDef> schema = {{"n", DataType::String()}, {"e", DataType::Int64()}};
  std::vector<ColumnVector> columns = {
      gen.Make(DataType::String(), test::Shape::kRandom, 3000, -1),
      gen.Make(DataType::Int64(), test::Shape::kAllEqual, 3000, 0)};
  ASSERT_TRUE(BuildRowSet(&env_, "/db/rs", schema, columns).ok());
  auto reader = RowSetReader::Open(&env_, "/db/rs");
  ASSERT_TRUE(reader.ok());
  auto back = ReadAll(**reader);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)[0].Equals(columns[0]));
  EXPECT_TRUE((*back)[1].Equals(columns[1]));
  EXPECT_TRUE((*reader)->index(0).blocks[0].stats.min.is_null());
}

TEST_F(RowSetRoundTripTest, EmptyRowSet) {
  std::vector<ColumnDef> schema = {{"a", DataType::Int32()}, {"b", DataType::String()}};
  auto b = RowSetBuilder::Create(&env_, "/db/empty", schema);
  ASSERT_TRUE(b.ok());
  auto meta = (*b)->Finish();
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->row_count, 0u);
  EXPECT_EQ(meta->block_count, 0u);
  auto reader = RowSetReader::Open(&env_, "/db/empty");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto scan = (*reader)->NewScan();
  ASSERT_TRUE(scan.ok());
  RowBatch batch;
  auto more = (*scan)->Next(&batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST_F(RowSetRoundTripTest, SingleRow) {
  std::vector<ColumnDef> schema = {{"a", DataType::Float64().NotNull()}};
  ColumnVector v(schema[0].type);
  v.AppendDouble(-0.0);
  ASSERT_TRUE(BuildRowSet(&env_, "/db/one", schema, {v}).ok());
  auto reader = RowSetReader::Open(&env_, "/db/one");
  ASSERT_TRUE(reader.ok());
  auto back = ReadAll(**reader);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)[0].Equals(v));
  EXPECT_EQ((*reader)->block_count(), 1u);
}

// Row counts around multiples of the block size, fed in awkward batches.
TEST_F(RowSetRoundTripTest, ExactBlockBoundaries) {
  test::ColumnGenerator gen(11);
  int k = 0;
  for (size_t n : {99, 100, 101, 200, 300, 301}) {
    for (size_t batch : {1, 7, 100, 1000}) {
      std::vector<ColumnDef> schema = {{"a", DataType::Int64()}, {"s", DataType::String()}};
      std::vector<ColumnVector> columns = {gen.Make(schema[0].type, test::Shape::kSorted, n, 10),
                                           gen.Make(schema[1].type, test::Shape::kRandom, n, 10)};
      RowSetBuilderOptions options;
      options.block_rows = 100;
      const std::string dir = "/db/b" + std::to_string(k++);
      auto meta = BuildRowSet(&env_, dir, schema, columns, options, batch);
      ASSERT_TRUE(meta.ok()) << meta.status().ToString();
      EXPECT_EQ(meta->block_count, (n + 99) / 100) << n << " rows in batches of " << batch;
      auto reader = RowSetReader::Open(&env_, dir);
      ASSERT_TRUE(reader.ok());
      for (const auto& e : (*reader)->index(1).blocks) {
        EXPECT_EQ(e.stats.row_count, e.first_row + 100 <= n ? 100u : n % 100);
      }
      size_t batches = 0;
      std::vector<ColumnVector> back;
      auto scan = (*reader)->NewScan();
      ASSERT_TRUE(scan.ok());
      ASSERT_TRUE(test::Drain(scan->get(), &back, &batches).ok());
      EXPECT_EQ(batches, meta->block_count);
      EXPECT_TRUE(back[0].Equals(columns[0]));
      EXPECT_TRUE(back[1].Equals(columns[1]));
    }
  }
}

// One-row blocks of all-null values: the smallest index entries there are.
TEST_F(RowSetRoundTripTest, TinyBlocks) {
  std::vector<ColumnDef> schema = {{"b", DataType::Bool()}, {"i", DataType::Int32()}};
  ColumnVector b(schema[0].type), i(schema[1].type);
  for (int k = 0; k < 300; ++k) {
    b.AppendNull();
    i.AppendInt32(k % 3 == 0 ? k : -k);
  }
  RowSetBuilderOptions options;
  options.block_rows = 1;
  options.block.compression = Compression::kNone;
  ASSERT_TRUE(BuildRowSet(&env_, "/db/tiny", schema, {b, i}, options, 64).ok());
  auto reader = RowSetReader::Open(&env_, "/db/tiny");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->block_count(), 300u);
  auto back = ReadAll(**reader);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)[0].Equals(b));
  EXPECT_TRUE((*back)[1].Equals(i));
}

// Long strings cut blocks early by the byte budget.
TEST_F(RowSetRoundTripTest, ByteBudgetCutsBlocks) {
  std::vector<ColumnDef> schema = {{"id", DataType::Int32()}, {"s", DataType::String()}};
  ColumnVector ids(schema[0].type), s(schema[1].type);
  for (int i = 0; i < 1000; ++i) {
    ids.AppendInt32(i);
    s.AppendString(std::string(1000, static_cast<char>('a' + i % 26)));
  }
  RowSetBuilderOptions options;
  options.block_bytes = 100 * 1000;
  ASSERT_TRUE(BuildRowSet(&env_, "/db/big", schema, {ids, s}, options, 333).ok());
  auto reader = RowSetReader::Open(&env_, "/db/big");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->block_count(), 10u);
  auto back = ReadAll(**reader);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE((*back)[1].Equals(s));
}

TEST_F(RowSetRoundTripTest, SortKeyIsVerifiedAndRecorded) {
  std::vector<ColumnDef> schema = {{"k", DataType::Int32()}, {"v", DataType::String()}};
  ColumnVector k(schema[0].type), v(schema[1].type);
  k.AppendNull();
  v.AppendString("x");
  for (int i = 0; i < 500; ++i) {
    k.AppendInt32(i / 3);
    v.AppendString(std::to_string(500 - i));
  }
  RowSetBuilderOptions options;
  options.sort_key = {0, 1};
  // (k, v) is not ascending: v decreases within equal k.
  auto bad = BuildRowSet(&env_, "/db/bad", schema, {k, v}, options, 64);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
  EXPECT_FALSE(env_.FileExists("/db/bad"));
  options.sort_key = {0};
  auto good = BuildRowSet(&env_, "/db/good", schema, {k, v}, options, 64);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  auto reader = RowSetReader::Open(&env_, "/db/good");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->meta().sort_key, std::vector<uint32_t>{0});
  // Out of order across two batches.
  ColumnVector k2(schema[0].type), v2(schema[1].type);
  k2.AppendInt32(5);
  v2.AppendString("a");
  auto b = RowSetBuilder::Create(&env_, "/db/two", schema, options);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Add({k2, v2}).ok());
  k2.Clear();
  k2.AppendInt32(4);
  EXPECT_TRUE((*b)->Add({k2, v2}).IsInvalidArgument());
  EXPECT_FALSE((*b)->Finish().ok());
}

TEST_F(RowSetRoundTripTest, BuilderRefusesBadInput) {
  std::vector<ColumnDef> schema = {{"a", DataType::Int32().NotNull()}};
  EXPECT_TRUE(RowSetBuilder::Create(&env_, "/db/x", {}).status().IsInvalidArgument());
  EXPECT_TRUE(
      RowSetBuilder::Create(&env_, "/db/x", {schema[0], schema[0]}).status().IsInvalidArgument());
  RowSetBuilderOptions bad_key;
  bad_key.sort_key = {1};
  EXPECT_TRUE(RowSetBuilder::Create(&env_, "/db/x", schema, bad_key).status().IsInvalidArgument());
  auto b = RowSetBuilder::Create(&env_, "/db/x", schema);
  ASSERT_TRUE(b.ok());
  ColumnVector wrong(DataType::Int64());
  wrong.AppendInt64(1);
  EXPECT_TRUE((*b)->Add({wrong}).IsInvalidArgument());
  auto b2 = RowSetBuilder::Create(&env_, "/db/y", schema);
  ASSERT_TRUE(b2.ok());
  ColumnVector with_null(DataType::Int32());
  with_null.AppendNull();
  EXPECT_TRUE((*b2)->Add({with_null}).IsInvalidArgument());
  // An existing rowset is never overwritten.
  ColumnVector ok(DataType::Int32().NotNull());
  ok.AppendInt32(1);
  ASSERT_TRUE(BuildRowSet(&env_, "/db/z", schema, {ok}).ok());
  EXPECT_TRUE(RowSetBuilder::Create(&env_, "/db/z", schema).status().IsAlreadyExists());
  // An abandoned builder leaves no .tmp behind.
  b->reset();
  EXPECT_FALSE(env_.FileExists("/db/x.tmp"));
}

TEST_F(RowSetRoundTripTest, HeaderAndIndexEncodingsRoundTrip) {
  RowSetMeta m;
  m.rowset_id = 1ull << 40;
  m.row_count = 12345;
  m.block_count = 7;
  m.columns = {{"a", *DataType::Decimal(12, 2)}, {"b", DataType::Timestamp().NotNull()}};
  m.sort_key = {1, 0};
  auto back = RowSetMeta::Decode(m.Encode(), "hdr");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

}  // namespace
}  // namespace silt

// DeleteVector: set operations, the file format (round trip, every flipped
// byte, truncation, wrong magic), and deletes applied by RowSetReader:
// deleted rows never appear, fully deleted blocks are not read, several
// files of one rowset combine by union.
#include "table/delete_vector.h"

#include <gtest/gtest.h>

#include <random>

#include "common/fault_injection_env.h"
#include "rowset_test_util.h"

namespace silt {
namespace {

TEST(DeleteVectorTest, SetOperations) {
  DeleteVector a;
  EXPECT_TRUE(a.empty());
  a.Add(5);
  a.Add(7);
  a.AddRange(100, 200);
  EXPECT_EQ(a.Cardinality(), 102u);
  EXPECT_TRUE(a.Contains(5));
  EXPECT_FALSE(a.Contains(6));
  EXPECT_TRUE(a.Contains(199));
  EXPECT_FALSE(a.Contains(200));
  EXPECT_EQ(a.CountInRange(0, 100), 2u);
  EXPECT_EQ(a.CountInRange(150, 1000), 50u);
  EXPECT_EQ(a.Maximum(), 199u);
  DeleteVector b;
  b.Add(6);
  b.Add(7);
  b.Add(0xffffffffu);
  DeleteVector u = a;
  u.UnionWith(b);
  EXPECT_EQ(u.Cardinality(), 104u);
  EXPECT_EQ(a.Cardinality(), 102u);  // a copy, not shared
  std::vector<uint8_t> keep(10, 1);
  u.ClearDeleted(0, 10, keep.data());
  EXPECT_EQ(keep, (std::vector<uint8_t>{1, 1, 1, 1, 1, 0, 0, 0, 1, 1}));
  keep.assign(4, 1);
  u.ClearDeleted(0xfffffffcu, 4, keep.data());
  EXPECT_EQ(keep, (std::vector<uint8_t>{1, 1, 1, 0}));
  DeleteVector moved = std::move(u);
  EXPECT_EQ(moved.Cardinality(), 104u);
}

TEST(DeleteVectorTest, FileRoundTrip) {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 20; ++round) {
    DeleteVector dv;
    const uint64_t rows = 1 + rng() % 200000;
    for (int i = 0; i < round * 50; ++i) dv.Add(static_cast<uint32_t>(rng() % rows));
    if (round % 3 == 0) dv.AddRange(rows / 2, rows / 2 + rows / 4);
    auto image = dv.Encode(round, rows);
    ASSERT_TRUE(image.ok());
    auto back = DeleteVector::Decode(*image, "dv");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->rowset_id, static_cast<uint64_t>(round));
    EXPECT_EQ(back->row_count, rows);
    EXPECT_TRUE(back->rows == dv);
  }
  DeleteVector beyond;
  beyond.Add(10);
  EXPECT_TRUE(beyond.Encode(1, 10).status().IsInvalidArgument());
}

TEST(DeleteVectorTest, DamagedFiles) {
  DeleteVector dv;
  for (uint32_t i = 0; i < 3000; i += 7) dv.Add(i);
  dv.AddRange(5000, 6000);
  const std::string good = *dv.Encode(3, 10000);
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    auto r = DeleteVector::Decode(bad, "f.dv");
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_TRUE(r.status().IsCorruption());
    EXPECT_NE(r.status().message().find("f.dv at offset "), std::string::npos);
  }
  for (size_t len = 0; len < good.size(); len += 1 + len / 3) {
    auto r = DeleteVector::Decode(good.substr(0, len), "f.dv");
    EXPECT_TRUE(r.status().IsCorruption()) << len;
  }
  std::string magic = good;
  magic[1] = 'Z';
  auto r = DeleteVector::Decode(magic, "f.dv");
  EXPECT_NE(r.status().message().find("bad magic"), std::string::npos);
}

class DeleteVectorScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirs("/db").ok());
    schema_ = {{"id", DataType::Int64().NotNull()}, {"s", DataType::String()}};
    columns_ = {ColumnVector(schema_[0].type), ColumnVector(schema_[1].type)};
    for (int64_t i = 0; i < 5000; ++i) {
      columns_[0].AppendInt64(i);
      if (i % 11 == 0) {
        columns_[1].AppendNull();
      } else {
        columns_[1].AppendString("v" + std::to_string(i));
      }
    }
    RowSetBuilderOptions options;
    options.block_rows = 500;
    options.rowset_id = 77;
    ASSERT_TRUE(test::BuildRowSet(&env_, "/db/rs", schema_, columns_, options).ok());
  }
  FaultInjectionEnv env_;
  std::vector<ColumnDef> schema_;
  std::vector<ColumnVector> columns_;
};

TEST_F(DeleteVectorScanTest, DeletedRowsNeverAppear) {
  std::mt19937_64 rng(5);
  std::vector<bool> deleted(5000, false);
  DeleteVector a, b;
  for (int i = 0; i < 700; ++i) {
    const uint32_t row = rng() % 5000;
    (i % 2 ? a : b).Add(row);
    deleted[row] = true;
  }
  a.AddRange(1000, 1500);  // block 2, whole
  for (int i = 1000; i < 1500; ++i) deleted[i] = true;
  b.AddRange(4999, 5000);  // the last row
  deleted[4999] = true;
  ASSERT_TRUE(WriteDeleteVectorFile(&env_, "/db/rs-1.dv", 77, 5000, a).ok());
  ASSERT_TRUE(WriteDeleteVectorFile(&env_, "/db/rs-2.dv", 77, 5000, b).ok());

  auto reader = RowSetReader::Open(&env_, "/db/rs");
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->ApplyDeleteVectorFile("/db/rs-1.dv").ok());
  ASSERT_TRUE((*reader)->ApplyDeleteVectorFile("/db/rs-2.dv").ok());
  size_t n_deleted = 0;
  for (bool d : deleted) n_deleted += d;
  EXPECT_EQ((*reader)->deleted().Cardinality(), n_deleted);
  EXPECT_EQ((*reader)->live_rows(), 5000 - n_deleted);

  auto scan = (*reader)->NewScan();
  ASSERT_TRUE(scan.ok());
  std::vector<ColumnVector> back;
  ASSERT_TRUE(test::Drain(scan->get(), &back).ok());
  EXPECT_TRUE(back[0].Equals(test::Without(columns_[0], deleted)));
  EXPECT_TRUE(back[1].Equals(test::Without(columns_[1], deleted)));
  const ScanCounters& c = (*scan)->counters();
  EXPECT_EQ(c.blocks_skipped_deleted, 1u);
  EXPECT_EQ(c.blocks_read, 9u);
  EXPECT_EQ(c.rows_deleted, n_deleted - 500);
  EXPECT_EQ(c.rows_returned, 5000 - n_deleted);

  // Applying the same file again changes nothing (union).
  ASSERT_TRUE((*reader)->ApplyDeleteVectorFile("/db/rs-1.dv").ok());
  EXPECT_EQ((*reader)->deleted().Cardinality(), n_deleted);
}

TEST_F(DeleteVectorScanTest, EverythingDeleted) {
  auto reader = RowSetReader::Open(&env_, "/db/rs");
  ASSERT_TRUE(reader.ok());
  DeleteVector all;
  all.AddRange(0, 5000);
  ASSERT_TRUE((*reader)->ApplyDeleteVector(all).ok());
  auto scan = (*reader)->NewScan();
  ASSERT_TRUE(scan.ok());
  RowBatch batch;
  auto more = (*scan)->Next(&batch);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ((*scan)->counters().blocks_read, 0u);
  EXPECT_EQ((*scan)->counters().blocks_skipped_deleted, 10u);
}

TEST_F(DeleteVectorScanTest, ForeignOrDamagedFilesAreRefused) {
  DeleteVector dv;
  dv.Add(3);
  ASSERT_TRUE(WriteDeleteVectorFile(&env_, "/db/other.dv", 78, 5000, dv).ok());
  ASSERT_TRUE(WriteDeleteVectorFile(&env_, "/db/short.dv", 77, 4000, dv).ok());
  auto reader = RowSetReader::Open(&env_, "/db/rs");
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->ApplyDeleteVectorFile("/db/other.dv").IsCorruption());
  EXPECT_TRUE((*reader)->ApplyDeleteVectorFile("/db/short.dv").IsCorruption());
  DeleteVector beyond;
  beyond.Add(5000);
  EXPECT_TRUE((*reader)->ApplyDeleteVector(beyond).IsInvalidArgument());
  EXPECT_TRUE((*reader)->deleted().empty());
  // A damaged file names itself.
  ASSERT_TRUE(WriteDeleteVectorFile(&env_, "/db/bad.dv", 77, 5000, dv).ok());
  auto f = env_.NewFile("/db/bad.dv", OpenMode::kReadWrite);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->WriteAt(20, "\x01").ok());
  Status s = (*reader)->ApplyDeleteVectorFile("/db/bad.dv");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("/db/bad.dv at offset"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace silt

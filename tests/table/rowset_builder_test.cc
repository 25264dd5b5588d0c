// RowSetBuilder with background encoding (a worker thread encodes and writes
// the blocks; runs under TSan, label `concurrency`): the files are byte for
// byte those of the synchronous builder, errors of the worker reach the
// caller, and a builder dropped midway cleans up. Also a benchmark of the
// encoding path (RowSetBuilderBench, skipped unless asked for).
#include "table/rowset_builder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "common/fault_injection_env.h"
#include "common/path.h"
#include "table/bitpacked_encoding.h"
#include "table/block_builder.h"
#include "table/compression.h"
#include "table/dictionary_encoding.h"
#include "table/encoding.h"
#include "table/plain_encoding.h"
#include "table/rle_encoding.h"
#include "table/rowset_test_util.h"
#include "table/table_test_util.h"
#include "table/tpch_lineitem.h"
#include "test_util.h"

namespace silt {
namespace {

using test::ColumnGenerator;
using test::Shape;
using test::TempDir;

std::vector<ColumnDef> MixedSchema() {
  return {{"id", DataType::Int64().NotNull()},  {"small", DataType::Int32()},
          {"price", *DataType::Decimal(12, 2)}, {"x", DataType::Float64()},
          {"flag", DataType::Bool()},           {"day", DataType::Date()},
          {"tag", DataType::String()},          {"text", DataType::String()}};
}

std::vector<ColumnVector> MixedColumns(size_t n, uint64_t seed) {
  ColumnGenerator gen(seed);
  const auto schema = MixedSchema();
  const Shape shapes[] = {Shape::kSorted,         Shape::kLowCardinality, Shape::kRandom,
                          Shape::kExtremes,       Shape::kRuns,           Shape::kSorted,
                          Shape::kLowCardinality, Shape::kRandom};
  std::vector<ColumnVector> cols;
  for (size_t c = 0; c < schema.size(); ++c) {
    cols.push_back(gen.Make(schema[c].type, shapes[c], n, schema[c].type.nullable() ? 10 : 0));
  }
  return cols;
}

// Adds `cols` in batches of varying size (1 to 3,000 rows).
Status AddInBatches(RowSetBuilder* b, const std::vector<ColumnVector>& cols, uint64_t seed) {
  ColumnGenerator gen(seed);
  const size_t n = cols[0].size();
  for (size_t begin = 0; begin < n;) {
    const size_t take = std::min<size_t>(n - begin, 1 + gen.Uniform(3000));
    std::vector<ColumnVector> part;
    for (const auto& c : cols) {
      part.emplace_back(c.type());
      part.back().AppendFrom(c, begin, take);
    }
    SILT_RETURN_IF_ERROR(b->Add(part));
    begin += take;
  }
  return Status::OK();
}

std::string ReadWholeFile(const std::string& path) {
  auto data = Env::Default()->ReadFile(path);
  EXPECT_TRUE(data.ok()) << path;
  return data.ok() ? *data : std::string();
}

// Every file of two rowset directories, byte for byte.
void ExpectSameFiles(const std::string& a, const std::string& b) {
  auto names_a = Env::Default()->ListDir(a);
  auto names_b = Env::Default()->ListDir(b);
  ASSERT_TRUE(names_a.ok() && names_b.ok());
  std::sort(names_a->begin(), names_a->end());
  std::sort(names_b->begin(), names_b->end());
  ASSERT_EQ(*names_a, *names_b);
  for (const std::string& name : *names_a) {
    EXPECT_EQ(ReadWholeFile(JoinPath(a, name)), ReadWholeFile(JoinPath(b, name))) << name;
  }
}

TEST(RowSetBuilderBackground, WritesTheSameFilesAsTheSynchronousBuilder) {
  TempDir dir;
  const auto schema = MixedSchema();
  const auto cols = MixedColumns(50000, 1);
  RowSetBuilderOptions o;
  o.block_rows = 500;  // 100 blocks
  o.block_bytes = 64 << 10;
  o.sort_key = {0};
  o.rowset_id = 9;
  const std::string sync_dir = dir.path() + "/sync";
  ASSERT_OK_AND_ASSIGN(auto sync, RowSetBuilder::Create(Env::Default(), sync_dir, schema, o));
  ASSERT_OK(AddInBatches(sync.get(), cols, 2));
  ASSERT_OK_AND_ASSIGN(RowSetMeta sync_meta, sync->Finish());

  for (size_t queue : {1, 3, 64}) {
    SCOPED_TRACE(queue);
    RowSetBuilderOptions bo = o;
    bo.background_encoding = true;
    bo.background_queue_blocks = queue;
    const std::string bg_dir = dir.path() + "/bg" + std::to_string(queue);
    ASSERT_OK_AND_ASSIGN(auto bg, RowSetBuilder::Create(Env::Default(), bg_dir, schema, bo));
    ASSERT_OK(AddInBatches(bg.get(), cols, 2));
    EXPECT_EQ(bg->rows_added(), 50000u);
    ASSERT_OK_AND_ASSIGN(RowSetMeta bg_meta, bg->Finish());
    EXPECT_EQ(bg_meta.row_count, sync_meta.row_count);
    EXPECT_EQ(bg_meta.block_count, sync_meta.block_count);
    ExpectSameFiles(sync_dir, bg_dir);
    // And it reads back as the rows that went in.
    ASSERT_OK_AND_ASSIGN(auto reader, RowSetReader::Open(Env::Default(), bg_dir));
    ASSERT_OK_AND_ASSIGN(auto back, test::ReadAll(*reader));
    ASSERT_EQ(back.size(), cols.size());
    for (size_t c = 0; c < cols.size(); ++c) EXPECT_TRUE(back[c].Equals(cols[c])) << c;
  }
}

TEST(RowSetBuilderBackground, StartedMidwayAndWithFewRows) {
  TempDir dir;
  const auto schema = MixedSchema();
  for (size_t n : {0, 1, 499, 500, 501, 7000}) {
    SCOPED_TRACE(n);
    const auto cols = MixedColumns(n, 3 + n);
    RowSetBuilderOptions o;
    o.block_rows = 500;
    const std::string a = dir.path() + "/a" + std::to_string(n);
    const std::string b = dir.path() + "/b" + std::to_string(n);
    ASSERT_OK(test::BuildRowSet(Env::Default(), a, schema, cols, o, 700).status());
    // Background encoding switched on after the first batch.
    ASSERT_OK_AND_ASSIGN(auto bg, RowSetBuilder::Create(Env::Default(), b, schema, o));
    size_t begin = 0;
    bool started = false;
    do {
      const size_t take = std::min<size_t>(700, n - begin);
      std::vector<ColumnVector> part;
      for (const auto& c : cols) {
        part.emplace_back(c.type());
        part.back().AppendFrom(c, begin, take);
      }
      ASSERT_OK(bg->Add(part));
      if (!started) {
        bg->StartBackgroundEncoding();
        bg->StartBackgroundEncoding();  // a second call changes nothing
        started = true;
      }
      begin += take;
    } while (begin < n);
    ASSERT_OK(bg->Finish().status());
    ExpectSameFiles(a, b);
  }
}

TEST(RowSetBuilderBackground, AWriteErrorOfTheWorkerFailsTheBuild) {
  for (uint64_t nth : {1, 2, 17, 40}) {
    SCOPED_TRACE(nth);
    FaultInjectionEnv env;
    ASSERT_OK(env.CreateDir("/db"));
    const auto schema = MixedSchema();
    const auto cols = MixedColumns(20000, 5);
    RowSetBuilderOptions o;
    o.block_rows = 1000;  // 20 blocks x 8 columns = 160 appends
    o.background_encoding = true;
    o.background_queue_blocks = 2;
    ASSERT_OK_AND_ASSIGN(auto b, RowSetBuilder::Create(&env, "/db/rs", schema, o));
    env.FailNth(FaultOp::kWrite, nth);
    Status s = AddInBatches(b.get(), cols, 6);
    Result<RowSetMeta> finished = b->Finish();
    // The failure shows in a later Add or, at the latest, in Finish.
    EXPECT_FALSE(finished.ok());
    if (!s.ok()) {
      EXPECT_TRUE(s.IsIOError()) << s.ToString();
      EXPECT_EQ(finished.status().ToString(), s.ToString());
    } else {
      EXPECT_TRUE(finished.status().IsIOError()) << finished.status().ToString();
    }
    // Once failed, the builder stays failed.
    EXPECT_FALSE(b->Add(cols).ok());
    b.reset();
    EXPECT_FALSE(env.FileExists("/db/rs"));
    EXPECT_FALSE(env.FileExists(RowSetTempDir("/db/rs")));
  }
}

TEST(RowSetBuilderBackground, DroppedWithoutFinishRemovesItsFiles) {
  TempDir dir;
  const auto schema = MixedSchema();
  const auto cols = MixedColumns(30000, 8);
  RowSetBuilderOptions o;
  o.block_rows = 256;
  o.background_encoding = true;
  o.background_queue_blocks = 100;  // blocks still queued when it is dropped
  const std::string path = dir.path() + "/rs";
  {
    ASSERT_OK_AND_ASSIGN(auto b, RowSetBuilder::Create(Env::Default(), path, schema, o));
    ASSERT_OK(b->Add(cols));
  }
  EXPECT_FALSE(Env::Default()->FileExists(path));
  EXPECT_FALSE(Env::Default()->FileExists(RowSetTempDir(path)));
}

// Encoding speed of lineitem rows already in memory (no CSV): set
// SILT_ROWSET_BENCH_SF (e.g. 1) to run it.
TEST(RowSetBuilderBench, Lineitem) {
  const char* sf = std::getenv("SILT_ROWSET_BENCH_SF");
  if (sf == nullptr) GTEST_SKIP() << "set SILT_ROWSET_BENCH_SF=1";
  LineitemOptions lo;
  lo.scale_factor = std::strtod(sf, nullptr);
  lo.batch_rows = 65536;  // as CsvReader hands them out
  LineitemGenerator gen(lo);
  std::vector<RowBatch> batches;
  uint64_t rows = 0;
  while (true) {
    RowBatch b;
    if (!gen.NextRows(&b, lo.batch_rows)) break;
    rows += b.rows;
    batches.push_back(std::move(b));
  }
  for (int run = 0; run < 3; ++run) {
    TempDir dir;
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    ASSERT_OK_AND_ASSIGN(
        auto b, RowSetBuilder::Create(Env::Default(), dir.path() + "/rs", LineitemSchema()));
    for (const RowBatch& batch : batches) ASSERT_OK(b->Add(batch.columns));
    const double add_secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_OK_AND_ASSIGN(RowSetMeta meta, b->Finish());
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    EXPECT_EQ(meta.row_count, rows);
    std::printf("%llu rows: Add %.3f s, Add+Finish %.3f s wall, %.3f s CPU\n",
                static_cast<unsigned long long>(rows), add_secs, secs, cpu);
  }
}

// Where BlockBuilder spends its time (thread CPU seconds), per lineitem
// column: profiling, encoding, compressing, and Build doing all three (set
// SILT_ROWSET_BENCH_SF).
TEST(RowSetBuilderBench, LineitemStages) {
  const char* sf = std::getenv("SILT_ROWSET_BENCH_SF");
  if (sf == nullptr) GTEST_SKIP() << "set SILT_ROWSET_BENCH_SF=1";
  LineitemOptions lo;
  lo.scale_factor = std::strtod(sf, nullptr);
  lo.batch_rows = 2048;
  LineitemGenerator gen(lo);
  std::vector<RowBatch> batches;
  while (true) {
    RowBatch b;
    if (!gen.NextRows(&b, lo.batch_rows)) break;
    batches.push_back(std::move(b));
  }
  const auto schema = LineitemSchema();
  // Thread CPU time: on a busy machine the wall clock says little.
  struct Clock {
    using time_point = double;
    static double now() {
      timespec ts;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
  };
  auto secs = [](double a, double b) { return b - a; };
  double total[4] = {0, 0, 0, 0};
  for (size_t c = 0; c < schema.size(); ++c) {
    double profile = 0, encode = 0, compress = 0, build = 0;
    uint64_t raw_bytes = 0, lz4_bytes = 0, kept = 0, stored = 0;
    int encodings[4] = {0, 0, 0, 0};
    std::string raw, compressed;
    BlockBuilder builder;
    ColumnProfiler profiler;
    EncodedBlock block;
    for (const RowBatch& b : batches) {
      const ColumnVector& col = b.columns[c];
      const size_t n = col.size();
      auto t0 = Clock::now();
      const ColumnProfile& p = profiler.Profile(col, 0, n);
      auto t1 = Clock::now();
      const Encoding e = ChooseEncoding(col.physical(), p);
      ++encodings[static_cast<int>(e)];
      raw.clear();
      switch (e) {
        case Encoding::kPlain:
          EncodePlain(col, 0, n, &raw);
          break;
        case Encoding::kRunLength:
          EncodeRunLength(col, 0, n, &raw);
          break;
        case Encoding::kDictionary:
          EncodeDictionary(col, 0, n, profiler, &raw);
          break;
        case Encoding::kBitPacked:
          EncodeBitPacked(col, 0, n, p.int_min, p.range_width, &raw);
          break;
      }
      auto t2 = Clock::now();
      ASSERT_TRUE(CompressPayload(Compression::kLz4, 0, raw, &compressed));
      auto t3 = Clock::now();
      ASSERT_OK(builder.Build(col, 0, n, &block));
      auto t4 = Clock::now();
      profile += secs(t0, t1);
      encode += secs(t1, t2);
      compress += secs(t2, t3);
      build += secs(t3, t4);
      raw_bytes += raw.size();
      lz4_bytes += compressed.size();
      if (block.compression != Compression::kNone) ++kept;
      stored += block.data.size();
    }
    total[0] += profile;
    total[1] += encode;
    total[2] += compress;
    total[3] += build;
    std::printf(
        "%-16s profile %.3f encode %.3f lz4 %.3f | Build %.3f s | enc P/R/D/B %d/%d/%d/%d | raw "
        "%.1f "
        "MB lz4 %.1f MB (kept in %llu blocks) stored %.1f MB\n",
        schema[c].name.c_str(), profile, encode, compress, build, encodings[0], encodings[1],
        encodings[2], encodings[3], raw_bytes / 1e6, lz4_bytes / 1e6,
        static_cast<unsigned long long>(kept), stored / 1e6);
  }
  std::printf("total: profile %.3f encode %.3f lz4 %.3f | Build %.3f s\n", total[0], total[1],
              total[2], total[3]);
}

}  // namespace
}  // namespace silt

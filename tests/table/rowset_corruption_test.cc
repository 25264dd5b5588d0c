// Damaged rowsets: a flipped byte anywhere in any file (blocks, indexes,
// header), a truncated file or a wrong magic makes RowSetReader::Open or the
// scan fail with Corruption naming the file and an offset, never a crash or
// wrong rows.
#include <gtest/gtest.h>

#include "common/fault_injection_env.h"
#include "common/path.h"
#include "rowset_test_util.h"
#include "table_test_util.h"

namespace silt {
namespace {

class RowSetCorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.CreateDirs("/db").ok());
    test::ColumnGenerator gen(9);
    schema_ = {
        {"id", DataType::Int64().NotNull()}, {"s", DataType::String()}, {"b", DataType::Bool()}};
    columns_ = {gen.Make(schema_[0].type, test::Shape::kSorted, 250, 0),
                gen.Make(schema_[1].type, test::Shape::kLowCardinality, 250, 10),
                gen.Make(schema_[2].type, test::Shape::kRandom, 250, 30)};
    RowSetBuilderOptions options;
    options.block_rows = 100;
    options.sort_key = {0};
    ASSERT_TRUE(test::BuildRowSet(&env_, "/db/rs", schema_, columns_, options).ok());
    auto names = env_.ListDir("/db/rs");
    ASSERT_TRUE(names.ok());
    files_ = *names;
    ASSERT_EQ(files_.size(), 7u);  // header + 3 x (.dat, .idx)
  }

  std::string Read(const std::string& name) { return *env_.ReadFile(JoinPath("/db/rs", name)); }
  void Write(const std::string& name, const std::string& data) {
    auto f = env_.NewFile(JoinPath("/db/rs", name), OpenMode::kTruncate);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(data).ok());
  }

  // Opens and scans everything; returns the first error.
  Status OpenAndScan() {
    SILT_ASSIGN_OR_RETURN(auto reader, RowSetReader::Open(&env_, "/db/rs"));
    SILT_ASSIGN_OR_RETURN(auto back, test::ReadAll(*reader));
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!back[c].Equals(columns_[c])) return Status::Aborted("wrong rows returned");
    }
    return Status::OK();
  }

  void ExpectCorruptionIn(const std::string& name, const std::string& what) {
    Status s = OpenAndScan();
    ASSERT_TRUE(s.IsCorruption()) << what << ": " << s.ToString();
    EXPECT_NE(s.message().find("/db/rs/" + name), std::string::npos)
        << what << ": " << s.ToString();
    EXPECT_NE(s.message().find(" at offset "), std::string::npos) << s.ToString();
  }

  FaultInjectionEnv env_;
  std::vector<ColumnDef> schema_;
  std::vector<ColumnVector> columns_;
  std::vector<std::string> files_;
};

TEST_F(RowSetCorruptionTest, IntactRowSetReads) { EXPECT_TRUE(OpenAndScan().ok()); }

TEST_F(RowSetCorruptionTest, FlippedByteAnywhere) {
  size_t flips = 0;
  for (const auto& name : files_) {
    const std::string good = Read(name);
    for (size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
      Write(name, bad);
      ExpectCorruptionIn(name, name + " byte " + std::to_string(i));
      ++flips;
    }
    Write(name, good);
  }
  EXPECT_GT(flips, 500u);
  EXPECT_TRUE(OpenAndScan().ok());
}

TEST_F(RowSetCorruptionTest, TruncatedFiles) {
  for (const auto& name : files_) {
    const std::string good = Read(name);
    for (size_t len : {size_t{0}, size_t{1}, size_t{4}, good.size() / 2, good.size() - 1}) {
      Write(name, good.substr(0, len));
      ExpectCorruptionIn(name, name + " truncated to " + std::to_string(len));
    }
    // Trailing garbage is damage too.
    Write(name, good + "x");
    ExpectCorruptionIn(name, name + " with a trailing byte");
    Write(name, good);
  }
}

TEST_F(RowSetCorruptionTest, WrongMagic) {
  for (const auto& name : {std::string(kRowSetHeaderFileName), ColumnIndexFileName(1)}) {
    const std::string good = Read(name);
    std::string bad = good;
    bad[0] = 'X';
    Write(name, bad);
    Status s = OpenAndScan();
    ASSERT_TRUE(s.IsCorruption());
    EXPECT_NE(s.message().find("bad magic"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("/db/rs/" + name + " at offset 0"), std::string::npos)
        << s.ToString();
    Write(name, good);
  }
  // An index file swapped for another column's, or a header in its place.
  const std::string idx0 = Read(ColumnIndexFileName(0));
  Write(ColumnIndexFileName(0), Read(ColumnIndexFileName(2)));
  ExpectCorruptionIn(ColumnIndexFileName(0), "swapped index");
  Write(ColumnIndexFileName(0), Read(std::string(kRowSetHeaderFileName)));
  ExpectCorruptionIn(ColumnIndexFileName(0), "header as index");
  Write(ColumnIndexFileName(0), idx0);
  EXPECT_TRUE(OpenAndScan().ok());
}

TEST_F(RowSetCorruptionTest, MissingFileIsAnError) {
  ASSERT_TRUE(env_.RemoveFile("/db/rs/" + ColumnDataFileName(2)).ok());
  EXPECT_FALSE(OpenAndScan().ok());
}

}  // namespace
}  // namespace silt

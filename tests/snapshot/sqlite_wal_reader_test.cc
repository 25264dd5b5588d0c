// SqliteWalReader and SqliteWalWriter: the header and frame rules, both
// checksum byte orders, and the errors for files that are not valid WALs.
#include "snapshot/sqlite_wal_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/fault_injection_env.h"
#include "snapshot/sqlite_test_util.h"
#include "snapshot/sqlite_wal_writer.h"
#include "test_util.h"

namespace silt {
namespace {

class SqliteWalReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(env_.CreateDirs("/w")); }

  SqliteWalHeader Header(uint32_t page_size = 512, bool big_endian = false) {
    SqliteWalHeader h;
    h.magic =
        big_endian ? sqlite_wal::kMagicBigEndianChecksum : sqlite_wal::kMagicLittleEndianChecksum;
    h.page_size = page_size;
    h.checkpoint_seq = 7;
    h.salt1 = 0x11223344;
    h.salt2 = 0x55667788;
    return h;
  }

  // Writes a WAL of frames (page, db_size); page i is filled with byte i.
  std::string Write(const SqliteWalHeader& header,
                    const std::vector<std::pair<uint32_t, uint32_t>>& frames,
                    const std::string& path = "/w/wal") {
    auto file = env_.NewFile(path, OpenMode::kTruncate);
    EXPECT_OK(file.status());
    SqliteWalWriter writer(file->get(), header);
    EXPECT_OK(writer.WriteHeader());
    for (size_t i = 0; i < frames.size(); ++i) {
      EXPECT_OK(writer.AddFrame(frames[i].first, frames[i].second,
                                std::string(header.page_size, static_cast<char>(i))));
    }
    EXPECT_OK(writer.Flush());
    return *env_.ReadFile(path);
  }

  void Overwrite(const std::string& bytes, const std::string& path = "/w/wal") {
    auto file = env_.NewFile(path, OpenMode::kTruncate);
    ASSERT_OK(file.status());
    ASSERT_OK((*file)->Append(bytes));
  }

  // The error Open gives for the WAL at path, as "offset N: what".
  std::string OpenError(const std::string& path = "/w/wal") {
    auto r = SqliteWalReader::Open(&env_, path);
    if (r.ok()) return "OK";
    EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
    return r.status().message();
  }

  FaultInjectionEnv env_;
};

TEST_F(SqliteWalReaderTest, ChecksumMatchesSqliteDefinition) {
  // Words 1 2 3 4 (little-endian): s0 = 0+1+0 = 1, s1 = 0+2+1 = 3; then
  // s0 = 1+3+3 = 7, s1 = 3+4+7 = 14.
  std::string data = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
  auto c = sqlite_wal::ComputeChecksum(false, data, {});
  EXPECT_EQ(c.s0, 7u);
  EXPECT_EQ(c.s1, 14u);
  // The same bytes read as big-endian words are 1<<24 ... 4<<24.
  auto b = sqlite_wal::ComputeChecksum(true, data, {});
  EXPECT_EQ(b.s0, 7u << 24);
  EXPECT_EQ(b.s1, 14u << 24);
  // Continuing from a previous checksum equals checksumming in one go.
  auto half = sqlite_wal::ComputeChecksum(false, data.substr(0, 8), {});
  EXPECT_EQ(sqlite_wal::ComputeChecksum(false, data.substr(8), half), c);
}

TEST_F(SqliteWalReaderTest, ReadsBackWhatTheWriterWrote) {
  for (bool big_endian : {false, true}) {
    for (uint32_t page_size = 512; page_size <= 65536; page_size *= 2) {
      SCOPED_TRACE(fmt::format("page size {} big-endian {}", page_size, big_endian));
      Write(Header(page_size, big_endian), {{1, 0}, {2, 2}, {3, 0}, {1, 3}, {2, 0}});
      ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env_, "/w/wal"));
      EXPECT_EQ(reader->header().page_size, page_size);
      EXPECT_EQ(reader->header().checkpoint_seq, 7u);
      EXPECT_EQ(reader->header().big_endian_checksum(), big_endian);
      const SqliteWalSummary& s = reader->summary();
      EXPECT_EQ(s.valid_frames, 5u);
      EXPECT_EQ(s.committed_frames, 4u);
      EXPECT_EQ(s.commit_frames, 2u);
      EXPECT_EQ(s.uncommitted_frames(), 1u);
      EXPECT_EQ(s.db_size, 3u);
      EXPECT_EQ(s.invalid_tail_bytes, 0u);
      EXPECT_OK(s.tail_status);
      // Next yields the committed frames only.
      std::vector<uint32_t> pages;
      SqliteWalFrame frame;
      while (true) {
        ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&frame));
        if (!more) break;
        pages.push_back(frame.header.page_number);
        EXPECT_EQ(frame.page, std::string(page_size, static_cast<char>(frame.index)));
      }
      EXPECT_EQ(pages, (std::vector<uint32_t>{1, 2, 3, 1}));
      ASSERT_OK(reader->ReadFrame(2, &frame));
      EXPECT_EQ(frame.header.page_number, 3u);
      EXPECT_TRUE(reader->ReadFrame(4, &frame).IsOutOfRange());
    }
  }
}

// A WAL written by SQLite itself reads as expected.
TEST_F(SqliteWalReaderTest, ReadsWalWrittenBySqlite) {
  test::TempDir dir;
  const std::string db = dir.path() + "/x.db";
  {
    test::SqliteConnection conn;
    ASSERT_OK(conn.Open(db, /*keep_wal=*/true));
    ASSERT_OK(conn.Exec("PRAGMA page_size=1024; PRAGMA journal_mode=WAL;"));
    ASSERT_OK(conn.Exec("CREATE TABLE t(a); INSERT INTO t VALUES(1); INSERT INTO t VALUES(2);"));
    ASSERT_OK(conn.Close());
  }
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(Env::Default(), db + "-wal"));
  EXPECT_EQ(reader->header().page_size, 1024u);
  EXPECT_EQ(reader->summary().commit_frames, 3u);
  EXPECT_EQ(reader->summary().committed_frames, reader->summary().valid_frames);
  EXPECT_EQ(reader->summary().db_size, 2u);
  EXPECT_OK(reader->summary().tail_status);
  EXPECT_OK(CheckSqliteWalMatchesDatabase(Env::Default(), db + "-wal", db));
}

TEST_F(SqliteWalReaderTest, NotAWal) {
  Overwrite("");
  EXPECT_EQ(OpenError(),
            "/w/wal at offset 0: not a WAL: the file has 0 bytes, fewer than the "
            "32-byte WAL header");
  Overwrite("SQLite format 3");
  EXPECT_NE(OpenError().find("not a WAL"), std::string::npos);
  EXPECT_TRUE(SqliteWalReader::Open(&env_, "/w/missing").status().IsNotFound());
}

TEST_F(SqliteWalReaderTest, WrongMagic) {
  std::string wal = Write(Header(), {{1, 1}});
  wal[3] = 0x07;
  Overwrite(wal);
  EXPECT_EQ(OpenError(),
            "/w/wal at offset 0: wrong magic 0x377f0607: not a SQLite WAL (expected "
            "0x377f0682 or 0x377f0683)");
  // A database file is not a WAL either.
  Overwrite(std::string("SQLite format 3\0", 16) + std::string(100, '\0'));
  EXPECT_NE(OpenError().find("wrong magic 0x53514c69"), std::string::npos) << OpenError();
}

TEST_F(SqliteWalReaderTest, BadVersionAndPageSize) {
  std::string wal = Write(Header(), {{1, 1}});
  std::string v = wal;
  v[7] ^= 1;
  Overwrite(v);
  EXPECT_NE(OpenError().find("offset 4: unsupported WAL version"), std::string::npos);
  for (uint32_t bad : {0u, 256u, 1000u, 131072u}) {
    std::string p = wal;
    sqlite_wal::EncodeBigEndian32(p.data() + 8, bad);
    Overwrite(p);
    EXPECT_NE(OpenError().find(fmt::format("offset 8: bad page size {}", bad)), std::string::npos)
        << OpenError();
  }
}

TEST_F(SqliteWalReaderTest, BadHeaderChecksum) {
  for (int byte : {12, 16, 20, 24, 31}) {  // checkpoint seq, salts, checksums
    std::string wal = Write(Header(), {{1, 1}});
    wal[byte] ^= 0x40;
    Overwrite(wal);
    EXPECT_NE(OpenError().find("offset 24: bad header checksum"), std::string::npos)
        << byte << ": " << OpenError();
  }
}

// A torn last frame is a tail, not an error: the frames before it stand (as
// in SQLite), and the summary names the truncated frame.
TEST_F(SqliteWalReaderTest, TruncatedFrame) {
  std::string wal = Write(Header(), {{1, 0}, {2, 2}, {3, 3}});
  const uint64_t frame = 24 + 512;
  Overwrite(wal.substr(0, 32 + 2 * frame + 100));
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env_, "/w/wal"));
  const SqliteWalSummary& s = reader->summary();
  EXPECT_EQ(s.valid_frames, 2u);
  EXPECT_EQ(s.committed_frames, 2u);
  EXPECT_EQ(s.db_size, 2u);
  EXPECT_EQ(s.invalid_tail_bytes, 100u);
  EXPECT_EQ(s.invalid_tail_frames, 1u);
  EXPECT_EQ(s.tail_status.message(),
            fmt::format("/w/wal at offset {}: truncated frame 2: the file ends 100 bytes into it "
                        "(frames are 536 bytes)",
                        32 + 2 * frame));
  // Torn inside the commit frame: nothing is committed.
  Overwrite(wal.substr(0, 32 + frame + 30));
  ASSERT_OK_AND_ASSIGN(reader, SqliteWalReader::Open(&env_, "/w/wal"));
  EXPECT_EQ(reader->summary().committed_frames, 0u);
  EXPECT_EQ(reader->summary().uncommitted_frames(), 1u);
  EXPECT_NE(reader->summary().tail_status.message().find("truncated frame 1"), std::string::npos);
}

// Frames from an older WAL generation (other salts) end the WAL, even if
// valid frames follow.
TEST_F(SqliteWalReaderTest, FrameWithWrongSaltStopsTheRead) {
  std::string wal = Write(Header(), {{1, 0}, {2, 2}, {3, 0}, {4, 4}, {5, 5}});
  const size_t frame = 24 + 512;
  wal[32 + 2 * frame + 8] ^= 1;  // salt-1 of frame 2
  Overwrite(wal);
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env_, "/w/wal"));
  EXPECT_EQ(reader->summary().valid_frames, 2u);
  EXPECT_EQ(reader->summary().committed_frames, 2u);
  EXPECT_EQ(reader->summary().invalid_tail_frames, 3u);
  EXPECT_EQ(reader->summary().invalid_tail_bytes, 3 * frame);
  EXPECT_NE(reader->summary().tail_status.message().find(
                fmt::format("offset {}: frame 2 salt mismatch", 32 + 2 * frame + 8)),
            std::string::npos)
      << reader->summary().tail_status.ToString();
}

TEST_F(SqliteWalReaderTest, FrameWithBadChecksumOrPageZeroStopsTheRead) {
  const size_t frame = 24 + 512;
  for (bool big_endian : {false, true}) {
    std::string wal = Write(Header(512, big_endian), {{1, 1}, {2, 2}, {3, 3}});
    std::string bad = wal;
    bad[32 + frame + 24 + 100] ^= 1;  // a byte of frame 1's page
    Overwrite(bad);
    ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env_, "/w/wal"));
    EXPECT_EQ(reader->summary().committed_frames, 1u);
    EXPECT_NE(reader->summary().tail_status.message().find("frame 1 checksum mismatch"),
              std::string::npos);
    // The cumulative checksum makes a later frame invalid too when an earlier
    // one is changed, so the read cannot resume after a bad frame.
    bad = wal;
    bad[32 + 24 + 5] ^= 1;  // frame 0's page
    Overwrite(bad);
    ASSERT_OK_AND_ASSIGN(reader, SqliteWalReader::Open(&env_, "/w/wal"));
    EXPECT_EQ(reader->summary().valid_frames, 0u);
    bad = wal;
    sqlite_wal::EncodeBigEndian32(bad.data() + 32 + frame, 0);  // page number 0
    Overwrite(bad);
    ASSERT_OK_AND_ASSIGN(reader, SqliteWalReader::Open(&env_, "/w/wal"));
    EXPECT_EQ(reader->summary().valid_frames, 1u);
    EXPECT_NE(reader->summary().tail_status.message().find("frame 1 page number is 0"),
              std::string::npos);
  }
}

// Swapping the checksum byte order in the magic alone breaks every checksum.
TEST_F(SqliteWalReaderTest, ChecksumByteOrderFollowsMagic) {
  std::string wal = Write(Header(512, false), {{1, 1}});
  wal[3] = static_cast<char>(0x83);
  Overwrite(wal);
  EXPECT_NE(OpenError().find("bad header checksum"), std::string::npos);
}

TEST_F(SqliteWalReaderTest, WalMustMatchDatabasePageSize) {
  Write(Header(4096), {{1, 1}});
  std::string db(4096, '\0');
  std::memcpy(db.data(), "SQLite format 3\0", 16);
  db[16] = 0x10;  // 4096
  db[17] = 0x00;
  Overwrite(db, "/w/db");
  EXPECT_OK(CheckSqliteWalMatchesDatabase(&env_, "/w/wal", "/w/db"));
  db[16] = 0x04;  // 1024
  Overwrite(db, "/w/db");
  Status s = CheckSqliteWalMatchesDatabase(&env_, "/w/wal", "/w/db");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.message(),
            "/w/wal at offset 8: the WAL does not belong to database /w/db: WAL page size 4096, "
            "database page size 1024");
  // 1 means 65536.
  Write(Header(65536), {{1, 1}});
  db[16] = 0x00;
  db[17] = 0x01;
  Overwrite(db, "/w/db");
  EXPECT_OK(CheckSqliteWalMatchesDatabase(&env_, "/w/wal", "/w/db"));
  Overwrite(std::string(200, 'x'), "/w/db");
  s = CheckSqliteWalMatchesDatabase(&env_, "/w/wal", "/w/db");
  EXPECT_NE(s.message().find("/w/db at offset 0: not a SQLite database"), std::string::npos)
      << s.ToString();
  Overwrite("", "/w/db");
  EXPECT_OK(CheckSqliteWalMatchesDatabase(&env_, "/w/wal", "/w/db"));
}

TEST_F(SqliteWalReaderTest, WriterRejectsBadInput) {
  auto file = env_.NewFile("/w/x", OpenMode::kTruncate);
  ASSERT_OK(file.status());
  SqliteWalHeader h = Header();
  h.page_size = 1000;
  SqliteWalWriter bad(file->get(), h);
  EXPECT_TRUE(bad.WriteHeader().IsInvalidArgument());
  SqliteWalWriter w(file->get(), Header());
  EXPECT_TRUE(w.AddFrame(1, 0, std::string(512, 'x')).IsInvalidArgument());  // no header yet
  ASSERT_OK(w.WriteHeader());
  EXPECT_TRUE(w.AddFrame(1, 0, "short").IsInvalidArgument());
  EXPECT_TRUE(w.AddFrame(0, 0, std::string(512, 'x')).IsInvalidArgument());
}

TEST_F(SqliteWalReaderTest, NextDetectsWalChangedAfterOpen) {
  std::string wal = Write(Header(), {{1, 0}, {2, 2}});
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env_, "/w/wal"));
  wal[32 + 24 + 3] ^= 1;
  Overwrite(wal);
  SqliteWalFrame frame;
  auto r = reader->Next(&frame);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  Overwrite(wal.substr(0, 40));
  reader->Rewind();
  r = reader->Next(&frame);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("truncated frame 0"), std::string::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace silt

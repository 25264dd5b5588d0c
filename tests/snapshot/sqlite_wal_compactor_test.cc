// WAL compaction against the real SQLite library: random workloads leave a
// WAL; checkpointing the original WAL and the compacted one into two copies of
// the database must give byte-identical files that pass integrity_check and
// hold what the live connection saw.
#include "snapshot/sqlite_wal_compactor.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/fault_injection_env.h"
#include "snapshot/sqlite_test_util.h"
#include "snapshot/sqlite_wal_reader.h"
#include "snapshot/sqlite_wal_writer.h"
#include "test_util.h"

namespace silt {
namespace {

using test::SqliteConnection;

Status WriteWholeFile(Env* env, const std::string& path, std::string_view data) {
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kTruncate));
  return file->Append(data);
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// What the cases of the random test exercised, summed over all of them, so the
// test can check that every interesting situation actually occurred.
struct Coverage {
  uint64_t cases = 0;
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  uint64_t uncommitted_frames = 0;
  uint64_t invalid_tail_bytes = 0;
  uint64_t dropped_beyond_db_size = 0;
  uint64_t salt_mismatch_tails = 0;
  uint64_t big_endian_cases = 0;
  // Cases where SQLite itself left uncommitted frames (a cache spill).
  uint64_t spilled_cases = 0;
  std::set<uint32_t> page_sizes;
};

// One random write transaction (or VACUUM / checkpoint) on conn.
void RandomStep(SqliteConnection& conn, std::mt19937_64& rng, uint32_t page_size) {
  const int kind = static_cast<int>(rng() % 100);
  if (kind < 4) {
    ASSERT_OK(conn.Exec("VACUUM"));
    return;
  }
  if (kind < 9) {
    // A full checkpoint lets the next writer restart the WAL from its start
    // with new salts, leaving older frames behind the new ones.
    ASSERT_OK(conn.Exec("PRAGMA wal_checkpoint(PASSIVE)"));
    return;
  }
  if (kind < 11) {
    ASSERT_OK(conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    return;
  }
  if (kind < 14) {
    ASSERT_OK(conn.Exec("PRAGMA incremental_vacuum"));
    return;
  }
  ASSERT_OK(conn.Exec("BEGIN"));
  const int ops = 1 + static_cast<int>(rng() % 20);
  for (int i = 0; i < ops; ++i) {
    const std::string table = fmt::format("t{}", rng() % 3);
    const int op = static_cast<int>(rng() % 100);
    if (op < 55) {
      size_t size = rng() % 200;
      const int big = static_cast<int>(rng() % 100);
      if (big < 20) size = rng() % page_size;
      if (big < 4) size = std::min<size_t>(page_size + rng() % (2 * page_size), 150000);
      const std::string blob = RandomBytes(rng, size);
      ASSERT_OK(conn.ExecWithBlob(
          fmt::format("INSERT INTO {}(k, v) VALUES('k{}', ?1)", table, rng() % 1000), &blob));
    } else if (op < 75) {
      const std::string blob = RandomBytes(rng, rng() % 300);
      ASSERT_OK(conn.ExecWithBlob(
          fmt::format("UPDATE {} SET v = ?1 WHERE id % {} = {}", table, 3 + rng() % 7, rng() % 3),
          &blob));
    } else if (op < 90) {
      ASSERT_OK(conn.Exec(
          fmt::format("DELETE FROM {} WHERE id % {} = {}", table, 2 + rng() % 6, rng() % 2)));
    } else if (op < 96) {
      ASSERT_OK(conn.Exec(fmt::format("CREATE INDEX IF NOT EXISTS {0}_k ON {0}(k, v)", table)));
    } else {
      ASSERT_OK(conn.Exec(fmt::format(
          "DROP TABLE {0}; CREATE TABLE {0}(id INTEGER PRIMARY KEY, k TEXT, v BLOB)", table)));
    }
  }
  ASSERT_OK(conn.Exec("COMMIT"));
}

// Opens a copy of the database, checkpoints its WAL into it, checks it and
// returns its content digest.
void CheckpointCopy(const std::string& db, std::string* digest) {
  SqliteConnection conn;
  ASSERT_OK(conn.Open(db, /*keep_wal=*/false));
  std::string result;
  ASSERT_OK(conn.Query("PRAGMA wal_checkpoint(TRUNCATE)", [&](sqlite3_stmt* stmt) {
    result = fmt::format("{} {} {}", sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1),
                         sqlite3_column_int(stmt, 2));
  }));
  EXPECT_TRUE(result.starts_with("0 ")) << db << " checkpoint: " << result;
  ASSERT_OK_AND_ASSIGN(std::string ok, conn.QueryString("PRAGMA integrity_check"));
  EXPECT_EQ(ok, "ok") << db;
  ASSERT_OK_AND_ASSIGN(*digest, conn.ContentDigest());
  ASSERT_OK(conn.Close());
}

// Rewrites the valid frames of the WAL at path with big-endian checksum words.
void ConvertToBigEndianChecksums(Env* env, const std::string& path) {
  std::vector<std::pair<SqliteWalFrameHeader, std::string>> frames;
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(env, path, [&](const SqliteWalFrame& f) {
                         frames.emplace_back(f.header, std::string(f.page));
                       }));
  SqliteWalHeader header = reader->header();
  header.magic = sqlite_wal::kMagicBigEndianChecksum;
  reader.reset();
  ASSERT_OK_AND_ASSIGN(auto file, env->NewFile(path, OpenMode::kTruncate));
  SqliteWalWriter writer(file.get(), header);
  ASSERT_OK(writer.WriteHeader());
  for (const auto& [h, page] : frames) ASSERT_OK(writer.AddFrame(h.page_number, h.db_size, page));
  ASSERT_OK(writer.Flush());
}

// Appends `count` valid frames without a commit flag after the last valid
// frame (cutting off any invalid tail first): an unfinished transaction.
void AppendUncommittedFrames(Env* env, const std::string& path, std::mt19937_64& rng, int count) {
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(env, path));
  const SqliteWalHeader header = reader->header();
  const SqliteWalSummary summary = reader->summary();
  reader.reset();
  ASSERT_OK_AND_ASSIGN(auto file, env->NewFile(path, OpenMode::kReadWrite));
  ASSERT_OK(file->Truncate(sqlite_wal::FrameOffset(summary.valid_frames, header.page_size)));
  SqliteWalWriter writer(file.get(), header);
  ASSERT_OK(writer.Resume(summary.valid_frames, summary.valid_checksum));
  for (int i = 0; i < count; ++i) {
    const uint32_t page = 1 + static_cast<uint32_t>(rng() % (summary.db_size + 3));
    ASSERT_OK(writer.AddFrame(page, 0, RandomBytes(rng, header.page_size)));
  }
  ASSERT_OK(writer.Flush());
}

void RunCase(uint64_t seed, uint32_t page_size, Coverage* coverage) {
  SCOPED_TRACE(fmt::format("seed {} page size {}", seed, page_size));
  Env* env = Env::Default();
  std::mt19937_64 rng(seed);
  test::TempDir dir;
  const std::string db = dir.path() + "/orig.db";
  SqliteConnection conn;
  ASSERT_OK(conn.Open(db, /*keep_wal=*/true));
  ASSERT_OK(conn.Exec(fmt::format("PRAGMA page_size={}", page_size)));
  const char* auto_vacuum[] = {"NONE", "FULL", "INCREMENTAL"};
  ASSERT_OK(conn.Exec(fmt::format("PRAGMA auto_vacuum={}", auto_vacuum[rng() % 3])));
  ASSERT_OK_AND_ASSIGN(std::string mode, conn.QueryString("PRAGMA journal_mode=WAL"));
  ASSERT_EQ(mode, "wal");
  for (int t = 0; t < 3; ++t) {
    ASSERT_OK(
        conn.Exec(fmt::format("CREATE TABLE t{}(id INTEGER PRIMARY KEY, k TEXT, v BLOB)", t)));
  }
  const int steps = 10 + static_cast<int>(rng() % 30);
  for (int i = 0; i < steps; ++i) {
    ASSERT_NO_FATAL_FAILURE(RandomStep(conn, rng, page_size));
  }
  // End on a committed write so the WAL is not empty.
  ASSERT_OK(conn.Exec("INSERT INTO t0(k, v) VALUES('last', randomblob(10))"));
  ASSERT_OK_AND_ASSIGN(const std::string live_digest, conn.ContentDigest());

  // Half the cases copy the files while a second connection holds a write
  // transaction whose pages spilled into the WAL uncommitted.
  SqliteConnection spiller;
  const bool spill = rng() % 2 == 0;
  if (spill) {
    ASSERT_OK(spiller.Open(db, /*keep_wal=*/true));
    ASSERT_OK(spiller.Exec("PRAGMA cache_size=10"));
    ASSERT_OK(spiller.Exec("BEGIN"));
    for (int i = 0; i < 40; ++i) {
      const std::string blob = RandomBytes(rng, page_size / 2 + rng() % page_size);
      ASSERT_OK(spiller.ExecWithBlob("INSERT INTO t1(k, v) VALUES('spill', ?1)", &blob));
    }
  }
  const std::string a = dir.path() + "/a.db";
  const std::string b = dir.path() + "/b.db";
  ASSERT_OK_AND_ASSIGN(std::string db_bytes, env->ReadFile(db));
  ASSERT_OK_AND_ASSIGN(std::string wal_bytes, env->ReadFile(db + "-wal"));
  if (spill) {
    ASSERT_OK_AND_ASSIGN(auto spilled, SqliteWalReader::Open(env, db + "-wal"));
    if (spilled->summary().uncommitted_frames() > 0) coverage->spilled_cases++;
  }
  ASSERT_OK(WriteWholeFile(env, a, db_bytes));
  ASSERT_OK(WriteWholeFile(env, b, db_bytes));
  ASSERT_OK(WriteWholeFile(env, a + "-wal", wal_bytes));
  if (spill) {
    ASSERT_OK(spiller.Exec("ROLLBACK"));
    ASSERT_OK(spiller.Close());
  }
  ASSERT_OK(conn.Close());

  // Variants on the copied WAL: big-endian checksums, an appended unfinished
  // transaction, trailing garbage.
  const int variant = static_cast<int>(rng() % 4);
  if (variant == 1) {
    ASSERT_NO_FATAL_FAILURE(ConvertToBigEndianChecksums(env, a + "-wal"));
    coverage->big_endian_cases++;
  }
  if (variant == 2) {
    ASSERT_NO_FATAL_FAILURE(
        AppendUncommittedFrames(env, a + "-wal", rng, 1 + static_cast<int>(rng() % 5)));
  }
  if (variant >= 2) {
    ASSERT_OK_AND_ASSIGN(auto f, env->NewFile(a + "-wal", OpenMode::kReadWrite));
    ASSERT_OK(f->Append(RandomBytes(rng, 1 + rng() % (2 * (page_size + 24)))));
  }

  ASSERT_OK(CheckSqliteWalMatchesDatabase(env, a + "-wal", a));
  ASSERT_OK_AND_ASSIGN(auto in, SqliteWalReader::Open(env, a + "-wal"));
  ASSERT_OK_AND_ASSIGN(SqliteWalCompactStats stats,
                       CompactSqliteWalToPath(env, a + "-wal", b + "-wal"));
  EXPECT_EQ(stats.frames_in, in->summary().committed_frames);
  EXPECT_LE(stats.frames_out, stats.pages);
  EXPECT_LE(stats.peak_tracked_pages,
            2 * std::max<uint64_t>(stats.pages, 1) + in->summary().uncommitted_frames());
  if (!in->summary().tail_status.ok() &&
      in->summary().tail_status.message().find("salt mismatch") != std::string::npos) {
    coverage->salt_mismatch_tails++;
  }

  // The compacted WAL is one committed transaction of distinct pages, with a
  // clean tail, and compacting it again changes nothing.
  ASSERT_OK_AND_ASSIGN(auto out, SqliteWalReader::Open(env, b + "-wal"));
  EXPECT_EQ(out->header().salt1, in->header().salt1);
  EXPECT_EQ(out->header().magic, in->header().magic);
  EXPECT_EQ(out->summary().committed_frames, stats.frames_out);
  EXPECT_EQ(out->summary().valid_frames, stats.frames_out);
  EXPECT_EQ(out->summary().commit_frames, stats.frames_out > 0 ? 1u : 0u);
  EXPECT_EQ(out->summary().db_size, stats.db_size);
  EXPECT_OK(out->summary().tail_status);
  std::set<uint32_t> pages;
  SqliteWalFrame frame;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, out->Next(&frame));
    if (!more) break;
    EXPECT_TRUE(pages.insert(frame.header.page_number).second) << frame.header.page_number;
  }
  ASSERT_OK(CompactSqliteWalToPath(env, b + "-wal", dir.path() + "/c.db-wal").status());
  EXPECT_TRUE(*env->ReadFile(dir.path() + "/c.db-wal") == *env->ReadFile(b + "-wal"))
      << "compacting a compacted WAL changed it";

  // Both copies checkpoint to the same bytes and the content the live
  // connection saw.
  std::string digest_a, digest_b;
  ASSERT_NO_FATAL_FAILURE(CheckpointCopy(a, &digest_a));
  ASSERT_NO_FATAL_FAILURE(CheckpointCopy(b, &digest_b));
  EXPECT_EQ(digest_a, live_digest);
  EXPECT_EQ(digest_b, live_digest);
  ASSERT_OK_AND_ASSIGN(std::string bytes_a, env->ReadFile(a));
  ASSERT_OK_AND_ASSIGN(std::string bytes_b, env->ReadFile(b));
  EXPECT_EQ(bytes_a.size(), bytes_b.size());
  EXPECT_TRUE(bytes_a == bytes_b) << "checkpointed databases differ";

  coverage->cases++;
  coverage->frames_in += stats.frames_in;
  coverage->frames_out += stats.frames_out;
  coverage->uncommitted_frames += stats.uncommitted_frames;
  coverage->invalid_tail_bytes += stats.invalid_tail_bytes;
  coverage->dropped_beyond_db_size += stats.dropped_beyond_db_size;
  coverage->page_sizes.insert(page_size);
}

TEST(SqliteWalCompactorTest, CheckpointOfCompactedWalIsByteIdenticalWithRealSqlite) {
  Coverage coverage;
  uint64_t seed = 1;
  for (uint32_t page_size = 512; page_size <= 65536; page_size *= 2) {
    for (int i = 0; i < 4; ++i, ++seed) {
      ASSERT_NO_FATAL_FAILURE(RunCase(seed, page_size, &coverage));
    }
  }
  EXPECT_EQ(coverage.page_sizes.size(), 8u);
  EXPECT_LT(coverage.frames_out, coverage.frames_in);
  EXPECT_GT(coverage.uncommitted_frames, 0u);
  EXPECT_GT(coverage.invalid_tail_bytes, 0u);
  EXPECT_GT(coverage.salt_mismatch_tails, 0u);
  EXPECT_GT(coverage.big_endian_cases, 0u);
  EXPECT_GT(coverage.dropped_beyond_db_size, 0u);
  EXPECT_GT(coverage.spilled_cases, 0u);
  fmt::print(
      "cases {} frames_in {} frames_out {} uncommitted {} tail_bytes {} dropped_beyond_db_size {} "
      "salt_mismatch_tails {} spilled_cases {}\n",
      coverage.cases, coverage.frames_in, coverage.frames_out, coverage.uncommitted_frames,
      coverage.invalid_tail_bytes, coverage.dropped_beyond_db_size, coverage.salt_mismatch_tails,
      coverage.spilled_cases);
}

// Writes a WAL with the writer: (page, db_size) per frame, page filled with a
// byte naming the frame.
void WriteWal(Env* env, const std::string& path, uint32_t page_size,
              const std::vector<std::pair<uint32_t, uint32_t>>& frames) {
  ASSERT_OK_AND_ASSIGN(auto file, env->NewFile(path, OpenMode::kTruncate));
  SqliteWalHeader header;
  header.page_size = page_size;
  header.salt1 = 0x01020304;
  header.salt2 = 0xa0b0c0d0;
  SqliteWalWriter writer(file.get(), header);
  ASSERT_OK(writer.WriteHeader());
  for (size_t i = 0; i < frames.size(); ++i) {
    ASSERT_OK(writer.AddFrame(frames[i].first, frames[i].second,
                              std::string(page_size, static_cast<char>('A' + i))));
  }
  ASSERT_OK(writer.Flush());
}

// The seed's example: 1a 1b 2a 4a 5a 1c 6 7 6a 8 9 keeps the newest frame of
// each page in the order those newest frames appear: 2a 4a 5a 1c 7 6a 8 9.
TEST(SqliteWalCompactorTest, KeepsNewestFramePerPageInTheirOriginalOrder) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/w"));
  ASSERT_NO_FATAL_FAILURE(WriteWal(&env, "/w/in", 512,
                                   {{1, 0},
                                    {1, 0},
                                    {2, 0},
                                    {4, 3},  // a commit in the middle
                                    {5, 0},
                                    {1, 0},
                                    {6, 0},
                                    {7, 0},
                                    {6, 0},
                                    {8, 0},
                                    {9, 9},  // the last commit: 9 pages
                                    {3, 0},  // an unfinished transaction
                                    {2, 0}}));
  ASSERT_OK_AND_ASSIGN(auto file, env.NewFile("/w/out", OpenMode::kTruncate));
  ASSERT_OK_AND_ASSIGN(auto stats, CompactSqliteWal(&env, "/w/in", file.get()));
  EXPECT_EQ(stats.frames_in, 11u);
  EXPECT_EQ(stats.frames_out, 8u);
  EXPECT_EQ(stats.pages, 8u);
  EXPECT_EQ(stats.uncommitted_frames, 2u);
  EXPECT_EQ(stats.db_size, 9u);
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env, "/w/out"));
  std::string order;
  SqliteWalFrame frame;
  std::vector<uint32_t> db_sizes;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, reader->Next(&frame));
    if (!more) break;
    order += fmt::format("{}{} ", frame.header.page_number, frame.page[0]);
    db_sizes.push_back(frame.header.db_size);
  }
  // Frame i carries the byte 'A' + i: 2a=C 4a=D 5a=E 1c=F 7=H 6a=I 8=J 9=K.
  EXPECT_EQ(order, "2C 4D 5E 1F 7H 6I 8J 9K ");
  EXPECT_EQ(db_sizes, (std::vector<uint32_t>{0, 0, 0, 0, 0, 0, 0, 9}));
}

TEST(SqliteWalCompactorTest, DropsPagesBeyondFinalDatabaseSize) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/w"));
  // The database grows to 6 pages, then shrinks to 3 (as VACUUM does).
  ASSERT_NO_FATAL_FAILURE(
      WriteWal(&env, "/w/in", 1024, {{1, 0}, {5, 0}, {6, 6}, {1, 0}, {2, 0}, {3, 3}}));
  ASSERT_OK_AND_ASSIGN(auto file, env.NewFile("/w/out", OpenMode::kTruncate));
  ASSERT_OK_AND_ASSIGN(auto stats, CompactSqliteWal(&env, "/w/in", file.get()));
  EXPECT_EQ(stats.pages, 5u);
  EXPECT_EQ(stats.frames_out, 3u);
  EXPECT_EQ(stats.dropped_beyond_db_size, 2u);

  ASSERT_OK_AND_ASSIGN(auto file2, env.NewFile("/w/out2", OpenMode::kTruncate));
  SqliteWalCompactOptions keep_all;
  keep_all.drop_pages_beyond_db_size = false;
  ASSERT_OK_AND_ASSIGN(stats, CompactSqliteWal(&env, "/w/in", file2.get(), keep_all));
  EXPECT_EQ(stats.frames_out, 5u);
}

TEST(SqliteWalCompactorTest, NothingCommittedGivesHeaderOnly) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/w"));
  ASSERT_NO_FATAL_FAILURE(WriteWal(&env, "/w/in", 512, {{1, 0}, {2, 0}}));
  ASSERT_OK_AND_ASSIGN(auto stats, CompactSqliteWalToPath(&env, "/w/in", "/w/out"));
  EXPECT_EQ(stats.frames_in, 0u);
  EXPECT_EQ(stats.frames_out, 0u);
  EXPECT_EQ(stats.uncommitted_frames, 2u);
  EXPECT_EQ(*env.GetFileSize("/w/out"), sqlite_wal::kHeaderSize);
  ASSERT_OK_AND_ASSIGN(auto reader, SqliteWalReader::Open(&env, "/w/out"));
  EXPECT_EQ(reader->summary().valid_frames, 0u);
}

// Memory follows distinct pages: a WAL 100 times longer over the same pages
// needs no more map entries.
TEST(SqliteWalCompactorTest, TrackedStateGrowsWithDistinctPagesNotWalLength) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/w"));
  auto make = [&](int transactions, const std::string& path) {
    std::vector<std::pair<uint32_t, uint32_t>> frames;
    for (int t = 0; t < transactions; ++t) {
      for (uint32_t p = 1; p <= 5; ++p) frames.emplace_back(p, p == 5 ? 5 : 0);
    }
    WriteWal(&env, path, 512, frames);
  };
  ASSERT_NO_FATAL_FAILURE(make(10, "/w/short"));
  ASSERT_NO_FATAL_FAILURE(make(1000, "/w/long"));
  ASSERT_OK_AND_ASSIGN(auto s1, CompactSqliteWalToPath(&env, "/w/short", "/w/short.out"));
  ASSERT_OK_AND_ASSIGN(auto s2, CompactSqliteWalToPath(&env, "/w/long", "/w/long.out"));
  EXPECT_EQ(s1.frames_in, 50u);
  EXPECT_EQ(s2.frames_in, 5000u);
  EXPECT_EQ(s1.frames_out, 5u);
  EXPECT_EQ(s2.frames_out, 5u);
  EXPECT_LE(s1.peak_tracked_pages, 10u);
  EXPECT_EQ(s2.peak_tracked_pages, s1.peak_tracked_pages);
  EXPECT_EQ(*env.GetFileSize("/w/short.out"), *env.GetFileSize("/w/long.out"));
}

TEST(SqliteWalCompactorTest, StrictModeRefusesInvalidTail) {
  FaultInjectionEnv env;
  ASSERT_OK(env.CreateDirs("/w"));
  ASSERT_NO_FATAL_FAILURE(WriteWal(&env, "/w/in", 512, {{1, 1}}));
  {
    ASSERT_OK_AND_ASSIGN(auto f, env.NewFile("/w/in", OpenMode::kReadWrite));
    ASSERT_OK(f->Append("torn"));
  }
  ASSERT_OK(CompactSqliteWalToPath(&env, "/w/in", "/w/out").status());
  SqliteWalCompactOptions strict;
  strict.fail_on_invalid_tail = true;
  auto r = CompactSqliteWalToPath(&env, "/w/in", "/w/out2", strict);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().message().find("truncated frame"), std::string::npos)
      << r.status().ToString();
  EXPECT_FALSE(env.FileExists("/w/out2"));
  EXPECT_FALSE(env.FileExists("/w/out2.tmp"));
}

// The durable path: after a power cut right after it returns, the output is
// there; a crash at any file operation leaves either no output or all of it.
TEST(SqliteWalCompactorTest, OutputIsDurableAndAtomic) {
  std::vector<std::pair<uint32_t, uint32_t>> frames = {{1, 0}, {2, 0}, {1, 2}, {2, 2}};
  std::string expected;
  for (uint64_t crash_at = 0;; ++crash_at) {
    FaultInjectionEnv env;
    ASSERT_OK(env.CreateDirs("/w"));
    ASSERT_NO_FATAL_FAILURE(WriteWal(&env, "/w/in", 512, frames));
    {
      ASSERT_OK_AND_ASSIGN(auto f, env.NewFile("/w/in", OpenMode::kReadWrite));
      ASSERT_OK(f->Sync());
    }
    ASSERT_OK(env.SyncDir("/w"));
    env.CrashAfter(crash_at);
    auto r = CompactSqliteWalToPath(&env, "/w/in", "/w/out");
    env.PowerCut();
    if (env.FileExists("/w/out")) {
      ASSERT_OK_AND_ASSIGN(std::string now, env.ReadFile("/w/out"));
      if (expected.empty()) {
        ASSERT_TRUE(r.ok());
        expected = now;
      }
      EXPECT_EQ(now, expected);
    } else {
      EXPECT_FALSE(r.ok()) << "returned OK but the output did not survive a power cut";
    }
    if (r.ok()) break;
    ASSERT_LT(crash_at, 50u);
  }
  EXPECT_EQ(expected.size(), sqlite_wal::FrameOffset(2, 512));
}

}  // namespace
}  // namespace silt

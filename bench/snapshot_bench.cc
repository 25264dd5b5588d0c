// snapshot_bench: silt's SQLite snapshot store and WAL compactor against
// plain file copies and SQLite's own online backup API (issue 4, "Benchmark"),
// in the same run, on the same files, with the same durability (every output
// is fsynced, and its directory too). Scenarios (--scenarios, comma-separated):
//   compact  a WAL of --wal-mib written by real SQLite (many small update
//            transactions over a --working-set-mib working set, automatic
//            checkpoints and checkpoint-on-close off) compacted with
//            CompactSqliteWalToPath vs a plain copy of the same WAL (1 MiB
//            pread/write, fsync, rename, directory fsync: the same steps and
//            buffer size as the compactor); --rounds of each in ABBA order;
//            throughput = input bytes / time;
//   backup   a full snapshot (SqliteSnapshotStore::Snapshot, kFull) of a
//            --db-mib database into a fresh store (no Reap of an older copy
//            inside the timing) vs sqlite3_backup_init/step(-1)/finish into a
//            new file, then fsync of the file and its directory; ABBA order;
//   incr     after --change-pct % of the database's pages changed (one
//            transaction, left in the WAL), an incremental snapshot vs a full
//            snapshot taken after an equal change; --rounds of each.
// With --drop-cache (default) the page cache is dropped before every timed
// operation, so each one reads its input from the disk. The output is
// Markdown, ready for docs/benchmarks.md; progress goes to stderr.
// scripts/bench_snapshot.sh runs it with the documented parameters.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_report.h"
#include "bench/markdown_table.h"
#include "bench/page_cache.h"
#include "silt/env.h"
#include "snapshot/sqlite_snapshot.h"
#include "snapshot/sqlite_wal_compactor.h"

namespace silt::bench {
namespace {

constexpr double kMB = 1e6;
constexpr uint64_t kMiB = 1ull << 20;
constexpr size_t kCopyBuffer = 1 << 20;  // the compactor's read and write chunk

struct Flags {
  std::string dir;
  std::string scenarios = "compact,backup,incr";
  uint64_t wal_mib = 320;         // compact: WAL size
  uint64_t working_set_mib = 16;  // compact: rows the updates touch
  int rows_per_txn = 100;         // compact: updated rows per transaction
  uint64_t db_mib = 1024;         // backup, incr: database size
  double change_pct = 1;          // incr: share of the database's pages changed
  int rounds = 2;                 // timed runs per side and scenario
  bool drop_cache = true;
  int page_size = 4096;
};

uint64_t FileSize(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// This process's I/O counters from /proc/self/io: rchar (bytes returned by
// read system calls, from the page cache or not) and write_bytes (bytes sent
// to storage, the SQLite library's writes included). Zero if unknown.
struct ProcessIo {
  uint64_t rchar = 0;
  uint64_t write_bytes = 0;
};
ProcessIo ReadProcessIo() {
  std::ifstream in("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  ProcessIo io;
  while (in >> key >> value) {
    if (key == "rchar:") io.rchar = value;
    if (key == "write_bytes:") io.write_bytes = value;
  }
  return io;
}

Status PosixError(const std::string& what, const std::string& path) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return PosixError("open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return PosixError("fsync", path);
  return Status::OK();
}

// The plain copy the compactor is compared with: 1 MiB preads and writes into
// to.tmp, fsync, rename to `to`, fsync of the directory (the steps of
// CompactSqliteWalToPath, without parsing anything).
Status PlainCopy(const std::string& from, const std::string& to) {
  const std::string tmp = to + ".tmp";
  const int in = ::open(from.c_str(), O_RDONLY);
  if (in < 0) return PosixError("open", from);
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    ::close(in);
    return PosixError("create", tmp);
  }
  std::vector<char> buf(kCopyBuffer);
  Status st;
  for (off_t offset = 0;;) {
    const ssize_t n = ::pread(in, buf.data(), buf.size(), offset);
    if (n < 0) {
      st = PosixError("read", from);
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf.data() + done, n - done);
      if (w < 0) {
        st = PosixError("write", tmp);
        break;
      }
      done += w;
    }
    if (!st.ok()) break;
    offset += n;
  }
  if (st.ok() && ::fsync(out) != 0) st = PosixError("fsync", tmp);
  ::close(in);
  ::close(out);
  SILT_RETURN_IF_ERROR(st);
  if (::rename(tmp.c_str(), to.c_str()) != 0) return PosixError("rename", tmp);
  return SyncPath(std::filesystem::path(to).parent_path().string(), true);
}

// A SQLite connection with the settings of the store's source databases:
// automatic checkpoints and checkpoint-on-close off, so the WAL survives close.
class Db {
 public:
  ~Db() {
    if (db_ != nullptr) sqlite3_close(db_);
  }
  Status Open(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
    path_ = path;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) return Error("open");
    if (sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) != SQLITE_OK) {
      return Error("SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
    }
    return Exec("PRAGMA wal_autocheckpoint=0");
  }
  Status Exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      Status st = Status::IOError(fmt::format("{}: {}: {}", path_, sql, msg ? msg : "?"));
      sqlite3_free(msg);
      return st;
    }
    return Status::OK();
  }
  Result<int64_t> QueryInt(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return Error(sql);
    int64_t v = 0;
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return Error(sql);
    return v;
  }
  // Sets v = randomblob(blob) for each id, in one transaction.
  Status UpdateRows(const std::vector<int64_t>& ids, int blob) {
    SILT_RETURN_IF_ERROR(Exec("BEGIN"));
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = fmt::format("UPDATE t SET v = randomblob({}) WHERE id = ?", blob);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return Error(sql);
    for (int64_t id : ids) {
      sqlite3_bind_int64(stmt, 1, id);
      if (sqlite3_step(stmt) != SQLITE_DONE) {
        sqlite3_finalize(stmt);
        return Error(sql);
      }
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    return Exec("COMMIT");
  }
  Status Close() {
    const int rc = sqlite3_close(db_);
    db_ = nullptr;
    if (rc != SQLITE_OK) return Status::IOError(fmt::format("{}: close: {}", path_, rc));
    return Status::OK();
  }
  sqlite3* get() { return db_; }

 private:
  Status Error(const std::string& what) {
    return Status::IOError(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_)));
  }
  std::string path_;
  sqlite3* db_ = nullptr;
};

// Inserts `rows` rows of randomblob(blob) into t, `per_txn` per transaction.
Status InsertRows(Db& db, uint64_t rows, int blob, uint64_t per_txn) {
  for (uint64_t done = 0; done < rows;) {
    const uint64_t n = std::min(per_txn, rows - done);
    SILT_RETURN_IF_ERROR(db.Exec(fmt::format(
        "BEGIN; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) "
        "INSERT INTO t(v) SELECT randomblob({}) FROM c; COMMIT",
        n, blob)));
    done += n;
  }
  return Status::OK();
}

// One timed operation.
struct Timed {
  double seconds = 0;
  uint64_t bytes_in = 0;       // what it reads
  uint64_t bytes_written = 0;  // what it leaves on the disk
  uint64_t io_written = 0;     // write_bytes of /proc/self/io during the run
  uint64_t io_read = 0;        // rchar of /proc/self/io during the run
  void SetIo(const ProcessIo& before) {
    const ProcessIo after = ReadProcessIo();
    io_written = after.write_bytes - before.write_bytes;
    io_read = after.rchar - before.rchar;
  }
  std::string note;
  std::string phases;  // snapshots: time between the store's steps
  // Snapshots: time after the last step hook ("persisted" for a full
  // snapshot, "fold-reap" for an incremental one): the Reap of older snapshots.
  double reap_seconds = 0;
  // Snapshots: the store removes reaped snapshots' files in the background;
  // the benchmark waits for that after the timed call (not timed), so that
  // it does not slow the next timed run.
  double background_delete_seconds = 0;
  // Incremental snapshots: from the call to the end of the fold that
  // SqliteSnapshotStore runs in the background after the call returns (the
  // benchmark waits for it right after the call with WaitForFold).
  double with_fold_seconds = 0;
  double InMBps() const { return bytes_in / seconds / kMB; }
};

Timed Total(const std::vector<Timed>& runs) {
  Timed t;
  for (const auto& r : runs) {
    t.seconds += r.seconds;
    t.bytes_in += r.bytes_in;
    t.bytes_written += r.bytes_written;
    t.io_written += r.io_written;
    t.reap_seconds += r.reap_seconds;
  }
  return t;
}

struct Results {
  std::string cache;  // what was done before each timed run
  // compact
  uint64_t wal_bytes = 0;
  uint64_t wal_txns = 0;
  double wal_build_seconds = 0;
  SqliteWalCompactStats compact_stats;
  std::vector<Timed> copy, compact;
  // backup, incr
  uint64_t db_bytes = 0;
  uint64_t db_pages = 0;
  double db_build_seconds = 0;
  std::vector<Timed> full_vs_backup, backup;
  std::vector<Timed> incremental, full_after_change;
  uint64_t changed_rows = 0;
  uint64_t changed_frames = 0;  // WAL frames before each incremental (one transaction)
};

class Bench {
 public:
  Bench(const Flags& flags, std::string root) : flags_(flags), root_(std::move(root)) {}
  Status Run();
  std::string Report() const;

 private:
  bool Wants(const std::string& s) const {
    std::stringstream in(flags_.scenarios);
    std::string item;
    while (std::getline(in, item, ',')) {
      if (item == s) return true;
    }
    return false;
  }
  void DropCache() {
    if (flags_.drop_cache) {
      results_.cache = DropPageCache({root_});
    } else {
      results_.cache = "page cache not dropped (--drop-cache=false): inputs may be cached";
    }
  }
  Status Compact();
  Status BuildDatabase();
  // A full snapshot into `store` (store_ or a fresh one).
  Status FullSnapshot(SqliteSnapshotStore* store, uint64_t index, Timed* t);
  // Waits (untimed) for the store's background removal of reaped snapshots.
  Status WaitForDeletes(SqliteSnapshotStore* store, Timed* t);
  Status Backup(Timed* t);
  Status ChangePages();
  Status Snapshots();

  const Flags& flags_;
  const std::string root_;
  std::string db_path_;
  std::unique_ptr<SqliteSnapshotStore> store_;
  std::string store_dir_;
  std::mt19937_64 rng_{42};
  Results results_;
  // Steps of the current snapshot, with the time each began.
  // Written by the step hook, which the store's background fold calls too;
  // read only once the fold is over.
  std::mutex steps_mu_;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> steps_;
  double ReapSeconds(std::chrono::steady_clock::time_point end) const {
    if (steps_.empty()) return 0;
    return std::chrono::duration<double>(end - steps_.back().second).count();
  }
  // "->step ms" for each step since start: the time up to that step from
  // the one before; "->end" is the time from the last step to the end.
  std::string Phases(std::chrono::steady_clock::time_point start,
                     std::chrono::steady_clock::time_point end) const {
    std::string out;
    auto at = start;
    for (const auto& [step, when] : steps_) {
      out += fmt::format("->{} {:.0f}, ", step,
                         std::chrono::duration<double>(when - at).count() * 1e3);
      at = when;
    }
    return out +
           fmt::format("->end {:.0f} ms", std::chrono::duration<double>(end - at).count() * 1e3);
  }
};

Status Bench::Compact() {
  const std::string dir = root_ + "/compact";
  std::filesystem::create_directories(dir);
  const std::string db_path = dir + "/src.db";
  const std::string wal = db_path + "-wal";
  // Rows of ~1000 bytes: about 4 per page.
  const int blob = 1000;
  const uint64_t rows = std::max<uint64_t>(1, flags_.working_set_mib * kMiB / (blob + 24));
  Progress(fmt::format("compact: building a {} MiB WAL ({} rows, {} updated per transaction)",
                       flags_.wal_mib, rows, flags_.rows_per_txn));
  const auto start = std::chrono::steady_clock::now();
  {
    Db db;
    SILT_RETURN_IF_ERROR(db.Open(db_path));
    SILT_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA page_size={}", flags_.page_size)));
    SILT_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
    SILT_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=OFF"));
    SILT_RETURN_IF_ERROR(db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)"));
    SILT_RETURN_IF_ERROR(InsertRows(db, rows, blob, 10000));
    std::uniform_int_distribution<int64_t> pick(1, static_cast<int64_t>(rows));
    std::vector<int64_t> ids(flags_.rows_per_txn);
    while (FileSize(wal) < flags_.wal_mib * kMiB) {
      for (auto& id : ids) id = pick(rng_);
      SILT_RETURN_IF_ERROR(db.UpdateRows(ids, blob));
      results_.wal_txns++;
    }
    SILT_RETURN_IF_ERROR(db.Close());
  }
  results_.wal_build_seconds = Since(start);
  results_.wal_bytes = FileSize(wal);
  if (results_.wal_bytes < flags_.wal_mib * kMiB) {
    return Status::IOError(fmt::format("{}: the WAL did not survive close", wal));
  }
  const std::string out = dir + "/out-wal";
  for (int round = 0; round < flags_.rounds; ++round) {
    for (int k = 0; k < 2; ++k) {
      // ABBA: copy first in even rounds, compaction first in odd ones.
      const bool copy = (k == 0) == (round % 2 == 0);
      std::error_code ec;
      std::filesystem::remove(out, ec);
      DropCache();
      Progress(fmt::format("compact: round {} {}", round + 1, copy ? "plain copy" : "compaction"));
      Timed t;
      const ProcessIo io0 = ReadProcessIo();
      const auto t0 = std::chrono::steady_clock::now();
      if (copy) {
        SILT_RETURN_IF_ERROR(PlainCopy(wal, out));
      } else {
        SILT_ASSIGN_OR_RETURN(results_.compact_stats,
                              CompactSqliteWalToPath(Env::Default(), wal, out));
      }
      t.seconds = Since(t0);
      t.SetIo(io0);
      t.bytes_in = results_.wal_bytes;
      t.bytes_written = FileSize(out);
      (copy ? results_.copy : results_.compact).push_back(t);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return Status::OK();
}

Status Bench::BuildDatabase() {
  const std::string dir = root_ + "/db";
  std::filesystem::create_directories(dir);
  db_path_ = dir + "/big.db";
  // Rows of 3800 bytes: one per leaf page of 4096 bytes, so a changed row is a
  // changed page.
  const int blob = flags_.page_size - 296;
  const uint64_t rows = std::max<uint64_t>(100, flags_.db_mib * kMiB / flags_.page_size);
  Progress(fmt::format("db: building a {} MiB database ({} rows of {} bytes)", flags_.db_mib, rows,
                       blob));
  const auto start = std::chrono::steady_clock::now();
  Db db;
  SILT_RETURN_IF_ERROR(db.Open(db_path_));
  SILT_RETURN_IF_ERROR(db.Exec(fmt::format("PRAGMA page_size={}", flags_.page_size)));
  // Built without a journal (not timed), then switched to WAL mode.
  SILT_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=OFF"));
  SILT_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=OFF"));
  SILT_RETURN_IF_ERROR(db.Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)"));
  SILT_RETURN_IF_ERROR(InsertRows(db, rows, blob, 20000));
  SILT_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=WAL"));
  SILT_ASSIGN_OR_RETURN(int64_t pages, db.QueryInt("PRAGMA page_count"));
  SILT_RETURN_IF_ERROR(db.Close());
  SILT_RETURN_IF_ERROR(SyncPath(db_path_, false));
  results_.db_build_seconds = Since(start);
  results_.db_pages = static_cast<uint64_t>(pages);
  results_.db_bytes = FileSize(db_path_);
  return Status::OK();
}

Status Bench::FullSnapshot(SqliteSnapshotStore* store, uint64_t index, Timed* t) {
  const ProcessIo io0 = ReadProcessIo();
  steps_.clear();
  const auto t0 = std::chrono::steady_clock::now();
  SILT_ASSIGN_OR_RETURN(auto r, store->Snapshot(db_path_, 1, index, SnapshotKind::kFull));
  const auto t1 = std::chrono::steady_clock::now();
  t->seconds = Since(t0);
  t->phases = Phases(t0, t1);
  t->reap_seconds = ReapSeconds(t1);
  t->SetIo(io0);
  t->bytes_in = results_.db_bytes;
  t->bytes_written = r.bytes;
  return WaitForDeletes(store, t);
}

Status Bench::WaitForDeletes(SqliteSnapshotStore* store, Timed* t) {
  const auto t0 = std::chrono::steady_clock::now();
  SILT_RETURN_IF_ERROR(store->store()->WaitForDeletes());
  t->background_delete_seconds = Since(t0);
  return Status::OK();
}

// SQLite's online backup of the source into a new file, then fsync of the
// file and of its directory (the store's full snapshot does both too).
Status Bench::Backup(Timed* t) {
  const std::string out = root_ + "/db/backup.db";
  std::error_code ec;
  std::filesystem::remove(out, ec);
  const ProcessIo io0 = ReadProcessIo();
  const auto t0 = std::chrono::steady_clock::now();
  {
    Db src;
    SILT_RETURN_IF_ERROR(src.Open(db_path_, SQLITE_OPEN_READWRITE));
    sqlite3* dst = nullptr;
    if (sqlite3_open_v2(out.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      sqlite3_close(dst);
      return Status::IOError(fmt::format("{}: open", out));
    }
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src.get(), "main");
    if (b == nullptr) {
      Status st = Status::IOError(fmt::format("backup_init: {}", sqlite3_errmsg(dst)));
      sqlite3_close(dst);
      return st;
    }
    const int step = sqlite3_backup_step(b, -1);
    const int fin = sqlite3_backup_finish(b);
    Status st;
    if (step != SQLITE_DONE || fin != SQLITE_OK) {
      st = Status::IOError(
          fmt::format("backup: step {} finish {}: {}", step, fin, sqlite3_errmsg(dst)));
    }
    sqlite3_close(dst);
    SILT_RETURN_IF_ERROR(st);
    SILT_RETURN_IF_ERROR(src.Close());
  }
  SILT_RETURN_IF_ERROR(SyncPath(out, false));
  SILT_RETURN_IF_ERROR(SyncPath(root_ + "/db", true));
  t->seconds = Since(t0);
  t->SetIo(io0);
  t->bytes_in = results_.db_bytes;
  t->bytes_written = FileSize(out);
  std::filesystem::remove(out, ec);
  return Status::OK();
}

// Changes change_pct % of the database's pages (one row = one page) in one
// transaction, left in the WAL.
Status Bench::ChangePages() {
  const uint64_t rows =
      std::max<uint64_t>(1, static_cast<uint64_t>(results_.db_pages * flags_.change_pct / 100.0));
  std::uniform_int_distribution<int64_t> pick(1, static_cast<int64_t>(results_.db_pages) - 100);
  std::set<int64_t> chosen;
  while (chosen.size() < rows) chosen.insert(pick(rng_));
  Db db;
  SILT_RETURN_IF_ERROR(db.Open(db_path_, SQLITE_OPEN_READWRITE));
  SILT_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size=-262144"));
  SILT_RETURN_IF_ERROR(
      db.UpdateRows(std::vector<int64_t>(chosen.begin(), chosen.end()), flags_.page_size - 296));
  SILT_RETURN_IF_ERROR(db.Close());
  results_.changed_rows = rows;
  const uint64_t wal = FileSize(db_path_ + "-wal");
  results_.changed_frames = wal > 32 ? (wal - 32) / (flags_.page_size + 24) : 0;
  return Status::OK();
}

Status Bench::Snapshots() {
  SILT_RETURN_IF_ERROR(BuildDatabase());
  store_dir_ = root_ + "/store";
  // The store's step hook (a test failpoint that never fails here) times the
  // phases of each snapshot, for the Note column.
  SqliteSnapshotOptions options;
  options.failpoint = [this](std::string_view step) {
    std::lock_guard<std::mutex> lock(steps_mu_);
    steps_.emplace_back(std::string(step), std::chrono::steady_clock::now());
    return Status::OK();
  };
  SILT_ASSIGN_OR_RETURN(store_, SqliteSnapshotStore::Open(Env::Default(), store_dir_, options));
  uint64_t index = 0;
  if (Wants("backup")) {
    for (int round = 0; round < flags_.rounds; ++round) {
      for (int k = 0; k < 2; ++k) {
        const bool full = (k == 0) == (round % 2 == 0);
        DropCache();
        Progress(fmt::format("backup: round {} {}", round + 1,
                             full ? "full snapshot" : "sqlite3_backup"));
        Timed t;
        if (full) {
          // A fresh store each time, so that, like the backup, the snapshot
          // does not delete a previous copy (Reap) inside the timed call.
          const std::string dir = fmt::format("{}/store3-{}", root_, round);
          SILT_ASSIGN_OR_RETURN(auto fresh,
                                SqliteSnapshotStore::Open(Env::Default(), dir, options));
          SILT_RETURN_IF_ERROR(FullSnapshot(fresh.get(), 1, &t));
          fresh.reset();
          std::filesystem::remove_all(dir);
          results_.full_vs_backup.push_back(t);
        } else {
          SILT_RETURN_IF_ERROR(Backup(&t));
          results_.backup.push_back(t);
        }
      }
    }
  }
  if (Wants("incr")) {
    if (index == 0) {
      Progress("incr: base full snapshot (not timed)");
      Timed t;
      SILT_RETURN_IF_ERROR(FullSnapshot(store_.get(), ++index, &t));
    }
    for (int round = 0; round < flags_.rounds; ++round) {
      for (int k = 0; k < 2; ++k) {
        const bool incremental = (k == 0) == (round % 2 == 0);
        Progress(fmt::format("incr: changing {}% of the pages", flags_.change_pct));
        SILT_RETURN_IF_ERROR(ChangePages());
        const uint64_t frames = results_.changed_frames;
        DropCache();
        Progress(fmt::format("incr: round {} {} ({} WAL frames)", round + 1,
                             incremental ? "incremental snapshot" : "full snapshot", frames));
        Timed t;
        if (incremental) {
          const ProcessIo io0 = ReadProcessIo();
          steps_.clear();
          const auto t0 = std::chrono::steady_clock::now();
          SILT_ASSIGN_OR_RETURN(auto r,
                                store_->Snapshot(db_path_, 1, ++index, SnapshotKind::kIncremental));
          t.seconds = Since(t0);
          const auto t1 = std::chrono::steady_clock::now();
          // The fold (and its Reap) runs in the background after the call.
          SILT_RETURN_IF_ERROR(store_->WaitForFold());
          const auto t2 = std::chrono::steady_clock::now();
          t.with_fold_seconds = std::chrono::duration<double>(t2 - t0).count();
          steps_.emplace_back("returned", t1);
          std::stable_sort(steps_.begin(), steps_.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
          t.phases = Phases(t0, t2);
          t.reap_seconds = 0;
          t.SetIo(io0);
          if (r.kind != SnapshotKind::kIncremental) {
            return Status::Aborted("the incremental snapshot was taken as a full one");
          }
          t.bytes_in = frames * (flags_.page_size + 24) + 32;
          t.bytes_written = r.bytes;
          SILT_RETURN_IF_ERROR(WaitForDeletes(store_.get(), &t));
          t.note = fmt::format("{} WAL frames", frames);
          results_.incremental.push_back(t);
        } else {
          SILT_RETURN_IF_ERROR(FullSnapshot(store_.get(), ++index, &t));
          t.note = fmt::format("{} WAL frames checkpointed first", frames);
          results_.full_after_change.push_back(t);
        }
      }
    }
    // The newest snapshot must restore to the source database (checked
    // without timing: the same bytes as the source after its checkpoint).
    Progress("incr: checking that the newest snapshot restores to the source");
    const std::string restored = root_ + "/db/restored.db";
    SILT_RETURN_IF_ERROR(store_->Restore("", restored));
    if (FileSize(restored) != FileSize(db_path_)) {
      return Status::Corruption("restored database differs in size from the source");
    }
    std::ifstream a(restored, std::ios::binary), b(db_path_, std::ios::binary);
    std::vector<char> x(kCopyBuffer), y(kCopyBuffer);
    while (a && b) {
      a.read(x.data(), x.size());
      b.read(y.data(), y.size());
      if (a.gcount() != b.gcount() || std::memcmp(x.data(), y.data(), a.gcount()) != 0) {
        return Status::Corruption("restored database differs from the source");
      }
    }
    std::filesystem::remove(restored);
  }
  store_.reset();
  return Status::OK();
}

Status Bench::Run() {
  if (Wants("compact")) SILT_RETURN_IF_ERROR(Compact());
  if (Wants("backup") || Wants("incr")) SILT_RETURN_IF_ERROR(Snapshots());
  return Status::OK();
}

std::string Bench::Report() const {
  const Results& r = results_;
  std::string out;
  auto rows = [](MarkdownTable& t, const std::string& what, const std::string& side,
                 const std::vector<Timed>& runs) {
    for (size_t i = 0; i < runs.size(); ++i) {
      const Timed& x = runs[i];
      t.AddRow({what, side, std::to_string(i + 1), Num(x.seconds), Num(x.InMBps()),
                Num(x.bytes_written / kMB), Num(x.io_read / kMB), Num(x.io_written / kMB), x.note});
    }
  };
  MarkdownTable detail({"Scenario", "Side", "Run", "Seconds", "MB/s (input)", "MB output",
                        "MB read (process)", "MB written (process)", "Note"});
  if (!r.copy.empty()) {
    out += fmt::format(
        "WAL: {} MB in {} update transactions (built in {} s); compaction: {} frames in, {} "
        "frames out, {} distinct pages, {} MB out.\n\n",
        Num(r.wal_bytes / kMB), r.wal_txns, Num(r.wal_build_seconds), r.compact_stats.frames_in,
        r.compact_stats.frames_out, r.compact_stats.pages, Num(r.compact_stats.bytes_out / kMB));
    rows(detail, "1: WAL", "plain copy", r.copy);
    rows(detail, "1: WAL", "silt compaction", r.compact);
  }
  if (r.db_bytes > 0) {
    out +=
        fmt::format("Database: {} MB, {} pages of {} bytes (built in {} s).\n\n",
                    Num(r.db_bytes / kMB), r.db_pages, flags_.page_size, Num(r.db_build_seconds));
  }
  if (!r.full_vs_backup.empty()) {
    rows(detail, "3: whole database", "silt full snapshot", r.full_vs_backup);
    rows(detail, "3: whole database", "sqlite3_backup + fsync", r.backup);
  }
  if (!r.incremental.empty()) {
    out += fmt::format(
        "Change before each snapshot of scenario 2: {} rows rewritten = {}% of the pages, one "
        "transaction, {} WAL frames.\n\n",
        r.changed_rows, Num(flags_.change_pct), r.changed_frames);
    const std::string change = fmt::format("2: after {}% changed", Num(flags_.change_pct));
    rows(detail, change, "silt incremental snapshot", r.incremental);
    rows(detail, change, "silt full snapshot", r.full_after_change);
  }
  out += detail.ToString() +
         "\nMB/s (input) = bytes read / seconds (for an incremental snapshot: the WAL's size). "
         "MB output = the output file (copy, compacted WAL, backup, snapshot data file). MB "
         "written (process) = write_bytes of /proc/self/io during the run: every byte this "
         "process sent to storage, SQLite's included (an incremental snapshot writes the "
         "compacted WAL, SQLite checkpoints the source's WAL, and the fold applies the "
         "compacted WAL to the moved database).\nPage cache before each "
         "timed run: " +
         r.cache + ".\n\n";

  MarkdownTable t({"Scenario", "silt", "Peer", "Ratio", "Target", "Result"});
  if (!r.copy.empty()) {
    const Timed c = Total(r.copy), s = Total(r.compact);
    const double share = s.InMBps() / c.InMBps();
    t.AddRow(
        {fmt::format("1: compaction of a {} MB WAL vs plain copy", Num(r.wal_bytes / kMB)),
         fmt::format("{} MB/s ({} s, writes {} MB)", Num(s.InMBps()),
                     Num(s.seconds / r.compact.size()),
                     Num(s.bytes_written / r.compact.size() / kMB)),
         fmt::format("{} MB/s ({} s, writes {} MB)", Num(c.InMBps()),
                     Num(c.seconds / r.copy.size()), Num(c.bytes_written / r.copy.size() / kMB)),
         Num(share * 100) + "% of copy speed", ">= 50%", Met(share >= 0.5)});
  }
  if (!r.incremental.empty()) {
    const Timed i = Total(r.incremental), f = Total(r.full_after_change);
    const double speedup =
        (f.seconds / r.full_after_change.size()) / (i.seconds / r.incremental.size());
    t.AddRow({fmt::format("2: incremental vs full snapshot, {} MB db, {}% pages changed",
                          Num(r.db_bytes / kMB), Num(flags_.change_pct)),
              fmt::format("{} s (writes {} MB)", Num(i.seconds / r.incremental.size()),
                          Num(i.bytes_written / r.incremental.size() / kMB)),
              fmt::format("full: {} s (writes {} MB)", Num(f.seconds / r.full_after_change.size()),
                          Num(f.bytes_written / r.full_after_change.size() / kMB)),
              Num(speedup) + "x faster", ">= 20x", Met(speedup >= 20)});
    // The same without the Reap at the end of each call (for a full snapshot
    // in a store that already holds one: deleting the previous 1 GB copy).
    const double i2 = (i.seconds - i.reap_seconds) / r.incremental.size();
    const double f2 = (f.seconds - f.reap_seconds) / r.full_after_change.size();
    double with_fold = 0;
    for (const auto& x : r.incremental) with_fold += x.with_fold_seconds;
    with_fold /= r.incremental.size();
    const double full_s = f.seconds / r.full_after_change.size();
    t.AddRow({"2 (same runs, incremental timed until its background fold ended)",
              fmt::format("{} s", Num(with_fold)), fmt::format("full: {} s", Num(full_s)),
              Num(full_s / with_fold) + "x faster", "(reported)", "-"});
    t.AddRow(
        {"2 (same runs, without the Reap of older snapshots at the end of each call; the "
         "incremental's fold and Reap run after its call anyway)",
         fmt::format("{} s", Num(i2)), fmt::format("full: {} s", Num(f2)),
         Num(f2 / i2) + "x faster", ">= 20x", Met(f2 / i2 >= 20)});
  }
  if (!r.full_vs_backup.empty()) {
    const Timed s = Total(r.full_vs_backup), b = Total(r.backup);
    const double ratio = b.seconds / r.backup.size() / (s.seconds / r.full_vs_backup.size());
    t.AddRow(
        {fmt::format("3: full snapshot vs sqlite3_backup, {} MB db", Num(r.db_bytes / kMB)),
         fmt::format("{} MB/s ({} s)", Num(s.InMBps()), Num(s.seconds / r.full_vs_backup.size())),
         fmt::format("{} MB/s ({} s)", Num(b.InMBps()), Num(b.seconds / r.backup.size())),
         Num(ratio) + "x the speed", ">= 1x", Met(ratio >= 1)});
  }
  out += t.ToString();
  bool any = false;
  for (const auto* runs : {&r.full_vs_backup, &r.incremental, &r.full_after_change}) {
    for (const auto& x : *runs) any = any || !x.phases.empty();
  }
  if (any) {
    out +=
        "\nPhases of each snapshot, from SqliteSnapshotStore's step hook: \"->step N\" = N ms "
        "from the previous step (or the call) up to that step; \"->end\" = from the last step "
        "to the return (for an incremental snapshot, \"->returned\" is the return of the call "
        "and \"->end\" the end of the fold it left to the background):\n\n";
    auto list = [&](const std::string& what, const std::vector<Timed>& runs) {
      for (size_t i = 0; i < runs.size(); ++i) {
        out += fmt::format(
            "- {} {}: {}; then (not timed) background removal of reaped "
            "snapshots {:.0f} ms\n",
            what, i + 1, runs[i].phases, runs[i].background_delete_seconds * 1e3);
      }
    };
    list("scenario 3, full snapshot", r.full_vs_backup);
    list("scenario 2, incremental snapshot", r.incremental);
    list("scenario 2, full snapshot", r.full_after_change);
  }
  return out;
}

std::string Conditions(const Flags& f, const std::string& root, const std::string& load) {
  return MachineDescription() +
         fmt::format(
             "SQLite {}; data in {}; load average at start: {}.\n"
             "Parameters: --scenarios {} --wal-mib {} --working-set-mib {} --rows-per-txn {} "
             "--db-mib "
             "{} --change-pct {} --rounds {} --page-size {} --drop-cache={}.\n{}\n\n",
             sqlite3_libversion(), root, load, f.scenarios, f.wal_mib, f.working_set_mib,
             f.rows_per_txn, f.db_mib, f.change_pct, f.rounds, f.page_size,
             f.drop_cache ? "true" : "false", BuildDescription());
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  using silt::bench::Flags;
  Flags flags;
  CLI::App app("silt SQLite snapshot store vs plain copy and sqlite3_backup (same run)");
  app.add_option("--dir", flags.dir,
                 "Parent directory for the data (a fresh subdirectory is created and removed); "
                 "default $TMPDIR or /tmp");
  app.add_option("--scenarios", flags.scenarios, "Comma-separated: compact,backup,incr")
      ->capture_default_str();
  app.add_option("--wal-mib", flags.wal_mib, "compact: WAL size")->capture_default_str();
  app.add_option("--working-set-mib", flags.working_set_mib, "compact: rows the updates touch")
      ->capture_default_str();
  app.add_option("--rows-per-txn", flags.rows_per_txn, "compact: rows updated per transaction")
      ->capture_default_str();
  app.add_option("--db-mib", flags.db_mib, "backup, incr: database size")->capture_default_str();
  app.add_option("--change-pct", flags.change_pct, "incr: % of the pages changed")
      ->capture_default_str();
  app.add_option("--rounds", flags.rounds, "Timed runs per side and scenario (ABBA order)")
      ->capture_default_str();
  app.add_option("--page-size", flags.page_size, "SQLite page size")->capture_default_str();
  app.add_option("--drop-cache", flags.drop_cache,
                 "Drop the page cache before every timed run (needs root; else "
                 "posix_fadvise(DONTNEED))")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string root = silt::bench::CreateRunDirectory(flags.dir, "snapshot_bench");
  if (root.empty()) return 1;
  std::error_code ec;
  const auto start = std::chrono::steady_clock::now();
  const std::string conditions = silt::bench::Conditions(flags, root, silt::bench::LoadAverage());
  silt::bench::Bench bench(flags, root);
  const silt::Status status = bench.Run();
  const std::string load_end = silt::bench::LoadAverage();
  std::filesystem::remove_all(root, ec);
  std::printf("%s%s\nLoad average at end: %s. Whole run: %.0f s.\n", conditions.c_str(),
              bench.Report().c_str(), load_end.c_str(), silt::bench::Since(start));
  if (!status.ok()) {
    std::fprintf(stderr, "snapshot_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

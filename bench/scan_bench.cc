// scan_bench: silt's rowsets and scan executor against DuckDB and SQLite on
// TPC-H lineitem (issue 6, "Benchmark"), in the same run, on the same rows
// (src/table/tpch_lineitem.h):
//   - write: silt generates the rows and writes rowsets of --rowset-rows
//     rows (fsynced); SQLite inserts the generated rows into a file database
//     in one transaction; DuckDB COPYs the same rows from a CSV file and
//     CHECKPOINTs (bench/duckdb/scan_bench.mjs, run with node);
//   - bytes on disk of each;
//   - TPC-H Q1 and Q6 (validation parameters): silt's RunQuery (one thread),
//     DuckDB with 1 thread and with all threads, SQLite; one warm-up round,
//     then --runs timed rounds, each running every system once back to back
//     (so that load from other processes falls on all of them alike); the
//     median is reported (warm page cache).
// The three systems' answers are compared (Q6 revenue, Q1 groups and
// counts): a fast wrong answer fails the run. The output is Markdown, ready
// for docs/benchmarks.md; progress goes to stderr. scripts/bench_scan.sh
// builds it, installs DuckDB's node package and runs it at SF 1.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_report.h"
#include "bench/markdown_table.h"
#include "silt/env.h"
#include "table/query.h"
#include "table/rowset_reader.h"
#include "table/tpch_lineitem.h"

namespace silt::bench {
namespace {

constexpr double kMB = 1e6;

struct Flags {
  double sf = 1;
  std::string dir;
  uint64_t rowset_rows = 1000000;
  int runs = 3;
  bool sqlite = true;
  std::string duckdb_script;  // empty: no DuckDB
  std::string node = "node";
  bool keep = false;
};

// The same for SQLite, whose table holds decimals as integers scaled by 100
// and dates as day numbers (as in tests/table/query_sqlite_compare_test.cc),
// so its sums are exact: Q6's revenue comes out scaled by 10^4.
std::string SqliteQ1() {
  return fmt::format(
      "SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), "
      "sum(l_extendedprice * (100 - l_discount)), "
      "sum(l_extendedprice * (100 - l_discount) * (100 + l_tax)), avg(l_quantity), "
      "avg(l_extendedprice), avg(l_discount), count(*) FROM lineitem WHERE l_shipdate <= {} "
      "GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
      ParseDate("1998-09-02").value());
}
std::string SqliteQ6() {
  return fmt::format(
      "SELECT sum(l_extendedprice * l_discount) FROM lineitem WHERE l_shipdate >= {} AND "
      "l_shipdate < {} AND l_discount BETWEEN 5 AND 7 AND l_quantity < 2400",
      ParseDate("1994-01-01").value(), ParseDate("1995-01-01").value());
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::string Seconds(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + fmt::format("{:.3f}", x);
  return s;
}

bool Close(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-9;
}

uint64_t TreeBytes(const std::string& path) {
  std::error_code ec;
  uint64_t total = 0;
  if (std::filesystem::is_regular_file(path, ec)) return std::filesystem::file_size(path, ec);
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// What each system answered, for the cross-check.
struct Answer {
  double q6_revenue = NAN;
  std::vector<std::string> q1_groups;  // "A|F"
  std::vector<int64_t> q1_counts;
};

struct Timings {
  std::vector<double> q1, q6;
};

struct SystemResult {
  bool ran = false;
  uint64_t rows = 0;
  double load_seconds = 0;
  uint64_t bytes = 0;
  Timings t1;   // one thread
  Timings all;  // all threads (DuckDB only)
  Answer answer;
  std::string note;
};

// Each system loads first; then, query by query, every system runs once
// untimed (warm-up) and then --runs rounds of [silt, DuckDB 1 thread, DuckDB
// all threads, SQLite] back to back, so that load from other processes on a
// shared machine falls on all of them alike.

// ---- silt --------------------------------------------------------------------

class SiltSide {
 public:
  Status Load(const Flags& f, const std::string& root, SystemResult* out, double* generate_only) {
    LineitemOptions options;
    options.scale_factor = f.sf;
    {
      Progress("generating lineitem in memory (generator cost alone)");
      const auto start = std::chrono::steady_clock::now();
      LineitemGenerator gen(options);
      RowBatch batch;
      while (gen.NextRows(&batch, 2048)) {
      }
      *generate_only = Since(start);
    }
    Progress("silt: writing rowsets");
    const auto start = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(
        auto written, WriteLineitemRowSets(Env::Default(), root + "/silt", options, f.rowset_rows));
    out->load_seconds = Since(start);
    out->bytes = written.bytes;
    out->rows = written.rows;
    out->note =
        fmt::format("{} rowset{}", written.dirs.size(), written.dirs.size() == 1 ? "" : "s");
    for (const auto& d : written.dirs) {
      SILT_ASSIGN_OR_RETURN(auto r, RowSetReader::Open(Env::Default(), d));
      ptrs_.push_back(r.get());
      readers_.push_back(std::move(r));
    }
    out->ran = true;
    return Status::OK();
  }

  // Runs Q1 or Q6 once; the first run of each records the answer and counters.
  Result<double> Run(bool q1, SystemResult* out, std::string* counters) {
    const auto t0 = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(QueryResult r, RunQuery(q1 ? kTpchQ1 : kTpchQ6, ptrs_));
    const double secs = Since(t0);
    if (q1 && out->answer.q1_groups.empty()) {
      if (r.columns.size() != 10) return Status::Corruption("silt Q1: not 10 columns");
      for (size_t row = 0; row < r.rows; ++row) {
        out->answer.q1_groups.push_back(FormatResultValue(r.columns[0], row) + "|" +
                                        FormatResultValue(r.columns[1], row));
        out->answer.q1_counts.push_back(std::stoll(FormatResultValue(r.columns[9], row)));
      }
    } else if (!q1 && std::isnan(out->answer.q6_revenue)) {
      if (r.rows != 1) return Status::Corruption("silt Q6: not one row");
      out->answer.q6_revenue = std::stod(FormatResultValue(r.columns[0], 0));
    } else {
      return secs;
    }
    const ScanCounters& c = r.counters;
    *counters += fmt::format(
        "silt {}: {} blocks read, {} skipped by zone maps, {} column blocks read, {} rows "
        "matched.\n",
        q1 ? "Q1" : "Q6", c.blocks_read, c.blocks_skipped_zone_map, c.column_blocks_read,
        r.rows_matched);
    return secs;
  }

 private:
  std::vector<std::unique_ptr<RowSetReader>> readers_;
  std::vector<const RowSetReader*> ptrs_;
};

// ---- SQLite ------------------------------------------------------------------

class SqliteDb {
 public:
  ~SqliteDb() {
    if (db_ != nullptr) sqlite3_close(db_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) return Error("open");
    return Status::OK();
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
  // Runs sql; calls row(stmt) for each result row.
  template <typename F>
  Status Query(const std::string& sql, F&& row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return Error(sql);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? Status::OK() : Error(sql);
  }
  sqlite3* db() { return db_; }
  Status Error(const std::string& what) {
    return Status::IOError(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_)));
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

Status LoadSqlite(SqliteDb* db, const LineitemOptions& options) {
  std::string create = "CREATE TABLE lineitem (", insert = "INSERT INTO lineitem VALUES (";
  const auto schema = LineitemSchema();
  for (size_t c = 0; c < schema.size(); ++c) {
    create += (c ? ", " : "") + schema[c].name +
              (schema[c].type.id() == TypeId::kString ? " TEXT NOT NULL" : " INTEGER NOT NULL");
    insert += c ? ", ?" : "?";
  }
  SILT_RETURN_IF_ERROR(db->Exec(create + ")"));
  SILT_RETURN_IF_ERROR(db->Exec("BEGIN"));
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db->db(), (insert + ")").c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return db->Error(insert);
  }
  LineitemGenerator gen(options);
  RowBatch b;
  while (gen.NextRows(&b, 2048)) {
    for (size_t r = 0; r < b.rows; ++r) {
      for (size_t c = 0; c < b.columns.size(); ++c) {
        const ColumnVector& v = b.columns[c];
        const int i = static_cast<int>(c) + 1;
        switch (v.physical()) {
          case PhysicalType::kInt32:
            sqlite3_bind_int64(stmt, i, v.Get<int32_t>(r));
            break;
          case PhysicalType::kInt64:
            sqlite3_bind_int64(stmt, i, v.Get<int64_t>(r));
            break;
          default: {
            const std::string_view s = v.GetString(r);
            sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
          }
        }
      }
      if (sqlite3_step(stmt) != SQLITE_DONE) {
        sqlite3_finalize(stmt);
        return db->Error("insert");
      }
      sqlite3_reset(stmt);
    }
  }
  sqlite3_finalize(stmt);
  return db->Exec("COMMIT");
}

class SqliteSide {
 public:
  Status Load(const Flags& f, const std::string& root, SystemResult* out) {
    const std::string path = root + "/lineitem.sqlite";
    LineitemOptions options;
    options.scale_factor = f.sf;
    SILT_RETURN_IF_ERROR(db_.Open(path));
    Progress("SQLite: loading");
    const auto start = std::chrono::steady_clock::now();
    SILT_RETURN_IF_ERROR(LoadSqlite(&db_, options));
    out->load_seconds = Since(start);
    out->bytes = TreeBytes(path);
    out->note = "page size 4096";
    out->ran = true;
    return Status::OK();
  }

  Result<double> Run(bool q1, SystemResult* out) {
    Answer a;
    const auto t0 = std::chrono::steady_clock::now();
    SILT_RETURN_IF_ERROR(db_.Query(q1 ? SqliteQ1() : SqliteQ6(), [&](sqlite3_stmt* s) {
      if (q1) {
        a.q1_groups.push_back(
            fmt::format("{}|{}", reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                        reinterpret_cast<const char*>(sqlite3_column_text(s, 1))));
        a.q1_counts.push_back(sqlite3_column_int64(s, 9));
      } else {
        a.q6_revenue = static_cast<double>(sqlite3_column_int64(s, 0)) / 1e4;
      }
    }));
    const double secs = Since(t0);
    if (q1 && out->answer.q1_groups.empty()) {
      out->answer.q1_groups = a.q1_groups;
      out->answer.q1_counts = a.q1_counts;
    } else if (!q1 && std::isnan(out->answer.q6_revenue)) {
      out->answer.q6_revenue = a.q6_revenue;
    }
    return secs;
  }

 private:
  SqliteDb db_;
};

// ---- DuckDB ------------------------------------------------------------------

std::string JsonText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// bench/duckdb/scan_bench.mjs --serve 1 as a child process: requests on its
// stdin, one JSON line of answer each on its stdout; stderr is shared.
class DuckDbSide {
 public:
  ~DuckDbSide() { (void)Stop(); }  // an error was reported by the explicit Stop

  Status Load(const Flags& f, const std::string& root, SystemResult* out, std::string* version,
              int* threads_all, double* csv_seconds) {
    LineitemOptions options;
    options.scale_factor = f.sf;
    const std::string csv = root + "/lineitem.csv";
    Progress("writing CSV for DuckDB");
    const auto start = std::chrono::steady_clock::now();
    SILT_RETURN_IF_ERROR(WriteLineitemCsv(Env::Default(), csv, options).status());
    *csv_seconds = Since(start);
    const std::vector<std::string> argv = {f.node, f.duckdb_script,           "--csv",   csv,
                                           "--db", root + "/lineitem.duckdb", "--serve", "1"};
    Progress("DuckDB: " + fmt::format("{}", fmt::join(argv, " ")));
    SILT_RETURN_IF_ERROR(Start(argv));
    SILT_ASSIGN_OR_RETURN(nlohmann::json j, ReadJson());
    std::filesystem::remove(csv);
    try {
      *version = j.at("duckdb_version").get<std::string>();
      *threads_all = threads_all_ = j.at("threads_all").get<int>();
      out->load_seconds = j.at("load_seconds").get<double>();
      out->bytes = j.at("file_bytes").get<uint64_t>();
    } catch (const std::exception& e) {
      return Status::Corruption(fmt::format("DuckDB output: {}: {}", e.what(), j.dump()));
    }
    out->note = "COPY from CSV + CHECKPOINT";
    out->ran = true;
    return Status::OK();
  }

  // Runs Q1 or Q6 once with 1 thread or all threads; DuckDB's own timing
  // (around runAndReadAll, in the node process).
  Result<double> Run(bool q1, bool all_threads, SystemResult* out) {
    nlohmann::json req = {{"query", q1 ? "q1" : "q6"}, {"threads", all_threads ? threads_all_ : 1}};
    const std::string line = req.dump() + "\n";
    if (std::fwrite(line.data(), 1, line.size(), to_) != line.size() || std::fflush(to_) != 0) {
      return Status::IOError("writing to the DuckDB process");
    }
    SILT_ASSIGN_OR_RETURN(nlohmann::json j, ReadJson());
    try {
      const auto& rows = j.at("rows");
      if (q1 && out->answer.q1_groups.empty()) {
        for (const auto& row : rows) {
          out->answer.q1_groups.push_back(JsonText(row.at(0)) + "|" + JsonText(row.at(1)));
          out->answer.q1_counts.push_back(std::stoll(JsonText(row.at(9))));
        }
      } else if (!q1 && std::isnan(out->answer.q6_revenue)) {
        out->answer.q6_revenue = std::stod(JsonText(rows.at(0).at(0)));
      }
      return j.at("seconds").get<double>();
    } catch (const std::exception& e) {
      return Status::Corruption(fmt::format("DuckDB output: {}: {}", e.what(), j.dump()));
    }
  }

  Status Stop() {
    if (pid_ <= 0) return Status::OK();
    if (to_ != nullptr) std::fclose(to_);
    if (from_ != nullptr) std::fclose(from_);
    to_ = from_ = nullptr;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return Status::IOError(fmt::format("the DuckDB process failed (status {})", status));
    }
    return Status::OK();
  }

 private:
  Status Start(const std::vector<std::string>& argv) {
    int in[2], out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) return Status::IOError("pipe", errno);
    pid_ = ::fork();
    if (pid_ < 0) return Status::IOError("fork", errno);
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::close(in[0]);
      ::close(in[1]);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      std::fprintf(stderr, "scan_bench: cannot run %s: %s\n", args[0], std::strerror(errno));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    to_ = ::fdopen(in[1], "w");
    from_ = ::fdopen(out[0], "r");
    return Status::OK();
  }

  Result<nlohmann::json> ReadJson() {
    std::string line;
    int c;
    while ((c = std::fgetc(from_)) != EOF && c != '\n') line.push_back(static_cast<char>(c));
    if (line.empty()) return Status::IOError("the DuckDB process ended without an answer");
    try {
      return nlohmann::json::parse(line);
    } catch (const std::exception& e) {
      return Status::Corruption(fmt::format("DuckDB output: {}: {}", e.what(), line));
    }
  }

  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
  int threads_all_ = 1;
};

// ---- the report --------------------------------------------------------------

std::string Ratio(double a, double b) {
  return b > 0 && a > 0 ? fmt::format("{:.2f}x", a / b) : "-";
}

Status CheckAnswers(const SystemResult& silt, const SystemResult& other, const char* name) {
  if (!other.ran) return Status::OK();
  if (!Close(silt.answer.q6_revenue, other.answer.q6_revenue)) {
    return Status::Corruption(fmt::format("Q6 revenue: silt {} vs {} {}", silt.answer.q6_revenue,
                                          name, other.answer.q6_revenue));
  }
  if (silt.answer.q1_groups != other.answer.q1_groups ||
      silt.answer.q1_counts != other.answer.q1_counts) {
    return Status::Corruption(fmt::format("Q1 groups or counts differ between silt and {}", name));
  }
  return Status::OK();
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  using namespace silt::bench;
  Flags f;
  CLI::App app("silt rowsets and scans vs DuckDB and SQLite on TPC-H lineitem (same run)");
  app.add_option("--sf", f.sf, "TPC-H scale factor")->capture_default_str();
  app.add_option("--dir", f.dir,
                 "Parent directory for the data (a fresh subdirectory is created and removed); "
                 "default $TMPDIR or /tmp");
  app.add_option("--rowset-rows", f.rowset_rows, "Rows per silt rowset")->capture_default_str();
  app.add_option("--runs", f.runs, "Timed runs per query and system (after one warm-up)")
      ->capture_default_str();
  app.add_option("--sqlite", f.sqlite, "Run SQLite")->capture_default_str();
  app.add_option("--duckdb-script", f.duckdb_script,
                 "bench/duckdb/scan_bench.mjs in a directory where @duckdb/node-api is "
                 "installed; empty: no DuckDB");
  app.add_option("--node", f.node, "The node program")->capture_default_str();
  app.add_option("--keep", f.keep, "Keep the data directory")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!(f.sf > 0) || f.runs < 1 || f.rowset_rows == 0) {
    std::fprintf(stderr, "scan_bench: --sf must be > 0, --runs and --rowset-rows >= 1\n");
    return 2;
  }

  const std::string root = CreateRunDirectory(f.dir, "scan_bench");
  if (root.empty()) return 1;
  const auto start = std::chrono::steady_clock::now();
  const std::string load_start = LoadAverage();
  SystemResult silt, duck, lite;
  double generate_only = 0, csv_seconds = 0;
  std::string counters, duck_version = "-";
  int threads_all = 0;
  SiltSide silt_side;
  DuckDbSide duck_side;
  SqliteSide lite_side;
  silt::Status st = silt_side.Load(f, root, &silt, &generate_only);
  if (st.ok() && !f.duckdb_script.empty()) {
    st = duck_side.Load(f, root, &duck, &duck_version, &threads_all, &csv_seconds);
  }
  if (st.ok() && f.sqlite) st = lite_side.Load(f, root, &lite);
  // Round 0 warms up every system; rounds 1..runs are timed.
  for (bool q1 : {true, false}) {
    for (int round = 0; st.ok() && round <= f.runs; ++round) {
      Progress(fmt::format("{} round {}/{}", q1 ? "Q1" : "Q6", round, f.runs));
      auto record = [&](silt::Result<double> r, Timings* t) {
        if (!r.ok()) {
          st = r.status();
        } else if (round > 0) {
          (q1 ? t->q1 : t->q6).push_back(*r);
        }
      };
      record(silt_side.Run(q1, &silt, &counters), &silt.t1);
      if (st.ok() && duck.ran) record(duck_side.Run(q1, false, &duck), &duck.t1);
      if (st.ok() && duck.ran) record(duck_side.Run(q1, true, &duck), &duck.all);
      if (st.ok() && lite.ran) record(lite_side.Run(q1, &lite), &lite.t1);
    }
  }
  if (st.ok()) st = duck_side.Stop();
  if (st.ok()) st = CheckAnswers(silt, duck, "DuckDB");
  if (st.ok()) st = CheckAnswers(silt, lite, "SQLite");
  const std::string load_end = LoadAverage();
  std::error_code ec;
  if (!f.keep) std::filesystem::remove_all(root, ec);
  if (!st.ok()) {
    std::fprintf(stderr, "scan_bench: %s\n", st.ToString().c_str());
    return 1;
  }

  std::string out = MachineDescription();
  out += fmt::format(
      "SQLite {}; DuckDB {} (@duckdb/node-api, {} threads = all); data in {}{}; load average at "
      "start: {}.\nParameters: --sf {} --rowset-rows {} --runs {}.\n{}\n\n",
      sqlite3_libversion(), duck_version, threads_all, root, f.keep ? " (kept)" : " (removed)",
      load_start, f.sf, f.rowset_rows, f.runs, BuildDescription());
  out += fmt::format(
      "lineitem SF {}: {} rows ({} orders). Generating them alone takes {} s (included in silt's "
      "and SQLite's load times; DuckDB loads a CSV written beforehand in {} s, not counted).\n\n",
      f.sf, silt.rows, silt::LineitemScale::For(f.sf).orders, Num(generate_only), Num(csv_seconds));

  MarkdownTable load({"System", "How loaded", "Seconds", "MB on disk", "Size vs DuckDB"});
  load.AddRow({"silt", "generate + write rowsets (fsync), " + silt.note, Num(silt.load_seconds),
               Num(silt.bytes / kMB), duck.ran ? Ratio(silt.bytes, duck.bytes) : "-"});
  if (duck.ran) {
    load.AddRow({"DuckDB", duck.note, Num(duck.load_seconds), Num(duck.bytes / kMB), "1.00x"});
  }
  if (lite.ran) {
    load.AddRow({"SQLite", "generate + INSERT in one transaction, " + lite.note,
                 Num(lite.load_seconds), Num(lite.bytes / kMB),
                 duck.ran ? Ratio(lite.bytes, duck.bytes) : "-"});
  }
  out += load.ToString() + "\n";

  MarkdownTable q(
      {"Query", "silt (1 thread)", "DuckDB (1 thread)",
       duck.ran ? fmt::format("DuckDB ({} threads)", threads_all) : "DuckDB (all threads)",
       "SQLite", "silt / DuckDB (1 thread)", "SQLite / silt"});
  struct Q {
    const char* name;
    std::vector<double> Timings::*field;
  };
  for (const Q& x : {Q{"Q1", &Timings::q1}, Q{"Q6", &Timings::q6}}) {
    const double s = Median(silt.t1.*x.field);
    const double d1 = Median(duck.t1.*x.field), dn = Median(duck.all.*x.field);
    const double l = Median(lite.t1.*x.field);
    q.AddRow({x.name, fmt::format("{:.3f} s", s), duck.ran ? fmt::format("{:.3f} s", d1) : "-",
              duck.ran ? fmt::format("{:.3f} s", dn) : "-",
              lite.ran ? fmt::format("{:.3f} s", l) : "-", duck.ran ? Ratio(s, d1) : "-",
              lite.ran ? Ratio(l, s) : "-"});
  }
  out += q.ToString();
  out += fmt::format(
      "\nEach time is the median of {} rounds after one warm-up round; a round runs silt, "
      "DuckDB (1 thread), DuckDB (all threads) and SQLite once each, back to back. Warm page "
      "cache (the data was just written; DuckDB's buffer pool warm after the warm-up). Runs "
      "(s): silt Q1 "
      "[{}], Q6 [{}]; DuckDB 1 thread Q1 [{}], Q6 [{}]; DuckDB all threads Q1 [{}], Q6 [{}]; "
      "SQLite Q1 [{}], Q6 [{}].\n{}",
      f.runs, Seconds(silt.t1.q1), Seconds(silt.t1.q6), Seconds(duck.t1.q1), Seconds(duck.t1.q6),
      Seconds(duck.all.q1), Seconds(duck.all.q6), Seconds(lite.t1.q1), Seconds(lite.t1.q6),
      counters);
  out += fmt::format("Answers agree{}: Q6 revenue {:.4f}; Q1 {} groups, {} rows counted.\n\n",
                     duck.ran && lite.ran
                         ? " (silt, DuckDB, SQLite)"
                         : (duck.ran ? " (silt, DuckDB)" : (lite.ran ? " (silt, SQLite)" : "")),
                     silt.answer.q6_revenue, silt.answer.q1_groups.size(), [&] {
                       int64_t n = 0;
                       for (int64_t c : silt.answer.q1_counts) n += c;
                       return n;
                     }());

  MarkdownTable t({"Target", "Measured", "Result"});
  for (const Q& x : {Q{"Q1", &Timings::q1}, Q{"Q6", &Timings::q6}}) {
    const double s = Median(silt.t1.*x.field);
    if (duck.ran) {
      const double d1 = Median(duck.t1.*x.field);
      t.AddRow({fmt::format("{} single-threaded <= 1.0x DuckDB single-threaded", x.name),
                Ratio(s, d1), Met(s <= d1)});
    }
    if (lite.ran) {
      const double l = Median(lite.t1.*x.field);
      t.AddRow({fmt::format("{} >= 20x faster than SQLite", x.name),
                fmt::format("{:.1f}x faster", l / s), Met(l >= 20 * s)});
    }
  }
  if (duck.ran) {
    t.AddRow({"size on disk <= 1.2x DuckDB's file", Ratio(silt.bytes, duck.bytes),
              Met(silt.bytes <= 1.2 * duck.bytes)});
  }
  out += t.ToString();
  std::printf("%s\nLoad average at end: %s. Whole run: %.0f s.\n", out.c_str(), load_end.c_str(),
              Since(start));
  return 0;
}

// node_bench: the Node (include/silt/node.h) against DuckDB and SQLite on
// TPC-H lineitem (issue 8, "Benchmark"), in the same run:
//   1. import: `silt import`'s path (CsvReader + Node::BeginLoad/Add/Commit,
//      as tools/cmd_node.cc does) from a CSV file written beforehand with
//      WriteLineitemCsv, against DuckDB's COPY FROM CSV with one thread
//      (bench/duckdb/import_bench.mjs, run with node; + CHECKPOINT) and the
//      sqlite3 shell's `.import --csv` (one transaction, default durability);
//      --import-runs N repeats the three imports N times (the main table
//      shows the round with the median silt time, a second one every
//      round); --import-only stops after the imports;
//   2. sustained durable inserts: --clients threads each inserting batches
//      of --batch-rows rows for --seconds seconds, acknowledged only once
//      durable: Node::Insert with NodeOptions::sync (group commit) against
//      SQLite in WAL mode with synchronous=FULL, one connection per thread,
//      one transaction per batch;
//   3. TPC-H Q1 and Q6 through Node::Query after the import and after
//      Node::Compact (one warm-up run, then the median of --runs runs).
// The output is Markdown, ready for docs/benchmarks.md; progress goes to
// stderr. scripts/bench_node.sh builds it, installs DuckDB's node package
// and runs it.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_report.h"
#include "bench/markdown_table.h"
#include "node/csv_reader.h"
#include "silt/env.h"
#include "silt/node.h"
#include "table/query.h"
#include "table/tpch_lineitem.h"

namespace silt::bench {
namespace {

constexpr double kMB = 1e6;

struct Flags {
  double sf = 1;
  std::string dir;
  int runs = 3;
  int clients = 16;
  int batch_rows = 10;
  double seconds = 5;
  std::string duckdb_dir;  // empty: no DuckDB
  std::string node = "node";
  std::string sqlite3 = "sqlite3";
  bool sqlite = true;
  bool keep = false;
  bool import_only = false;  // skip inserts, queries and compaction
  int import_runs = 1;       // import rounds (silt, DuckDB, SQLite each time)
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::string Ratio(double a, double b) {
  return b > 0 && a > 0 ? fmt::format("{:.2f}x", a / b) : "-";
}

uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// Runs `command` through the shell; returns its stdout.
Result<std::string> RunCommand(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return Status::IOError("popen: " + command);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (rc != 0) return Status::IOError(fmt::format("{}: exit status {}", command, rc));
  return out;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// ---- import ------------------------------------------------------------------

struct ImportResult {
  bool ran = false;
  double seconds = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  std::string note;
};

struct ImportRound {
  ImportResult silt, duck, lite;
};

Status SiltImport(Node* node, const std::string& csv, ImportResult* out) {
  SILT_ASSIGN_OR_RETURN(TableStatus ts, node->DescribeTable("", "lineitem"));
  const auto start = std::chrono::steady_clock::now();
  node::CsvOptions o;
  o.header = true;
  SILT_ASSIGN_OR_RETURN(auto reader, node::CsvReader::Open(Env::Default(), csv, ts.columns, o));
  SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad("", "lineitem"));
  RowBatch batch;
  while (true) {
    SILT_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    SILT_RETURN_IF_ERROR(load->Add(batch));
  }
  SILT_ASSIGN_OR_RETURN(out->rows, load->Commit());
  out->seconds = Since(start);
  out->ran = true;
  return Status::OK();
}

std::string SqliteCreate(const std::string& table) {
  std::string create = "CREATE TABLE " + table + " (";
  const auto schema = LineitemSchema();
  for (size_t c = 0; c < schema.size(); ++c) {
    const TypeId id = schema[c].type.id();
    const char* type = id == TypeId::kString || id == TypeId::kDate ? "TEXT"
                       : id == TypeId::kDecimal                     ? "REAL"
                                                                    : "INTEGER";
    create += fmt::format("{}{} {} NOT NULL", c ? ", " : "", schema[c].name, type);
  }
  return create + ")";
}

// The sqlite3 shell's .import into a fresh file database (the default
// rollback journal and synchronous=FULL: durable at the end).
Status SqliteImport(const Flags& f, const std::string& csv, const std::string& db,
                    ImportResult* out) {
  std::filesystem::remove(db);
  const std::string script = db + ".sql";
  {
    FILE* s = std::fopen(script.c_str(), "w");
    if (s == nullptr) return Status::IOError("cannot write " + script);
    std::fprintf(s, "%s;\n.import --csv --skip 1 %s lineitem\n", SqliteCreate("lineitem").c_str(),
                 csv.c_str());
    std::fclose(s);
  }
  const auto start = std::chrono::steady_clock::now();
  SILT_RETURN_IF_ERROR(
      RunCommand(fmt::format("{} -bail {} < {}", f.sqlite3, Quote(db), Quote(script))).status());
  out->seconds = Since(start);
  SILT_ASSIGN_OR_RETURN(
      std::string count,
      RunCommand(fmt::format("{} {} 'SELECT count(*) FROM lineitem'", f.sqlite3, Quote(db))));
  out->rows = std::stoull(count);
  out->bytes = FileBytes(db);
  out->note = "sqlite3 shell `.import --csv` (one transaction)";
  out->ran = true;
  std::filesystem::remove(script);
  std::filesystem::remove(db);
  return Status::OK();
}

Status DuckDbImport(const Flags& f, const std::string& csv, const std::string& db,
                    ImportResult* out, std::string* version) {
  const std::string script = f.duckdb_dir + "/import_bench.mjs";
  SILT_ASSIGN_OR_RETURN(std::string text,
                        RunCommand(fmt::format("{} {} --csv {} --db {} --threads 1", Quote(f.node),
                                               Quote(script), Quote(csv), Quote(db))));
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    *version = j.at("duckdb_version").get<std::string>();
    out->seconds = j.at("seconds").get<double>();
    out->rows = j.at("rows").get<uint64_t>();
    out->bytes = j.at("file_bytes").get<uint64_t>();
    out->note =
        fmt::format("COPY FROM CSV {:.2f} s + CHECKPOINT {:.2f} s, SET threads=1",
                    j.at("copy_seconds").get<double>(), j.at("checkpoint_seconds").get<double>());
  } catch (const std::exception& e) {
    return Status::Corruption(fmt::format("DuckDB output: {}: {}", e.what(), text));
  }
  out->ran = true;
  std::filesystem::remove(db);
  std::filesystem::remove(db + ".wal");
  return Status::OK();
}

// ---- queries -----------------------------------------------------------------

struct QueryTimes {
  double q1 = 0, q6 = 0;
  std::string q1_answer, q6_answer;
};

Result<QueryTimes> RunQueries(Node* node, int runs) {
  QueryTimes t;
  for (bool q1 : {true, false}) {
    std::vector<double> secs;
    for (int round = 0; round <= runs; ++round) {
      const auto start = std::chrono::steady_clock::now();
      SILT_ASSIGN_OR_RETURN(QueryResult r, node->Query("", "lineitem", q1 ? kTpchQ1 : kTpchQ6));
      if (round > 0) secs.push_back(Since(start));
      if (round == 0 && q1) {
        uint64_t count = 0;
        for (size_t row = 0; row < r.rows; ++row) {
          count += std::stoull(FormatResultValue(r.columns[9], row));
        }
        t.q1_answer = fmt::format("{} groups, {} rows", r.rows, count);
      } else if (round == 0) {
        t.q6_answer = "revenue " + FormatResultValue(r.columns[0], 0);
      }
    }
    (q1 ? t.q1 : t.q6) = Median(secs);
  }
  return t;
}

// ---- concurrent durable inserts -------------------------------------------------

struct InsertResult {
  bool ran = false;
  uint64_t batches = 0;
  double seconds = 0;
  double rows_per_second = 0;
  double p50_ms = 0, p99_ms = 0;
  std::string note;
};

void Summarize(std::vector<std::vector<double>>& latencies, double secs, int batch_rows,
               InsertResult* out) {
  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  out->batches = all.size();
  out->seconds = secs;
  out->rows_per_second = all.size() * static_cast<double>(batch_rows) / secs;
  if (!all.empty()) {
    out->p50_ms = all[all.size() / 2] * 1e3;
    out->p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)] * 1e3;
  }
  out->ran = true;
}

// Batches of lineitem rows for the clients (each client cycles through its own).
std::vector<RowBatch> InsertBatches(const Flags& f, size_t count) {
  LineitemOptions o;
  o.scale_factor = 0.01;
  LineitemGenerator gen(o);
  std::vector<RowBatch> out;
  RowBatch b;
  while (out.size() < count && gen.NextRows(&b, f.batch_rows)) {
    if (b.rows != static_cast<size_t>(f.batch_rows)) break;
    out.push_back(b);
  }
  return out;
}

Status SiltInserts(const Flags& f, const std::string& dir, InsertResult* out) {
  SILT_ASSIGN_OR_RETURN(auto node, Node::Open(dir));
  SILT_RETURN_IF_ERROR(node->CreateTable("", "ins", LineitemSchema()).status());
  const auto batches = InsertBatches(f, 1024);
  if (batches.empty()) return Status::InvalidArgument("no insert batches");
  std::vector<std::vector<double>> latencies(f.clients);
  std::vector<Status> errors(f.clients);
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < f.clients; ++c) {
    threads.emplace_back([&, c] {
      for (size_t i = c; !stop.load(std::memory_order_relaxed); i += f.clients) {
        const auto t0 = std::chrono::steady_clock::now();
        Status st = node->Insert("", "ins", batches[i % batches.size()]);
        if (!st.ok()) {
          errors[c] = st;
          return;
        }
        latencies[c].push_back(Since(t0));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(f.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double secs = Since(start);
  for (const Status& st : errors) SILT_RETURN_IF_ERROR(st);
  Summarize(latencies, secs, f.batch_rows, out);
  SILT_ASSIGN_OR_RETURN(TableStatus ts, node->DescribeTable("", "ins"));
  if (ts.live_rows() != out->batches * f.batch_rows) {
    return Status::Corruption(fmt::format("silt inserts: {} rows in the table, {} acknowledged",
                                          ts.live_rows(), out->batches * f.batch_rows));
  }
  out->note = "Node::Insert, sync=true (group commit)";
  return Status::OK();
}

Status SqliteInserts(const Flags& f, const std::string& path, InsertResult* out) {
  std::filesystem::remove(path);
  {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return Status::IOError("sqlite open");
    const std::string setup = "PRAGMA journal_mode=WAL; " + SqliteCreate("ins") + ";";
    const int rc = sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    if (rc != SQLITE_OK) return Status::IOError("sqlite setup");
  }
  // The rows as CSV fields, bound as text (SQLite's column affinity converts).
  const auto batches = InsertBatches(f, 1024);
  std::vector<std::vector<std::vector<std::string>>> rows;  // batch, row, field
  for (const RowBatch& b : batches) {
    auto& rb = rows.emplace_back();
    for (size_t r = 0; r < b.rows; ++r) {
      std::string line;
      AppendCsvRow(b, r, &line);
      auto& fields = rb.emplace_back(1);
      bool quoted = false;
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
          if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
            fields.back() += '"';
            ++i;
          } else {
            quoted = !quoted;
          }
        } else if (c == ',' && !quoted) {
          fields.emplace_back();
        } else if (c != '\n' || quoted) {
          fields.back() += c;
        }
      }
    }
  }
  std::vector<std::vector<double>> latencies(f.clients);
  std::vector<std::string> errors(f.clients);
  std::atomic<bool> stop{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < f.clients; ++c) {
    threads.emplace_back([&, c] {
      sqlite3* db = nullptr;
      sqlite3_stmt *ins = nullptr, *begin = nullptr, *commit = nullptr;
      auto fail = [&](const char* what) {
        errors[c] = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : "?");
      };
      if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return fail("open");
      sqlite3_busy_timeout(db, 60000);
      if (sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return fail("pragma");
      }
      std::string sql = "INSERT INTO ins VALUES (?";
      for (size_t i = 1; i < LineitemSchema().size(); ++i) sql += ",?";
      sql += ")";
      if (sqlite3_prepare_v2(db, sql.c_str(), -1, &ins, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr) != SQLITE_OK) {
        return fail("prepare");
      }
      for (size_t i = c; !stop.load(std::memory_order_relaxed); i += f.clients) {
        const auto t0 = std::chrono::steady_clock::now();
        if (sqlite3_step(begin) != SQLITE_DONE) return fail("begin");
        sqlite3_reset(begin);
        for (const auto& fields : rows[i % rows.size()]) {
          for (size_t k = 0; k < fields.size(); ++k) {
            sqlite3_bind_text(ins, static_cast<int>(k + 1), fields[k].data(),
                              static_cast<int>(fields[k].size()), SQLITE_STATIC);
          }
          if (sqlite3_step(ins) != SQLITE_DONE) return fail("insert");
          sqlite3_reset(ins);
        }
        if (sqlite3_step(commit) != SQLITE_DONE) return fail("commit");
        sqlite3_reset(commit);
        latencies[c].push_back(Since(t0));
      }
      sqlite3_finalize(ins);
      sqlite3_finalize(begin);
      sqlite3_finalize(commit);
      sqlite3_close(db);
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(f.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double secs = Since(start);
  for (const std::string& e : errors) {
    if (!e.empty()) return Status::IOError("SQLite inserts: " + e);
  }
  Summarize(latencies, secs, f.batch_rows, out);
  out->note = "WAL, synchronous=FULL, BEGIN IMMEDIATE per batch, busy_timeout";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return Status::OK();
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  using namespace silt::bench;
  using silt::Status;
  Flags f;
  CLI::App app("the silt Node against DuckDB and SQLite: import, durable inserts, Q1/Q6");
  app.add_option("--sf", f.sf, "TPC-H scale factor")->capture_default_str();
  app.add_option("--dir", f.dir,
                 "Parent directory for the data (a fresh subdirectory is created and removed); "
                 "default $TMPDIR or /tmp");
  app.add_option("--runs", f.runs, "Timed runs per query (after one warm-up)")
      ->capture_default_str();
  app.add_option("--clients", f.clients, "Concurrent insert clients")->capture_default_str();
  app.add_option("--batch-rows", f.batch_rows, "Rows per insert")->capture_default_str();
  app.add_option("--seconds", f.seconds, "Duration of each insert run")->capture_default_str();
  app.add_option("--duckdb-dir", f.duckdb_dir,
                 "A copy of bench/duckdb with @duckdb/node-api installed; empty: no DuckDB");
  app.add_option("--node", f.node, "The node program")->capture_default_str();
  app.add_option("--sqlite3", f.sqlite3, "The sqlite3 shell")->capture_default_str();
  app.add_option("--sqlite", f.sqlite, "Run SQLite")->capture_default_str();
  app.add_option("--keep", f.keep, "Keep the data directory")->capture_default_str();
  app.add_flag("--import-only", f.import_only,
               "Only the imports: no durable inserts, queries or compaction");
  app.add_option("--import-runs", f.import_runs,
                 "Import rounds, each importing into silt, DuckDB and SQLite in turn; the main "
                 "table shows the round with the median silt time")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!(f.sf > 0) || f.runs < 1 || f.clients < 1 || f.batch_rows < 1 || !(f.seconds > 0) ||
      f.import_runs < 1) {
    std::fprintf(stderr, "node_bench: bad parameters\n");
    return 2;
  }
  if (!f.duckdb_dir.empty() &&
      !std::filesystem::exists(f.duckdb_dir + "/node_modules/@duckdb/node-api")) {
    std::fprintf(stderr, "node_bench: no @duckdb/node-api in %s: DuckDB not run\n",
                 f.duckdb_dir.c_str());
    f.duckdb_dir.clear();
  }

  const std::string root = CreateRunDirectory(f.dir, "node_bench");
  if (root.empty()) return 1;
  const std::string load_start = LoadAverage();
  const std::string csv = root + "/lineitem.csv";
  ImportResult silt_imp, duck_imp, lite_imp;
  std::vector<ImportRound> rounds;
  InsertResult silt_ins, lite_ins;
  QueryTimes before, after;
  silt::CompactionResult compaction;
  double compact_seconds = 0;
  int compact_rounds = 0;
  uint64_t rowsets_before = 0, rowsets_after = 0, silt_bytes_after = 0;
  std::string duck_version = "not run";
  Status st = [&]() -> Status {
    silt::LineitemOptions options;
    options.scale_factor = f.sf;
    Progress("writing " + csv);
    SILT_RETURN_IF_ERROR(silt::WriteLineitemCsv(silt::Env::Default(), csv, options).status());
    // (1) imports; the CSV is read once beforehand so that all three start
    // with it in the page cache.
    SILT_RETURN_IF_ERROR(RunCommand("cat " + Quote(csv) + " > /dev/null").status());
    const std::string node_dir = root + "/node";
    // No background compaction: it would merge the imported rowsets before
    // the "after import" queries; Compact below does it, timed.
    silt::NodeOptions node_options;
    node_options.auto_compact = false;
    std::unique_ptr<silt::Node> node;
    for (int round = 0; round < f.import_runs; ++round) {
      ImportRound r;
      node.reset();
      std::error_code ec;
      std::filesystem::remove_all(node_dir, ec);
      SILT_ASSIGN_OR_RETURN(node, silt::Node::Open(node_dir, node_options));
      SILT_RETURN_IF_ERROR(node->CreateTable("", "lineitem", silt::LineitemSchema()).status());
      Progress(fmt::format("silt import (round {})", round + 1));
      SILT_RETURN_IF_ERROR(SiltImport(node.get(), csv, &r.silt));
      SILT_ASSIGN_OR_RETURN(silt::TableStatus loaded, node->DescribeTable("", "lineitem"));
      r.silt.bytes = loaded.rowset_bytes;  // the rowsets (the log holds none of it)
      r.silt.note = "CsvReader + BeginLoad/Add/Commit (fsynced), parse + 1 encoder thread";
      if (!f.duckdb_dir.empty()) {
        Progress("DuckDB import");
        SILT_RETURN_IF_ERROR(
            DuckDbImport(f, csv, root + "/lineitem.duckdb", &r.duck, &duck_version));
      }
      if (f.sqlite) {
        Progress("SQLite import");
        SILT_RETURN_IF_ERROR(SqliteImport(f, csv, root + "/lineitem.sqlite", &r.lite));
      }
      rounds.push_back(r);
    }
    {
      // The round with the median silt time goes into the main table.
      std::vector<size_t> order(rounds.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return rounds[a].silt.seconds < rounds[b].silt.seconds;
      });
      const ImportRound& median = rounds[order[order.size() / 2]];
      silt_imp = median.silt;
      duck_imp = median.duck;
      lite_imp = median.lite;
    }
    if (f.import_only) {
      node.reset();
      return Status::OK();
    }
    // (3) queries after import and after compaction.
    SILT_ASSIGN_OR_RETURN(silt::TableStatus ts, node->DescribeTable("", "lineitem"));
    rowsets_before = ts.rowsets;
    Progress("Q1/Q6 after import");
    SILT_ASSIGN_OR_RETURN(before, RunQueries(node.get(), f.runs));
    Progress("compact");
    const auto t0 = std::chrono::steady_clock::now();
    for (; compact_rounds < 100; ++compact_rounds) {
      SILT_ASSIGN_OR_RETURN(silt::CompactionResult r, node->Compact("", "lineitem"));
      if (!r.compacted) break;
      compaction = r;
    }
    compact_seconds = Since(t0);
    SILT_ASSIGN_OR_RETURN(ts, node->DescribeTable("", "lineitem"));
    rowsets_after = ts.rowsets;
    silt_bytes_after = ts.rowset_bytes;
    Progress("Q1/Q6 after compaction");
    SILT_ASSIGN_OR_RETURN(after, RunQueries(node.get(), f.runs));
    node.reset();
    std::error_code ec;
    std::filesystem::remove_all(node_dir, ec);
    std::filesystem::remove(csv, ec);
    // (2) concurrent durable inserts.
    Progress("silt inserts");
    SILT_RETURN_IF_ERROR(SiltInserts(f, root + "/ins-node", &silt_ins));
    std::filesystem::remove_all(root + "/ins-node", ec);
    if (f.sqlite) {
      Progress("SQLite inserts");
      SILT_RETURN_IF_ERROR(SqliteInserts(f, root + "/ins.sqlite", &lite_ins));
    }
    return Status::OK();
  }();
  const std::string load_end = LoadAverage();
  std::error_code ec;
  if (!f.keep) std::filesystem::remove_all(root, ec);
  if (!st.ok()) {
    std::fprintf(stderr, "node_bench: %s\n", st.ToString().c_str());
    return 1;
  }

  std::string out = MachineDescription();
  out += fmt::format(
      "SQLite {} (library; shell: {}); DuckDB {} (@duckdb/node-api); data in {}{}; load average "
      "at start: {}, at end: {}.\nParameters: --sf {} --runs {} --clients {} --batch-rows {} "
      "--seconds {}.\n{}\n\n",
      sqlite3_libversion(), f.sqlite3, duck_version, root, f.keep ? " (kept)" : " (removed)",
      load_start, load_end, f.sf, f.runs, f.clients, f.batch_rows, f.seconds, BuildDescription());

  out += fmt::format("### Import: lineitem SF {} from CSV ({} rows)\n\n", f.sf, silt_imp.rows);
  MarkdownTable imp({"System", "How", "Seconds", "Rows/s", "MB on disk", "silt speed-up"});
  auto add_imp = [&](const char* name, const ImportResult& r) {
    if (!r.ran) {
      imp.AddRow({name, "not run"});
      return;
    }
    imp.AddRow({name, r.note, Num(r.seconds), fmt::format("{:.0f}", r.rows / r.seconds),
                Num(r.bytes / kMB), Ratio(r.seconds, silt_imp.seconds)});
  };
  add_imp("silt", silt_imp);
  add_imp("DuckDB (1 thread)", duck_imp);
  add_imp("SQLite", lite_imp);
  out += imp.ToString() + "\n";
  if (duck_imp.ran) {
    out +=
        fmt::format("Target: import rate >= DuckDB single-threaded: {:.2f}x, {}.\n",
                    duck_imp.seconds / silt_imp.seconds, Met(silt_imp.seconds <= duck_imp.seconds));
  }
  if (lite_imp.ran) {
    out += fmt::format("Target: import rate >= 5x SQLite: {:.2f}x, {}.\n",
                       lite_imp.seconds / silt_imp.seconds,
                       Met(lite_imp.seconds >= 5 * silt_imp.seconds));
  }
  for (const ImportRound& round : rounds) {
    for (const ImportResult* r : {&round.duck, &round.lite}) {
      if (r->ran && r->rows != round.silt.rows) {
        out += fmt::format("**Row counts differ: silt {}, other {}.**\n", round.silt.rows, r->rows);
      }
    }
  }
  if (rounds.size() > 1) {
    out += "\nEvery import round (the table above shows the round with the median silt time):\n\n";
    MarkdownTable all(
        {"Round", "silt s", "DuckDB s", "SQLite s", "silt vs DuckDB", "silt vs SQLite"});
    for (size_t i = 0; i < rounds.size(); ++i) {
      const ImportRound& r = rounds[i];
      auto secs = [](const ImportResult& x) { return x.ran ? Num(x.seconds) : std::string("-"); };
      auto ratio = [&](const ImportResult& x) {
        return x.ran ? Ratio(x.seconds, r.silt.seconds) : std::string("-");
      };
      all.AddRow({std::to_string(i + 1), secs(r.silt), secs(r.duck), secs(r.lite), ratio(r.duck),
                  ratio(r.lite)});
    }
    out += all.ToString() + "\n";
  }
  if (f.import_only) {
    std::fputs(out.c_str(), stdout);
    return 0;
  }

  out += fmt::format("\n### Durable inserts: {} clients, {} rows per insert, {} s\n\n", f.clients,
                     f.batch_rows, f.seconds);
  MarkdownTable ins({"System", "How", "Inserts/s", "Rows/s", "p50 ms", "p99 ms", "silt / SQLite"});
  for (auto [name, r] : {std::pair{"silt", &silt_ins}, std::pair{"SQLite", &lite_ins}}) {
    if (!r->ran) {
      ins.AddRow({name, "not run"});
      continue;
    }
    ins.AddRow(
        {name, r->note, fmt::format("{:.0f}", r->batches / r->seconds),
         fmt::format("{:.0f}", r->rows_per_second), fmt::format("{:.2f}", r->p50_ms),
         fmt::format("{:.2f}", r->p99_ms),
         r == &silt_ins ? Ratio(silt_ins.rows_per_second, lite_ins.rows_per_second) : "1.00x"});
  }
  out += ins.ToString();

  out += fmt::format(
      "\n### TPC-H Q1/Q6 through Node::Query (median of {} runs, warm)\n\nCompaction: {} "
      "round(s) in {:.2f} s, {} rowsets -> {} ({:.1f} MB).\n\n",
      f.runs, compact_rounds, compact_seconds, rowsets_before, rowsets_after,
      silt_bytes_after / kMB);
  MarkdownTable q({"Query", "After import", "After compact", "Answer"});
  q.AddRow({"Q1", fmt::format("{:.3f} s", before.q1), fmt::format("{:.3f} s", after.q1),
            before.q1_answer + (before.q1_answer == after.q1_answer ? "" : " (differs!)")});
  q.AddRow({"Q6", fmt::format("{:.3f} s", before.q6), fmt::format("{:.3f} s", after.q6),
            before.q6_answer + (before.q6_answer == after.q6_answer ? "" : " (differs!)")});
  out += q.ToString();
  std::fputs(out.c_str(), stdout);
  return 0;
}

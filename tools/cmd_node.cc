// The main job: `silt table create|drop|list|describe`, `silt import`,
// `silt scan`, `silt delete`, `silt flush`, `silt compact`, `silt status` and
// `silt quickstart`, each on the Node of the data directory (silt/node.h).
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "common/path.h"
#include "meta/meta_store.h"
#include "node/csv_reader.h"
#include "node_cli.h"
#include "silt/node.h"
#include "table/query_output.h"
#include "table/tpch_lineitem.h"

namespace silt::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---------------------------------------------------------------------------
// table create|drop|list|describe

struct TableFlags {
  std::string name;
  std::string schema;
  std::string columns;
  std::vector<std::string> sort_key;
};

Status TableCreate(const Cli& cli, const TableFlags& f) {
  SILT_ASSIGN_OR_RETURN(TableName t, SplitName(f.name, f.schema));
  auto columns = ParseColumnDefs(f.columns);
  if (!columns.ok()) {
    return Status::InvalidArgument(fmt::format("--columns: {}", columns.status().message()));
  }
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(TableRefId ref, node->CreateTable(t.schema, t.name, *columns, f.sort_key));
  SILT_ASSIGN_OR_RETURN(TableStatus st, node->DescribeTable(t.schema, t.name));
  fmt::print("created table {}.{} ({} columns, shard {}, id {}){}\n", t.schema, t.name,
             columns->size(), st.shard, ref.table_id,
             f.sort_key.empty() ? "" : fmt::format(", sorted by {}", fmt::join(f.sort_key, ", ")));
  return Status::OK();
}

Status TableDrop(const Cli& cli, const TableFlags& f) {
  SILT_ASSIGN_OR_RETURN(TableName t, SplitName(f.name, f.schema));
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_RETURN_IF_ERROR(node->DropTable(t.schema, t.name));
  fmt::print("dropped table {}.{}\n", t.schema, t.name);
  return Status::OK();
}

Status TableList(const Cli& cli, const TableFlags& f) {
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(NodeStatus st, node->GetStatus());
  size_t shown = 0;
  for (const TableStatus& t : st.tables) {
    if (!f.schema.empty() && t.schema != f.schema) continue;
    if (shown++ == 0) {
      fmt::print("{:<32} {:>12} {:>8} {:>12}\n", "table", "rows", "rowsets", "bytes");
    }
    fmt::print("{:<32} {:>12} {:>8} {:>12}\n", t.schema + "." + t.name, t.live_rows(), t.rowsets,
               Bytes(t.rowset_bytes));
  }
  if (shown == 0) fmt::print("no tables\n");
  return Status::OK();
}

Status TableDescribe(const Cli& cli, const TableFlags& f) {
  SILT_ASSIGN_OR_RETURN(TableName tn, SplitName(f.name, f.schema));
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(TableStatus t, node->DescribeTable(tn.schema, tn.name, true));
  fmt::print("table {}.{} (id {}, shard {})\n", t.schema, t.name, t.ref.table_id, t.shard);
  fmt::print("sort key      {}\n",
             t.sort_key.empty() ? "none" : fmt::format("{}", fmt::join(t.sort_key, ", ")));
  fmt::print("rows          {} ({} in rowsets, {} deleted by delete vectors, {} in memtables)\n",
             t.live_rows(), t.rowset_rows, t.deleted_rows, t.memtable_rows);
  fmt::print("rowsets       {} ({}), {} delete vector(s)\n", t.rowsets, Bytes(t.rowset_bytes),
             t.delete_vectors);
  fmt::print("log           safe id {}, last index {}\n", t.safe_id, t.log_last_index);
  fmt::print("columns\n");
  for (size_t c = 0; c < t.columns.size(); ++c) {
    std::string enc;
    if (c < t.column_encodings.size()) {
      for (const auto& [name, blocks] : t.column_encodings[c]) {
        if (!enc.empty()) enc += ", ";
        enc += fmt::format("{} x{}", name, blocks);
      }
    }
    fmt::print("  {:<20} {:<24} {}\n", t.columns[c].name, t.columns[c].type.ToString(),
               enc.empty() ? "-" : enc);
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// import

struct ImportFlags {
  std::string name;
  std::string schema;
  std::string file;
  bool header = false;
  std::string delimiter = ",";
  bool quiet = false;
};

Status Import(const Cli& cli, const ImportFlags& f) {
  SILT_ASSIGN_OR_RETURN(TableName t, SplitName(f.name, f.schema));
  if (f.delimiter.size() != 1 || f.delimiter[0] == '"' || f.delimiter[0] == '\n' ||
      f.delimiter[0] == '\r') {
    return Status::InvalidArgument(
        fmt::format("--delimiter must be one character other than a quote or a newline (got '{}')",
                    f.delimiter));
  }
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(TableStatus ts, node->DescribeTable(t.schema, t.name));
  node::CsvOptions o;
  o.header = f.header;
  o.delimiter = f.delimiter[0];
  SILT_ASSIGN_OR_RETURN(auto reader, node::CsvReader::Open(Env::Default(), f.file, ts.columns, o));
  SILT_ASSIGN_OR_RETURN(auto load, node->BeginLoad(t.schema, t.name));
  const bool progress = !f.quiet && isatty(STDERR_FILENO) != 0;
  const auto start = Clock::now();
  auto last_shown = start;
  RowBatch batch;
  while (true) {
    SILT_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    SILT_RETURN_IF_ERROR(load->Add(batch));
    if (progress && Since(last_shown) >= 0.2) {
      last_shown = Clock::now();
      const double frac = reader->file_size() == 0
                              ? 1.0
                              : static_cast<double>(reader->bytes_read()) / reader->file_size();
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      std::fprintf(stderr, "\r[%s%s] %5.1f%%  %llu rows  %.0f MB/s ",
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                   frac * 100, static_cast<unsigned long long>(reader->rows_read()),
                   reader->bytes_read() / 1e6 / std::max(Since(start), 1e-9));
    }
  }
  if (progress) std::fprintf(stderr, "\r%80s\r", "");
  SILT_ASSIGN_OR_RETURN(uint64_t rows, load->Commit());
  const double secs = Since(start);
  fmt::print("imported {} rows into {}.{} in {:.2f} s ({:.0f} rows/s, {:.1f} MB/s)\n", rows,
             t.schema, t.name, secs, rows / std::max(secs, 1e-9),
             reader->bytes_read() / 1e6 / std::max(secs, 1e-9));
  return Status::OK();
}

// ---------------------------------------------------------------------------
// scan

struct ScanFlags {
  std::string name;
  std::string schema;
  std::vector<std::string> columns;
  std::string where;
  std::string agg;
  std::vector<std::string> group_by;
  int64_t limit = -1;
  std::string format;
  std::string sql;
};

// A query assembled from flags, remembering where each flag's text went so
// an error "at N" can point into the flag the user typed.
struct BuiltQuery {
  std::string sql;
  struct Part {
    size_t begin = 0;
    size_t end = 0;
    std::string flag;
  };
  std::vector<Part> parts;
  void Add(std::string_view text) { sql += text; }
  void AddFlag(std::string_view flag, std::string_view text) {
    parts.push_back(Part{sql.size(), sql.size() + text.size(), std::string(flag)});
    sql += text;
  }
  Status Relocate(const Status& s) const {
    std::string_view m = s.message();
    if (!m.starts_with("at ")) return s;
    size_t pos = 0;
    auto [end, ec] = std::from_chars(m.data() + 3, m.data() + m.size(), pos);
    if (ec != std::errc()) return s;
    const std::string_view rest(end, m.data() + m.size() - end);
    for (const Part& p : parts) {
      if (pos >= p.begin + 1 && pos <= p.end + 1) {
        return Status::InvalidArgument(fmt::format("{} at {}{}", p.flag, pos - p.begin, rest));
      }
    }
    // Just after a flag's text (e.g. a missing ')'): the end of that flag.
    const Part* before = nullptr;
    for (const Part& p : parts) {
      if (p.end < pos) before = &p;
    }
    if (before != nullptr && pos - before->end <= 8) {
      return Status::InvalidArgument(
          fmt::format("{} at {} (its end){}", before->flag, before->end - before->begin + 1, rest));
    }
    return s;
  }
};

Result<BuiltQuery> BuildScanQuery(const ScanFlags& f) {
  BuiltQuery q;
  if (!f.sql.empty()) {
    if (!f.columns.empty() || !f.where.empty() || !f.agg.empty() || !f.group_by.empty() ||
        f.limit >= 0) {
      return Status::InvalidArgument("--sql cannot be combined with the other query flags");
    }
    q.AddFlag("--sql", f.sql);
    return q;
  }
  if (!f.columns.empty() && (!f.agg.empty() || !f.group_by.empty())) {
    return Status::InvalidArgument(
        "--columns lists the columns of a plain scan; with --agg, name the group columns with "
        "--group-by");
  }
  if (!f.group_by.empty() && f.agg.empty()) {
    return Status::InvalidArgument("--group-by needs --agg (the aggregates of each group)");
  }
  q.Add("SELECT ");
  if (!f.group_by.empty()) {
    q.AddFlag("--group-by", fmt::format("{}", fmt::join(f.group_by, ", ")));
    q.Add(", ");
  }
  if (!f.agg.empty()) {
    q.AddFlag("--agg", f.agg);
  } else if (!f.columns.empty()) {
    q.AddFlag("--columns", fmt::format("{}", fmt::join(f.columns, ", ")));
  } else {
    q.Add("*");
  }
  q.Add(" FROM t");
  if (!f.where.empty()) {
    q.Add(" WHERE ");
    q.AddFlag("--where", f.where);
  }
  if (!f.group_by.empty()) {
    q.Add(" GROUP BY ");
    q.AddFlag("--group-by", fmt::format("{}", fmt::join(f.group_by, ", ")));
    q.Add(" ORDER BY ");
    q.AddFlag("--group-by", fmt::format("{}", fmt::join(f.group_by, ", ")));
  }
  if (f.limit >= 0) q.Add(fmt::format(" LIMIT {}", f.limit));
  return q;
}

Status Scan(const Cli& cli, const ScanFlags& f) {
  SILT_ASSIGN_OR_RETURN(TableName t, SplitName(f.name, f.schema));
  OutputFormat format = isatty(STDOUT_FILENO) != 0 ? OutputFormat::kTable : OutputFormat::kCsv;
  if (!f.format.empty()) {
    auto parsed = ParseOutputFormat(f.format);
    if (!parsed.ok())
      return Status::InvalidArgument(fmt::format("--format: {}", parsed.status().message()));
    format = *parsed;
  }
  SILT_ASSIGN_OR_RETURN(BuiltQuery q, BuildScanQuery(f));
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  auto result = node->Query(t.schema, t.name, q.sql);
  if (!result.ok()) return q.Relocate(result.status());
  std::string out;
  WriteQueryResult(*result, format, &out);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Status::OK();
}

// ---------------------------------------------------------------------------
// delete, flush, compact, status

Status DeleteRows(const Cli& cli, const std::string& name, const std::string& schema,
                  const std::string& where) {
  SILT_ASSIGN_OR_RETURN(TableName t, SplitName(name, schema));
  if (where.empty())
    return Status::InvalidArgument("--where is required (use --where true to delete every row)");
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(uint64_t n, node->Delete(t.schema, t.name, where));
  fmt::print("deleted {} row(s) from {}.{}\n", n, t.schema, t.name);
  return Status::OK();
}

Status FlushCmd(const Cli& cli, const std::string& name, const std::string& schema) {
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  const auto start = Clock::now();
  if (name.empty()) {
    SILT_RETURN_IF_ERROR(node->Flush());
    fmt::print("flushed every table in {:.2f} s\n", Since(start));
  } else {
    SILT_ASSIGN_OR_RETURN(TableName t, SplitName(name, schema));
    SILT_RETURN_IF_ERROR(node->FlushTable(t.schema, t.name));
    fmt::print("flushed {}.{} in {:.2f} s\n", t.schema, t.name, Since(start));
  }
  return Status::OK();
}

Status CompactCmd(const Cli& cli, const std::string& name, const std::string& schema) {
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  std::vector<TableName> tables;
  if (name.empty()) {
    SILT_ASSIGN_OR_RETURN(NodeStatus st, node->GetStatus());
    for (const TableStatus& t : st.tables) tables.push_back(TableName{t.schema, t.name});
  } else {
    SILT_ASSIGN_OR_RETURN(TableName t, SplitName(name, schema));
    tables.push_back(t);
  }
  for (const TableName& t : tables) {
    // Rounds until nothing fits together any more.
    int rounds = 0;
    while (true) {
      const auto start = Clock::now();
      SILT_ASSIGN_OR_RETURN(CompactionResult r, node->Compact(t.schema, t.name));
      if (!r.compacted) break;
      ++rounds;
      fmt::print("compacted {}.{}: {} rowsets, {} live rows -> 1 rowset of {} ({}) in {:.2f} s\n",
                 t.schema, t.name, r.input_rowsets, r.input_rows, Bytes(r.output_bytes),
                 r.merged ? "merged by sort key" : "concatenated", Since(start));
    }
    if (rounds == 0) fmt::print("{}.{}: nothing to compact\n", t.schema, t.name);
  }
  return Status::OK();
}

Status StatusCmd(const Cli& cli, bool json) {
  SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
  SILT_ASSIGN_OR_RETURN(NodeStatus st, node->GetStatus());
  if (json) {
    nlohmann::ordered_json j;
    j["data"] = cli.data_dir;
    j["epoch"] = st.epoch;
    j["log"] = {{"segments", st.log.segments},
                {"bytes", st.log.bytes_on_disk},
                {"index_files", st.log.index_files},
                {"groups", st.log.groups}};
    j["last_checkpoint_epoch"] = st.meta_last_checkpoint_epoch;
    j["commits_since_checkpoint"] = st.meta_commits_since_checkpoint;
    j["checkpoint_files"] = st.meta_checkpoint_files;
    j["pending_vacuum"] = st.pending_vacuum;
    j["replayed_records"] = node->open_stats().records_replayed;
    j["tables"] = nlohmann::ordered_json::array();
    for (const TableStatus& t : st.tables) {
      j["tables"].push_back({{"name", t.schema + "." + t.name},
                             {"shard", t.shard},
                             {"rows", t.live_rows()},
                             {"rowsets", t.rowsets},
                             {"rowset_bytes", t.rowset_bytes},
                             {"delete_vectors", t.delete_vectors},
                             {"memtable_rows", t.memtable_rows},
                             {"memtable_bytes", t.memtable_bytes},
                             {"safe_id", t.safe_id},
                             {"log_last_index", t.log_last_index}});
    }
    fmt::print("{}\n", j.dump(2));
    return Status::OK();
  }
  fmt::print("data directory    {}\n", cli.data_dir);
  fmt::print("metadata epoch    {}\n", st.epoch);
  fmt::print("log               {} segment(s), {}, {} index file(s), {} group(s)\n",
             st.log.segments, Bytes(st.log.bytes_on_disk), st.log.index_files, st.log.groups);
  fmt::print(
      "last checkpoint   epoch {} ({} commit(s) since; {})\n", st.meta_last_checkpoint_epoch,
      st.meta_commits_since_checkpoint,
      st.meta_checkpoint_files.empty() ? "no checkpoint files" : st.meta_checkpoint_files.back());
  fmt::print("pending vacuum    {} file(s)\n", st.pending_vacuum);
  fmt::print("replayed at open  {} log record(s), {} row(s)\n", node->open_stats().records_replayed,
             node->open_stats().rows_replayed);
  if (st.tables.empty()) {
    fmt::print("tables            none\n");
    return Status::OK();
  }
  fmt::print("\n{:<28} {:>6} {:>12} {:>8} {:>11} {:>5} {:>10} {:>12} {:>9} {:>9}\n", "table",
             "shard", "rows", "rowsets", "bytes", "DVs", "mem rows", "mem bytes", "safe id",
             "log last");
  for (const TableStatus& t : st.tables) {
    fmt::print("{:<28} {:>6} {:>12} {:>8} {:>11} {:>5} {:>10} {:>12} {:>9} {:>9}\n",
               t.schema + "." + t.name, t.shard, t.live_rows(), t.rowsets, Bytes(t.rowset_bytes),
               t.delete_vectors, t.memtable_rows, Bytes(t.memtable_bytes), t.safe_id,
               t.log_last_index);
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// quickstart

constexpr const char* kQuickQ1Agg =
    "sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price, "
    "sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
    "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, "
    "avg(l_quantity) AS avg_qty, avg(l_extendedprice) AS avg_price, "
    "avg(l_discount) AS avg_disc, count(*) AS count_order";
constexpr const char* kQuickQ1Where = "l_shipdate <= DATE '1998-09-02'";
constexpr const char* kQuickQ6Where =
    "l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
    "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

Status Quickstart(const Cli& cli, double scale) {
  if (!(scale > 0) || scale > 10) {
    return Status::InvalidArgument(
        fmt::format("--scale must be above 0 and at most 10 (got {})", scale));
  }
  Env* env = Env::Default();
  SILT_RETURN_IF_ERROR(env->CreateDirs(cli.data_dir));
  const std::string csv = JoinPath(cli.data_dir, "quickstart-lineitem.csv");
  const std::string show = fmt::format("silt --data {}", cli.data_dir);
  fmt::print("== 1. generate lineitem at scale {}: {}\n", scale, csv);
  fmt::print("   $ {} generate lineitem --scale {} --out {}\n", show, scale, csv);
  auto start = Clock::now();
  LineitemOptions lo;
  lo.scale_factor = scale;
  SILT_ASSIGN_OR_RETURN(uint64_t rows, WriteLineitemCsv(env, csv, lo));
  SILT_ASSIGN_OR_RETURN(uint64_t csv_bytes, env->GetFileSize(csv));
  fmt::print("   {} rows, {} in {:.2f} s\n\n", rows, Bytes(csv_bytes), Since(start));

  {
    SILT_ASSIGN_OR_RETURN(auto node, OpenNode(cli));
    fmt::print("== 2. create the table (dropping an earlier quickstart's)\n");
    if (node->DescribeTable("", "lineitem").ok()) {
      SILT_RETURN_IF_ERROR(node->DropTable("", "lineitem"));
    }
    fmt::print("   $ {} table create lineitem --columns \"{}\"\n\n", show,
               ColumnDefsToString(LineitemSchema()));
    SILT_RETURN_IF_ERROR(node->CreateTable("", "lineitem", LineitemSchema()).status());
  }
  fmt::print("== 3. import the CSV (one transaction)\n");
  fmt::print("   $ {} import lineitem {} --header\n   ", show, csv);
  ImportFlags imp;
  imp.name = "lineitem";
  imp.file = csv;
  imp.header = true;
  imp.quiet = true;
  SILT_RETURN_IF_ERROR(Import(cli, imp));
  std::fflush(stdout);

  ScanFlags q1;
  q1.name = "lineitem";
  q1.agg = kQuickQ1Agg;
  q1.where = kQuickQ1Where;
  q1.group_by = {"l_returnflag", "l_linestatus"};
  q1.format = "table";
  fmt::print(
      "\n== 4. TPC-H Q1: pricing summary\n   $ {} scan lineitem --where \"{}\" --group-by "
      "l_returnflag,l_linestatus --agg \"{}\"\n",
      show, kQuickQ1Where, kQuickQ1Agg);
  start = Clock::now();
  std::fflush(stdout);
  SILT_RETURN_IF_ERROR(Scan(cli, q1));
  fmt::print("   ({:.3f} s)\n", Since(start));

  ScanFlags q6;
  q6.name = "lineitem";
  q6.agg = "sum(l_extendedprice * l_discount) AS revenue";
  q6.where = kQuickQ6Where;
  q6.format = "table";
  fmt::print(
      "\n== 5. TPC-H Q6: forecasting revenue change\n   $ {} scan lineitem --where \"{}\" "
      "--agg \"{}\"\n",
      show, kQuickQ6Where, q6.agg);
  start = Clock::now();
  std::fflush(stdout);
  SILT_RETURN_IF_ERROR(Scan(cli, q6));
  fmt::print("   ({:.3f} s)\n", Since(start));

  fmt::print("\n== 6. status\n   $ {} status\n", show);
  std::fflush(stdout);
  SILT_RETURN_IF_ERROR(StatusCmd(cli, false));
  SILT_RETURN_IF_ERROR(env->RemoveFile(csv));
  fmt::print(
      "\nNext: silt scan lineitem --limit 5, silt delete lineitem --where ..., "
      "silt compact, silt --help\n");
  return Status::OK();
}

// ---------------------------------------------------------------------------

void RegisterNodeCommands(Cli& cli) {
  CLI::App* table = cli.app.add_subcommand("table", "Create, drop, list and describe tables");
  table->require_subcommand(1);
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = table->add_subcommand("create", "Create a table");
    c->add_option("name", f->name, "Table name (NAME or SCHEMA.NAME)")->required();
    c->add_option("--columns", f->columns,
                  "Columns, e.g. \"id int64 not null, name string, price decimal(12,2), day date\"")
        ->required();
    c->add_option("--sort-key", f->sort_key, "Columns the rowsets are sorted by, e.g. id,day")
        ->delimiter(',');
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback([&cli, f] { cli.action = [&cli, f] { return TableCreate(cli, *f); }; });
  }
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = table->add_subcommand("drop", "Drop a table and its data");
    c->add_option("name", f->name, "Table name")->required();
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback([&cli, f] { cli.action = [&cli, f] { return TableDrop(cli, *f); }; });
  }
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = table->add_subcommand("list", "List tables with their rows and sizes");
    c->add_option("--schema", f->schema, "Only this schema");
    c->callback([&cli, f] { cli.action = [&cli, f] { return TableList(cli, *f); }; });
  }
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = table->add_subcommand(
        "describe", "Columns, rows, rowsets, bytes and the encodings of each column");
    c->add_option("name", f->name, "Table name")->required();
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback([&cli, f] { cli.action = [&cli, f] { return TableDescribe(cli, *f); }; });
  }
  {
    auto f = std::make_shared<ImportFlags>();
    CLI::App* c = cli.app.add_subcommand(
        "import", "Import a CSV file into a table, as one transaction (docs/csv_import.md)");
    c->add_option("name", f->name, "Table name")->required();
    c->add_option("file", f->file, "CSV file")->required();
    c->add_flag("--header", f->header, "The first line names the columns");
    c->add_option("--delimiter", f->delimiter, "Field delimiter (one character)")
        ->capture_default_str();
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->add_flag("--quiet", f->quiet, "No progress bar");
    c->callback([&cli, f] { cli.action = [&cli, f] { return Import(cli, *f); }; });
  }
  {
    auto f = std::make_shared<ScanFlags>();
    CLI::App* c =
        cli.app.add_subcommand("scan", "Scan a table: filter, project, aggregate (docs/query.md)");
    c->add_option("name", f->name, "Table name")->required();
    c->add_option("--columns", f->columns, "Columns to print (default all)")->delimiter(',');
    c->add_option("--where", f->where, "Filter, e.g. \"price > 10 and day >= DATE '2024-01-01'\"");
    c->add_option("--agg", f->agg, "Aggregates, e.g. \"sum(price * qty), count(*)\"");
    c->add_option("--group-by", f->group_by, "Group columns (printed first)")->delimiter(',');
    c->add_option("--limit", f->limit, "At most this many rows")->check(CLI::NonNegativeNumber);
    c->add_option("--format", f->format,
                  "table, csv or json (default: table on a terminal, else csv)");
    c->add_option("--sql", f->sql, "A whole query instead of the flags above (FROM is ignored)");
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback([&cli, f] { cli.action = [&cli, f] { return Scan(cli, *f); }; });
  }
  {
    auto f = std::make_shared<ScanFlags>();
    CLI::App* c = cli.app.add_subcommand("delete", "Delete the rows a predicate is true for");
    c->add_option("name", f->name, "Table name")->required();
    c->add_option("--where", f->where, "Which rows")->required();
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback([&cli, f] {
      cli.action = [&cli, f] { return DeleteRows(cli, f->name, f->schema, f->where); };
    });
  }
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = cli.app.add_subcommand(
        "flush", "Write memtables as rowsets and release the log they needed");
    c->add_option("name", f->name, "Only this table");
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback(
        [&cli, f] { cli.action = [&cli, f] { return FlushCmd(cli, f->name, f->schema); }; });
  }
  {
    auto f = std::make_shared<TableFlags>();
    CLI::App* c = cli.app.add_subcommand(
        "compact", "Merge small rowsets and drop deleted rows (every table, or one)");
    c->add_option("name", f->name, "Only this table");
    c->add_option("--schema", f->schema, "Schema (default main)");
    c->callback(
        [&cli, f] { cli.action = [&cli, f] { return CompactCmd(cli, f->name, f->schema); }; });
  }
  {
    auto json = std::make_shared<bool>(false);
    CLI::App* c = cli.app.add_subcommand(
        "status", "Log segments, safe ids, memtables, rowsets, checkpoints, pending vacuum");
    c->add_flag("--json", *json, "Print JSON");
    c->callback([&cli, json] { cli.action = [&cli, json] { return StatusCmd(cli, *json); }; });
  }
  {
    auto scale = std::make_shared<double>(0.1);
    CLI::App* c = cli.app.add_subcommand(
        "quickstart",
        "Generate TPC-H lineitem, import it, run Q1 and Q6, show the status (on --data)");
    c->add_option("--scale", *scale, "TPC-H scale factor (0.1: 600,000 rows)")
        ->capture_default_str();
    c->callback([&cli, scale] { cli.action = [&cli, scale] { return Quickstart(cli, *scale); }; });
  }
}

const CommandRegistrar kRegistrar(150, RegisterNodeCommands);

}  // namespace
}  // namespace silt::cli

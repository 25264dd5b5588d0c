// `silt rowset ...`: query and inspect rowset directories (docs/query.md).
//   silt rowset query DIR... -e SQL [--format table|csv|json] [--stats]
//   silt rowset info DIR
// Other files may add subcommands to the group with app.get_subcommand("rowset").
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli.h"
#include "common/path.h"
#include "table/block_format.h"
#include "table/query.h"
#include "table/rowset_format.h"
#include "table/rowset_reader.h"

namespace silt::cli {

namespace {

struct QueryArgs {
  std::vector<std::string> dirs;
  std::string sql;
  std::string format = "table";
  bool stats = false;
};

// "at N: ..." errors get the query line with a caret under character N.
Status WithCaret(const Status& s, const std::string& sql) {
  const std::string& msg = s.message();
  size_t pos = 0;
  if (!s.IsInvalidArgument() || msg.rfind("at ", 0) != 0 ||
      std::sscanf(msg.c_str(), "at %zu:", &pos) != 1 || pos == 0 || pos > sql.size() + 1) {
    return s;
  }
  size_t line_start = 0;
  for (size_t i = 0; i + 1 < pos && i < sql.size(); ++i) {
    if (sql[i] == '\n') line_start = i + 1;
  }
  size_t line_end = sql.find('\n', line_start);
  if (line_end == std::string::npos) line_end = sql.size();
  std::string caret(pos - 1 - line_start, ' ');
  for (size_t i = line_start; i < pos - 1; ++i) {
    if (sql[i] == '\t') caret[i - line_start] = '\t';
  }
  return Status::InvalidArgument(
      fmt::format("{}\n  {}\n  {}^", msg, sql.substr(line_start, line_end - line_start), caret));
}

bool RightAligned(const ColumnVector& c) {
  const TypeId t = c.type().id();
  return t == TypeId::kInt32 || t == TypeId::kInt64 || t == TypeId::kDecimal ||
         t == TypeId::kFloat64;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(u));
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

std::string JsonValue(const ColumnVector& c, size_t row) {
  if (c.IsNull(row)) return "null";
  const std::string text = FormatResultValue(c, row);
  switch (c.type().id()) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
      return text;
    case TypeId::kFloat64:
      return text == "NaN" || text == "inf" || text == "-inf" ? JsonString(text) : text;
    default:
      return JsonString(text);
  }
}

std::string FormatResult(const QueryResult& r, const std::string& format) {
  std::string out;
  const size_t cols = r.columns.size();
  std::vector<std::vector<std::string>> cells(cols);
  for (size_t c = 0; c < cols; ++c) {
    for (size_t i = 0; i < r.rows; ++i) cells[c].push_back(FormatResultValue(r.columns[c], i));
  }
  if (format == "csv") {
    for (size_t c = 0; c < cols; ++c) out += (c ? "," : "") + CsvField(r.names[c]);
    out += "\n";
    for (size_t i = 0; i < r.rows; ++i) {
      for (size_t c = 0; c < cols; ++c) {
        out += (c ? "," : "") + (r.columns[c].IsNull(i) ? std::string() : CsvField(cells[c][i]));
      }
      out += "\n";
    }
    return out;
  }
  if (format == "json") {
    out += "[";
    for (size_t i = 0; i < r.rows; ++i) {
      out += i ? ",\n " : "\n ";
      out += "{";
      for (size_t c = 0; c < cols; ++c) {
        out += (c ? ", " : "") + JsonString(r.names[c]) + ": " + JsonValue(r.columns[c], i);
      }
      out += "}";
    }
    out += r.rows ? "\n]\n" : "]\n";
    return out;
  }
  std::vector<size_t> width(cols);
  for (size_t c = 0; c < cols; ++c) {
    width[c] = r.names[c].size();
    for (const auto& s : cells[c]) width[c] = std::max(width[c], s.size());
  }
  auto line = [&](auto cell, auto right) {
    std::string l;
    for (size_t c = 0; c < cols; ++c) {
      const std::string s = cell(c);
      const std::string pad(width[c] - std::min(width[c], s.size()), ' ');
      if (c) l += " | ";
      l += right(c) ? pad + s : s + pad;
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line([&](size_t c) { return r.names[c]; }, [](size_t) { return false; });
  std::string sep;
  for (size_t c = 0; c < cols; ++c) sep += (c ? "-+-" : "") + std::string(width[c], '-');
  out += sep + "\n";
  for (size_t i = 0; i < r.rows; ++i) {
    out += line([&](size_t c) { return cells[c][i]; },
                [&](size_t c) { return RightAligned(r.columns[c]); });
  }
  out += fmt::format("({} row{})\n", r.rows, r.rows == 1 ? "" : "s");
  return out;
}

Status RunRowsetQuery(const QueryArgs& args) {
  if (args.format != "table" && args.format != "csv" && args.format != "json") {
    return Status::InvalidArgument(
        fmt::format("--format must be table, csv or json, not '{}'", args.format));
  }
  Env* env = Env::Default();
  std::vector<std::unique_ptr<RowSetReader>> readers;
  std::vector<const RowSetReader*> ptrs;
  for (const std::string& dir : args.dirs) {
    SILT_ASSIGN_OR_RETURN(auto r, RowSetReader::Open(env, dir));
    ptrs.push_back(r.get());
    readers.push_back(std::move(r));
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = RunQuery(args.sql, ptrs);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) return WithCaret(result.status(), args.sql);
  const std::string text = FormatResult(*result, args.format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (args.stats) {
    const ScanCounters& c = result->counters;
    std::fprintf(stderr,
                 "blocks_read %llu\nblocks_skipped_zone_map %llu\nblocks_skipped_deleted %llu\n"
                 "column_blocks_read %llu\nrows_deleted %llu\nrows_scanned %llu\n"
                 "rows_matched %llu\ntime_ms %.3f\n",
                 static_cast<unsigned long long>(c.blocks_read),
                 static_cast<unsigned long long>(c.blocks_skipped_zone_map),
                 static_cast<unsigned long long>(c.blocks_skipped_deleted),
                 static_cast<unsigned long long>(c.column_blocks_read),
                 static_cast<unsigned long long>(c.rows_deleted),
                 static_cast<unsigned long long>(c.rows_returned),
                 static_cast<unsigned long long>(result->rows_matched), ms);
  }
  return Status::OK();
}

Status RunRowsetInfo(const std::string& dir) {
  Env* env = Env::Default();
  SILT_ASSIGN_OR_RETURN(auto r, RowSetReader::Open(env, dir));
  const RowSetMeta& m = r->meta();
  std::string out;
  out += fmt::format("dir {}\n", dir);
  out += fmt::format("rowset_id {}\n", m.rowset_id);
  out += fmt::format("rows {}\n", m.row_count);
  out += fmt::format("live_rows {}\n", r->live_rows());
  out += fmt::format("blocks {}\n", m.block_count);
  std::string key;
  for (uint32_t c : m.sort_key) key += (key.empty() ? "" : ",") + m.columns[c].name;
  out += fmt::format("sort_key {}\n", key.empty() ? "(none)" : key);
  out += fmt::format("columns {}\n", m.columns.size());
  uint64_t total = 0;
  for (uint32_t c = 0; c < m.columns.size(); ++c) {
    const ColumnIndex& idx = r->index(c);
    std::map<std::string, uint64_t> encodings;
    uint64_t compressed = 0;
    char header[4];
    for (const BlockIndexEntry& e : idx.blocks) {
      SILT_RETURN_IF_ERROR(r->ReadColumnData(c, e.offset, std::span<char>(header, 4)));
      const uint8_t enc = static_cast<uint8_t>(header[0]);
      const uint8_t codec =
          (static_cast<uint8_t>(header[2]) & kBlockCompressionMask) >> kBlockCompressionShift;
      encodings[enc <= kMaxEncodingId ? EncodingName(static_cast<Encoding>(enc)) : "?"]++;
      if (codec != 0) ++compressed;
    }
    auto idx_size = env->GetFileSize(JoinPath(dir, ColumnIndexFileName(c)));
    const uint64_t bytes = idx.data_size() + (idx_size.ok() ? *idx_size : 0);
    total += bytes;
    std::string enc_text;
    for (const auto& [name, count] : encodings) {
      enc_text += fmt::format("{}{} {}", enc_text.empty() ? "" : ", ", name, count);
    }
    out += fmt::format("column {} {} {}: bytes {} encodings [{}] compressed {}\n", c,
                       m.columns[c].name, m.columns[c].type.ToString(), bytes,
                       enc_text.empty() ? "none" : enc_text, compressed);
  }
  out += fmt::format("bytes {}\n", total);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Status::OK();
}

void RegisterRowsetCommands(Cli& cli) {
  CLI::App* group = cli.app.add_subcommand("rowset", "Query and inspect rowset directories");
  group->require_subcommand(1);

  auto q = std::make_shared<QueryArgs>();
  CLI::App* cmd = group->add_subcommand(
      "query", "Run a SELECT over rowsets taken together as one table (docs/query.md)");
  cmd->add_option("DIR", q->dirs, "rowset directories (same columns)")->required();
  cmd->add_option("-e,--execute", q->sql, "the query, e.g. \"select count(*) from t\"")->required();
  cmd->add_option("--format", q->format, "table (default), csv or json");
  cmd->add_flag("--stats", q->stats, "print scan counters and the query time to stderr");
  cmd->callback([&cli, q] { cli.action = [q] { return RunRowsetQuery(*q); }; });

  auto dir = std::make_shared<std::string>();
  cmd =
      group->add_subcommand("info", "Print a rowset's columns, rows, blocks, encodings and bytes");
  cmd->add_option("DIR", *dir, "rowset directory")->required();
  cmd->callback([&cli, dir] { cli.action = [dir] { return RunRowsetInfo(*dir); }; });
}

const CommandRegistrar kRegistrar(300, RegisterRowsetCommands);

}  // namespace
}  // namespace silt::cli

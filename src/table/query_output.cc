#include "table/query_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace silt {

namespace {

bool IsNumber(const DataType& type) {
  switch (type.id()) {
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kFloat64:
      return true;
    default:
      return false;
  }
}

// The display width of UTF-8 text: its code points (continuation bytes do
// not count).
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

void AppendPadded(std::string_view s, size_t width, bool right, bool last, std::string* out) {
  const size_t w = DisplayWidth(s);
  const size_t pad = width > w ? width - w : 0;
  if (right) out->append(pad, ' ');
  out->append(s);
  if (!right && !last) out->append(pad, ' ');
}

void WriteTable(const QueryResult& result, std::string* out) {
  const size_t ncols = result.columns.size();
  std::vector<std::vector<std::string>> cells(ncols);
  std::vector<size_t> width(ncols, 0);
  std::vector<bool> right(ncols, false);
  for (size_t c = 0; c < ncols; ++c) {
    const ColumnVector& col = result.columns[c];
    right[c] = IsNumber(col.type());
    width[c] = c < result.names.size() ? DisplayWidth(result.names[c]) : 0;
    cells[c].reserve(result.rows);
    for (size_t r = 0; r < result.rows; ++r) {
      cells[c].push_back(FormatResultValue(col, r));
      width[c] = std::max(width[c], DisplayWidth(cells[c].back()));
    }
  }
  auto line = [&](auto&& text, bool header) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) out->append(" | ");
      AppendPadded(text(c), width[c], right[c] && !header, c + 1 == ncols, out);
    }
    out->push_back('\n');
  };
  line(
      [&](size_t c) -> std::string_view {
        return c < result.names.size() ? std::string_view(result.names[c]) : std::string_view();
      },
      /*header=*/true);
  for (size_t c = 0; c < ncols; ++c) {
    if (c > 0) out->append("-+-");
    out->append(width[c], '-');
  }
  out->push_back('\n');
  for (size_t r = 0; r < result.rows; ++r) {
    line([&](size_t c) -> std::string_view { return cells[c][r]; }, /*header=*/false);
  }
  out->append(fmt::format("({} {})\n", result.rows, result.rows == 1 ? "row" : "rows"));
}

void AppendCsvField(std::string_view s, bool quote_empty, std::string* out) {
  const bool quote =
      (quote_empty && s.empty()) || s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (char ch : s) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

void WriteCsv(const QueryResult& result, std::string* out) {
  const size_t ncols = result.columns.size();
  for (size_t c = 0; c < ncols; ++c) {
    if (c > 0) out->push_back(',');
    AppendCsvField(c < result.names.size() ? result.names[c] : std::string(), true, out);
  }
  out->push_back('\n');
  for (size_t r = 0; r < result.rows; ++r) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) out->push_back(',');
      const ColumnVector& col = result.columns[c];
      if (col.IsNull(r)) continue;  // null: an empty field
      if (col.physical() == PhysicalType::kString) {
        AppendCsvField(col.GetString(r), true, out);
      } else {
        AppendCsvField(FormatResultValue(col, r), true, out);
      }
    }
    out->push_back('\n');
  }
}

// The length of the valid UTF-8 sequence at p (left bytes remain), or 0
// if it is not one (stray continuation, overlong form, surrogate, beyond
// U+10FFFF, truncated).
size_t Utf8Length(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i, unsigned char lo, unsigned char hi) {
    return i < left && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c >= 0x80) {
      const size_t len = Utf8Length(p + i, n - i);
      if (len == 0) {
        out->append(fmt::format("\\u{:04x}", c));
        ++i;
      } else {
        out->append(s.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append(fmt::format("\\u{:04x}", c));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

void AppendJsonValue(const ColumnVector& col, size_t row, std::string* out) {
  if (col.IsNull(row)) {
    out->append("null");
    return;
  }
  switch (col.type().id()) {
    case TypeId::kBool:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDecimal:
      out->append(FormatResultValue(col, row));
      return;
    case TypeId::kFloat64: {
      const double d = col.Get<double>(row);
      if (std::isfinite(d)) {
        out->append(fmt::format("{}", d));  // shortest round-trip form
      } else {
        AppendJsonString(FormatResultValue(col, row), out);
      }
      return;
    }
    case TypeId::kString:
      AppendJsonString(col.GetString(row), out);
      return;
    default:
      AppendJsonString(FormatResultValue(col, row), out);
      return;
  }
}

void WriteJson(const QueryResult& result, std::string* out) {
  const size_t ncols = result.columns.size();
  for (size_t r = 0; r < result.rows; ++r) {
    out->push_back('{');
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) out->push_back(',');
      AppendJsonString(c < result.names.size() ? result.names[c] : std::string(), out);
      out->push_back(':');
      AppendJsonValue(result.columns[c], r, out);
    }
    out->append("}\n");
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return Status::InvalidArgument(
      fmt::format("unknown output format '{}': expected table, csv or json", name));
}

void WriteQueryResult(const QueryResult& result, OutputFormat format, std::string* out) {
  switch (format) {
    case OutputFormat::kTable:
      WriteTable(result, out);
      return;
    case OutputFormat::kCsv:
      WriteCsv(result, out);
      return;
    case OutputFormat::kJson:
      WriteJson(result, out);
      return;
  }
}

}  // namespace silt

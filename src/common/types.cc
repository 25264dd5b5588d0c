// DataType, Value and their text forms (see include/silt/types.h).
#include "silt/types.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <set>

namespace silt {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `n` digits at s[pos..]; advances pos.
bool ParseDigits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + static_cast<size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + static_cast<size_t>(i)];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(n);
  *out = v;
  return true;
}

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

// Parses "YYYY-MM-DD" at the start of s; advances pos.
bool ParseDatePart(std::string_view s, size_t* pos, int32_t* days) {
  int y, m, d;
  if (!ParseDigits(s, pos, 4, &y)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ParseDigits(s, pos, 2, &m)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ParseDigits(s, pos, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

}  // namespace

bool IsValidTypeId(uint8_t id) { return id >= 1 && id <= 8; }

const char* TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return "bool";
    case TypeId::kInt32:
      return "int32";
    case TypeId::kInt64:
      return "int64";
    case TypeId::kFloat64:
      return "float64";
    case TypeId::kDecimal:
      return "decimal";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
    case TypeId::kString:
      return "string";
  }
  return "unknown";
}

Result<DataType> DataType::Decimal(int precision, int scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
    return Status::InvalidArgument(
        fmt::format("decimal({},{}): need 1 <= precision <= {} and 0 <= scale <= precision",
                    precision, scale, kMaxDecimalPrecision));
  }
  DataType t(TypeId::kDecimal);
  t.precision_ = static_cast<uint8_t>(precision);
  t.scale_ = static_cast<uint8_t>(scale);
  return t;
}

PhysicalType DataType::physical() const {
  switch (id_) {
    case TypeId::kBool:
      return PhysicalType::kBool;
    case TypeId::kInt32:
    case TypeId::kDate:
      return PhysicalType::kInt32;
    case TypeId::kInt64:
    case TypeId::kDecimal:
    case TypeId::kTimestamp:
      return PhysicalType::kInt64;
    case TypeId::kFloat64:
      return PhysicalType::kFloat64;
    case TypeId::kString:
      return PhysicalType::kString;
  }
  return PhysicalType::kInt64;
}

size_t DataType::value_width() const {
  switch (physical()) {
    case PhysicalType::kBool:
      return 1;
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kFloat64:
      return 8;
    case PhysicalType::kString:
      return 0;
  }
  return 0;
}

bool DataType::is_integer() const {
  PhysicalType p = physical();
  return p == PhysicalType::kInt32 || p == PhysicalType::kInt64;
}

std::string DataType::ToString() const {
  std::string s = id_ == TypeId::kDecimal ? fmt::format("decimal({},{})", precision_, scale_)
                                          : std::string(TypeIdName(id_));
  if (!nullable_) s += " not null";
  return s;
}

Result<DataType> DataType::Parse(std::string_view text) {
  // Blanks inside parentheses do not separate words: "decimal(12, 2)".
  std::string t;
  int depth = 0;
  for (char c : Lower(Trim(text))) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth > 0 && (c == ' ' || c == '\t')) continue;
    t.push_back(c == '\t' ? ' ' : c);
  }
  std::vector<std::string> words;
  for (size_t i = 0; i < t.size();) {
    size_t j = t.find(' ', i);
    if (j == std::string::npos) j = t.size();
    if (j > i) words.push_back(t.substr(i, j - i));
    i = j + 1;
  }
  bool nullable = true;
  if (words.size() == 3 && words[1] == "not" && words[2] == "null") {
    nullable = false;
  } else if (!(words.size() == 1 || (words.size() == 2 && words[1] == "null"))) {
    return Status::InvalidArgument(
        fmt::format("bad type '{}': expected a type name, then optionally 'not null'", Trim(text)));
  }
  const std::string& name = words[0];
  DataType type;
  if (name == "bool" || name == "boolean") {
    type = Bool();
  } else if (name == "int32" || name == "int" || name == "integer") {
    type = Int32();
  } else if (name == "int64" || name == "bigint") {
    type = Int64();
  } else if (name == "float64" || name == "double") {
    type = Float64();
  } else if (name == "date") {
    type = Date();
  } else if (name == "timestamp") {
    type = Timestamp();
  } else if (name == "string" || name == "varchar" || name == "text") {
    type = String();
  } else if (name.rfind("decimal(", 0) == 0 && name.back() == ')') {
    std::string_view args(name);
    args = args.substr(8, args.size() - 9);
    int p = 0, s = 0;
    size_t comma = args.find(',');
    std::string_view ps = args.substr(0, comma);
    std::string_view ss = comma == std::string_view::npos ? "0" : args.substr(comma + 1);
    auto parse_small = [](std::string_view d, int* out) {
      if (d.empty() || d.size() > 2) return false;
      int v = 0;
      for (char c : d) {
        if (!IsDigit(c)) return false;
        v = v * 10 + (c - '0');
      }
      *out = v;
      return true;
    };
    if (!parse_small(ps, &p) || !parse_small(ss, &s)) {
      return Status::InvalidArgument(fmt::format("bad decimal type '{}'", Trim(text)));
    }
    SILT_ASSIGN_OR_RETURN(type, Decimal(p, s));
  } else {
    return Status::InvalidArgument(fmt::format("unknown type '{}'", Trim(text)));
  }
  return type.WithNullable(nullable);
}

Result<std::vector<ColumnDef>> ParseColumnDefs(std::string_view text) {
  std::vector<ColumnDef> out;
  std::set<std::string> names;
  // Split on commas outside parentheses (decimal(12,2) has one inside).
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '(') ++depth;
    if (i < text.size() && text[i] == ')') --depth;
    if (i < text.size() && (text[i] != ',' || depth > 0)) continue;
    std::string_view item = Trim(text.substr(start, i - start));
    start = i + 1;
    const size_t index = out.size() + 1;
    size_t name_end = 0;
    while (name_end < item.size() && item[name_end] != ' ' && item[name_end] != '\t') ++name_end;
    std::string_view name = item.substr(0, name_end);
    bool name_ok = !name.empty() && !IsDigit(name[0]);
    for (char c : name) {
      if (!(IsDigit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        name_ok = false;
      }
    }
    if (!name_ok) {
      return Status::InvalidArgument(
          fmt::format("column {}: expected 'name type', got '{}'", index, item));
    }
    auto type = DataType::Parse(item.substr(name_end));
    if (!type.ok()) return type.status().WithContext(fmt::format("column {} ({})", index, name));
    if (!names.insert(Lower(name)).second) {
      return Status::InvalidArgument(fmt::format("column {}: duplicate name '{}'", index, name));
    }
    out.push_back(ColumnDef{std::string(name), *type});
  }
  return out;
}

std::string ColumnDefsToString(const std::vector<ColumnDef>& columns) {
  std::string s;
  for (const ColumnDef& c : columns) {
    if (!s.empty()) s += ", ";
    s += c.name;
    s += ' ';
    s += c.type.ToString();
  }
  return s;
}

bool operator==(const Value& a, const Value& b) {
  if (a.v_.index() != b.v_.index()) return false;
  if (a.is_double()) {
    uint64_t x, y;
    double da = a.double_value(), db = b.double_value();
    std::memcpy(&x, &da, 8);
    std::memcpy(&y, &db, 8);
    return x == y;
  }
  return a.v_ == b.v_;
}

int CompareDoubles(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return static_cast<int>(na) - static_cast<int>(nb);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int CompareValues(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
  }
  if (a.is_double() && b.is_double()) return CompareDoubles(a.double_value(), b.double_value());
  if (a.is_string() && b.is_string()) {
    int c = a.string_value().compare(b.string_value());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  // Mixed kinds: order by kind so the result is at least consistent.
  return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
}

std::string Value::ToString(const DataType& type) const {
  if (is_null()) return "NULL";
  if (is_string()) return string_value();
  if (is_double()) return fmt::format("{}", double_value());
  switch (type.id()) {
    case TypeId::kBool:
      return int_value() != 0 ? "true" : "false";
    case TypeId::kDecimal:
      return FormatDecimal(int_value(), type.scale());
    case TypeId::kDate:
      return FormatDate(static_cast<int32_t>(int_value()));
    case TypeId::kTimestamp:
      return FormatTimestamp(int_value());
    default:
      return fmt::format("{}", int_value());
  }
}

void CivilFromDays(int32_t days, int* year, int* month, int* day) {
  const int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  *day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int>(year_of_era + era * 400 + (*month <= 2 ? 1 : 0));
}

std::string FormatDate(int32_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

Result<int32_t> ParseDate(std::string_view text) {
  std::string_view t = Trim(text);
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(t, &pos, &days) || pos != t.size()) {
    return Status::InvalidArgument(fmt::format("bad date '{}': expected YYYY-MM-DD", text));
  }
  return days;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t days = micros / kMicrosPerDay;
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    days -= 1;
  }
  const int64_t secs = rem / 1000000, frac = rem % 1000000;
  std::string s = fmt::format("{} {:02d}:{:02d}:{:02d}", FormatDate(static_cast<int32_t>(days)),
                              secs / 3600, (secs / 60) % 60, secs % 60);
  if (frac != 0) s += fmt::format(".{:06d}", frac);
  return s;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view t = Trim(text);
  auto bad = [&] {
    return Status::InvalidArgument(
        fmt::format("bad timestamp '{}': expected YYYY-MM-DD HH:MM:SS[.ffffff]", text));
  };
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePart(t, &pos, &days)) return bad();
  int h = 0, mi = 0, sec = 0;
  int64_t frac = 0;
  if (pos < t.size()) {
    if (t[pos] != ' ' && t[pos] != 'T') return bad();
    ++pos;
    if (!ParseDigits(t, &pos, 2, &h) || pos >= t.size() || t[pos++] != ':' ||
        !ParseDigits(t, &pos, 2, &mi) || pos >= t.size() || t[pos++] != ':' ||
        !ParseDigits(t, &pos, 2, &sec)) {
      return bad();
    }
    if (h > 23 || mi > 59 || sec > 59) return bad();
    if (pos < t.size()) {
      if (t[pos++] != '.') return bad();
      int digits = 0;
      while (pos < t.size() && IsDigit(t[pos]) && digits < 6) {
        frac = frac * 10 + (t[pos++] - '0');
        ++digits;
      }
      if (digits == 0 || pos != t.size()) return bad();
      for (; digits < 6; ++digits) frac *= 10;
    }
  }
  return static_cast<int64_t>(days) * kMicrosPerDay +
         (static_cast<int64_t>(h) * 3600 + mi * 60 + sec) * 1000000 + frac;
}

std::string FormatDecimal(int64_t scaled, int scale) {
  const bool negative = scaled < 0;
  uint64_t mag = negative ? 0 - static_cast<uint64_t>(scaled) : static_cast<uint64_t>(scaled);
  std::string digits = fmt::format("{}", mag);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

Result<int64_t> ParseDecimal(std::string_view text, int precision, int scale) {
  std::string_view t = Trim(text);
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("bad decimal({},{}) literal '{}': {}", precision, scale, text, why));
  };
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  uint64_t v = 0;
  int int_digits = 0, frac_digits = 0;
  bool seen_dot = false, any = false;
  for (char c : t) {
    if (c == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (!IsDigit(c)) return bad("not a number");
    any = true;
    if (seen_dot) {
      if (++frac_digits > scale) return bad("too many fraction digits");
    } else if (int_digits > 0 || c != '0') {
      ++int_digits;
    }
    if (int_digits + scale > precision) return bad("too many digits");
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!any) return bad("no digits");
  for (; frac_digits < scale; ++frac_digits) v *= 10;
  return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

}  // namespace silt

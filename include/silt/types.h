// Column types of silt tables, a scalar Value, and the text forms of both.
//
// A DataType is a logical type (what SQL sees) plus a nullable flag; each
// logical type maps to one PhysicalType, the fixed-width (or string) layout
// that column vectors and encoded blocks use:
//
//   bool         -> kBool    (one byte per value, 0 or 1)
//   int32, date  -> kInt32   (date: days since 1970-01-01)
//   int64, decimal(p,s), timestamp
//                -> kInt64   (decimal: the value times 10^s; timestamp:
//                             microseconds since 1970-01-01 00:00:00 UTC)
//   float64      -> kFloat64
//   string       -> kString  (bytes, not necessarily UTF-8)
//
// Type names parse case-insensitively: `bool`, `int32`, `int64`, `float64`,
// `decimal(p,s)` (1 <= p <= 18, 0 <= s <= p), `date`, `timestamp`, `string`,
// optionally followed by `not null` or `null`. A column list such as
// "id int64 not null, name string, price decimal(12,2), day date" parses with
// ParseColumnDefs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "silt/status.h"

namespace silt {

// Stored on disk (block headers, catalogs): never renumber.
enum class TypeId : uint8_t {
  kBool = 1,
  kInt32 = 2,
  kInt64 = 3,
  kFloat64 = 4,
  kDecimal = 5,
  kDate = 6,
  kTimestamp = 7,
  kString = 8,
};

// True for the values of TypeId above.
bool IsValidTypeId(uint8_t id);
// "bool", "int32", ... ("decimal" without precision).
const char* TypeIdName(TypeId id);

enum class PhysicalType : uint8_t { kBool, kInt32, kInt64, kFloat64, kString };

// The largest decimal precision: a decimal(18,s) value fits in an int64.
constexpr int kMaxDecimalPrecision = 18;

class DataType {
 public:
  // int64, nullable.
  constexpr DataType() = default;

  static constexpr DataType Bool() { return DataType(TypeId::kBool); }
  static constexpr DataType Int32() { return DataType(TypeId::kInt32); }
  static constexpr DataType Int64() { return DataType(TypeId::kInt64); }
  static constexpr DataType Float64() { return DataType(TypeId::kFloat64); }
  static constexpr DataType Date() { return DataType(TypeId::kDate); }
  static constexpr DataType Timestamp() { return DataType(TypeId::kTimestamp); }
  static constexpr DataType String() { return DataType(TypeId::kString); }
  // Checked: 1 <= precision <= 18 and 0 <= scale <= precision.
  static Result<DataType> Decimal(int precision, int scale);

  constexpr DataType WithNullable(bool nullable) const {
    DataType t = *this;
    t.nullable_ = nullable;
    return t;
  }
  constexpr DataType NotNull() const { return WithNullable(false); }

  constexpr TypeId id() const { return id_; }
  constexpr bool nullable() const { return nullable_; }
  // Decimal only (0 otherwise).
  constexpr int precision() const { return precision_; }
  constexpr int scale() const { return scale_; }

  PhysicalType physical() const;
  // Bytes per value in a ColumnVector and in plain blocks; 0 for strings.
  size_t value_width() const;
  // Stored as a signed integer (int32, int64, decimal, date, timestamp).
  bool is_integer() const;

  // "int64", "decimal(12,2)", "date not null".
  std::string ToString() const;
  // Inverse of ToString (also accepts the aliases documented above).
  static Result<DataType> Parse(std::string_view text);

  friend constexpr bool operator==(const DataType& a, const DataType& b) {
    return a.id_ == b.id_ && a.nullable_ == b.nullable_ && a.precision_ == b.precision_ &&
           a.scale_ == b.scale_;
  }
  // Same type, ignoring nullability.
  constexpr bool SameValues(const DataType& o) const {
    return id_ == o.id_ && precision_ == o.precision_ && scale_ == o.scale_;
  }

 private:
  constexpr explicit DataType(TypeId id) : id_(id) {}

  TypeId id_ = TypeId::kInt64;
  bool nullable_ = true;
  uint8_t precision_ = 0;
  uint8_t scale_ = 0;
};

// One column of a table schema.
struct ColumnDef {
  std::string name;
  DataType type;
  friend bool operator==(const ColumnDef&, const ColumnDef&) = default;
};

// Parses "name type [not null], ...". Names are [A-Za-z_][A-Za-z0-9_]* and
// must be distinct. Errors are InvalidArgument naming the column position.
Result<std::vector<ColumnDef>> ParseColumnDefs(std::string_view text);
std::string ColumnDefsToString(const std::vector<ColumnDef>& columns);

// A scalar value, or null. Integers of every integer-like type (and bool as
// 0/1) are held as int64; float64 as double; strings as bytes.
class Value {
 public:
  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Int(int64_t v) { return Value(Rep(v)); }
  static Value Double(double v) { return Value(Rep(v)); }
  static Value String(std::string v) { return Value(Rep(std::move(v))); }

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_double() const { return v_.index() == 2; }
  bool is_string() const { return v_.index() == 3; }
  int64_t int_value() const { return std::get<1>(v_); }
  double double_value() const { return std::get<2>(v_); }
  const std::string& string_value() const { return std::get<3>(v_); }

  // The value as plain text for a column of `type` (2024-01-31, 12.50, true;
  // strings unquoted), or NULL for null.
  std::string ToString(const DataType& type) const;

  // Identity: same kind and equal; doubles compare by bit pattern.
  friend bool operator==(const Value& a, const Value& b);

 private:
  using Rep = std::variant<std::monostate, int64_t, double, std::string>;
  explicit Value(Rep v) : v_(std::move(v)) {}
  Rep v_;
};

// The total order on float64 that silt uses everywhere (statistics,
// comparisons): -inf < ... < -0.0 == 0.0 < ... < +inf < NaN, all NaNs equal.
// Returns <0, 0 or >0.
int CompareDoubles(double a, double b);
// Orders two non-null values of the same kind (ints, doubles or strings);
// strings compare bytewise as unsigned.
int CompareValues(const Value& a, const Value& b);

// Calendar and number text, used by ToString and by literal parsing.
// Proleptic Gregorian calendar; years 0000..9999 parse.
// Inline: parsing dates (CSV import) calls it once per value.
inline int32_t DaysFromCivil(int year, int month, int day) {
  // Count from 0000-03-01 so the leap day ends each 4/100/400-year cycle.
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t m = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * m + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<int32_t>(era * 146097 + day_of_era - 719468);
}
void CivilFromDays(int32_t days, int* year, int* month, int* day);
std::string FormatDate(int32_t days);                   // "YYYY-MM-DD"
Result<int32_t> ParseDate(std::string_view text);       // "YYYY-MM-DD"
std::string FormatTimestamp(int64_t micros);            // "YYYY-MM-DD HH:MM:SS[.ffffff]"
Result<int64_t> ParseTimestamp(std::string_view text);  // same form; fraction optional
// 10^k for 0 <= k <= kMaxDecimalPrecision: the factor between decimal scales.
inline int64_t Pow10(int k) {
  static constexpr int64_t kPow10[kMaxDecimalPrecision + 1] = {1LL,
                                                               10LL,
                                                               100LL,
                                                               1000LL,
                                                               10000LL,
                                                               100000LL,
                                                               1000000LL,
                                                               10000000LL,
                                                               100000000LL,
                                                               1000000000LL,
                                                               10000000000LL,
                                                               100000000000LL,
                                                               1000000000000LL,
                                                               10000000000000LL,
                                                               100000000000000LL,
                                                               1000000000000000LL,
                                                               10000000000000000LL,
                                                               100000000000000000LL,
                                                               1000000000000000000LL};
  return kPow10[k];
}

std::string FormatDecimal(int64_t scaled, int scale);  // "-12.50" for (-1250, 2)
// "-12.5" -> -1250 for scale 2; at most `scale` fraction digits and at most
// `precision` digits in all.
Result<int64_t> ParseDecimal(std::string_view text, int precision, int scale);

}  // namespace silt

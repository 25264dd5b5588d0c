#include "table/zone_predicate.h"

#include <fmt/format.h>

namespace silt {
namespace {

bool SuitsColumn(const Value& v, const DataType& type) {
  if (v.is_null()) return true;
  switch (type.physical()) {
    case PhysicalType::kFloat64:
      return v.is_double();
    case PhysicalType::kString:
      return v.is_string();
    default:
      return v.is_int();
  }
}

}  // namespace

Status ZonePredicate::Validate(const DataType& type) const {
  if (!SuitsColumn(value, type) || !SuitsColumn(upper, type)) {
    return Status::InvalidArgument(
        fmt::format("predicate {} has a literal of the wrong kind for a {} column", ToString(),
                    type.ToString()));
  }
  return Status::OK();
}

bool ZonePredicate::MayMatch(const BlockStats& s) const {
  switch (kind) {
    case Kind::kIsNull:
      return s.null_count > 0;
    case Kind::kIsNotNull:
      return s.null_count < s.row_count;
    case Kind::kBetween:
      if (value.is_null() || upper.is_null() || s.min.is_null()) return false;
      return CompareValues(s.max, value) >= 0 && CompareValues(s.min, upper) <= 0 &&
             CompareValues(value, upper) <= 0;
    case Kind::kCompare:
      break;
  }
  if (value.is_null() || s.min.is_null()) return false;  // no non-null row, or null literal
  const int lo = CompareValues(s.min, value);            // min vs literal
  const int hi = CompareValues(s.max, value);            // max vs literal
  switch (op) {
    case CompareOp::kEq:
      return lo <= 0 && hi >= 0;
    case CompareOp::kNe:
      return !(lo == 0 && hi == 0);
    case CompareOp::kLt:
      return lo < 0;
    case CompareOp::kLe:
      return lo <= 0;
    case CompareOp::kGt:
      return hi > 0;
    case CompareOp::kGe:
      return hi >= 0;
  }
  return true;
}

bool ZonePredicate::Matches(const Value& v) const {
  switch (kind) {
    case Kind::kIsNull:
      return v.is_null();
    case Kind::kIsNotNull:
      return !v.is_null();
    case Kind::kBetween:
      return !v.is_null() && !value.is_null() && !upper.is_null() && CompareValues(v, value) >= 0 &&
             CompareValues(v, upper) <= 0;
    case Kind::kCompare:
      break;
  }
  if (v.is_null() || value.is_null()) return false;
  return CompareOpHolds(op, CompareValues(v, value));
}

std::string ZonePredicate::ToString() const {
  auto lit = [](const Value& v) -> std::string {
    if (v.is_null()) return "null";
    if (v.is_int()) return fmt::format("{}", v.int_value());
    if (v.is_double()) return fmt::format("{}", v.double_value());
    return "'" + v.string_value() + "'";
  };
  switch (kind) {
    case Kind::kIsNull:
      return fmt::format("#{} is null", column);
    case Kind::kIsNotNull:
      return fmt::format("#{} is not null", column);
    case Kind::kBetween:
      return fmt::format("#{} between {} and {}", column, lit(value), lit(upper));
    case Kind::kCompare:
      break;
  }
  return fmt::format("#{} {} {}", column, CompareOpName(op), lit(value));
}

}  // namespace silt

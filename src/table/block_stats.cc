#include "table/block_stats.h"

#include <fmt/format.h>

#include <cstring>

#include "table/block_format.h"

namespace silt {
namespace {

void EncodeValue(PhysicalType p, const Value& v, std::string* out) {
  switch (p) {
    case PhysicalType::kBool:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      PutVarint64(out, ZigZagEncode(v.int_value()));
      break;
    case PhysicalType::kFloat64: {
      uint64_t bits;
      double d = v.double_value();
      std::memcpy(&bits, &d, 8);
      PutFixed64(out, bits);
      break;
    }
    case PhysicalType::kString:
      PutLengthPrefixed(out, v.string_value());
      break;
  }
}

Status DecodeValue(PhysicalType p, ByteReader* r, Value* v) {
  switch (p) {
    case PhysicalType::kBool:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64: {
      uint64_t z;
      SILT_RETURN_IF_ERROR(r->ReadVarint64(&z));
      const int64_t x = ZigZagDecode(z);
      if (p == PhysicalType::kBool && (x < 0 || x > 1)) return r->Error("bool statistic not 0/1");
      if (p == PhysicalType::kInt32 && (x < INT32_MIN || x > INT32_MAX)) {
        return r->Error("int32 statistic out of range");
      }
      *v = Value::Int(x);
      return Status::OK();
    }
    case PhysicalType::kFloat64: {
      uint64_t bits;
      SILT_RETURN_IF_ERROR(r->ReadFixed64(&bits));
      double d;
      std::memcpy(&d, &bits, 8);
      *v = Value::Double(d);
      return Status::OK();
    }
    case PhysicalType::kString: {
      std::string_view s;
      SILT_RETURN_IF_ERROR(r->ReadLengthPrefixed(&s));
      if (s.size() > kMaxStringLength) return r->Error("string statistic too long");
      *v = Value::String(std::string(s));
      return Status::OK();
    }
  }
  return r->Error("unknown type");
}

}  // namespace

void BlockStats::EncodeTo(const DataType& type, std::string* out) const {
  PutVarint32(out, row_count);
  PutVarint32(out, null_count);
  PutVarint32(out, distinct_count);
  const bool has_min_max = !min.is_null() && !max.is_null();
  out->push_back(has_min_max ? 1 : 0);
  if (has_min_max) {
    EncodeValue(type.physical(), min, out);
    EncodeValue(type.physical(), max, out);
  }
}

Status BlockStats::DecodeFrom(const DataType& type, ByteReader* r, BlockStats* out) {
  BlockStats s;
  SILT_RETURN_IF_ERROR(r->ReadVarint32(&s.row_count));
  SILT_RETURN_IF_ERROR(r->ReadVarint32(&s.null_count));
  SILT_RETURN_IF_ERROR(r->ReadVarint32(&s.distinct_count));
  if (s.row_count > kMaxBlockRows || s.null_count > s.row_count ||
      s.distinct_count > s.row_count - s.null_count) {
    return r->Error(fmt::format("inconsistent block statistics: {} rows, {} nulls, {} distinct",
                                s.row_count, s.null_count, s.distinct_count));
  }
  uint8_t has_min_max;
  SILT_RETURN_IF_ERROR(r->ReadU8(&has_min_max));
  if (has_min_max > 1) return r->Error("bad min/max flag");
  if ((has_min_max == 1) != (s.null_count < s.row_count)) {
    return r->Error("min/max flag disagrees with the null count");
  }
  if (has_min_max) {
    SILT_RETURN_IF_ERROR(DecodeValue(type.physical(), r, &s.min));
    SILT_RETURN_IF_ERROR(DecodeValue(type.physical(), r, &s.max));
    if (CompareValues(s.min, s.max) > 0) return r->Error("block minimum above maximum");
  }
  *out = std::move(s);
  return Status::OK();
}

std::string BlockStats::ToString(const DataType& type) const {
  return fmt::format("rows={} nulls={} distinct={} min={} max={}", row_count, null_count,
                     distinct_count, min.ToString(type), max.ToString(type));
}

}  // namespace silt

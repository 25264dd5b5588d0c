#include "table/column_vector.h"

#include <fmt/format.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>

namespace silt {

ColumnVector::ColumnVector(DataType type) : type_(type), physical_(type.physical()) {
  if (physical_ == PhysicalType::kString) {
    uint32_t zero = 0;
    offsets_.Append(&zero, sizeof(zero));
  }
}

void ColumnVector::Clear() {
  size_ = 0;
  null_count_ = 0;
  has_validity_ = false;
  values_.Clear();
  bytes_.Clear();
  validity_.Clear();
  if (physical_ == PhysicalType::kString) offsets_.Resize(sizeof(uint32_t));
}

void ColumnVector::Reserve(size_t rows, size_t string_bytes) {
  if (physical_ == PhysicalType::kString) {
    offsets_.Reserve((rows + 1) * sizeof(uint32_t));
    bytes_.Reserve(string_bytes);
  } else {
    values_.Reserve(rows * type_.value_width());
  }
}

void ColumnVector::GrowValidityBytes(size_t rows) {
  const size_t need = (rows + 7) / 8;
  const size_t have = validity_.size();
  if (need > have) {
    validity_.Resize(need);
    std::memset(validity_.data() + have, 0, need - have);
  }
}

void ColumnVector::MaterializeValidity() {
  if (has_validity_) return;
  has_validity_ = true;
  validity_.Clear();
  GrowValidityBytes(size_);
  if (size_ >= 8) std::memset(validity_.data(), 0xff, size_ / 8);
  if (size_ % 8 != 0) validity_.data()[size_ / 8] = static_cast<uint8_t>((1u << (size_ % 8)) - 1);
}

void ColumnVector::GrowOne(bool valid) {
  if (!valid) MaterializeValidity();
  if (has_validity_) {
    GrowValidityBytes(size_ + 1);
    if (valid) {
      validity_.data()[size_ >> 3] |= static_cast<uint8_t>(1u << (size_ & 7));
    } else {
      ++null_count_;
    }
  }
  ++size_;
}

void ColumnVector::GrowValid(size_t n) {
  if (has_validity_) {
    GrowValidityBytes(size_ + n);
    uint8_t* v = validity_.data();
    size_t i = size_;
    const size_t end = size_ + n;
    for (; i < end && (i & 7) != 0; ++i) v[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    const size_t full = (end - i) / 8;
    if (full > 0) std::memset(v + (i >> 3), 0xff, full);
    i += full * 8;
    for (; i < end; ++i) v[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  size_ += n;
}

void ColumnVector::AppendNull() {
  switch (physical_) {
    case PhysicalType::kBool:
      *values_.Extend(1) = 0;
      break;
    case PhysicalType::kInt32:
      std::memset(values_.Extend(4), 0, 4);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kFloat64:
      std::memset(values_.Extend(8), 0, 8);
      break;
    case PhysicalType::kString: {
      uint32_t end = offsets()[size_];
      offsets_.Append(&end, sizeof(end));
      break;
    }
  }
  GrowOne(false);
}

void ColumnVector::AppendString(std::string_view v) {
  assert(physical_ == PhysicalType::kString);
  const uint64_t end = static_cast<uint64_t>(offsets()[size_]) + v.size();
  if (end > std::numeric_limits<uint32_t>::max()) {
    std::fprintf(stderr, "silt: ColumnVector string bytes exceed 4 GiB\n");
    std::abort();
  }
  bytes_.Append(v.data(), v.size());
  uint32_t e = static_cast<uint32_t>(end);
  offsets_.Append(&e, sizeof(e));
  GrowOne(true);
}

bool ColumnVector::AppendStringsUninitialized(size_t n, size_t total_bytes, StringSpace* space) {
  assert(physical_ == PhysicalType::kString);
  const uint32_t base = offsets()[size_];
  if (static_cast<uint64_t>(base) + total_bytes > std::numeric_limits<uint32_t>::max()) {
    return false;
  }
  space->bytes = reinterpret_cast<char*>(bytes_.Extend(total_bytes));
  space->ends = reinterpret_cast<uint32_t*>(offsets_.Extend(n * sizeof(uint32_t)));
  space->base = base;
  GrowValid(n);
  return true;
}

void ColumnVector::SetValidity(size_t start, const uint8_t* bits, size_t n) {
  assert(start + n <= size_);
  // Count the nulls first: a range without any leaves the vector untouched.
  size_t nulls = 0;
  const size_t nbytes = (n + 7) / 8;
  for (size_t k = 0; k < nbytes; ++k) {
    const size_t count = n - 8 * k < 8 ? n - 8 * k : 8;
    const uint8_t mask = static_cast<uint8_t>((1u << count) - 1);
    nulls += static_cast<size_t>(std::popcount(static_cast<uint8_t>(~bits[k] & mask)));
  }
  if (nulls == 0) return;
  MaterializeValidity();
  uint8_t* dst = validity_.data();
  size_t old_nulls = 0;  // rows in the range that were already null
  for (size_t k = 0; k < nbytes; ++k) {
    const size_t count = n - 8 * k < 8 ? n - 8 * k : 8;
    const uint32_t mask = (1u << count) - 1;
    const size_t p = start + 8 * k;
    const size_t byte = p >> 3, shift = p & 7;
    const uint32_t m = mask << shift;
    const uint32_t w = (static_cast<uint32_t>(bits[k]) & mask) << shift;
    uint32_t old = dst[byte];
    if (m >> 8) old |= static_cast<uint32_t>(dst[byte + 1]) << 8;
    old_nulls += static_cast<size_t>(std::popcount(~old & m));
    const uint32_t merged = (old & ~m) | w;
    dst[byte] = static_cast<uint8_t>(merged);
    if (m >> 8) dst[byte + 1] = static_cast<uint8_t>(merged >> 8);
  }
  null_count_ = null_count_ - old_nulls + nulls;
}

Value ColumnVector::GetValue(size_t i) const {
  if (IsNull(i)) return Value::Null();
  switch (physical_) {
    case PhysicalType::kBool:
      return Value::Int(Get<uint8_t>(i));
    case PhysicalType::kInt32:
      return Value::Int(Get<int32_t>(i));
    case PhysicalType::kInt64:
      return Value::Int(Get<int64_t>(i));
    case PhysicalType::kFloat64:
      return Value::Double(Get<double>(i));
    case PhysicalType::kString:
      return Value::String(std::string(GetString(i)));
  }
  return Value::Null();
}

Status ColumnVector::AppendValue(const Value& v) {
  if (v.is_null()) {
    if (!type_.nullable()) {
      return Status::InvalidArgument(fmt::format("null in a {} column", type_.ToString()));
    }
    AppendNull();
    return Status::OK();
  }
  auto mismatch = [&] {
    return Status::InvalidArgument(fmt::format("value does not fit a {} column", type_.ToString()));
  };
  switch (physical_) {
    case PhysicalType::kBool:
      if (!v.is_int() || (v.int_value() != 0 && v.int_value() != 1)) return mismatch();
      AppendBool(v.int_value() != 0);
      break;
    case PhysicalType::kInt32:
      if (!v.is_int() || v.int_value() < std::numeric_limits<int32_t>::min() ||
          v.int_value() > std::numeric_limits<int32_t>::max()) {
        return mismatch();
      }
      AppendInt32(static_cast<int32_t>(v.int_value()));
      break;
    case PhysicalType::kInt64:
      if (!v.is_int()) return mismatch();
      AppendInt64(v.int_value());
      break;
    case PhysicalType::kFloat64:
      if (!v.is_double()) return mismatch();
      AppendDouble(v.double_value());
      break;
    case PhysicalType::kString:
      if (!v.is_string()) return mismatch();
      AppendString(v.string_value());
      break;
  }
  return Status::OK();
}

void ColumnVector::AppendFrom(const ColumnVector& other, size_t begin, size_t n) {
  assert(other.physical_ == physical_ && begin + n <= other.size_);
  const size_t start = size_;
  if (physical_ == PhysicalType::kString) {
    const uint32_t* off = other.offsets();
    const size_t total = off[begin + n] - off[begin];
    StringSpace space;
    if (!AppendStringsUninitialized(n, total, &space)) {
      std::fprintf(stderr, "silt: ColumnVector string bytes exceed 4 GiB\n");
      std::abort();
    }
    if (total > 0) std::memcpy(space.bytes, other.string_data() + off[begin], total);
    for (size_t i = 0; i < n; ++i) space.ends[i] = space.base + (off[begin + i + 1] - off[begin]);
  } else {
    const size_t w = type_.value_width();
    uint8_t* dst = values_.Extend(n * w);
    if (n > 0) std::memcpy(dst, other.values_.data() + begin * w, n * w);
    GrowValid(n);
  }
  if (other.null_count_ > 0) {
    // SetValidity reads whole bytes from bit 0: realign other's bits first.
    RawBuffer bits;
    bits.Resize((n + 7) / 8);
    std::memset(bits.data(), 0, bits.size());
    for (size_t i = 0; i < n; ++i) {
      if (!other.IsNull(begin + i)) bits.data()[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    }
    SetValidity(start, bits.data(), n);
  }
}

bool ColumnVector::Equals(const ColumnVector& other) const {
  if (!type_.SameValues(other.type_) || size_ != other.size_) return false;
  for (size_t i = 0; i < size_; ++i) {
    if (IsNull(i) != other.IsNull(i)) return false;
    if (IsNull(i)) continue;
    switch (physical_) {
      case PhysicalType::kBool:
        if (Get<uint8_t>(i) != other.Get<uint8_t>(i)) return false;
        break;
      case PhysicalType::kInt32:
        if (Get<int32_t>(i) != other.Get<int32_t>(i)) return false;
        break;
      case PhysicalType::kInt64:
        if (Get<int64_t>(i) != other.Get<int64_t>(i)) return false;
        break;
      case PhysicalType::kFloat64:
        if (std::memcmp(values_.data() + i * 8, other.values_.data() + i * 8, 8) != 0) {
          return false;
        }
        break;
      case PhysicalType::kString:
        if (GetString(i) != other.GetString(i)) return false;
        break;
    }
  }
  return true;
}

}  // namespace silt

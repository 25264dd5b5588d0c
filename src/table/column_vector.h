// ColumnVector: a batch of values of one column, laid out for vectorized scans.
//
// Values are contiguous in their physical type (see include/silt/types.h):
// uint8_t (bool, 0 or 1), int32_t, int64_t or double, one per row; strings
// are one byte buffer plus size()+1 uint32 offsets (row i is
// bytes[offsets[i], offsets[i+1])). Nulls are a validity bitmap (bit i, least
// significant bit first, set = valid) that exists only once a null has been
// appended: validity() is nullptr for a batch without nulls, so loops can
// take a branch-free path. The value stored in a null row is unspecified
// (but initialised): consumers test validity first.
//
// Scans move batches of about kBatchRows rows; nothing limits a vector's size
// except the 4 GiB of string bytes that uint32 offsets address.
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "silt/status.h"
#include "silt/types.h"
#include "table/raw_buffer.h"

namespace silt {

// The C++ type of each fixed-width physical type.
template <typename T>
constexpr PhysicalType PhysicalTypeOf() {
  if constexpr (std::is_same_v<T, uint8_t>) return PhysicalType::kBool;
  if constexpr (std::is_same_v<T, int32_t>) return PhysicalType::kInt32;
  if constexpr (std::is_same_v<T, int64_t>) return PhysicalType::kInt64;
  if constexpr (std::is_same_v<T, double>) return PhysicalType::kFloat64;
  return PhysicalType::kString;
}

// Calls f(T{}) with the C++ type of a fixed-width physical type; strings
// call f(std::string_view{}).
template <typename F>
decltype(auto) VisitPhysicalType(PhysicalType p, F&& f) {
  switch (p) {
    case PhysicalType::kBool:
      return f(uint8_t{});
    case PhysicalType::kInt32:
      return f(int32_t{});
    case PhysicalType::kInt64:
      return f(int64_t{});
    case PhysicalType::kFloat64:
      return f(double{});
    case PhysicalType::kString:
      break;
  }
  return f(std::string_view{});
}

class ColumnVector {
 public:
  static constexpr size_t kBatchRows = 2048;

  explicit ColumnVector(DataType type = DataType());

  const DataType& type() const { return type_; }
  PhysicalType physical() const { return physical_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t null_count() const { return null_count_; }
  bool has_nulls() const { return null_count_ > 0; }

  // Empties the vector, keeping its memory for the next batch.
  void Clear();
  void Reserve(size_t rows, size_t string_bytes = 0);

  // ---- reading ----
  // nullptr when no row is null; else bit i (LSB first) set = row i valid.
  const uint8_t* validity() const { return null_count_ > 0 ? validity_.data() : nullptr; }
  bool IsNull(size_t i) const {
    return null_count_ > 0 && ((validity_.data()[i >> 3] >> (i & 7)) & 1) == 0;
  }
  bool IsValid(size_t i) const { return !IsNull(i); }

  // T is the physical C++ type: uint8_t (bool), int32_t, int64_t, double.
  template <typename T>
  const T* values() const {
    assert(physical_ == PhysicalTypeOf<T>());
    return values_.as<T>();
  }
  template <typename T>
  T* mutable_values() {
    assert(physical_ == PhysicalTypeOf<T>());
    return values_.as<T>();
  }
  template <typename T>
  T Get(size_t i) const {
    return values<T>()[i];
  }

  // Strings.
  std::string_view GetString(size_t i) const {
    const uint32_t* off = offsets();
    return std::string_view(string_data() + off[i], off[i + 1] - off[i]);
  }
  const uint32_t* offsets() const { return offsets_.as<uint32_t>(); }
  const char* string_data() const { return reinterpret_cast<const char*>(bytes_.data()); }
  size_t string_bytes() const { return offsets()[size_]; }

  // Row i as a Value (slow; for tests, tools and statistics).
  Value GetValue(size_t i) const;

  // ---- appending ----
  void AppendNull();
  template <typename T>
  void Append(T v) {
    assert(physical_ == PhysicalTypeOf<T>());
    *reinterpret_cast<T*>(values_.Extend(sizeof(T))) = v;
    GrowOne(true);
  }
  void AppendBool(bool v) { Append<uint8_t>(v ? 1 : 0); }
  void AppendInt32(int32_t v) { Append<int32_t>(v); }
  void AppendInt64(int64_t v) { Append<int64_t>(v); }
  void AppendDouble(double v) { Append<double>(v); }
  // Aborts if the vector's string bytes would pass 4 GiB.
  void AppendString(std::string_view v);
  // Type-checked: InvalidArgument if the value does not fit the column
  // (wrong kind, int32 out of range, null into a not-null column).
  Status AppendValue(const Value& v);
  // Appends rows [begin, begin + n) of `other`, which has the same physical type.
  void AppendFrom(const ColumnVector& other, size_t begin, size_t n);

  // ---- bulk appending, for decoders ----
  // Appends n valid rows whose values the caller writes through the result.
  template <typename T>
  T* AppendUninitialized(size_t n) {
    assert(physical_ == PhysicalTypeOf<T>());
    T* p = reinterpret_cast<T*>(values_.Extend(n * sizeof(T)));
    GrowValid(n);
    return p;
  }
  // Appends n valid string rows holding `total_bytes` bytes in all. The
  // caller copies the bytes to `bytes` and writes ends[i] = base + (end of
  // row i within those bytes), nondecreasing, the last equal to base + total.
  struct StringSpace {
    uint32_t* ends;
    char* bytes;
    uint32_t base;
  };
  // False (and nothing appended) if the string bytes would pass 4 GiB.
  bool AppendStringsUninitialized(size_t n, size_t total_bytes, StringSpace* space);
  // Marks rows [start, start + n), already appended, valid or null from
  // `bits` (LSB first from bit 0; bit set = valid).
  void SetValidity(size_t start, const uint8_t* bits, size_t n);

  // Same type and, row by row, same nulls and values (doubles bitwise).
  bool Equals(const ColumnVector& other) const;

 private:
  void GrowOne(bool valid);
  void GrowValid(size_t n);
  void MaterializeValidity();
  void GrowValidityBytes(size_t rows);

  DataType type_;
  PhysicalType physical_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  bool has_validity_ = false;  // validity_ holds a bit per row (bits past size_ are 0)
  RawBuffer values_;           // fixed-width values
  RawBuffer offsets_;          // strings: size_ + 1 uint32 offsets
  RawBuffer bytes_;            // strings: the bytes
  RawBuffer validity_;
};

}  // namespace silt

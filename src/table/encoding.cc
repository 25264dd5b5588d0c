#include "table/encoding.h"

#include <limits>

#include "common/coding.h"
#include "table/bitpacking.h"
#include "table/value_numbering.h"
#include "table/value_order.h"

namespace silt {

namespace {

template <typename T>
void ProfileFixed(const ColumnVector& col, size_t begin, size_t n, ColumnProfile* p) {
  const T* v = col.values<T>() + begin;
  ValueNumbering<uint64_t> distinct(n);
  bool have = false, have_run = false;
  T min{}, max{}, run_value{};
  uint32_t nulls = 0;
  for (size_t i = 0; i < n; ++i) {
    if (col.IsNull(begin + i)) {
      ++nulls;
      continue;
    }
    const T x = v[i];
    distinct.Insert(ValueKey(x));
    if (!have) {
      min = max = x;
      have = true;
    } else {
      if (ValueCompare(x, min) < 0) min = x;
      if (ValueCompare(x, max) > 0) max = x;
    }
    if (!have_run || ValueKey(x) != ValueKey(run_value)) {
      ++p->runs;
      run_value = x;
      have_run = true;
    }
  }
  if (n > 0 && p->runs == 0) p->runs = 1;  // all null: one run of the fill value
  p->stats.null_count = nulls;
  p->stats.distinct_count = static_cast<uint32_t>(distinct.size());
  if (have) {
    p->stats.min = ToValue(min);
    p->stats.max = ToValue(max);
    if constexpr (!std::is_same_v<T, double>) {
      p->int_min = static_cast<int64_t>(min);
      p->range_width = BitWidth(static_cast<uint64_t>(static_cast<int64_t>(max)) -
                                static_cast<uint64_t>(static_cast<int64_t>(min)));
    }
  }
}

void ProfileStrings(const ColumnVector& col, size_t begin, size_t n, ColumnProfile* p) {
  ValueNumbering<std::string_view> distinct(n);
  bool have = false, have_run = false;
  std::string_view min, max, run_value;
  uint32_t nulls = 0;
  for (size_t i = 0; i < n; ++i) {
    if (col.IsNull(begin + i)) {
      ++nulls;
      continue;
    }
    const std::string_view x = col.GetString(begin + i);
    p->string_bytes += x.size();
    if (x.size() > p->max_string_length) p->max_string_length = x.size();
    const size_t before = distinct.size();
    distinct.Insert(x);
    if (distinct.size() != before) p->distinct_string_bytes += x.size();
    if (!have) {
      min = max = x;
      have = true;
    } else {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!have_run || x != run_value) {
      ++p->runs;
      p->run_string_bytes += x.size();
      run_value = x;
      have_run = true;
    }
  }
  if (n > 0 && p->runs == 0) p->runs = 1;
  p->stats.null_count = nulls;
  p->stats.distinct_count = static_cast<uint32_t>(distinct.size());
  if (have) {
    p->stats.min = Value::String(std::string(min));
    p->stats.max = Value::String(std::string(max));
  }
}

// Bytes of n values in the plain layout.
size_t PlainBytes(PhysicalType p, uint64_t n, uint64_t string_bytes) {
  if (p == PhysicalType::kString) return 4 * n + string_bytes;
  const size_t width = p == PhysicalType::kBool ? 1 : (p == PhysicalType::kInt32 ? 4 : 8);
  return n * width;
}

}  // namespace

ColumnProfile ProfileColumn(const ColumnVector& column, size_t begin, size_t n) {
  ColumnProfile p;
  p.stats.row_count = static_cast<uint32_t>(n);
  VisitPhysicalType(column.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      ProfileStrings(column, begin, n, &p);
    } else {
      ProfileFixed<T>(column, begin, n, &p);
    }
  });
  return p;
}

bool EncodingApplies(Encoding e, PhysicalType p) {
  switch (e) {
    case Encoding::kPlain:
    case Encoding::kRunLength:
      return true;
    case Encoding::kDictionary:
      return p != PhysicalType::kBool;
    case Encoding::kBitPacked:
      return p != PhysicalType::kFloat64 && p != PhysicalType::kString;
  }
  return false;
}

bool DictionaryEligible(const ColumnProfile& profile) {
  const uint64_t d = profile.stats.distinct_count;
  return d >= 1 && d * 5 < profile.stats.row_count;
}

size_t EstimateEncodedSize(Encoding e, PhysicalType p, const ColumnProfile& profile) {
  if (!EncodingApplies(e, p)) return std::numeric_limits<size_t>::max();
  const uint64_t n = profile.stats.row_count;
  switch (e) {
    case Encoding::kPlain:
      return PlainBytes(p, n, profile.string_bytes);
    case Encoding::kRunLength: {
      const uint64_t runs = profile.runs;
      const uint64_t avg = runs == 0 ? 1 : (n + runs - 1) / runs;
      return static_cast<size_t>(VarintLength(runs) + runs * VarintLength(avg)) +
             PlainBytes(p, runs, profile.run_string_bytes);
    }
    case Encoding::kDictionary: {
      const uint64_t d = profile.stats.distinct_count;
      const int width = d <= 1 ? 0 : BitWidth(d - 1);
      return static_cast<size_t>(VarintLength(d)) +
             PlainBytes(p, d, profile.distinct_string_bytes) + 1 + PackedBytes(n, width);
    }
    case Encoding::kBitPacked:
      return 9 + PackedBytes(n, profile.range_width);
  }
  return std::numeric_limits<size_t>::max();
}

Encoding ChooseEncoding(PhysicalType p, const ColumnProfile& profile) {
  const bool dictionary = DictionaryEligible(profile) && EncodingApplies(Encoding::kDictionary, p);
  if (dictionary && (p == PhysicalType::kString || p == PhysicalType::kFloat64)) {
    return Encoding::kDictionary;
  }
  // Candidates in order of decoding speed: the first of equal size wins.
  Encoding best = Encoding::kPlain;
  size_t best_size = std::numeric_limits<size_t>::max();
  for (Encoding e :
       {Encoding::kBitPacked, Encoding::kPlain, Encoding::kDictionary, Encoding::kRunLength}) {
    if (e == Encoding::kDictionary && !dictionary) continue;
    const size_t size = EstimateEncodedSize(e, p, profile);
    if (size < best_size) {
      best = e;
      best_size = size;
    }
  }
  return best;
}

}  // namespace silt

#include "table/scan_block.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

#include "table/packed_filter.h"

namespace silt {

Result<BlockDecoder> ColumnBlockReader::Open(uint32_t k) {
  const auto& blocks = reader_->index(column_).blocks;
  const BlockIndexEntry& e = blocks[k];
  const std::string& path = reader_->column_path(column_);
  if (!map_tried_) {
    map_tried_ = true;
    map_ = reader_->MappedColumnData(column_);
  }
  if (map_ != nullptr) {
    const std::string_view data = map_->data();
    if (e.offset + e.length > data.size()) {
      return Status::Corruption(path, data.size(), "column file shorter than its index says");
    }
    SILT_ASSIGN_OR_RETURN(BlockDecoder dec,
                          BlockDecoder::Open(data.substr(e.offset, e.length),
                                             reader_->columns()[column_].type, path, e.offset));
    if (dec.row_count() != e.stats.row_count) {
      return Status::Corruption(
          path, e.offset + 4,
          fmt::format("block of {} rows, its index says {}", dec.row_count(), e.stats.row_count));
    }
    return dec;
  }
  if (!loaded_ || e.offset < buffer_offset_ ||
      e.offset + e.length > buffer_offset_ + buffer_.size()) {
    loaded_ = true;
    // Read k and the wanted blocks right after it, up to kChunkBytes.
    while (cursor_ < blocks_->size() && (*blocks_)[cursor_] < k) ++cursor_;
    uint64_t end = e.offset + e.length;
    size_t i = cursor_;
    while (i + 1 < blocks_->size() && (*blocks_)[i + 1] == (*blocks_)[i] + 1) {
      const BlockIndexEntry& next = blocks[(*blocks_)[i + 1]];
      if (next.offset + next.length - e.offset > kChunkBytes) break;
      end = next.offset + next.length;
      ++i;
    }
    buffer_.resize(end - e.offset);
    buffer_offset_ = e.offset;
    SILT_RETURN_IF_ERROR(reader_->ReadColumnData(column_, e.offset,
                                                 std::span<char>(buffer_.data(), buffer_.size())));
  }
  const std::string_view bytes(buffer_.data() + (e.offset - buffer_offset_), e.length);
  SILT_ASSIGN_OR_RETURN(
      BlockDecoder dec,
      BlockDecoder::Open(bytes, reader_->columns()[column_].type, path, e.offset));
  if (dec.row_count() != e.stats.row_count) {
    return Status::Corruption(
        path, e.offset + 4,
        fmt::format("block of {} rows, its index says {}", dec.row_count(), e.stats.row_count));
  }
  return dec;
}

ZonePredicate SimpleFilter::ToZonePredicate() const {
  switch (kind) {
    case Kind::kCompare:
      return ZonePredicate::Compare(column, op, lo);
    case Kind::kBetween:
      return ZonePredicate::Between(column, lo, hi);
    case Kind::kIn: {
      Value mn = list[0], mx = list[0];
      for (const Value& v : list) {
        if (CompareValues(v, mn) < 0) mn = v;
        if (CompareValues(v, mx) > 0) mx = v;
      }
      return ZonePredicate::Between(column, mn, mx);
    }
    case Kind::kIsNull:
      return ZonePredicate::IsNull(column);
    case Kind::kIsNotNull:
      return ZonePredicate::IsNotNull(column);
    case Kind::kNever:
      break;
  }
  // A comparison with a null literal rules out every block.
  return ZonePredicate::Compare(column, CompareOp::kEq, Value());
}

namespace {

// match[i] &= (get(i) OP lit), op switched outside the loops.
template <typename Get, typename L>
void AndCompare(size_t n, CompareOp op, Get get, L lit, uint8_t* match) {
  switch (op) {
    case CompareOp::kEq:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) == lit;
      break;
    case CompareOp::kNe:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) != lit;
      break;
    case CompareOp::kLt:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) < lit;
      break;
    case CompareOp::kLe:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) <= lit;
      break;
    case CompareOp::kGt:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) > lit;
      break;
    case CompareOp::kGe:
      for (size_t i = 0; i < n; ++i) match[i] &= get(i) >= lit;
      break;
  }
}

// The hot loops of integer filters, compiled for AVX2 as well where the
// compiler can pick the version at load time (x86-64 with GCC). Not under
// ThreadSanitizer: the dynamic loader runs the (instrumented) version
// resolver before TSan's runtime is up, which crashes at startup.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define SILT_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define SILT_MULTIVERSION
#endif

// match[i] &= lo <= v[i] <= hi, for T int32_t (bounds within its range) or int64_t.
template <typename T, typename U>
inline void BetweenLoop(const T* v, size_t n, T lo, U span, uint8_t* match) {
  for (size_t i = 0; i < n; ++i) {
    match[i] &= static_cast<U>(static_cast<U>(v[i]) - static_cast<U>(lo)) <= span;
  }
}
SILT_MULTIVERSION void AndBetweenI32(const int32_t* v, size_t n, int32_t lo, uint32_t span,
                                     uint8_t* match) {
  BetweenLoop<int32_t, uint32_t>(v, n, lo, span, match);
}
SILT_MULTIVERSION void AndBetweenI64(const int64_t* v, size_t n, int64_t lo, uint64_t span,
                                     uint8_t* match) {
  BetweenLoop<int64_t, uint64_t>(v, n, lo, span, match);
}
template <typename T>
inline void CompareTyped(const T* v, size_t n, CompareOp op, T lit, uint8_t* match) {
  AndCompare(
      n, op, [v](size_t i) { return v[i]; }, lit, match);
}
SILT_MULTIVERSION void AndCompareI32(const int32_t* v, size_t n, CompareOp op, int32_t lit,
                                     uint8_t* match) {
  CompareTyped(v, n, op, lit, match);
}
SILT_MULTIVERSION void AndCompareI64(const int64_t* v, size_t n, CompareOp op, int64_t lit,
                                     uint8_t* match) {
  CompareTyped(v, n, op, lit, match);
}

// Integer filters on int32 or int64 values: the literal is clamped into
// T's range first so the loop compares in T.
template <typename T>
bool FastIntFilter(const SimpleFilter& f, const T* vals, size_t n, uint8_t* match) {
  if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>) {
    constexpr int64_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
    if (f.kind == SimpleFilter::Kind::kBetween) {
      const int64_t lo = std::max(f.lo.int_value(), kMin), hi = std::min(f.hi.int_value(), kMax);
      if (lo > hi) {
        std::memset(match, 0, n);
      } else if constexpr (std::is_same_v<T, int32_t>) {
        AndBetweenI32(vals, n, static_cast<int32_t>(lo),
                      static_cast<uint32_t>(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)),
                      match);
      } else {
        AndBetweenI64(vals, n, lo, static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo), match);
      }
      return true;
    }
    if (f.kind == SimpleFilter::Kind::kCompare) {
      const int64_t x = f.lo.int_value();
      if (x < kMin || x > kMax) return false;
      if constexpr (std::is_same_v<T, int32_t>) {
        AndCompareI32(vals, n, f.op, static_cast<int32_t>(x), match);
      } else {
        AndCompareI64(vals, n, f.op, x, match);
      }
      return true;
    }
  }
  return false;
}

void AndValidity(const ColumnVector& col, uint8_t* match) {
  const uint8_t* bits = col.validity();
  if (bits == nullptr) return;
  for (size_t i = 0; i < col.size(); ++i) match[i] &= (bits[i >> 3] >> (i & 7)) & 1;
}

}  // namespace

void SimpleFilter::Apply(const ColumnVector& col, uint8_t* match) const {
  const size_t n = col.size();
  switch (kind) {
    case Kind::kNever:
      std::memset(match, 0, n);
      return;
    case Kind::kIsNull: {
      for (size_t i = 0; i < n; ++i) match[i] &= col.IsNull(i);
      return;
    }
    case Kind::kIsNotNull:
      AndValidity(col, match);
      return;
    default:
      break;
  }
  VisitPhysicalType(col.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      auto get = [&](size_t i) { return col.GetString(i); };
      if (kind == Kind::kCompare) {
        AndCompare(n, op, get, std::string_view(lo.string_value()), match);
      } else if (kind == Kind::kBetween) {
        const std::string_view a = lo.string_value(), b = hi.string_value();
        for (size_t i = 0; i < n; ++i) {
          const std::string_view s = get(i);
          match[i] &= s >= a && s <= b;
        }
      } else {
        for (size_t i = 0; i < n; ++i) {
          if (!match[i]) continue;
          const std::string_view s = get(i);
          bool any = false;
          for (const Value& v : list) any |= s == v.string_value();
          match[i] = any;
        }
      }
    } else if constexpr (std::is_same_v<T, double>) {
      const double* vals = col.values<double>();
      auto holds = [&](double x, CompareOp o, double y) {
        return CompareOpHolds(o, CompareDoubles(x, y));
      };
      for (size_t i = 0; i < n; ++i) {
        if (!match[i]) continue;
        const double x = vals[i];
        bool ok;
        if (kind == Kind::kCompare) {
          ok = holds(x, op, lo.double_value());
        } else if (kind == Kind::kBetween) {
          ok = holds(x, CompareOp::kGe, lo.double_value()) &&
               holds(x, CompareOp::kLe, hi.double_value());
        } else {
          ok = false;
          for (const Value& v : list) ok |= CompareDoubles(x, v.double_value()) == 0;
        }
        match[i] = ok;
      }
    } else {
      const T* vals = col.values<T>();
      auto get = [&](size_t i) { return static_cast<int64_t>(vals[i]); };
      if (FastIntFilter(*this, vals, n, match)) {
        // done
      } else if (kind == Kind::kCompare) {
        AndCompare(n, op, get, lo.int_value(), match);
      } else if (kind == Kind::kBetween) {
        const int64_t a = lo.int_value(), b = hi.int_value();
        if (a > b) {
          std::memset(match, 0, n);
        } else {
          const uint64_t span = static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
          for (size_t i = 0; i < n; ++i) {
            match[i] &= static_cast<uint64_t>(get(i)) - static_cast<uint64_t>(a) <= span;
          }
        }
      } else {
        std::vector<uint8_t> any(n, 0);
        for (const Value& v : list) {
          const int64_t x = v.int_value();
          for (size_t i = 0; i < n; ++i) any[i] |= get(i) == x;
        }
        for (size_t i = 0; i < n; ++i) match[i] &= any[i];
      }
    }
  });
  AndValidity(col, match);
}

void SimpleFilter::ApplyCodes(const DictionaryBlock& dict, const uint8_t* bits, size_t n,
                              std::vector<uint8_t>* table, uint8_t* match) const {
  if (kind == Kind::kIsNull) {
    for (size_t i = 0; i < n; ++i) match[i] &= bits != nullptr && !((bits[i >> 3] >> (i & 7)) & 1);
    return;
  }
  if (kind != Kind::kIsNotNull) {
    // The dictionary holds no nulls: test each entry once.
    table->assign(dict.dictionary.size(), 1);
    Apply(dict.dictionary, table->data());
    const uint8_t* t = table->data();
    const uint32_t* codes = dict.codes.data();
    for (size_t i = 0; i < n; ++i) match[i] &= t[codes[i]];
  }
  if (bits != nullptr) {
    for (size_t i = 0; i < n; ++i) match[i] &= (bits[i >> 3] >> (i & 7)) & 1;
  }
}

namespace {

// A condition on integers as a range [lo, hi] of values, or (negated) the
// values outside it; nullopt where it is not one (IN, a non-integer literal).
struct IntRange {
  int64_t lo, hi;  // lo > hi: empty
  bool negate;
};
std::optional<IntRange> RangeOf(const SimpleFilter& f) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (f.kind == SimpleFilter::Kind::kBetween) {
    if (!f.lo.is_int() || !f.hi.is_int()) return std::nullopt;
    return IntRange{f.lo.int_value(), f.hi.int_value(), false};
  }
  if (f.kind != SimpleFilter::Kind::kCompare || !f.lo.is_int()) return std::nullopt;
  const int64_t x = f.lo.int_value();
  switch (f.op) {
    case CompareOp::kEq:
      return IntRange{x, x, false};
    case CompareOp::kNe:
      return IntRange{x, x, true};
    case CompareOp::kLt:
      return x == kMin ? IntRange{kMax, kMin, false} : IntRange{kMin, x - 1, false};
    case CompareOp::kLe:
      return IntRange{kMin, x, false};
    case CompareOp::kGt:
      return x == kMax ? IntRange{kMax, kMin, false} : IntRange{x + 1, kMax, false};
    case CompareOp::kGe:
      return IntRange{x, kMax, false};
  }
  return std::nullopt;
}

void ClearAll(size_t n, uint8_t* bits) { std::memset(bits, 0, (n + 7) / 8); }

}  // namespace

Result<bool> SimpleFilter::AndEncoded(const BlockDecoder& dec, EncodedFilterScratch* scratch,
                                      uint8_t* bits) const {
  const size_t n = dec.row_count();
  const uint8_t* valid = dec.validity_bits();
  switch (kind) {
    case Kind::kNever:
      ClearAll(n, bits);
      return true;
    case Kind::kIsNull:
      if (valid == nullptr) {
        ClearAll(n, bits);
      } else {
        AndNotBits(valid, n, bits);
      }
      return true;
    case Kind::kIsNotNull:
      if (valid != nullptr) AndBits(valid, n, bits);
      return true;
    default:
      break;
  }
  if (dec.encoding() == Encoding::kBitPacked) {
    const std::optional<IntRange> range = RangeOf(*this);
    const PhysicalType p = dec.type().physical();
    if (!range ||
        (p != PhysicalType::kBool && p != PhysicalType::kInt32 && p != PhysicalType::kInt64)) {
      return false;
    }
    BlockDecoder::BitPackedView view;
    SILT_RETURN_IF_ERROR(dec.ReadBitPacked(&view));
    // Row i holds reference + delta_i, delta_i in [0, 2^width - 1]. Where
    // that can leave the type's range (the decoder wraps), decode instead.
    const __int128 ref = static_cast<int64_t>(view.reference);
    const __int128 max_delta =
        view.width == 64 ? static_cast<__int128>(~uint64_t{0}) : (__int128{1} << view.width) - 1;
    const __int128 type_max = p == PhysicalType::kBool    ? 1
                              : p == PhysicalType::kInt32 ? std::numeric_limits<int32_t>::max()
                                                          : std::numeric_limits<int64_t>::max();
    if (ref + max_delta > type_max) return false;
    const __int128 dlo = std::max<__int128>(range->lo - ref, 0);
    const __int128 dhi = std::min<__int128>(range->hi - ref, max_delta);
    const bool none = range->lo > range->hi || dlo > dhi;
    const bool all = !none && dlo == 0 && dhi == max_delta;
    if (none || all) {
      // Every row (or none) is in the range: the deltas need not be read.
      if (none != range->negate) {
        ClearAll(n, bits);
        return true;
      }
    } else {
      const auto* in = reinterpret_cast<const uint8_t*>(view.packed.data());
      AndPackedInRange(in, view.packed.size(), n, view.width, static_cast<uint64_t>(dlo),
                       static_cast<uint64_t>(dhi), range->negate, bits);
    }
    if (valid != nullptr) AndBits(valid, n, bits);
    return true;
  }
  if (dec.encoding() == Encoding::kDictionary) {
    ColumnVector& dict = scratch->dictionary;
    if (!dict.type().SameValues(dec.type())) {
      dict = ColumnVector(dec.type().WithNullable(false));
    } else {
      dict.Clear();
    }
    BlockDecoder::DictionaryCodes codes;
    SILT_RETURN_IF_ERROR(dec.ReadDictionaryPacked(&dict, &codes));
    // Which dictionary values satisfy the condition.
    std::vector<uint8_t>& table = scratch->table;
    table.assign(dict.size(), 1);
    Apply(dict, table.data());
    size_t first = 0, last = table.size();
    while (first < table.size() && !table[first]) ++first;
    while (last > first && !table[last - 1]) --last;
    bool contiguous = true;
    for (size_t c = first; c < last && contiguous; ++c) contiguous = table[c] != 0;
    const auto* in = reinterpret_cast<const uint8_t*>(codes.packed.data());
    const size_t size = codes.packed.size();
    uint64_t max_code;
    if (first == last) {
      // No value matches; the codes are still read, to check them.
      const uint64_t all = codes.width == 64 ? ~uint64_t{0} : (uint64_t{1} << codes.width) - 1;
      max_code = AndPackedInRange(in, size, n, codes.width, 0, all, /*negate=*/true, bits);
    } else if (contiguous) {
      max_code = AndPackedInRange(in, size, n, codes.width, first, last - 1, false, bits);
    } else {
      max_code = AndPackedLookup(in, size, n, codes.width, table.data(), table.size(), bits);
    }
    SILT_RETURN_IF_ERROR(dec.CheckDictionaryCode(max_code, dict.size()));
    if (valid != nullptr) AndBits(valid, n, bits);
    return true;
  }
  return false;
}

}  // namespace silt

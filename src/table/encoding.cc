#include "table/encoding.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "common/coding.h"
#include "common/hash.h"
#include "table/bitpacking.h"
#include "table/value_order.h"

namespace silt {

namespace {

// Hashing for the profiler's table: the murmur3 finalizer for 64-bit keys;
// strings of up to 16 bytes are read as two (overlapping) words and mixed
// inline, longer ones go to XXH3.
inline uint64_t MixKey(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t HashString(std::string_view s) {
  const size_t len = s.size();
  const char* p = s.data();
  uint64_t a = 0, b = 0;
  if (len > 32) return Hash64(s);
  if (len > 16) {
    a = Load64(p) ^ MixKey(Load64(p + 8));
    b = Load64(p + len - 16) ^ MixKey(Load64(p + len - 8));
  } else if (len >= 8) {
    a = Load64(p);
    b = Load64(p + len - 8);
  } else if (len >= 4) {
    a = Load32(p);
    b = Load32(p + len - 4);
  } else if (len > 0) {
    a = static_cast<uint8_t>(p[0]) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[len / 2])) << 8) |
        (static_cast<uint64_t>(static_cast<uint8_t>(p[len - 1])) << 16);
  }
  return MixKey(a ^ MixKey(b + len * 0x9e3779b97f4a7c15ULL));
}

// Bytewise order (as std::string_view::compare), deciding most pairs of
// strings by their first 8 bytes without calling memcmp.
static_assert(std::endian::native == std::endian::little, "LessString byte-swaps loads");
inline bool LessString(std::string_view x, std::string_view y) {
  if (x.size() >= 8 && y.size() >= 8) {
    const uint64_t a = __builtin_bswap64(Load64(x.data()));
    const uint64_t b = __builtin_bswap64(Load64(y.data()));
    if (a != b) return a < b;
  }
  return x < y;
}

inline bool EqualStrings(std::string_view x, std::string_view y) {
  const size_t len = x.size();
  if (len != y.size()) return false;
  const char* p = x.data();
  const char* q = y.data();
  if (len >= 8 && len <= 16) {
    return Load64(p) == Load64(q) && Load64(p + len - 8) == Load64(q + len - 8);
  }
  if (len >= 4 && len < 8) {
    return Load32(p) == Load32(q) && Load32(p + len - 4) == Load32(q + len - 4);
  }
  if (len < 4) {
    for (size_t i = 0; i < len; ++i) {
      if (p[i] != q[i]) return false;
    }
    return true;
  }
  return std::memcmp(p, q, len) == 0;
}

// A string of at most 8 bytes as one word: its bytes, zero-padded,
// little-endian. Distinct strings of one length give distinct words (the
// loads below cover every byte); "a" and "a\0" need the length besides.
inline uint64_t ShortKey(const char* p, size_t len) {
  if (len >= 4) {
    return uint64_t{Load32(p)} | (uint64_t{Load32(p + len - 4)} << (8 * (len - 4)));
  }
  if (len == 0) return 0;
  return uint64_t{static_cast<uint8_t>(p[0])} |
         (uint64_t{static_cast<uint8_t>(p[len / 2])} << (8 * (len / 2))) |
         (uint64_t{static_cast<uint8_t>(p[len - 1])} << (8 * (len - 1)));
}

// Integer blocks spanning fewer values than this count distinct values in a
// bitmap of the range (at most 128 KiB) instead of a hash table.
constexpr uint64_t kBitmapRange = uint64_t{1} << 20;

// Bytes of n values in the plain layout.
size_t PlainBytes(PhysicalType p, uint64_t n, uint64_t string_bytes) {
  if (p == PhysicalType::kString) return 4 * n + string_bytes;
  const size_t width = p == PhysicalType::kBool ? 1 : (p == PhysicalType::kInt32 ? 4 : 8);
  return n * width;
}

}  // namespace

ColumnProfiler::ColumnProfiler() = default;
ColumnProfiler::~ColumnProfiler() = default;

void ColumnProfiler::ResetTable(size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap *= 2;
  if (slots_.size() < cap) slots_.assign(cap, Slot{0, 0, 0});
  mask_ = cap - 1;
  if (++generation_ == 0) {  // wrapped: forget every slot for real
    std::fill(slots_.begin(), slots_.end(), Slot{0, 0, 0});
    generation_ = 1;
  }
}

template <typename T>
void ColumnProfiler::NumberFixed(const T* v, const ColumnVector& col, size_t begin, size_t n) {
  ColumnProfile* p = &profile_;
  ResetTable(n);
  numbered_ = true;
  ids_.resize(n);
  fixed_keys_.clear();
  uint32_t* ids = ids_.data();
  const uint32_t gen = generation_;
  bool have = false;
  T min{}, max{};
  uint32_t nulls = 0;
  uint32_t run_id = UINT32_MAX;
  uint64_t runs = 0;
  for (size_t i = 0; i < n; ++i) {
    if (col.IsNull(begin + i)) {
      ++nulls;
      ids[i] = 0;
      continue;
    }
    const T x = v[i];
    const uint64_t key = ValueKey(x);
    const uint64_t h = MixKey(key);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    size_t slot = h & mask_;
    uint32_t id;
    while (true) {
      Slot& s = slots_[slot];
      if (s.generation != gen) {
        id = static_cast<uint32_t>(fixed_keys_.size());
        s = Slot{gen, tag, id};
        fixed_keys_.push_back(key);
        // A new value: the only time min and max can change.
        if (!have) {
          min = max = x;
          have = true;
        } else {
          if (ValueCompare(x, min) < 0) min = x;
          if (ValueCompare(x, max) > 0) max = x;
        }
        break;
      }
      if (s.tag == tag && fixed_keys_[s.id] == key) {
        id = s.id;
        break;
      }
      slot = (slot + 1) & mask_;
    }
    ids[i] = id;
    runs += id != run_id;
    run_id = id;
  }
  p->runs = runs;
  if (n > 0 && p->runs == 0) p->runs = 1;  // all null: one run of the fill value
  p->stats.null_count = nulls;
  p->stats.distinct_count = static_cast<uint32_t>(fixed_keys_.size());
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

template <typename T>
bool ColumnProfiler::CountDistinctInRange(const T* v, const ColumnVector& col, size_t begin,
                                          size_t n, uint64_t min_key, uint64_t range) {
  const size_t words = static_cast<size_t>(range >> 6) + 1;
  if (bitmap_.size() < words) bitmap_.resize(words, 0);
  uint64_t* bm = bitmap_.data();
  uint32_t distinct = 0;
  const bool nulls = col.has_nulls();
  for (size_t i = 0; i < n; ++i) {
    if (nulls && col.IsNull(begin + i)) continue;
    const uint64_t d = ValueKey(v[i]) - min_key;
    const uint64_t bit = uint64_t{1} << (d & 63);
    uint64_t& w = bm[d >> 6];
    distinct += (w & bit) == 0;
    w |= bit;
  }
  profile_.stats.distinct_count = distinct;
  // Leave the bitmap all zero for the next block, by the cheaper way.
  if (words <= 2 * n) {
    std::memset(bm, 0, words * sizeof(uint64_t));
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (nulls && col.IsNull(begin + i)) continue;
      bm[(ValueKey(v[i]) - min_key) >> 6] = 0;
    }
  }
  return true;
}

template <typename T>
void ColumnProfiler::ProfileFixed(const ColumnVector& col, size_t begin, size_t n) {
  const T* v = col.values<T>() + begin;
  if constexpr (std::is_same_v<T, double>) {
    // Order and identity differ for doubles (-0.0, NaN): the general path.
    NumberFixed<T>(v, col, begin, n);
  } else {
    // Pass 1: nulls, min, max, runs; pass 2: distinct values.
    ColumnProfile* p = &profile_;
    bool have = false;
    T min{}, max{};
    uint32_t nulls = 0;
    uint64_t runs = 0;
    if (!col.has_nulls()) {
      if (n > 0) {
        T mn = v[0], mx = v[0];
        uint64_t changes = 0;
        for (size_t i = 1; i < n; ++i) {
          const T x = v[i];
          mn = x < mn ? x : mn;
          mx = x > mx ? x : mx;
          changes += x != v[i - 1];
        }
        min = mn;
        max = mx;
        have = true;
        runs = changes + 1;
      }
    } else {
      T run_value{};
      for (size_t i = 0; i < n; ++i) {
        if (col.IsNull(begin + i)) {
          ++nulls;
          continue;
        }
        const T x = v[i];
        if (!have) {
          min = max = run_value = x;
          have = true;
          runs = 1;
          continue;
        }
        min = x < min ? x : min;
        max = x > max ? x : max;
        runs += x != run_value;
        run_value = x;
      }
    }
    const uint64_t min_key = ValueKey(min);
    const uint64_t range = ValueKey(max) - min_key;
    if (have && range >= kBitmapRange) {
      NumberFixed<T>(v, col, begin, n);  // recomputes the same nulls, runs, min and max
      return;
    }
    numbered_ = false;
    p->runs = runs;
    if (n > 0 && p->runs == 0) p->runs = 1;
    p->stats.null_count = nulls;
    p->stats.distinct_count = 0;
    if (have) {
      CountDistinctInRange<T>(v, col, begin, n, min_key, range);
      p->stats.min = ToValue(min);
      p->stats.max = ToValue(max);
      p->int_min = static_cast<int64_t>(min);
      p->range_width = BitWidth(range);
    }
  }
}

void ColumnProfiler::ProfileStrings(const ColumnVector& col, size_t begin, size_t n) {
  ColumnProfile* p = &profile_;
  ResetTable(n);
  numbered_ = true;
  ids_.resize(n);
  string_keys_.clear();
  short_keys_.clear();
  uint32_t* ids = ids_.data();
  const uint32_t gen = generation_;
  const uint32_t* off = col.offsets();
  const char* bytes = col.string_data();
  const bool nulls_present = col.has_nulls();
  bool have = false;
  std::string_view min, max;
  uint32_t nulls = 0;
  uint32_t run_id = UINT32_MAX;
  uint64_t string_bytes = 0, run_string_bytes = 0, distinct_string_bytes = 0, longest = 0;
  uint64_t runs = 0;
  for (size_t i = 0; i < n; ++i) {
    if (nulls_present && col.IsNull(begin + i)) {
      ++nulls;
      ids[i] = 0;
      continue;
    }
    const uint32_t b = off[begin + i];
    const std::string_view x(bytes + b, off[begin + i + 1] - b);
    const size_t len = x.size();
    string_bytes += len;
    // Strings of up to 8 bytes (flags, codes, modes) are compared as one
    // word and hashed with one multiplication; the tag's low 4 bits hold
    // their length, 0xF marks a longer string, so equal tags and words mean
    // equal strings.
    const bool is_short = len <= 8;
    uint64_t short_key = 0;
    uint32_t tag;
    size_t slot;
    if (is_short) {
      short_key = ShortKey(x.data(), len);
      const uint64_t h = (short_key ^ len) * 0x9e3779b97f4a7c15ULL;
      tag = (static_cast<uint32_t>(h) & ~0xFu) | static_cast<uint32_t>(len);
      slot = (h >> 32) & mask_;
    } else {
      const uint64_t h = HashString(x);
      tag = static_cast<uint32_t>(h >> 32) | 0xFu;
      slot = h & mask_;
    }
    uint32_t id;
    while (true) {
      Slot& s = slots_[slot];
      if (s.generation != gen) {
        id = static_cast<uint32_t>(string_keys_.size());
        s = Slot{gen, tag, id};
        string_keys_.push_back(x);
        short_keys_.push_back(short_key);
        distinct_string_bytes += x.size();
        if (x.size() > longest) longest = x.size();
        if (!have) {
          min = max = x;
          have = true;
        } else {
          if (LessString(x, min)) min = x;
          if (LessString(max, x)) max = x;
        }
        break;
      }
      if (s.tag == tag &&
          (is_short ? short_keys_[s.id] == short_key : EqualStrings(string_keys_[s.id], x))) {
        id = s.id;
        break;
      }
      slot = (slot + 1) & mask_;
    }
    ids[i] = id;
    // Branch-free: in random data the value changes unpredictably.
    const bool new_run = id != run_id;
    runs += new_run;
    run_string_bytes += new_run ? len : 0;
    run_id = id;
  }
  p->runs = runs;
  if (n > 0 && p->runs == 0) p->runs = 1;
  p->string_bytes = string_bytes;
  p->run_string_bytes = run_string_bytes;
  p->distinct_string_bytes = distinct_string_bytes;
  p->max_string_length = longest;
  p->stats.null_count = nulls;
  p->stats.distinct_count = static_cast<uint32_t>(string_keys_.size());
  if (have) {
    p->stats.min = Value::String(std::string(min));
    p->stats.max = Value::String(std::string(max));
  }
}

const ColumnProfile& ColumnProfiler::Profile(const ColumnVector& column, size_t begin, size_t n) {
  profile_ = ColumnProfile();
  profile_.stats.row_count = static_cast<uint32_t>(n);
  numbered_ = false;
  VisitPhysicalType(column.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      ProfileStrings(column, begin, n);
    } else {
      ProfileFixed<T>(column, begin, n);
    }
  });
  return profile_;
}

ColumnProfile ProfileColumn(const ColumnVector& column, size_t begin, size_t n) {
  ColumnProfiler profiler;
  return profiler.Profile(column, begin, n);
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

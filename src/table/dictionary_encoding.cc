#include "table/dictionary_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "table/bitpacking.h"
#include "table/block_format.h"
#include "table/encoding.h"
#include "table/plain_encoding.h"
#include "table/value_numbering.h"
#include "table/value_order.h"

namespace silt {
namespace {

// The payload from a numbering of the rows' values: keys[k] is value k (in
// any order), first_seen[i] the number of row begin + i's value (ignored for
// null rows). The dictionary is the keys sorted, so any numbering of the same
// values gives the same bytes.
template <typename T, typename Key>
void EncodeNumbered(const ColumnVector& col, size_t begin, size_t n, const std::vector<Key>& keys,
                    const uint32_t* first_seen, std::string* out) {
  // Sort the distinct values; remap first-seen numbers to sorted codes.
  std::vector<uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      return keys[a] < keys[b];
    } else {
      return ValueLess(ValueFromKey<T>(keys[a]), ValueFromKey<T>(keys[b]));
    }
  });
  std::vector<uint32_t> code_of(keys.size());
  ColumnVector dictionary(col.type().WithNullable(false));
  for (uint32_t c = 0; c < order.size(); ++c) {
    code_of[order[c]] = c;
    if constexpr (std::is_same_v<T, std::string_view>) {
      dictionary.AppendString(keys[order[c]]);
    } else {
      dictionary.Append<T>(ValueFromKey<T>(keys[order[c]]));
    }
  }
  std::vector<uint64_t> codes(n);
  if (col.has_nulls()) {
    for (size_t i = 0; i < n; ++i) codes[i] = col.IsNull(begin + i) ? 0 : code_of[first_seen[i]];
  } else {
    for (size_t i = 0; i < n; ++i) codes[i] = code_of[first_seen[i]];
  }
  // Every row null: one placeholder entry keeps "codes < D" true.
  if (n > 0 && dictionary.empty()) {
    if constexpr (std::is_same_v<T, std::string_view>) {
      dictionary.AppendString("");
    } else {
      dictionary.Append<T>(T{});
    }
  }
  const size_t d = dictionary.size();
  const int width = d <= 1 ? 0 : BitWidth(d - 1);
  PutVarint32(out, static_cast<uint32_t>(d));
  EncodePlain(dictionary, 0, d, out);
  out->push_back(static_cast<char>(width));
  PackBits(codes.data(), n, width, out);
}

template <typename T>
void EncodeTyped(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  using Key = std::conditional_t<std::is_same_v<T, std::string_view>, std::string_view, uint64_t>;
  ValueNumbering<Key> numbering(n);
  std::vector<uint32_t> first_seen(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (col.IsNull(begin + i)) continue;
    if constexpr (std::is_same_v<T, std::string_view>) {
      first_seen[i] = numbering.Insert(col.GetString(begin + i));
    } else {
      first_seen[i] = numbering.Insert(ValueKey(col.Get<T>(begin + i)));
    }
  }
  EncodeNumbered<T>(col, begin, n, numbering.keys(), first_seen.data(), out);
}

// Strictly ascending in the order the encoder sorts by.

}  // namespace

void EncodeDictionary(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  VisitPhysicalType(col.physical(),
                    [&](auto tag) { EncodeTyped<decltype(tag)>(col, begin, n, out); });
}

void EncodeDictionary(const ColumnVector& col, size_t begin, size_t n,
                      const ColumnProfiler& numbering, std::string* out) {
  if (!numbering.numbered() || numbering.ids().size() != n) {
    EncodeDictionary(col, begin, n, out);
    return;
  }
  VisitPhysicalType(col.physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      EncodeNumbered<T>(col, begin, n, numbering.string_keys(), numbering.ids().data(), out);
    } else {
      EncodeNumbered<T>(col, begin, n, numbering.fixed_keys(), numbering.ids().data(), out);
    }
  });
}

bool DictionaryStrictlyAscending(const ColumnVector& dict) {
  return VisitPhysicalType(dict.physical(), [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 1; i < dict.size(); ++i) {
      if constexpr (std::is_same_v<T, std::string_view>) {
        if (!(dict.GetString(i - 1) < dict.GetString(i))) return false;
      } else {
        if (!ValueLess(dict.Get<T>(i - 1), dict.Get<T>(i))) return false;
      }
    }
    return true;
  });
}

Status ParseDictionary(ByteReader* r, size_t n, DictionaryBlock* out) {
  uint32_t d;
  SILT_RETURN_IF_ERROR(r->ReadVarint32(&d));
  if (d > n || (n > 0 && d == 0)) {
    return r->Error(fmt::format("dictionary of {} values for {} rows", d, n));
  }
  out->dictionary.Clear();
  SILT_RETURN_IF_ERROR(DecodePlain(r, d, &out->dictionary));
  if (!DictionaryStrictlyAscending(out->dictionary))
    return r->Error("dictionary values are not strictly ascending");
  uint8_t width;
  SILT_RETURN_IF_ERROR(r->ReadU8(&width));
  const int expected = d <= 1 ? 0 : BitWidth(d - 1);
  if (width != expected) {
    return r->Error(fmt::format("code width {} for a dictionary of {} values", width, d));
  }
  std::string_view packed;
  SILT_RETURN_IF_ERROR(r->ReadBytes(PackedBytes(n, width), &packed));
  out->codes.resize(n);
  UnpackBits<uint32_t>(reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), n, width, 0,
                       out->codes.data());
  uint32_t max_code = 0;
  for (uint32_t c : out->codes) max_code = std::max(max_code, c);
  if (n > 0 && max_code >= d) {
    return r->Error(fmt::format("dictionary code {} out of range ({} values)", max_code, d));
  }
  return Status::OK();
}

Status ExpandDictionary(const DictionaryBlock& dict, ColumnVector* out, const ByteReader& where) {
  const size_t n = dict.codes.size();
  const uint32_t* codes = dict.codes.data();
  Status status;
  VisitPhysicalType(out->physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      const uint32_t* off = dict.dictionary.offsets();
      uint64_t total = 0;
      for (size_t i = 0; i < n; ++i) total += off[codes[i] + 1] - off[codes[i]];
      if (total > kMaxBlockStringBytes) {
        status = where.Error(fmt::format("dictionary codes expand to {} string bytes", total));
        return;
      }
      ColumnVector::StringSpace space;
      if (!out->AppendStringsUninitialized(n, total, &space)) {
        status = Status::OutOfRange("column vector string bytes would exceed 4 GiB");
        return;
      }
      const char* src = dict.dictionary.string_data();
      uint32_t pos = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint32_t b = off[codes[i]], len = off[codes[i] + 1] - b;
        if (len > 0) std::memcpy(space.bytes + pos, src + b, len);
        pos += len;
        space.ends[i] = space.base + pos;
      }
    } else {
      if (n == 0) return;
      T* dst = out->AppendUninitialized<T>(n);
      const T* values = dict.dictionary.values<T>();
      for (size_t i = 0; i < n; ++i) dst[i] = values[codes[i]];
    }
  });
  return status;
}

}  // namespace silt

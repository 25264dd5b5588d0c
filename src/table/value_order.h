// How block code orders and identifies values of each physical type.
//
// Identity (distinct counts, dictionaries, runs) is by bit pattern, so every
// value round-trips exactly: -0.0 and 0.0 are different dictionary entries,
// and NaNs with different payloads too. Order (min/max statistics, sorted
// dictionaries) is silt's total order: signed integers, CompareDoubles for
// float64 (NaN largest), unsigned bytes for strings.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "silt/types.h"

namespace silt {

// A fixed-width value as the 64-bit key identifying it.
template <typename T>
inline uint64_t ValueKey(T v) {
  if constexpr (std::is_same_v<T, double>) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    return bits;
  } else {
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  }
}

template <typename T>
inline T ValueFromKey(uint64_t key) {
  if constexpr (std::is_same_v<T, double>) {
    double d;
    std::memcpy(&d, &key, 8);
    return d;
  } else {
    return static_cast<T>(static_cast<int64_t>(key));
  }
}

// Strict weak order consistent with the total order, ties broken by identity.
template <typename T>
inline bool ValueLess(T a, T b) {
  if constexpr (std::is_same_v<T, double>) {
    const int c = CompareDoubles(a, b);
    return c != 0 ? c < 0 : ValueKey(a) < ValueKey(b);
  } else {
    return a < b;
  }
}

// Three-way comparison in the total order (no identity tie-break).
template <typename T>
inline int ValueCompare(T a, T b) {
  if constexpr (std::is_same_v<T, double>) {
    return CompareDoubles(a, b);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  } else {
    return a < b ? -1 : (a > b ? 1 : 0);
  }
}

template <typename T>
inline Value ToValue(T v) {
  if constexpr (std::is_same_v<T, double>) {
    return Value::Double(v);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return Value::String(std::string(v));
  } else {
    return Value::Int(static_cast<int64_t>(v));
  }
}

}  // namespace silt

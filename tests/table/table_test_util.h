// Column generators shared by the tests of src/table/.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <string>

#include "silt/types.h"
#include "table/column_vector.h"

namespace silt {
// gtest prints parameters with this instead of their bytes.
inline void PrintTo(const DataType& t, std::ostream* os) { *os << t.ToString(); }
}  // namespace silt

namespace silt::test {

// The value distributions the block tests run every type through.
enum class Shape {
  kRandom,          // full-range random values
  kAllEqual,        // one value repeated
  kLowCardinality,  // a handful of distinct values in random order
  kRuns,            // long runs of equal values
  kSorted,          // ascending, small steps
  kExtremes,        // type limits: INT64_MIN/MAX, NaN, inf, -0.0, empty and very long strings
};
inline const char* ShapeName(Shape s) {
  switch (s) {
    case Shape::kRandom:
      return "random";
    case Shape::kAllEqual:
      return "all-equal";
    case Shape::kLowCardinality:
      return "low-cardinality";
    case Shape::kRuns:
      return "runs";
    case Shape::kSorted:
      return "sorted";
    case Shape::kExtremes:
      return "extremes";
  }
  return "?";
}
constexpr Shape kAllShapes[] = {Shape::kRandom, Shape::kAllEqual, Shape::kLowCardinality,
                                Shape::kRuns,   Shape::kSorted,   Shape::kExtremes};

// One of every type (decimals with a negative-friendly scale).
inline std::vector<DataType> AllTypes() {
  return {DataType::Bool(),          DataType::Int32(), DataType::Int64(),     DataType::Float64(),
          *DataType::Decimal(18, 4), DataType::Date(),  DataType::Timestamp(), DataType::String()};
}

// Fills a column of n rows. null_percent of the rows are null (-1: all).
class ColumnGenerator {
 public:
  explicit ColumnGenerator(uint64_t seed) : rng_(seed) {}

  ColumnVector Make(const DataType& type, Shape shape, size_t n, int null_percent) {
    ColumnVector v(type);
    for (size_t i = 0; i < n; ++i) {
      const bool null = null_percent < 0 ||
                        (null_percent > 0 && Uniform(100) < static_cast<uint64_t>(null_percent));
      if (null) {
        v.AppendNull();
        continue;
      }
      Append(&v, shape, i);
    }
    return v;
  }

  uint64_t Uniform(uint64_t bound) { return bound == 0 ? 0 : rng_() % bound; }

 private:
  // A value index in [0, distinct) following the shape.
  uint64_t Pick(Shape shape, size_t i) {
    switch (shape) {
      case Shape::kAllEqual:
        return 3;
      case Shape::kLowCardinality:
        return Uniform(5);
      case Shape::kRuns:
        return (i / 37) % 4;
      case Shape::kSorted:
        return i / 3;
      default:
        return rng_();
    }
  }

  void Append(ColumnVector* v, Shape shape, size_t i) {
    const uint64_t r = Pick(shape, i);
    const bool random = shape == Shape::kRandom;
    const bool extreme = shape == Shape::kExtremes;
    switch (v->type().id()) {
      case TypeId::kBool:
        v->AppendBool(extreme ? (i % 2 == 0) : (r & 1) != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate: {
        static const int32_t kEx[] = {std::numeric_limits<int32_t>::min(),
                                      std::numeric_limits<int32_t>::max(), 0, -1};
        v->AppendInt32(extreme ? kEx[Uniform(4)] : static_cast<int32_t>(random ? r : r * 7 - 10));
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        static const int64_t kEx[] = {std::numeric_limits<int64_t>::min(),
                                      std::numeric_limits<int64_t>::max(), 0, -1};
        v->AppendInt64(extreme ? kEx[Uniform(4)]
                               : static_cast<int64_t>(random ? r : r * 1000003 - 99));
        break;
      }
      case TypeId::kDecimal: {
        const int64_t kMax = 999999999999999999LL;
        static const int64_t kEx[] = {-kMax, kMax, 0, -1, -12345};
        v->AppendInt64(extreme  ? kEx[Uniform(5)]
                       : random ? static_cast<int64_t>(r % (2 * kMax + 1)) - kMax
                                : static_cast<int64_t>(r) * 25 - 5000);
        break;
      }
      case TypeId::kFloat64: {
        static const double kEx[] = {std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity(),
                                     -0.0,
                                     0.0,
                                     std::numeric_limits<double>::denorm_min(),
                                     std::numeric_limits<double>::max(),
                                     std::numeric_limits<double>::lowest()};
        double d;
        if (extreme) {
          d = kEx[Uniform(8)];
        } else if (random) {
          uint64_t bits = r;
          std::memcpy(&d, &bits, 8);
        } else {
          d = static_cast<double>(r) * 0.25 - 3;
        }
        v->AppendDouble(d);
        break;
      }
      case TypeId::kString: {
        if (extreme) {
          const uint64_t k = Uniform(3);
          if (k == 0) {
            v->AppendString("");
          } else if (k == 1) {
            v->AppendString(std::string("\0\xff", 2));
          } else {
            v->AppendString(
                std::string(1000 + Uniform(3000), static_cast<char>('a' + Uniform(26))));
          }
        } else if (random) {
          std::string s(Uniform(40), '\0');
          for (char& c : s) c = static_cast<char>(rng_());
          v->AppendString(s);
        } else {
          v->AppendString("value-" + std::to_string(r));
        }
        break;
      }
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace silt::test

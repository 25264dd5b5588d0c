#include "table/row_compare.h"

#include "table/value_order.h"

namespace silt {

int CompareCells(const ColumnVector& a, size_t i, const ColumnVector& b, size_t j) {
  const bool an = a.IsNull(i), bn = b.IsNull(j);
  if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
  switch (a.physical()) {
    case PhysicalType::kBool:
      return ValueCompare(a.Get<uint8_t>(i), b.Get<uint8_t>(j));
    case PhysicalType::kInt32:
      return ValueCompare(a.Get<int32_t>(i), b.Get<int32_t>(j));
    case PhysicalType::kInt64:
      return ValueCompare(a.Get<int64_t>(i), b.Get<int64_t>(j));
    case PhysicalType::kFloat64:
      return ValueCompare(a.Get<double>(i), b.Get<double>(j));
    case PhysicalType::kString:
      return ValueCompare(a.GetString(i), b.GetString(j));
  }
  return 0;
}

int CompareKeyRows(const std::vector<ColumnVector>& a, size_t i, const std::vector<ColumnVector>& b,
                   size_t j, const std::vector<uint32_t>& key) {
  for (uint32_t k : key) {
    const int c = CompareCells(a[k], i, b[k], j);
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace silt

#include "table/rle_encoding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "table/block_format.h"
#include "table/plain_encoding.h"
#include "table/value_order.h"

namespace silt {
namespace {

// Runs of rows [begin, begin + n): values[k] repeated lengths[k] times.
template <typename T>
void CollectRuns(const ColumnVector& col, size_t begin, size_t n, ColumnVector* values,
                 std::vector<uint32_t>* lengths) {
  size_t leading_nulls = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t row = begin + i;
    if (col.IsNull(row)) {
      if (lengths->empty()) {
        ++leading_nulls;
      } else {
        ++lengths->back();
      }
      continue;
    }
    bool same = false;
    if (!lengths->empty()) {
      const size_t last = lengths->size() - 1;
      if constexpr (std::is_same_v<T, std::string_view>) {
        same = values->GetString(last) == col.GetString(row);
      } else {
        same = ValueKey(values->Get<T>(last)) == ValueKey(col.Get<T>(row));
      }
    }
    if (same) {
      ++lengths->back();
      continue;
    }
    if constexpr (std::is_same_v<T, std::string_view>) {
      values->AppendString(col.GetString(row));
    } else {
      values->Append<T>(col.Get<T>(row));
    }
    lengths->push_back(static_cast<uint32_t>(lengths->empty() ? 1 + leading_nulls : 1));
  }
  if (lengths->empty() && n > 0) {  // all null
    if constexpr (std::is_same_v<T, std::string_view>) {
      values->AppendString("");
    } else {
      values->Append<T>(T{});
    }
    lengths->push_back(static_cast<uint32_t>(n));
  }
}

}  // namespace

void EncodeRunLength(const ColumnVector& col, size_t begin, size_t n, std::string* out) {
  ColumnVector values(col.type().WithNullable(false));
  std::vector<uint32_t> lengths;
  VisitPhysicalType(col.physical(), [&](auto tag) {
    CollectRuns<decltype(tag)>(col, begin, n, &values, &lengths);
  });
  PutVarint64(out, lengths.size());
  for (uint32_t len : lengths) PutVarint32(out, len);
  EncodePlain(values, 0, values.size(), out);
}

Status ParseRunLength(ByteReader* r, size_t n, RunLengthBlock* out) {
  uint64_t runs;
  SILT_RETURN_IF_ERROR(r->ReadVarint64(&runs));
  // Each run length takes at least a byte: check before allocating for them.
  if (runs > n || runs > r->remaining() || (n > 0 && runs == 0)) {
    return r->Error(fmt::format("{} runs for {} rows", runs, n));
  }
  out->lengths.resize(runs);
  uint64_t total = 0;
  for (uint64_t k = 0; k < runs; ++k) {
    uint32_t len;
    SILT_RETURN_IF_ERROR(r->ReadVarint32(&len));
    if (len == 0 || len > n) return r->Error(fmt::format("bad run length {}", len));
    total += len;
    out->lengths[k] = len;
  }
  if (total != n) return r->Error(fmt::format("runs cover {} rows, not {}", total, n));
  out->values.Clear();
  return DecodePlain(r, runs, &out->values);
}

Status ExpandRunLength(const RunLengthBlock& runs, ColumnVector* out, const ByteReader& where) {
  const size_t nruns = runs.lengths.size();
  size_t n = 0;
  for (uint32_t len : runs.lengths) n += len;
  Status status;
  VisitPhysicalType(out->physical(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::string_view>) {
      uint64_t total = 0;
      for (size_t k = 0; k < nruns; ++k) {
        total += static_cast<uint64_t>(runs.lengths[k]) * runs.values.GetString(k).size();
      }
      if (total > kMaxBlockStringBytes) {
        status = where.Error(fmt::format("runs expand to {} string bytes", total));
        return;
      }
      ColumnVector::StringSpace space;
      if (!out->AppendStringsUninitialized(n, total, &space)) {
        status = Status::OutOfRange("column vector string bytes would exceed 4 GiB");
        return;
      }
      size_t row = 0, pos = 0;
      for (size_t k = 0; k < nruns; ++k) {
        const std::string_view v = runs.values.GetString(k);
        for (uint32_t j = 0; j < runs.lengths[k]; ++j) {
          if (!v.empty()) std::memcpy(space.bytes + pos, v.data(), v.size());
          pos += v.size();
          space.ends[row++] = space.base + static_cast<uint32_t>(pos);
        }
      }
    } else {
      T* dst = n > 0 ? out->AppendUninitialized<T>(n) : nullptr;
      const T* vals = runs.values.values<T>();
      for (size_t k = 0; k < nruns; ++k) {
        std::fill_n(dst, runs.lengths[k], vals[k]);
        dst += runs.lengths[k];
      }
    }
  });
  return status;
}

}  // namespace silt

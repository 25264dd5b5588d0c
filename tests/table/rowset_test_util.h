// Helpers shared by the rowset, delete vector and iterator tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "table/row_iterator.h"
#include "table/rowset_builder.h"
#include "table/rowset_reader.h"

namespace silt::test {

// Builds a rowset from whole columns, added in batches of `batch` rows.
inline Result<RowSetMeta> BuildRowSet(Env* env, const std::string& dir,
                                      const std::vector<ColumnDef>& schema,
                                      const std::vector<ColumnVector>& columns,
                                      RowSetBuilderOptions options = {}, size_t batch = 1000) {
  SILT_ASSIGN_OR_RETURN(auto b, RowSetBuilder::Create(env, dir, schema, options));
  const size_t n = columns.empty() ? 0 : columns[0].size();
  for (size_t begin = 0; begin < n; begin += batch) {
    const size_t take = std::min(batch, n - begin);
    std::vector<ColumnVector> part;
    for (const auto& c : columns) {
      part.emplace_back(c.type());
      part.back().AppendFrom(c, begin, take);
    }
    SILT_RETURN_IF_ERROR(b->Add(part));
  }
  return b->Finish();
}

// Drains an iterator into whole columns (types from the first batch, or
// `types` when given).
inline Status Drain(RowIterator* it, std::vector<ColumnVector>* out, size_t* batches = nullptr) {
  RowBatch batch;
  size_t count = 0;
  while (true) {
    SILT_ASSIGN_OR_RETURN(bool more, it->Next(&batch));
    if (!more) break;
    ++count;
    if (batch.rows == 0) return Status::Corruption("empty batch");
    if (out->empty()) {
      for (const auto& c : batch.columns) out->emplace_back(c.type());
    }
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      if (batch.columns[c].size() != batch.rows) return Status::Corruption("ragged batch");
      (*out)[c].AppendFrom(batch.columns[c], 0, batch.rows);
    }
  }
  if (batches != nullptr) *batches = count;
  return Status::OK();
}

// Reads a whole rowset (all columns, deletes applied).
inline Result<std::vector<ColumnVector>> ReadAll(const RowSetReader& reader,
                                                 const ScanOptions& options = {}) {
  SILT_ASSIGN_OR_RETURN(auto scan, reader.NewScan(options));
  std::vector<ColumnVector> out;
  SILT_RETURN_IF_ERROR(Drain(scan.get(), &out));
  if (out.empty()) {
    const auto& cols = options.columns;
    for (size_t i = 0; i < (cols.empty() ? reader.columns().size() : cols.size()); ++i) {
      out.emplace_back(reader.columns()[cols.empty() ? i : cols[i]].type);
    }
  }
  return out;
}

// Rows [0, n) of `v` whose index is not in `deleted`.
inline ColumnVector Without(const ColumnVector& v, const std::vector<bool>& deleted) {
  ColumnVector out(v.type());
  for (size_t i = 0; i < v.size(); ++i) {
    if (!deleted[i]) out.AppendFrom(v, i, 1);
  }
  return out;
}

}  // namespace silt::test

// Helpers of the Node tests: building rows and reading query results.
#pragma once

#include <string>
#include <vector>

#include "silt/node.h"
#include "silt/types.h"
#include "table/row_iterator.h"
#include "test_util.h"

namespace silt::test {

// A batch of `rows` (each a list of values in column order).
inline RowBatch MakeRows(const std::vector<ColumnDef>& columns,
                         const std::vector<std::vector<Value>>& rows) {
  RowBatch b;
  for (const ColumnDef& c : columns) b.columns.emplace_back(c.type);
  for (const auto& row : rows) {
    for (size_t c = 0; c < columns.size(); ++c) {
      Status s = b.columns[c].AppendValue(row[c]);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
  }
  b.rows = rows.size();
  return b;
}

// The single value of a one-row, one-column result, as text.
inline std::string Scalar(Node* node, std::string_view table, std::string_view sql) {
  auto r = node->Query("", table, sql);
  if (!r.ok()) return "error: " + r.status().ToString();
  if (r->rows != 1 || r->columns.size() != 1) return "not one value";
  return FormatResultValue(r->columns[0], 0);
}

// Every row of a result, one line each ("a|b|c"), in result order.
inline std::vector<std::string> Rows(Node* node, std::string_view table, std::string_view sql) {
  std::vector<std::string> out;
  auto r = node->Query("", table, sql);
  if (!r.ok()) {
    out.push_back("error: " + r.status().ToString());
    return out;
  }
  for (size_t i = 0; i < r->rows; ++i) {
    std::string line;
    for (size_t c = 0; c < r->columns.size(); ++c) {
      if (c > 0) line += "|";
      line += FormatResultValue(r->columns[c], i);
    }
    out.push_back(std::move(line));
  }
  return out;
}

// The table of the crash tests: "id int64 not null, s string".
inline const std::vector<ColumnDef>& IdStringColumns() {
  static const auto* cols =
      new std::vector<ColumnDef>(*ParseColumnDefs("id int64 not null, s string"));
  return *cols;
}

// Its rows with ids [first, first + n), s = "s<id>".
inline RowBatch IdStringRows(int64_t first, int64_t n) {
  RowBatch b;
  for (const ColumnDef& c : IdStringColumns()) b.columns.emplace_back(c.type);
  for (int64_t id = first; id < first + n; ++id) {
    b.columns[0].AppendInt64(id);
    b.columns[1].AppendString("s" + std::to_string(id));
  }
  b.rows = static_cast<size_t>(n);
  return b;
}

}  // namespace silt::test

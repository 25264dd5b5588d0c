// RowFilter: a WHERE expression (docs/query.md) bound to a table's columns,
// evaluated over batches of rows to find the rows it is true for: what a
// delete by predicate needs (the scan executor aggregates and projects rows
// but never names them). SQL semantics: rows where the expression is false
// or null do not match.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"
#include "table/delete_vector.h"
#include "table/row_iterator.h"

namespace silt::node {

class RowFilter {
 public:
  // InvalidArgument("--where at N: what") for a malformed expression, an
  // unknown column or a non-boolean expression; N is the 1-based position in
  // `where`.
  static Result<std::unique_ptr<RowFilter>> Make(std::string_view where,
                                                 std::vector<ColumnDef> columns);
  ~RowFilter();

  // Adds to *matches the ids (`first_row` + i) of rows of `rows` (one vector
  // per table column) that match, skipping rows `skip` holds (if not null).
  Status Match(const RowBatch& rows, uint64_t first_row, const DeleteVector* skip,
               DeleteVector* matches);

  // Table column ids the expression reads (for a scan that reads only those).
  const std::vector<uint32_t>& columns_read() const { return columns_read_; }
  // Match over a batch holding only columns_read(), in that order.
  Status MatchProjected(const RowBatch& rows, uint64_t first_row, const DeleteVector* skip,
                        DeleteVector* matches);

 private:
  struct State;
  explicit RowFilter(std::unique_ptr<State> state);
  Status MatchInputs(const std::vector<const ColumnVector*>& inputs, size_t n, uint64_t first_row,
                     const DeleteVector* skip, DeleteVector* matches);

  std::unique_ptr<State> state_;
  std::vector<uint32_t> columns_read_;
};

}  // namespace silt::node

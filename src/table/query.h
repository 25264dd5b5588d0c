// The scan executor: runs a small SQL subset (docs/query.md) over rowsets.
//
// RunQuery parses the query (query_parser.h), binds it to the rowsets'
// columns (expr.h), pushes the simple conjuncts of WHERE into block skipping
// (zone maps) and block-level filters on encoded data (scan_block.h), then
// reads each surviving block once: filter columns first, the other columns
// only if a row survives. Aggregates run on int64 scaled decimals with
// __int128 sums; GROUP BY keys are grouped by dictionary code where the
// blocks are dictionary-encoded, by a hash table otherwise.
//
// Besides rowsets, a query reads rows held in memory (a MemTable's
// RowBatch chunks, see QuerySource): those are evaluated in place, never
// copied, and have no zone maps or dictionaries to exploit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "table/column_vector.h"
#include "table/delete_vector.h"
#include "table/row_iterator.h"
#include "table/rowset_reader.h"

namespace silt {

struct QueryOptions {
  // Room for later (threads, memory limits).
};

struct QueryResult {
  std::vector<std::string> names;     // output column names (alias or expression text)
  std::vector<ColumnVector> columns;  // one per output column, each `rows` long, with its DataType
  size_t rows = 0;
  // Summed over all sources; in-memory rows count in rows_returned and
  // rows_deleted (they are no blocks: the block counters are rowsets' only).
  ScanCounters counters;
  uint64_t rows_matched = 0;  // rows of the blocks read that satisfied WHERE
};

// One input of a query. Exactly one of `rowset` and `batch` is set.
struct QuerySource {
  // A rowset; its reader's own deleted rows are skipped, and so are the rows
  // in `extra_deleted` (row ids of the rowset) when it is not null.
  const RowSetReader* rowset = nullptr;
  const DeleteVector* extra_deleted = nullptr;
  // Rows in memory: one vector per table column, in table order, `rows` rows
  // each; rows whose index is in `batch_deleted` (if not null) are skipped.
  // The vectors are read in place and must outlive the call.
  const RowBatch* batch = nullptr;
  const DeleteVector* batch_deleted = nullptr;
};

// Parses and runs `sql` over the rows of `sources`, in order, taken together
// as one table whose columns are `schema`. Every source must have exactly
// these columns (names and value types; nullability may differ):
// InvalidArgument otherwise, as for a malformed source (both or neither of
// rowset and batch, a vector not `rows` long). Zero sources are an empty
// table. Errors of the query: InvalidArgument with the position, e.g.
// "at 23: expected ')' near 'FROM'".
Result<QueryResult> RunQuery(std::string_view sql, const std::vector<ColumnDef>& schema,
                             const std::vector<QuerySource>& sources,
                             const QueryOptions& options = {});

// The same over rowsets only, all with the same columns (the table's are
// the first rowset's; none: a table without columns).
Result<QueryResult> RunQuery(std::string_view sql, const std::vector<const RowSetReader*>& rowsets,
                             const QueryOptions& options = {});

// The value of row `row` of a result column as text (NULL, 12.50,
// 1994-01-01, strings as they are), as the CLI prints it.
std::string FormatResultValue(const ColumnVector& column, size_t row);

}  // namespace silt

// The scan executor: runs a small SQL subset (docs/query.md) over rowsets.
//
// RunQuery parses the query (query_parser.h), binds it to the rowsets'
// columns (expr.h), pushes the simple conjuncts of WHERE into block skipping
// (zone maps) and block-level filters on encoded data (scan_block.h), then
// reads each surviving block once: filter columns first, the other columns
// only if a row survives. Aggregates run on int64 scaled decimals with
// __int128 sums; GROUP BY keys are grouped by dictionary code where the
// blocks are dictionary-encoded, by a hash table otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "table/column_vector.h"
#include "table/rowset_reader.h"

namespace silt {

struct QueryOptions {
  // Room for later (threads, memory limits).
};

struct QueryResult {
  std::vector<std::string> names;     // output column names (alias or expression text)
  std::vector<ColumnVector> columns;  // one per output column, each `rows` long, with its DataType
  size_t rows = 0;
  ScanCounters counters;      // summed over all rowsets scanned
  uint64_t rows_matched = 0;  // rows of the blocks read that satisfied WHERE
};

// Parses and runs `sql` over the rows of `rowsets`, taken together as one
// table (all have the same columns). Errors: InvalidArgument with the
// position, e.g. "at 23: expected ')' near 'FROM'".
Result<QueryResult> RunQuery(std::string_view sql, const std::vector<const RowSetReader*>& rowsets,
                             const QueryOptions& options = {});

// The value of row `row` of a result column as text (NULL, 12.50,
// 1994-01-01, strings as they are), as the CLI prints it.
std::string FormatResultValue(const ColumnVector& column, size_t row);

}  // namespace silt

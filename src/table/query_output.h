// Output formats of a query result (QueryResult, query.h): an aligned text
// table for people, CSV (RFC 4180) and JSON lines for programs
// (docs/query.md, "Output formats").
#pragma once

#include <string>
#include <string_view>

#include "silt/status.h"
#include "table/query.h"

namespace silt {

enum class OutputFormat { kTable, kCsv, kJson };

// "table", "csv" or "json"; anything else is InvalidArgument naming the choices.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// Appends the result to *out in `format`:
//
// table: a header line of the column names, a separator line of dashes, one
//   line per row, then "(N rows)" ("(1 row)" for one). Columns are joined by
//   " | " ("-+-" on the separator line) and padded to their widest value
//   (in UTF-8 code points); names are left-aligned, values that are numbers
//   (int32, int64, decimal, float64) right-aligned, the rest left-aligned,
//   and nothing is padded on the right of the last column. Nulls are NULL.
//   Values are written as FormatResultValue gives them, control characters
//   included. (`silt rowset query`'s table looks the same.)
// csv: RFC 4180 with "\n" line ends: a header line of the names, then one
//   line per row. A field holding ',', '"', CR or LF is quoted, its quotes
//   doubled; a null is an empty field and an empty string is "" (quoted), so
//   the two stay apart.
// json: one object per row and line, {"name":value,...} in column order
//   (a name that occurs twice appears twice). Booleans are true/false,
//   int32/int64 and decimals JSON numbers (decimals exactly as their text,
//   12.50), finite float64 numbers with the fewest digits that read back as
//   the same double, NaN and infinities the strings "NaN", "inf" and "-inf";
//   dates, timestamps and strings are JSON strings, null is null. Strings
//   escape '"', '\' and control characters (\n, \t, ... or \u00XX); bytes
//   that are not valid UTF-8 become \u00XX (the byte's value), valid UTF-8
//   is kept as it is.
void WriteQueryResult(const QueryResult& result, OutputFormat format, std::string* out);

}  // namespace silt

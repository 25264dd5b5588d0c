// CsvReader: reads a CSV file into batches of typed ColumnVectors, for
// `silt import`. The accepted dialect and every error are described in
// docs/csv_import.md; in short:
//
//   file    = [BOM] [header] *(record EOL) [record] *EOL
//   record  = field *(DELIM field)
//   field   = unquoted / quoted
//   quoted  = '"' *(any byte except '"' / '""') '"'
//   EOL     = "\n" / "\r\n"
//
// - A UTF-8 byte order mark at the very start is skipped.
// - A quoted field may hold delimiters, newlines and "" (one quote). A quote
//   inside an unquoted field, a byte other than a delimiter or end of line
//   after a closing quote, an unterminated quote at the end of the file and a
//   carriage return not followed by '\n' outside quotes are errors.
// - Every record has exactly one field per column. Empty lines at the end of
//   the file are ignored; an empty line elsewhere is a record of one empty
//   field (a NULL for a one-column table, else a field-count error).
// - An unquoted empty field is NULL (an error for a not-null column). A
//   quoted field is always a value: "" is the empty string for a string
//   column and a parse error for any other type.
// - Strings are the field's bytes as they are (no trimming, no encoding
//   check). For every other type, spaces and tabs around the text are
//   ignored (as DuckDB does), quoted or not:
//     bool       true / false / 1 / 0, any case
//     int32/64   [+-]digits, range-checked
//     float64    what std::from_chars accepts (inf, nan included), with an
//                optional leading '+'; out-of-range values are errors
//     decimal    [+-]digits[.digits]: at most `scale` fraction digits and
//                `precision` digits in all (ParseDecimal in silt/types.h)
//     date       YYYY-MM-DD (ParseDate)
//     timestamp  YYYY-MM-DD[( |T)HH:MM:SS[.ffffff]] (ParseTimestamp)
// - With a header, its names must be exactly (case-sensitively) the table's
//   column names, in any order; fields are matched to columns by name.
//
// Errors are InvalidArgument (NotFound or IOError for the file itself):
//   FILE line N, column 'NAME': cannot parse 'TEXT' as TYPE[: WHY]
//   FILE line N, column 'NAME': null in not-null column
//   FILE line N: expected C fields, found F
//   FILE line N: ...  (quoting errors)
// where N is the 1-based physical line on which the record starts (the
// header counts, and so does every newline inside a quoted field). After an
// error the reader stays failed: Next returns the same error.
//
// Speed: the file is read in chunks through Env. Each chunk is split into
// fields by a pass that finds delimiters, quotes and line ends 64 bytes at a
// time; then each column's fields are parsed in a tight loop straight from
// the buffer into the ColumnVectors, without copying field text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"
#include "silt/types.h"
#include "table/row_iterator.h"

namespace silt::node {

struct CsvOptions {
  // Separates fields; anything but '"', '\r' or '\n'.
  char delimiter = ',';
  // The first record names the columns (see above); otherwise the fields are
  // the columns in table order.
  bool header = false;
  // Rows per batch handed out by Next (at least 1).
  size_t batch_rows = 65536;
  // Bytes read from the file at a time: small enough to stay in the CPU
  // cache until parsed. The buffer grows beyond this only for a record
  // longer than it (up to 1 GiB). Tiny values are for tests.
  size_t read_bytes = 256 << 10;
};

class CsvReader {
 public:
  // Opens `path` as rows of `columns`; reads and checks the header when
  // options.header is set. InvalidArgument for an empty column list, a bad
  // delimiter or a bad header.
  static Result<std::unique_ptr<CsvReader>> Open(Env* env, const std::string& path,
                                                 std::vector<ColumnDef> columns,
                                                 CsvOptions options = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Replaces *batch with the next rows (at most batch_rows; one ColumnVector
  // per column, in table column order) and returns true, or returns false
  // (batch empty) at the end of the file.
  Result<bool> Next(RowBatch* batch);

  // Bytes of the file consumed by the rows handed out so far (and the
  // header); file_size() at the end.
  uint64_t bytes_read() const;
  uint64_t file_size() const;
  // Rows handed out so far.
  uint64_t rows_read() const;

  const std::vector<ColumnDef>& columns() const;

 private:
  class Impl;
  explicit CsvReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace silt::node

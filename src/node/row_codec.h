// The payloads a Node writes to a shard's group of the shared log
// (docs/node_format.md, "Shard log records"): rows inserted into a table, and
// a delete by predicate. The log entry around a payload carries its CRC32C;
// decoding still checks every length, so a payload that passed the checksum
// but was written by a buggy or newer program is an error, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/catalog.h"
#include "silt/status.h"
#include "table/row_iterator.h"

namespace silt::node {

// Stored in the payload's first bytes: never renumber.
constexpr uint8_t kRecordFormatVersion = 1;
enum class RecordKind : uint8_t { kInsert = 1, kDelete = 2 };

struct ShardRecord {
  RecordKind kind = RecordKind::kInsert;
  TableRefId table;
  RowBatch rows;      // kInsert: one vector per table column
  std::string where;  // kDelete: the predicate (docs/query.md expression)
};

// Appends the payload of an insert of `rows` (one vector per column of the
// table, all `rows.rows` long) into `table`.
void EncodeInsert(TableRefId table, const RowBatch& rows, std::string* dst);
void EncodeDelete(TableRefId table, std::string_view where, std::string* dst);

// Decodes a payload. `columns` gives the table's column types, looked up by
// the table id the payload names (NotFound from it is returned as is, so a
// caller can skip records of dropped tables). Corruption("WHERE: what") on
// malformed bytes, `where` naming the log group and index.
using ColumnsOf = std::function<Result<std::vector<ColumnDef>>(TableRefId)>;
Status DecodeShardRecord(std::string_view payload, const ColumnsOf& columns, std::string_view where,
                         ShardRecord* out);

}  // namespace silt::node

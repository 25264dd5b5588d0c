// Fuzzes the scan executor's SQL front end (src/table/query_parser.h,
// src/table/expr.h) and runs whatever parses on a small rowset
// (src/table/query.h). Any input must parse or fail with
// InvalidArgument("at N: ...") where N is a position in the input (1 to
// size + 1); a query that parses must run or fail the same way (type errors,
// overflow), never crash, hang or fail otherwise.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "table/query.h"
#include "table/query_parser.h"
#include "table/rowset_builder.h"
#include "table/rowset_reader.h"

namespace {

using namespace silt;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckError(const Status& s, size_t size) {
  Check(s.IsInvalidArgument());
  const std::string& m = s.message();
  Check(m.rfind("at ", 0) == 0);
  const size_t pos = std::strtoull(m.c_str() + 3, nullptr, 10);
  Check(pos >= 1 && pos <= size + 1);
}

// A rowset of every type with nulls, in a temporary directory.
std::unique_ptr<RowSetReader> MakeRowSet() {
  char tmpl[] = "/tmp/silt-query-fuzz-XXXXXX";
  const char* base = mkdtemp(tmpl);
  Check(base != nullptr);
  const std::string dir = std::string(base) + "/rs";
  std::vector<ColumnDef> schema = {{"a", DataType::Int64()},         {"b", DataType::Int32()},
                                   {"c", *DataType::Decimal(12, 2)}, {"d", DataType::Float64()},
                                   {"s", DataType::String()},        {"t", DataType::Date()},
                                   {"u", DataType::Timestamp()},     {"v", DataType::Bool()}};
  std::vector<ColumnVector> cols;
  for (const auto& c : schema) cols.emplace_back(c.type);
  for (int64_t i = 0; i < 300; ++i) {
    if (i % 7 == 0) {
      for (auto& c : cols) c.AppendNull();
      continue;
    }
    cols[0].AppendInt64(i * 1000003 - 150000000);
    cols[1].AppendInt32(static_cast<int32_t>(i % 10));
    cols[2].AppendInt64(i * 125);
    cols[3].AppendDouble(static_cast<double>(i) / 3);
    cols[4].AppendString("s" + std::to_string(i % 4));
    cols[5].AppendInt32(static_cast<int32_t>(8000 + i));
    cols[6].AppendInt64(i * 1000000);
    cols[7].AppendBool(i % 2 == 0);
  }
  RowSetBuilderOptions o;
  o.block_rows = 64;
  auto b = RowSetBuilder::Create(Env::Default(), dir, schema, o);
  Check(b.ok());
  Check((*b)->Add(cols).ok());
  Check((*b)->Finish().ok());
  auto r = RowSetReader::Open(Env::Default(), dir);
  Check(r.ok());
  return std::move(*r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<RowSetReader> reader = MakeRowSet();
  const std::string sql(reinterpret_cast<const char*>(data), size);
  auto parsed = ParseQuery(sql);
  if (!parsed.ok()) {
    CheckError(parsed.status(), size);
    return 0;
  }
  for (const auto& item : parsed->items) {
    if (item.expr) Check(!AstToString(*item.expr).empty());
  }
  auto result = RunQuery(sql, {reader.get()});
  if (!result.ok()) {
    CheckError(result.status(), size);
    return 0;
  }
  Check(result->names.size() == result->columns.size());
  for (const auto& c : result->columns) Check(c.size() == result->rows);
  return 0;
}

#include "node/node_file_names.h"

#include <charconv>

#include <fmt/format.h>

namespace silt::node {
namespace {

// Parses all of `text` as a decimal number.
bool ParseNumber(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

bool ParseIdName(std::string_view name, std::string_view prefix, std::string_view suffix,
                 uint64_t* id) {
  if (name.size() != prefix.size() + 20 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix)) {
    return false;
  }
  return ParseNumber(name.substr(prefix.size(), 20), id);
}

}  // namespace

std::string TableDirName(TableRefId table) {
  return fmt::format("s{}-t{}", table.schema_id, table.table_id);
}

std::string RowSetDirName(uint64_t rowset_id) { return fmt::format("rs-{:020}", rowset_id); }

std::string DVFileName(uint64_t dv_id) { return fmt::format("dv-{:020}.dv", dv_id); }

bool ParseTableDirName(std::string_view name, TableRefId* table) {
  if (!name.starts_with("s")) return false;
  const size_t dash = name.find("-t");
  if (dash == std::string_view::npos) return false;
  uint64_t schema = 0;
  uint64_t id = 0;
  if (!ParseNumber(name.substr(1, dash - 1), &schema) || !ParseNumber(name.substr(dash + 2), &id)) {
    return false;
  }
  *table = TableRefId{static_cast<SchemaId>(schema), static_cast<TableId>(id)};
  return static_cast<uint64_t>(table->schema_id) == schema &&
         static_cast<uint64_t>(table->table_id) == id && TableDirName(*table) == name;
}

bool ParseRowSetDirName(std::string_view name, uint64_t* rowset_id) {
  return ParseIdName(name, "rs-", "", rowset_id);
}

bool ParseDVFileName(std::string_view name, uint64_t* dv_id) {
  return ParseIdName(name, "dv-", ".dv", dv_id);
}

}  // namespace silt::node

#include "node_cli.h"

#include <fmt/format.h>

namespace silt::cli {

Result<std::unique_ptr<Node>> OpenNode(const Cli& cli) {
  NodeOptions o;
  o.background_interval = std::chrono::milliseconds(0);  // a short-lived process
  return Node::Open(cli.data_dir, o);
}

Result<TableName> SplitName(const std::string& full, const std::string& schema_flag) {
  TableName t;
  const size_t dot = full.find('.');
  if (dot == std::string::npos) {
    t.schema = schema_flag.empty() ? std::string(kDefaultSchema) : schema_flag;
    t.name = full;
  } else {
    t.schema = full.substr(0, dot);
    t.name = full.substr(dot + 1);
    if (!schema_flag.empty() && schema_flag != t.schema) {
      return Status::InvalidArgument(fmt::format(
          "table '{}' names schema '{}' but --schema says '{}'", full, t.schema, schema_flag));
    }
  }
  if (t.schema.empty() || t.name.empty() || t.name.find('.') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("bad table name '{}' (NAME or SCHEMA.NAME)", full));
  }
  return t;
}

std::string Bytes(uint64_t b) {
  if (b >= (1ull << 30)) return fmt::format("{:.2f} GiB", b / double(1ull << 30));
  if (b >= (1ull << 20)) return fmt::format("{:.1f} MiB", b / double(1ull << 20));
  if (b >= (1ull << 10)) return fmt::format("{:.1f} KiB", b / double(1ull << 10));
  return fmt::format("{} B", b);
}

}  // namespace silt::cli

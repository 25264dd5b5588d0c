// Helpers shared by the command groups that work on a node's data directory
// (cmd_node.cc, cmd_node_snapshot.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cli.h"
#include "silt/node.h"

namespace silt::cli {

// Opens the node at --data without a background thread (a short-lived process).
Result<std::unique_ptr<Node>> OpenNode(const Cli& cli);

// NAME or SCHEMA.NAME; --schema gives the schema when NAME has none.
struct TableName {
  std::string schema;
  std::string name;
};
Result<TableName> SplitName(const std::string& full, const std::string& schema_flag);

// "12.3 MiB".
std::string Bytes(uint64_t b);

}  // namespace silt::cli

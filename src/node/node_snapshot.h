// The node's side of snapshots (silt/node_snapshot.h): what NodeImpl
// captures, and writing it into a SnapshotStore (docs/node_snapshot.md).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meta/version.h"
#include "silt/catalog.h"
#include "silt/env.h"
#include "silt/log_store.h"
#include "silt/node_snapshot.h"

namespace silt::node {

// A shard's records after its safe id, as of the capture.
struct ShardTail {
  ShardId shard = 0;
  uint64_t safe_id = 0;
  uint64_t last_index = 0;
  std::vector<LogEntry> entries;  // safe_id+1 .. last_index
};

// One consistent state of the node (or of one shard): the catalog and the
// pinned Version of one epoch, and each shard's log tail at that moment.
struct NodeCapture {
  std::shared_ptr<const CatalogSnapshot> catalog;
  std::shared_ptr<const meta::Version> version;  // pinned: vacuum keeps its files
  std::optional<ShardId> shard;                  // the scope; none: the whole node
  std::vector<ShardTail> tails;                  // one per shard of the scope
  double capture_seconds = 0;
};

// Writes `capture` of the node in `data_dir` into `store`: incremental
// (extending the newest snapshot) unless `full` or impossible.
Result<NodeSnapshotResult> WriteNodeSnapshot(SnapshotStore& store, Env* env,
                                             const std::string& data_dir,
                                             const NodeCapture& capture, bool full);

}  // namespace silt::node

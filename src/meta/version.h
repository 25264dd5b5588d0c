// Version: one immutable state of the storage's file set — per table the live
// rowsets and delete vectors, per shard the safe id — as of one epoch
// (RisingLight's VersionManager snapshot, seed 002). Built only by
// VersionManager; shared by every reader that pinned it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "meta/table_version_map.h"
#include "meta/version_edit.h"
#include "silt/catalog.h"
#include "silt/status.h"

namespace silt::meta {

// The files of one table.
struct TableVersion {
  TableRefId table;
  ShardId shard = 1;
  std::map<RowSetId, RowSetMeta> rowsets;
  std::map<DVId, DVMeta> dvs;  // each refers to a rowset in `rowsets`
};

class Version {
 public:
  // The commit that produced this version; 0 for the empty initial one.
  uint64_t epoch() const { return epoch_; }
  // Every table (see TableVersionMap for the order).
  const TableVersionMap& tables() const { return tables_; }
  // NotFound naming the table.
  Result<std::shared_ptr<const TableVersion>> GetTable(TableRefId table) const;
  // Every shard whose safe id was ever set.
  const std::map<ShardId, uint64_t>& safe_ids() const;
  // 0 when never set.
  uint64_t SafeId(ShardId shard) const;
  // One more than the largest rowset / DV id ever committed (live or not).
  RowSetId next_rowset_id() const { return next_rowset_id_; }
  DVId next_dv_id() const { return next_dv_id_; }

  // The whole state, one line per table, rowset and DV, in id order: equal
  // strings mean equal versions.
  std::string DebugString() const;

  // A Version with this state, for restoring one from a checkpoint.
  static std::shared_ptr<const Version> Restore(uint64_t epoch, TableVersionMap tables,
                                                std::map<ShardId, uint64_t> safe_ids,
                                                RowSetId next_rowset_id, DVId next_dv_id);

 private:
  friend class VersionManager;

  uint64_t epoch_ = 0;
  TableVersionMap tables_;
  // Shared between versions until a commit changes a safe id.
  std::shared_ptr<const std::map<ShardId, uint64_t>> safe_ids_;
  RowSetId next_rowset_id_ = 0;
  DVId next_dv_id_ = 0;
};

}  // namespace silt::meta

// Metadata checkpoints (MatrixOne AOE's catalog checkpoints, seed 000;
// docs/meta_format.md, "Checkpoints").
//
// A checkpoint covers the commits (start_epoch .. end_epoch] of the metadata
// log and holds:
//   - the latest state of every table changed by those commits (a global
//     checkpoint: of every table), with its definition, rowsets and DVs;
//   - the ids and names of all schemas and of all tables per schema, so that
//     replay drops what is absent;
//   - every shard's safe id and the next-id counters.
// Loading the newest global checkpoint and then each later delta checkpoint
// in order, each with ApplyCheckpoint, rebuilds the state as of the last one's
// end epoch; the metadata log after it does the rest.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meta/meta_state.h"
#include "meta/version.h"
#include "silt/catalog.h"
#include "silt/status.h"

namespace silt::meta {

enum class CheckpointKind : uint8_t { kGlobal = 1, kDelta = 2 };
const char* CheckpointKindName(CheckpointKind kind);

constexpr char kCheckpointMagic[8] = {'S', 'I', 'L', 'T', 'M', 'C', 'K', 'P'};
constexpr uint8_t kCheckpointFormatVersion = 1;
constexpr size_t kCheckpointHeaderSize = 40;
constexpr size_t kCheckpointTrailerSize = 4;

struct CheckpointData {
  CheckpointKind kind = CheckpointKind::kGlobal;
  uint64_t start_epoch = 1;  // first commit covered (a global one: 1)
  uint64_t end_epoch = 0;    // last commit covered
  SchemaId next_schema_id = 0;
  RowSetId next_rowset_id = 0;
  DVId next_dv_id = 0;

  struct TableName {
    TableId id = 0;
    std::string name;
  };
  struct SchemaEntry {
    SchemaId id = 0;
    std::string name;
    TableId next_table_id = 0;
    std::vector<TableName> tables;  // every table of the schema, by id
  };
  std::vector<SchemaEntry> schemas;  // every schema, by id

  struct ChangedTable {
    TableState state;
    uint64_t offset = 0;  // where it starts in the file (error messages)
  };
  std::vector<ChangedTable> changed;  // by table ref
  std::map<ShardId, uint64_t> safe_ids;
};

// The checkpoint of `catalog` and `version` (same epoch) covering commits
// start_epoch..version.epoch(). A delta lists the tables of `changed` that
// still exist; a global one every table (`changed` is ignored).
Result<CheckpointData> MakeCheckpoint(CheckpointKind kind, uint64_t start_epoch,
                                      const CatalogSnapshot& catalog, const Version& version,
                                      const std::set<TableRefId>& changed);

// The file's bytes (header, body, trailer).
std::string EncodeCheckpoint(const CheckpointData& data);
// Corruption("FILE at offset N: what") for anything but a whole, intact
// checkpoint of this format.
Result<CheckpointData> DecodeCheckpoint(std::string_view bytes, std::string_view file);

// Applies a decoded checkpoint (taken apart: pass it by std::move) to *state: a global one replaces
// it, a delta must start right after state->epoch. Corruption naming `file` if the checkpoint does
// not fit the state (a gap in epochs, a table listed but neither known nor given, a changed table
// not listed); *state is then unspecified.
Status ApplyCheckpoint(CheckpointData data, std::string_view file, MetaState* state);

}  // namespace silt::meta

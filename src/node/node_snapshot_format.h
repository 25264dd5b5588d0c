// The files a node snapshot adds to the snapshot store's layout
// (docs/node_snapshot.md): manifest.json, metadata.ckpt, log-<shard>.bin,
// and the flat names of linked rowset and DV files.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/catalog.h"
#include "silt/log_store.h"
#include "silt/snapshot_store.h"
#include "silt/status.h"

namespace silt::node {

inline constexpr std::string_view kSnapshotManifestName = "manifest.json";
inline constexpr std::string_view kSnapshotMetadataName = "metadata.ckpt";
inline constexpr int kNodeSnapshotFormat = 1;

// "log-<shard>.bin".
std::string SnapshotLogFileName(ShardId shard);
// A data-directory path relative to DATA ("tables/s1-t2/rs-…/col-0000.dat")
// as one file name of the snapshot ("tables+s1-t2+rs-…+col-0000.dat").
std::string FlatSnapshotName(std::string_view relative_path);

// "node", or "shard-<S>" for a snapshot of one shard.
std::string SnapshotScopeName(std::optional<ShardId> shard);

struct ManifestFile {
  std::string path;      // relative to the data directory
  std::string snapshot;  // the id of the snapshot that holds it
  std::string name;      // its name there (FlatSnapshotName(path))
  uint64_t size = 0;
  uint64_t xxh3 = 0;
};

struct ManifestLog {
  ShardId shard = 0;
  uint64_t safe_id = 0;     // the shard's safe id in the snapshot's metadata
  uint64_t last_index = 0;  // records safe_id+1 .. last_index are in `file`
  std::string file;
};

struct NodeManifest {
  std::string id;  // of the snapshot it belongs to
  SnapshotKind kind = SnapshotKind::kFull;
  std::string base;  // an incremental snapshot's base
  std::string scope;
  uint64_t epoch = 0;
  std::vector<ManifestLog> logs;
  std::vector<ManifestFile> files;   // sorted by path
  std::vector<std::string> removed;  // paths the base needed and this one does not

  const ManifestFile* Find(std::string_view path) const;
};

std::string EncodeManifest(const NodeManifest& m);
// Corruption naming `file` if it is not a manifest of this format.
Result<NodeManifest> DecodeManifest(std::string_view data, const std::string& file);

// log-<shard>.bin: the records of a shard the snapshot's MemTables held.
//   file   := magic:fixed32 ("SNLG") version:u8 (=1) shard:fixed64 record*
//   record := index:fixed64 term:fixed64 length:fixed32 payload crc:fixed32
// crc is the masked CRC32C of index, term, length and payload.
std::string EncodeSnapshotLog(ShardId shard, const std::vector<LogEntry>& entries);
// Corruption naming `file` and the offset of the first bad byte; the records
// must be of `shard` and have consecutive indexes.
Result<std::vector<LogEntry>> DecodeSnapshotLog(std::string_view data, const std::string& file,
                                                ShardId shard);

}  // namespace silt::node

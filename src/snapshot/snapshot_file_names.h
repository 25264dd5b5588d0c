// The names the snapshot store gives to files and directories under its root
// (docs/snapshot_layout.md), in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace silt {

// ROOT/LOCK: flock of the process that has the store open.
inline constexpr std::string_view kSnapshotLockFileName = "LOCK";
// ROOT/FULL_NEEDED: present when the next snapshot must be full.
inline constexpr std::string_view kFullNeededFileName = "FULL_NEEDED";
// ROOT/<id>/meta.json: a complete snapshot's metadata.
inline constexpr std::string_view kSnapshotMetaFileName = "meta.json";
// ROOT/<id>.tmp/: a Sink being written. ROOT/<id>.del/: a snapshot being reaped.
inline constexpr std::string_view kSnapshotTmpSuffix = ".tmp";
inline constexpr std::string_view kSnapshotDeleteSuffix = ".del";

struct ParsedSnapshotId {
  uint64_t term = 0;
  uint64_t index = 0;
  uint64_t created_ms = 0;
};

// "<term>-<index>-<ms>".
std::string MakeSnapshotId(uint64_t term, uint64_t index, uint64_t created_ms);
// The parts of an id, or nullopt if name is not exactly an id.
std::optional<ParsedSnapshotId> ParseSnapshotId(std::string_view name);

}  // namespace silt

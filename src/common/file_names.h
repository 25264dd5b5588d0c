// The names silt gives to files and directories, in one place.
//
// A data directory (`silt --data DIR`, default ./silt-data) looks like:
//   DIR/LOCK          held (flock) by the process that has the node open
//   DIR/NODE_ID       a random id given at creation (snapshots tell nodes apart)
//   DIR/log/          the shared multi-group log (src/log/log_file_names.h)
//   DIR/meta/         catalog checkpoints (src/meta)
//   DIR/tables/       rowset and delete-vector files (src/table)
//   DIR/snapshots/    the snapshot store (src/snapshot)
// Each module names the files inside its own directory in its own
// *_file_names.h; nothing else concatenates paths by hand.
#pragma once

#include <string>
#include <string_view>

namespace silt {

inline constexpr std::string_view kLockFileName = "LOCK";
inline constexpr std::string_view kNodeIdFileName = "NODE_ID";
inline constexpr std::string_view kLogDirName = "log";
inline constexpr std::string_view kMetaDirName = "meta";
inline constexpr std::string_view kTablesDirName = "tables";
inline constexpr std::string_view kSnapshotsDirName = "snapshots";

// Files being written are named NAME.tmp until renamed to NAME; a crash can
// leave them behind, and recovery deletes them.
inline constexpr std::string_view kTempSuffix = ".tmp";

inline std::string TempFileName(std::string_view path) {
  return std::string(path) + std::string(kTempSuffix);
}

inline bool IsTempFileName(std::string_view name) {
  return name.size() > kTempSuffix.size() && name.ends_with(kTempSuffix);
}

}  // namespace silt

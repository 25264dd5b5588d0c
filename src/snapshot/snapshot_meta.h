// meta.json: the metadata file of a complete snapshot (docs/snapshot_layout.md).
//
// A JSON object whose "crc32c" member is the masked CRC32C of the compact
// serialisation of every other member (nlohmann's dump(), keys sorted), so
// any change to the file is detected. Readers refuse an unknown "format".
#pragma once

#include <string>
#include <string_view>

#include "silt/snapshot_store.h"
#include "silt/status.h"

namespace silt {

inline constexpr int kSnapshotMetaFormat = 1;

// The file's bytes for info (pretty-printed JSON plus '\n').
std::string EncodeSnapshotMeta(const SnapshotInfo& info);
// Parses and verifies meta.json's bytes; `path` names the file in errors.
Result<SnapshotInfo> DecodeSnapshotMeta(std::string_view data, const std::string& path);

}  // namespace silt

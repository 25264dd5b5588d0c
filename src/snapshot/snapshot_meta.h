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

// A checksum as meta.json spells it: 16 lower-case hex digits.
std::string Hex64(uint64_t v);
// Its inverse; Corruption("PATH at offset 0: bad WHAT '...'") otherwise.
Result<uint64_t> ParseHex64(const std::string& s, const std::string& path, const char* what);

// The file's bytes for info (pretty-printed JSON plus '\n').
std::string EncodeSnapshotMeta(const SnapshotInfo& info);
// Parses and verifies meta.json's bytes; `path` names the file in errors.
Result<SnapshotInfo> DecodeSnapshotMeta(std::string_view data, const std::string& path);

}  // namespace silt

#include "node/node_snapshot_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/coding.h"
#include "common/crc32c.h"
#include "snapshot/snapshot_meta.h"

namespace silt::node {

namespace {

using nlohmann::json;

constexpr uint32_t kLogMagic = 0x474c4e53;  // "SNLG"
constexpr uint8_t kLogVersion = 1;
constexpr size_t kLogHeaderSize = 4 + 1 + 8;
constexpr size_t kRecordFixedSize = 8 + 8 + 4;

}  // namespace

std::string SnapshotLogFileName(ShardId shard) { return fmt::format("log-{}.bin", shard); }

std::string FlatSnapshotName(std::string_view relative_path) {
  std::string name(relative_path);
  std::replace(name.begin(), name.end(), '/', '+');
  return name;
}

std::string SnapshotScopeName(std::optional<ShardId> shard) {
  return shard ? fmt::format("shard-{}", *shard) : std::string("node");
}

const ManifestFile* NodeManifest::Find(std::string_view path) const {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const ManifestFile& f, std::string_view p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

std::string EncodeManifest(const NodeManifest& m) {
  json j;
  j["format"] = kNodeSnapshotFormat;
  j["id"] = m.id;
  j["kind"] = SnapshotKindName(m.kind);
  j["base"] = m.base;
  j["scope"] = m.scope;
  j["epoch"] = m.epoch;
  j["logs"] = json::array();
  for (const ManifestLog& l : m.logs) {
    j["logs"].push_back({{"shard", l.shard},
                         {"safe_id", l.safe_id},
                         {"last_index", l.last_index},
                         {"file", l.file}});
  }
  j["files"] = json::array();
  for (const ManifestFile& f : m.files) {
    j["files"].push_back({{"path", f.path},
                          {"snapshot", f.snapshot},
                          {"name", f.name},
                          {"size", f.size},
                          {"xxh3", Hex64(f.xxh3)}});
  }
  j["removed"] = m.removed;
  return j.dump(1) + "\n";
}

Result<NodeManifest> DecodeManifest(std::string_view data, const std::string& file) {
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption(file, 0, "not a JSON object");
  try {
    const int format = j.at("format").get<int>();
    if (format != kNodeSnapshotFormat) {
      return Status::NotSupported(fmt::format("{}: unknown node snapshot format {}", file, format));
    }
    NodeManifest m;
    m.id = j.at("id").get<std::string>();
    const std::string kind = j.at("kind").get<std::string>();
    if (kind == "full") {
      m.kind = SnapshotKind::kFull;
    } else if (kind == "incremental") {
      m.kind = SnapshotKind::kIncremental;
    } else {
      return Status::Corruption(file, 0, fmt::format("unknown kind '{}'", kind));
    }
    m.base = j.at("base").get<std::string>();
    m.scope = j.at("scope").get<std::string>();
    m.epoch = j.at("epoch").get<uint64_t>();
    for (const auto& l : j.at("logs")) {
      m.logs.push_back(ManifestLog{l.at("shard").get<uint64_t>(), l.at("safe_id").get<uint64_t>(),
                                   l.at("last_index").get<uint64_t>(),
                                   l.at("file").get<std::string>()});
    }
    for (const auto& f : j.at("files")) {
      ManifestFile mf;
      mf.path = f.at("path").get<std::string>();
      mf.snapshot = f.at("snapshot").get<std::string>();
      mf.name = f.at("name").get<std::string>();
      mf.size = f.at("size").get<uint64_t>();
      SILT_ASSIGN_OR_RETURN(mf.xxh3, ParseHex64(f.at("xxh3").get<std::string>(), file, "xxh3"));
      if (!m.files.empty() && m.files.back().path >= mf.path) {
        return Status::Corruption(file, 0, fmt::format("files not sorted at '{}'", mf.path));
      }
      if (mf.name != FlatSnapshotName(mf.path)) {
        return Status::Corruption(file, 0,
                                  fmt::format("file '{}' has name '{}'", mf.path, mf.name));
      }
      m.files.push_back(std::move(mf));
    }
    m.removed = j.at("removed").get<std::vector<std::string>>();
    return m;
  } catch (const json::exception& e) {
    return Status::Corruption(file, 0, fmt::format("bad manifest: {}", e.what()));
  }
}

std::string EncodeSnapshotLog(ShardId shard, const std::vector<LogEntry>& entries) {
  std::string out;
  PutFixed32(&out, kLogMagic);
  out.push_back(static_cast<char>(kLogVersion));
  PutFixed64(&out, shard);
  for (const LogEntry& e : entries) {
    const size_t start = out.size();
    PutFixed64(&out, e.index);
    PutFixed64(&out, e.term);
    PutFixed32(&out, static_cast<uint32_t>(e.payload.size()));
    out += e.payload;
    PutFixed32(&out, crc32c::Mask(crc32c::Value(out.data() + start, out.size() - start)));
  }
  return out;
}

Result<std::vector<LogEntry>> DecodeSnapshotLog(std::string_view data, const std::string& file,
                                                ShardId shard) {
  ByteReader r(data, file);
  uint32_t magic = 0;
  uint8_t version = 0;
  uint64_t file_shard = 0;
  SILT_RETURN_IF_ERROR(r.ReadFixed32(&magic));
  if (magic != kLogMagic) return Status::Corruption(file, 0, "bad magic (not a snapshot log)");
  SILT_RETURN_IF_ERROR(r.ReadU8(&version));
  if (version != kLogVersion) {
    return Status::Corruption(file, 4, fmt::format("unknown version {}", version));
  }
  SILT_RETURN_IF_ERROR(r.ReadFixed64(&file_shard));
  if (file_shard != shard) {
    return Status::Corruption(file, 5, fmt::format("holds shard {}, not {}", file_shard, shard));
  }
  static_assert(kLogHeaderSize == 13);
  std::vector<LogEntry> entries;
  while (!r.empty()) {
    const size_t start = r.pos();
    const uint64_t offset = r.offset();
    LogEntry e;
    e.group = shard;
    uint32_t length = 0;
    SILT_RETURN_IF_ERROR(r.ReadFixed64(&e.index));
    SILT_RETURN_IF_ERROR(r.ReadFixed64(&e.term));
    SILT_RETURN_IF_ERROR(r.ReadFixed32(&length));
    std::string_view payload;
    SILT_RETURN_IF_ERROR(r.ReadBytes(length, &payload));
    const uint32_t actual =
        crc32c::Mask(crc32c::Value(data.data() + start, kRecordFixedSize + length));
    uint32_t stored = 0;
    SILT_RETURN_IF_ERROR(r.ReadFixed32(&stored));
    if (stored != actual) return Status::Corruption(file, offset, "record checksum mismatch");
    if (!entries.empty() && e.index != entries.back().index + 1) {
      return Status::Corruption(
          file, offset, fmt::format("record index {} after {}", e.index, entries.back().index));
    }
    e.payload.assign(payload);
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace silt::node

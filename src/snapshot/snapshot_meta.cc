#include "snapshot/snapshot_meta.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/crc32c.h"
#include "snapshot/snapshot_file_names.h"

namespace silt {

namespace {

using nlohmann::json;

// The checksum covers the compact dump of the object without "crc32c";
// nlohmann's default object type keeps keys sorted, so the dump is canonical.
uint32_t MetaChecksum(const json& without_crc) {
  const std::string body = without_crc.dump();
  return crc32c::Mask(crc32c::Value(body));
}

}  // namespace

std::string Hex64(uint64_t v) { return fmt::format("{:016x}", v); }

Result<uint64_t> ParseHex64(const std::string& s, const std::string& path, const char* what) {
  if (s.size() != 16) return Status::Corruption(path, 0, fmt::format("bad {} '{}'", what, s));
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return Status::Corruption(path, 0, fmt::format("bad {} '{}'", what, s));
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

std::string EncodeSnapshotMeta(const SnapshotInfo& info) {
  json j;
  j["format"] = kSnapshotMetaFormat;
  j["id"] = info.id;
  j["term"] = info.term;
  j["index"] = info.index;
  j["created_ms"] = info.created_ms;
  j["kind"] = SnapshotKindName(info.kind);
  j["base"] = info.base;
  j["attributes"] = json::object();
  for (const auto& [k, v] : info.attributes) j["attributes"][k] = v;
  j["files"] = json::array();
  for (const auto& f : info.files) {
    j["files"].push_back({{"name", f.name}, {"size", f.size}, {"xxh3", Hex64(f.xxh3)}});
  }
  j["crc32c"] = MetaChecksum(j);
  return j.dump(2) + "\n";
}

Result<SnapshotInfo> DecodeSnapshotMeta(std::string_view data, const std::string& path) {
  json j = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption(path, 0, "not a JSON object");
  }
  if (!j.contains("crc32c") || !j["crc32c"].is_number_unsigned()) {
    return Status::Corruption(path, 0, "missing crc32c");
  }
  const uint64_t stored = j["crc32c"].get<uint64_t>();
  j.erase("crc32c");
  const uint32_t actual = MetaChecksum(j);
  if (stored != actual) {
    return Status::Corruption(
        path, 0,
        fmt::format("metadata checksum mismatch (stored {:#010x}, computed {:#010x})", stored,
                    actual));
  }
  // The checksum matched, so the writer produced this; a type error now means
  // a format this reader does not know.
  try {
    const int format = j.at("format").get<int>();
    if (format != kSnapshotMetaFormat) {
      return Status::NotSupported(
          fmt::format("{}: unknown snapshot metadata format {}", path, format));
    }
    SnapshotInfo info;
    info.id = j.at("id").get<std::string>();
    info.term = j.at("term").get<uint64_t>();
    info.index = j.at("index").get<uint64_t>();
    info.created_ms = j.at("created_ms").get<uint64_t>();
    const std::string kind = j.at("kind").get<std::string>();
    if (kind == "full") {
      info.kind = SnapshotKind::kFull;
    } else if (kind == "incremental") {
      info.kind = SnapshotKind::kIncremental;
    } else {
      return Status::Corruption(path, 0, fmt::format("unknown kind '{}'", kind));
    }
    info.base = j.at("base").get<std::string>();
    for (const auto& [k, v] : j.at("attributes").items()) info.attributes[k] = v.get<std::string>();
    for (const auto& f : j.at("files")) {
      SnapshotFileInfo file;
      file.name = f.at("name").get<std::string>();
      file.size = f.at("size").get<uint64_t>();
      SILT_ASSIGN_OR_RETURN(file.xxh3, ParseHex64(f.at("xxh3").get<std::string>(), path, "xxh3"));
      info.files.push_back(std::move(file));
    }
    const auto parsed = ParseSnapshotId(info.id);
    if (!parsed || parsed->term != info.term || parsed->index != info.index ||
        parsed->created_ms != info.created_ms) {
      return Status::Corruption(path, 0, fmt::format("id '{}' does not match term/index", info.id));
    }
    return info;
  } catch (const json::exception& e) {
    return Status::Corruption(path, 0, fmt::format("bad metadata: {}", e.what()));
  }
}

}  // namespace silt

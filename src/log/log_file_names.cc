#include "log/log_file_names.h"

#include <charconv>

#include <fmt/format.h>

namespace silt::log {

std::string SegmentFileName(uint64_t segment, uint32_t generation) {
  return fmt::format("segment-{:010}-{}.bin", segment, generation);
}

std::string IndexFileName(uint64_t segment, uint32_t generation) {
  return fmt::format("index-{:010}-{}.bin", segment, generation);
}

std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || !name.ends_with(".bin")) return std::nullopt;
  name.remove_prefix(prefix.size());
  name.remove_suffix(4);
  const size_t dash = name.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  ParsedLogFileName out;
  auto seg = std::from_chars(name.data(), name.data() + dash, out.segment);
  if (seg.ec != std::errc() || seg.ptr != name.data() + dash || dash == 0) return std::nullopt;
  auto gen = std::from_chars(name.data() + dash + 1, name.data() + name.size(), out.generation);
  if (gen.ec != std::errc() || gen.ptr != name.data() + name.size() || dash + 1 == name.size()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace silt::log

// Every file name inside a log directory:
//   DIR/LOCK                             held while the log is open
//   DIR/segments/segment-<N>-<G>.bin     segment N, generation G
//   DIR/index/index-<N>-<G>.bin          the index of segment N, generation G
//   *.tmp                                being written; deleted by recovery
// N is printed with 10 digits so that names sort in segment order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace silt::log {

inline constexpr std::string_view kSegmentsDir = "segments";
inline constexpr std::string_view kIndexDir = "index";

std::string SegmentFileName(uint64_t segment, uint32_t generation);
std::string IndexFileName(uint64_t segment, uint32_t generation);

struct ParsedLogFileName {
  uint64_t segment = 0;
  uint32_t generation = 0;
};
// Parses "segment-N-G.bin" (or "index-N-G.bin" with prefix "index-").
std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name, std::string_view prefix);

}  // namespace silt::log

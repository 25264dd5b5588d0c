// Index files: the persistent form of a full segment's mem-table
// (docs/log_index_format.md), written by the checkpointer.
//
// Beyond the seed's layout (group id, flags, payload offset, start, end per
// group, then one 4-byte segment offset per entry), every index file carries
// each group's complete log state as of the end of its segment (first index
// kept, last index, hard state), so recovery needs only the newest index file
// plus a scan of the segments after it. A header checksum guards the group
// table and a payload checksum the offsets.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"

namespace silt::log {

// One group's row in an index file.
struct IndexGroupInfo {
  uint64_t group = 0;
  uint32_t flags = 0;           // reserved, 0
  uint32_t payload_offset = 0;  // byte offset of the group's offsets within the file
  uint64_t start = 0;           // entries [start, end) of this segment
  uint64_t end = 0;
  uint64_t first_index = 1;  // the group's state at the end of the segment
  uint64_t last_index = 0;
  uint64_t term = 0;
  uint64_t vote = 0;
};

// Header flag: the file was rebuilt from its segment alone during recovery and
// its rows' first/last/term/vote are not the group state (only start/end and
// the offsets are meaningful).
constexpr uint32_t kIndexFlagNoState = 1;

class IndexFile {
 public:
  // Writes path durably (path.tmp, fsync, rename, fsync dir). groups[i] has
  // offsets[i].size() == end - start; payload offsets are filled in here.
  static Status Write(Env* env, const std::string& path, uint64_t segment, uint32_t generation,
                      std::vector<IndexGroupInfo> groups,
                      const std::vector<const std::vector<uint32_t>*>& offsets, uint32_t flags = 0);

  // Reads and verifies the header and group table only.
  static Result<std::shared_ptr<IndexFile>> Open(Env* env, const std::string& path,
                                                 uint64_t segment, uint32_t generation);

  const std::string& path() const { return path_; }
  uint64_t segment() const { return segment_; }
  const std::vector<IndexGroupInfo>& groups() const { return groups_; }
  uint64_t file_size() const { return file_size_; }
  uint32_t flags() const { return flags_; }
  bool has_state() const { return (flags_ & kIndexFlagNoState) == 0; }

  // Segment offset of `index` of the group in row `slot`; loads and verifies
  // the payload on first use.
  Result<uint32_t> OffsetOf(size_t slot, uint64_t index);

 private:
  IndexFile() = default;
  Status LoadPayload();

  std::string path_;
  uint64_t segment_ = 0;
  uint64_t file_size_ = 0;
  uint32_t flags_ = 0;
  uint64_t payload_start_ = 0;
  std::vector<IndexGroupInfo> groups_;
  std::unique_ptr<File> file_;

  std::once_flag load_once_;  // the payload is loaded on first use
  Status load_status_;
  std::string payload_;
};

}  // namespace silt::log

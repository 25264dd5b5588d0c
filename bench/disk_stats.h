// Counters of the block device holding a path, from /proc/diskstats: how many
// write and flush requests a run sent to the disk. Unlike fsync counts these
// include what the file system adds (metadata, journal), and unlike times they
// do not depend on how busy the shared machine was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace silt::bench {

struct DiskCounters {
  uint64_t writes = 0;           // write requests completed
  uint64_t sectors_written = 0;  // 512-byte sectors
  uint64_t flushes = 0;          // flush requests completed (cache flushes, from fsyncs)
};

// The device's counters now; nullopt if they cannot be read (no /proc, a
// device that /proc/diskstats does not list, a kernel without flush counts).
std::optional<DiskCounters> ReadDiskCounters(const std::string& path);

}  // namespace silt::bench

// What the disk can do for a log: its sequential write bandwidth (large
// sequential writes into a new file, then one fdatasync) and the latency of
// one small append + fdatasync, which bounds a single synchronous writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "silt/status.h"

namespace silt::bench {

// Writes `bytes` of incompressible data to a new file at path in `chunk`-byte
// writes, fdatasyncs it, removes it, and returns bytes per second (the time
// includes the fdatasync, so the data is on the disk).
Result<double> MeasureSequentialWrite(const std::string& path, uint64_t bytes, size_t chunk);

struct SyncLatency {
  double p50 = 0;  // seconds
  double p99 = 0;
  double per_second = 0;  // appends + fdatasyncs per second, back to back
};
// Appends `size` bytes and fdatasyncs, `count` times, to a new file at path
// (then removed).
Result<SyncLatency> MeasureSyncLatency(const std::string& path, size_t size, int count);

}  // namespace silt::bench

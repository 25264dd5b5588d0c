// Fuzzes the log's segment parser and recovery: the input becomes the body of
// the last segment (after a valid header, so the fuzzer explores records and
// frames rather than the header checksum). Scanning and opening the log must
// either succeed or fail with a Status, never crash; what opens must be readable.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/fault_injection_env.h"
#include "log/log_file_names.h"
#include "log/log_format.h"
#include "log/segment_file.h"
#include "silt/log_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string segment = silt::log::EncodeSegmentHeader(1, 0);
  segment.append(reinterpret_cast<const char*>(data), size);

  silt::log::SegmentScanResult scan;
  silt::Status s = silt::log::ScanSegment(
      segment, "fuzz",
      [](uint64_t, const std::vector<silt::log::ScannedRecord>& records) {
        for (const auto& r : records) {
          if (r.record.payload.size() > (1u << 30)) __builtin_trap();
        }
        return silt::Status::OK();
      },
      &scan);
  if (s.ok() && scan.end_offset > segment.size()) __builtin_trap();

  silt::FaultInjectionEnv env;
  if (!env.CreateDirs("/log/segments").ok()) __builtin_trap();
  {
    auto f =
        env.NewFile("/log/segments/" + silt::log::SegmentFileName(1, 0), silt::OpenMode::kCreate);
    if (!f.ok() || !(*f)->Append(segment).ok()) __builtin_trap();
  }
  silt::LogOptions options;
  options.env = &env;
  options.segment_size = 4096;
  auto log = silt::LogStore::Open("/log", options);
  if (!log.ok()) return 0;
  for (uint64_t g : (*log)->Groups()) {
    const uint64_t first = (*log)->FirstIndex(g), last = (*log)->LastIndex(g);
    for (uint64_t i = first; i <= last && i < first + 1000; ++i) {
      if (!(*log)->Get(g, i).ok()) __builtin_trap();  // recovered entries must read back
    }
  }
  return 0;
}

// Fuzzes the log's index file parser. Each input is tried as it is, and with
// its header and payload checksums fixed up, so that the parser's checks
// beyond the checksums are explored too. Open and OffsetOf must return a
// Status, never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/fault_injection_env.h"
#include "log/index_file.h"
#include "log/log_format.h"

namespace {

void TryIndex(const std::string& bytes) {
  silt::FaultInjectionEnv env;
  if (!env.CreateDirs("/i").ok()) __builtin_trap();
  {
    auto f = env.NewFile("/i/index-1-0.bin", silt::OpenMode::kCreate);
    if (!f.ok() || !(*f)->Append(bytes).ok()) __builtin_trap();
  }
  auto index = silt::log::IndexFile::Open(&env, "/i/index-1-0.bin", 1, 0);
  if (!index.ok()) return;
  const auto& groups = (*index)->groups();
  for (size_t slot = 0; slot < groups.size(); ++slot) {
    const auto& g = groups[slot];
    for (uint64_t i = g.start; i < g.end && i < g.start + 64; ++i) {
      (*index)->OffsetOf(slot, i).ok();
    }
    (*index)->OffsetOf(slot, g.end).ok();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  TryIndex(bytes);
  // The same bytes with a valid magic, version, segment and checksums.
  if (bytes.size() >= silt::log::kIndexHeaderSize + 8) {
    silt::EncodeFixed32(bytes.data(), silt::log::kIndexMagic);
    silt::EncodeFixed32(bytes.data() + 4, silt::log::kIndexVersion);
    silt::EncodeFixed64(bytes.data() + 8, 1);
    silt::EncodeFixed32(bytes.data() + 16, 0);
    const uint64_t count = silt::DecodeFixed32(bytes.data() + 20);
    const uint64_t table_end =
        silt::log::kIndexHeaderSize + count * silt::log::kIndexGroupEntrySize + 4;
    if (table_end + 4 <= bytes.size()) {
      silt::EncodeFixed32(bytes.data() + table_end - 4,
                          silt::crc32c::Mask(silt::crc32c::Value(bytes.data(), table_end - 4)));
      silt::EncodeFixed32(bytes.data() + bytes.size() - 4,
                          silt::crc32c::Mask(silt::crc32c::Value(bytes.data() + table_end,
                                                                 bytes.size() - 4 - table_end)));
    }
    TryIndex(bytes);
  }
  return 0;
}

// Fuzzes the parsers of a node snapshot's own files (docs/node_snapshot.md):
// manifest.json (DecodeManifest) when the first byte is even, a log-<shard>.bin
// (DecodeSnapshotLog) when it is odd; the rest is the file. Each must decode
// or fail with Corruption/NotSupported, never crash; what decodes must encode
// back to bytes that decode to the same thing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "node/node_snapshot_format.h"

namespace {

using namespace silt;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool SameEntries(const std::vector<LogEntry>& a, const std::vector<LogEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].index != b[i].index || a[i].term != b[i].term || a[i].payload != b[i].payload) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto m = node::DecodeManifest(bytes, "manifest.json");
    if (!m.ok()) {
      Check(m.status().IsCorruption() || m.status().IsNotSupported());
      return 0;
    }
    auto again = node::DecodeManifest(node::EncodeManifest(*m), "again");
    Check(again.ok());
    Check(node::EncodeManifest(*again) == node::EncodeManifest(*m));
  } else {
    auto entries = node::DecodeSnapshotLog(bytes, "log-1.bin", 1);
    if (!entries.ok()) {
      Check(entries.status().IsCorruption());
      return 0;
    }
    auto again = node::DecodeSnapshotLog(node::EncodeSnapshotLog(1, *entries), "again", 1);
    Check(again.ok() && SameEntries(*again, *entries));
  }
  return 0;
}

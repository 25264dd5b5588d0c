// XXH3-64 (from Debian's libxxhash): the checksum for large blocks.
//
// See docs/checksums.md for which checksum guards what. XXH3 is several times
// faster than CRC32C on large inputs, so bulk data (rowset blocks, snapshot
// files) uses it; small records keep CRC32C.
#pragma once

#include <cstdint>
#include <string_view>

namespace silt {

uint64_t Hash64(std::string_view data, uint64_t seed = 0);

// Streaming form for data that arrives in pieces (e.g. files being copied).
class Hasher64 {
 public:
  explicit Hasher64(uint64_t seed = 0);
  ~Hasher64();
  Hasher64(const Hasher64&) = delete;
  Hasher64& operator=(const Hasher64&) = delete;

  void Update(std::string_view data);
  uint64_t Digest() const;

 private:
  void* state_;  // XXH3_state_t*, kept opaque so xxhash.h stays out of headers
};

}  // namespace silt

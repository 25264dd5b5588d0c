// Fuzzes ByteReader and the varint decoders: any input must decode or fail
// with a Corruption status, never crash or read out of bounds, and whatever
// decodes must re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/coding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  silt::ByteReader r(input, "fuzz", 0);
  while (!r.empty()) {
    uint8_t op;
    if (!r.ReadU8(&op).ok()) break;
    silt::Status s;
    switch (op % 6) {
      case 0: {
        uint64_t v;
        const size_t before = r.pos();
        s = r.ReadVarint64(&v);
        if (s.ok()) {
          // Canonical varints re-encode identically; non-canonical ones (with
          // redundant zero continuation bytes) still decode to a value that round-trips.
          std::string again;
          silt::PutVarint64(&again, v);
          uint64_t back;
          const char* end = silt::DecodeVarint64(again.data(), again.data() + again.size(), &back);
          if (end == nullptr || back != v) __builtin_trap();
          if (r.pos() - before < again.size()) __builtin_trap();
        }
        break;
      }
      case 1: {
        uint32_t v;
        s = r.ReadVarint32(&v);
        break;
      }
      case 2: {
        uint32_t v;
        s = r.ReadFixed32(&v);
        break;
      }
      case 3: {
        uint64_t v;
        s = r.ReadFixed64(&v);
        break;
      }
      case 4: {
        std::string_view sv;
        s = r.ReadLengthPrefixed(&sv);
        if (s.ok() && sv.data() + sv.size() > input.data() + input.size()) __builtin_trap();
        break;
      }
      default: {
        std::string_view sv;
        s = r.ReadBytes(op / 6, &sv);
        break;
      }
    }
    if (!s.ok()) {
      if (!s.IsCorruption()) __builtin_trap();
      break;
    }
  }
  return 0;
}

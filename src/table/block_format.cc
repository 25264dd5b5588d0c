#include "table/block_format.h"

namespace silt {

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kPlain:
      return "plain";
    case Encoding::kRunLength:
      return "run-length";
    case Encoding::kDictionary:
      return "dictionary";
    case Encoding::kBitPacked:
      return "bit-packed";
  }
  return "unknown";
}

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "none";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

}  // namespace silt

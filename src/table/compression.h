// General-purpose compression of a block's raw payload with lz4 or zstd
// (Debian's liblz4 and libzstd), applied on top of the encodings.
#pragma once

#include <string>
#include <string_view>

#include "silt/status.h"
#include "table/block_format.h"

namespace silt {

// Replaces *out with `raw` compressed by `codec` (kLz4 or kZstd at `level`,
// which only zstd uses). False if the codec failed.
bool CompressPayload(Compression codec, int level, std::string_view raw, std::string* out);

// Replaces *out with the decompression of `stored`, which must yield exactly
// raw_size bytes (raw_size <= kMaxBlockPayloadBytes is the caller's check).
// Corruption "FILE at offset OFFSET: ..." otherwise.
Status DecompressPayload(Compression codec, std::string_view stored, size_t raw_size,
                         std::string* out, std::string_view file, uint64_t offset);

}  // namespace silt

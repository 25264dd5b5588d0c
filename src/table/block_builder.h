// BlockBuilder: encodes a run of rows of one column as a self-checking block
// and computes the block's statistics (docs/rowset_format.md, "Blocks").
//
// The encoding is chosen per block from the statistics of its values
// (table/encoding.h); the validity bitmap is written only when the block has
// a null; lz4 or zstd is applied on top only when it saves a meaningful
// share of the bytes. A builder keeps scratch buffers between calls, so a
// column writer reuses one per column. A builder is used by one thread at a
// time; builders on different threads share nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "silt/status.h"
#include "table/block_format.h"
#include "table/block_stats.h"
#include "table/column_vector.h"
#include "table/encoding.h"

namespace silt {

struct BlockBuilderOptions {
  // Codec tried on each block's raw payload. lz4 by default: it decompresses
  // at several GB/s, so scans barely notice it; zstd shrinks text further.
  Compression compression = Compression::kLz4;
  // zstd's level (ignored by lz4).
  int zstd_level = 3;
  // Keep the compressed payload only if it is at most (1 - this) of the raw
  // size: a small saving is not worth decompressing on every scan.
  double min_compression_saving = 0.125;
  // Raw payloads below this many bytes are never compressed.
  size_t min_compression_bytes = 256;
  // Tests and tools: use this encoding instead of choosing one. Build fails
  // with InvalidArgument if it cannot represent the type.
  std::optional<Encoding> force_encoding;
};

struct EncodedBlock {
  std::string data;  // the whole block: header, payload, checksum
  BlockStats stats;
  Encoding encoding = Encoding::kPlain;
  Compression compression = Compression::kNone;
  size_t raw_payload_bytes = 0;  // before compression, with the validity bitmap
};

class BlockBuilder {
 public:
  explicit BlockBuilder(BlockBuilderOptions options = {}) : options_(std::move(options)) {}

  // Encodes rows [begin, begin + n) of `column` into *out. InvalidArgument if
  // the range is outside the column, n > kMaxBlockRows, a string is longer
  // than kMaxStringLength or the strings exceed kMaxBlockStringBytes, a
  // not-null column holds a null, or force_encoding does not apply.
  Status Build(const ColumnVector& column, size_t begin, size_t n, EncodedBlock* out);
  // The whole column as one block.
  Result<EncodedBlock> Build(const ColumnVector& column);

  const BlockBuilderOptions& options() const { return options_; }

 private:
  BlockBuilderOptions options_;
  ColumnProfiler profiler_;
  std::string raw_;
  std::string compressed_;
};

}  // namespace silt

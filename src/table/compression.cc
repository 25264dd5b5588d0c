#include "table/compression.h"

#include <fmt/format.h>
#include <lz4.h>
#include <zstd.h>

namespace silt {

bool CompressPayload(Compression codec, int level, std::string_view raw, std::string* out) {
  if (raw.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return false;
  if (codec == Compression::kLz4) {
    out->resize(static_cast<size_t>(LZ4_compressBound(static_cast<int>(raw.size()))));
    const int n = LZ4_compress_default(raw.data(), out->data(), static_cast<int>(raw.size()),
                                       static_cast<int>(out->size()));
    if (n <= 0) return false;
    out->resize(static_cast<size_t>(n));
    return true;
  }
  if (codec == Compression::kZstd) {
    out->resize(ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compress(out->data(), out->size(), raw.data(), raw.size(), level);
    if (ZSTD_isError(n)) return false;
    out->resize(n);
    return true;
  }
  return false;
}

Status DecompressPayload(Compression codec, std::string_view stored, size_t raw_size,
                         std::string* out, std::string_view file, uint64_t offset) {
  // Check the claimed size against what the compressed bytes can hold before
  // allocating it: lz4 expands at most 255-fold; a zstd frame records its size.
  if (codec == Compression::kLz4) {
    if (stored.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE) ||
        raw_size > stored.size() * 255 + 16) {
      return Status::Corruption(
          file, offset,
          fmt::format("lz4 payload of {} bytes cannot hold {} bytes", stored.size(), raw_size));
    }
    out->resize(raw_size);
    const int n = LZ4_decompress_safe(stored.data(), out->data(), static_cast<int>(stored.size()),
                                      static_cast<int>(raw_size));
    if (n < 0 || static_cast<size_t>(n) != raw_size) {
      return Status::Corruption(
          file, offset, fmt::format("lz4 payload does not decompress to {} bytes", raw_size));
    }
    return Status::OK();
  }
  if (codec == Compression::kZstd) {
    const unsigned long long content = ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (content != raw_size) {
      return Status::Corruption(
          file, offset, fmt::format("zstd frame does not record a size of {} bytes", raw_size));
    }
    out->resize(raw_size);
    const size_t n = ZSTD_decompress(out->data(), out->size(), stored.data(), stored.size());
    if (ZSTD_isError(n) || n != raw_size) {
      return Status::Corruption(
          file, offset, fmt::format("zstd payload does not decompress to {} bytes", raw_size));
    }
    return Status::OK();
  }
  return Status::Corruption(file, offset, "unknown compression");
}

}  // namespace silt

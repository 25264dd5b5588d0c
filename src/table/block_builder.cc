#include "table/block_builder.h"

#include <fmt/format.h>

#include <cstring>

#include "common/coding.h"
#include "common/hash.h"
#include "table/bitpacked_encoding.h"
#include "table/compression.h"
#include "table/dictionary_encoding.h"
#include "table/encoding.h"
#include "table/plain_encoding.h"
#include "table/rle_encoding.h"

namespace silt {

Status BlockBuilder::Build(const ColumnVector& column, size_t begin, size_t n, EncodedBlock* out) {
  const DataType& type = column.type();
  if (begin > column.size() || n > column.size() - begin) {
    return Status::InvalidArgument(
        fmt::format("rows [{}, {}) outside a column of {}", begin, begin + n, column.size()));
  }
  if (n > kMaxBlockRows) {
    return Status::InvalidArgument(
        fmt::format("{} rows exceed the block limit of {}", n, kMaxBlockRows));
  }
  const ColumnProfile& profile = profiler_.Profile(column, begin, n);
  if (profile.stats.null_count > 0 && !type.nullable()) {
    return Status::InvalidArgument(
        fmt::format("{} nulls in a {} column", profile.stats.null_count, type.ToString()));
  }
  if (profile.max_string_length > kMaxStringLength) {
    return Status::InvalidArgument(fmt::format("a string of {} bytes exceeds the limit of {}",
                                               profile.max_string_length, kMaxStringLength));
  }
  if (profile.string_bytes > kMaxBlockStringBytes) {
    return Status::InvalidArgument(fmt::format("{} string bytes exceed the block limit of {}",
                                               profile.string_bytes, kMaxBlockStringBytes));
  }
  Encoding encoding = ChooseEncoding(column.physical(), profile);
  if (options_.force_encoding) {
    encoding = *options_.force_encoding;
    if (!EncodingApplies(encoding, column.physical())) {
      return Status::InvalidArgument(
          fmt::format("{} encoding does not apply to {}", EncodingName(encoding), type.ToString()));
    }
  }

  // Raw payload: [validity bitmap] encoded values.
  raw_.clear();
  const bool validity = profile.stats.null_count > 0;
  if (validity) {
    raw_.resize((n + 7) / 8, '\0');
    for (size_t i = 0; i < n; ++i) {
      if (!column.IsNull(begin + i)) raw_[i >> 3] |= static_cast<char>(1u << (i & 7));
    }
  }
  switch (encoding) {
    case Encoding::kPlain:
      EncodePlain(column, begin, n, &raw_);
      break;
    case Encoding::kRunLength:
      EncodeRunLength(column, begin, n, &raw_);
      break;
    case Encoding::kDictionary:
      EncodeDictionary(column, begin, n, profiler_, &raw_);
      break;
    case Encoding::kBitPacked:
      EncodeBitPacked(column, begin, n, profile.int_min, profile.range_width, &raw_);
      break;
  }

  Compression compression = Compression::kNone;
  std::string_view stored = raw_;
  if (options_.compression != Compression::kNone && raw_.size() >= options_.min_compression_bytes &&
      CompressPayload(options_.compression, options_.zstd_level, raw_, &compressed_) &&
      static_cast<double>(compressed_.size()) <=
          static_cast<double>(raw_.size()) * (1.0 - options_.min_compression_saving)) {
    compression = options_.compression;
    stored = compressed_;
  }

  std::string& data = out->data;
  data.clear();
  data.reserve(kBlockHeaderSize + stored.size() + kBlockTrailerSize);
  data.push_back(static_cast<char>(encoding));
  data.push_back(static_cast<char>(type.id()));
  data.push_back(static_cast<char>((validity ? kBlockFlagValidity : 0) |
                                   (static_cast<uint8_t>(compression) << kBlockCompressionShift)));
  data.push_back(static_cast<char>(kBlockFormatVersion));
  PutFixed32(&data, static_cast<uint32_t>(n));
  PutFixed32(&data, static_cast<uint32_t>(stored.size()));
  PutFixed32(&data, static_cast<uint32_t>(raw_.size()));
  data.append(stored);
  PutFixed64(&data, Hash64(data));

  out->stats = profile.stats;
  out->encoding = encoding;
  out->compression = compression;
  out->raw_payload_bytes = raw_.size();
  return Status::OK();
}

Result<EncodedBlock> BlockBuilder::Build(const ColumnVector& column) {
  EncodedBlock block;
  SILT_RETURN_IF_ERROR(Build(column, 0, column.size(), &block));
  return block;
}

}  // namespace silt

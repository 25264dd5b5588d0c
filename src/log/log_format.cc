#include "log/log_format.h"

#include <fmt/format.h>

#include "common/coding.h"
#include "common/crc32c.h"

namespace silt::log {

size_t EncodedRecordSize(const Record& r) {
  return 1 + VarintLength(r.group) + VarintLength(r.a) + VarintLength(r.b) +
         VarintLength(r.payload.size()) + r.payload.size() + kRecordTrailerSize;
}

void EncodeRecord(std::string* dst, const Record& r) {
  const size_t start = dst->size();
  char header[kMaxRecordHeaderSize];
  char* p = header;
  *p++ = static_cast<char>(r.type);
  p = EncodeVarint64(p, r.group);
  p = EncodeVarint64(p, r.a);
  p = EncodeVarint64(p, r.b);
  p = EncodeVarint64(p, r.payload.size());
  dst->append(header, static_cast<size_t>(p - header));
  dst->append(r.payload);
  const uint32_t crc = crc32c::Value(dst->data() + start, dst->size() - start);
  PutFixed32(dst, crc32c::Mask(crc));
}

Status DecodeRecord(std::string_view data, std::string_view file, uint64_t offset, Record* r,
                    size_t* size) {
  ByteReader in(data, file, offset);
  uint8_t type;
  SILT_RETURN_IF_ERROR(in.ReadU8(&type));
  if (type == 0 || type > kMaxRecordType) {
    return Status::Corruption(file, offset, fmt::format("unknown log record type {}", type));
  }
  uint64_t len;
  SILT_RETURN_IF_ERROR(in.ReadVarint64(&r->group));
  SILT_RETURN_IF_ERROR(in.ReadVarint64(&r->a));
  SILT_RETURN_IF_ERROR(in.ReadVarint64(&r->b));
  SILT_RETURN_IF_ERROR(in.ReadVarint64(&len));
  if (len > in.remaining()) {
    return in.Error(fmt::format("log record payload of {} bytes runs past the data", len));
  }
  SILT_RETURN_IF_ERROR(in.ReadBytes(len, &r->payload));
  const size_t body = in.pos();
  uint32_t stored;
  SILT_RETURN_IF_ERROR(in.ReadFixed32(&stored));
  const uint32_t actual = crc32c::Value(data.data(), body);
  if (crc32c::Unmask(stored) != actual) {
    return Status::Corruption(
        file, offset,
        fmt::format("log record checksum mismatch (stored {:08x}, computed {:08x})",
                    crc32c::Unmask(stored), actual));
  }
  r->type = static_cast<RecordType>(type);
  *size = in.pos();
  return Status::OK();
}

void EncodeFrameHeader(char* dst, uint8_t kind, uint32_t body_length, uint32_t count) {
  dst[0] = static_cast<char>(kind);
  dst[1] = dst[2] = dst[3] = 0;
  EncodeFixed32(dst + 4, body_length);
  EncodeFixed32(dst + 8, count);
  EncodeFixed32(dst + 12, crc32c::Mask(crc32c::Value(dst, 12)));
}

Status DecodeFrameHeader(std::string_view data, std::string_view file, uint64_t offset,
                         FrameHeader* h) {
  if (data.size() < kFrameHeaderSize) {
    return Status::Corruption(file, offset, "truncated frame header");
  }
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(data.data() + 12));
  if (stored != crc32c::Value(data.data(), 12)) {
    return Status::Corruption(file, offset, "frame header checksum mismatch");
  }
  h->kind = static_cast<uint8_t>(data[0]);
  if (h->kind != kFrameBatch && h->kind != kFrameEnd) {
    return Status::Corruption(file, offset, fmt::format("unknown frame kind 0x{:02x}", h->kind));
  }
  if (data[1] != 0 || data[2] != 0 || data[3] != 0) {
    return Status::Corruption(file, offset, "reserved frame header bytes are not zero");
  }
  h->body_length = DecodeFixed32(data.data() + 4);
  h->count = DecodeFixed32(data.data() + 8);
  return Status::OK();
}

std::string EncodeSegmentHeader(uint64_t segment, uint32_t generation) {
  std::string h;
  PutFixed32(&h, kSegmentMagic);
  PutFixed32(&h, kSegmentVersion);
  PutFixed64(&h, segment);
  PutFixed32(&h, generation);
  PutFixed32(&h, 0);  // reserved
  PutFixed32(&h, 0);  // reserved
  PutFixed32(&h, crc32c::Mask(crc32c::Value(h)));
  return h;
}

Status DecodeSegmentHeader(std::string_view data, std::string_view file, uint64_t* segment,
                           uint32_t* generation) {
  if (data.size() < kSegmentHeaderSize) {
    return Status::Corruption(file, 0, "segment file shorter than its 32-byte header");
  }
  const uint32_t magic = DecodeFixed32(data.data());
  if (magic != kSegmentMagic) {
    return Status::Corruption(file, 0,
                              fmt::format("not a silt log segment (magic {:08x}, expected {:08x})",
                                          magic, kSegmentMagic));
  }
  const uint32_t version = DecodeFixed32(data.data() + 4);
  if (version != kSegmentVersion) {
    return Status::Corruption(
        file, 4,
        fmt::format("unsupported segment format version {} (this build reads {})", version,
                    kSegmentVersion));
  }
  if (crc32c::Unmask(DecodeFixed32(data.data() + 28)) != crc32c::Value(data.data(), 28)) {
    return Status::Corruption(file, 28, "segment header checksum mismatch");
  }
  *segment = DecodeFixed64(data.data() + 8);
  *generation = DecodeFixed32(data.data() + 16);
  return Status::OK();
}

}  // namespace silt::log

#include "common/coding.h"

#include <fmt/format.h>

namespace silt {

void PutFixed16(std::string* dst, uint16_t v) {
  char buf[sizeof(v)];
  EncodeFixed16(buf, v);
  dst->append(buf, sizeof(buf));
}

void PutFixed32(std::string* dst, uint32_t v) {
  char buf[sizeof(v)];
  EncodeFixed32(buf, v);
  dst->append(buf, sizeof(buf));
}

void PutFixed64(std::string* dst, uint64_t v) {
  char buf[sizeof(v)];
  EncodeFixed64(buf, v);
  dst->append(buf, sizeof(buf));
}

char* EncodeVarint64(char* dst, uint64_t v) {
  auto* p = reinterpret_cast<unsigned char*>(dst);
  while (v >= 0x80) {
    *p++ = static_cast<unsigned char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<unsigned char>(v);
  return reinterpret_cast<char*>(p);
}

void PutVarint32(std::string* dst, uint32_t v) { PutVarint64(dst, v); }

void PutVarint64(std::string* dst, uint64_t v) {
  char buf[kMaxVarint64Bytes];
  char* end = EncodeVarint64(buf, v);
  dst->append(buf, static_cast<size_t>(end - buf));
}

void PutLengthPrefixed(std::string* dst, std::string_view bytes) {
  PutVarint64(dst, bytes.size());
  dst->append(bytes);
}

int VarintLength(uint64_t v) {
  int len = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++len;
  }
  return len;
}

const char* DecodeVarint64(const char* p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (uint32_t shift = 0; shift <= 63 && p < limit; shift += 7) {
    const uint64_t byte = static_cast<unsigned char>(*p++);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return nullptr;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return p;
    }
  }
  return nullptr;
}

const char* DecodeVarint32(const char* p, const char* limit, uint32_t* v) {
  uint64_t wide;
  const char* end = DecodeVarint64(p, limit, &wide);
  if (end == nullptr || wide > UINT32_MAX || end - p > kMaxVarint32Bytes) return nullptr;
  *v = static_cast<uint32_t>(wide);
  return end;
}

Status ByteReader::Error(std::string_view what) const {
  return Status::Corruption(file_, offset(), what);
}

Status ByteReader::Truncated(size_t need, const char* what) const {
  return Error(fmt::format("truncated {}: need {} bytes, {} left", what, need, remaining()));
}

Status ByteReader::ReadU8(uint8_t* v) {
  if (remaining() < 1) return Truncated(1, "u8");
  *v = static_cast<uint8_t>(data_[pos_]);
  pos_ += 1;
  return Status::OK();
}

Status ByteReader::ReadFixed16(uint16_t* v) {
  if (remaining() < 2) return Truncated(2, "fixed16");
  *v = DecodeFixed16(data_.data() + pos_);
  pos_ += 2;
  return Status::OK();
}

Status ByteReader::ReadFixed32(uint32_t* v) {
  if (remaining() < 4) return Truncated(4, "fixed32");
  *v = DecodeFixed32(data_.data() + pos_);
  pos_ += 4;
  return Status::OK();
}

Status ByteReader::ReadFixed64(uint64_t* v) {
  if (remaining() < 8) return Truncated(8, "fixed64");
  *v = DecodeFixed64(data_.data() + pos_);
  pos_ += 8;
  return Status::OK();
}

Status ByteReader::ReadVarint32(uint32_t* v) {
  const char* begin = data_.data() + pos_;
  const char* end = DecodeVarint32(begin, data_.data() + data_.size(), v);
  if (end == nullptr) return Error("bad or truncated varint32");
  pos_ += static_cast<size_t>(end - begin);
  return Status::OK();
}

Status ByteReader::ReadVarint64(uint64_t* v) {
  const char* begin = data_.data() + pos_;
  const char* end = DecodeVarint64(begin, data_.data() + data_.size(), v);
  if (end == nullptr) return Error("bad or truncated varint64");
  pos_ += static_cast<size_t>(end - begin);
  return Status::OK();
}

Status ByteReader::ReadBytes(size_t n, std::string_view* out) {
  if (remaining() < n) return Truncated(n, "byte string");
  *out = data_.substr(pos_, n);
  pos_ += n;
  return Status::OK();
}

Status ByteReader::ReadLengthPrefixed(std::string_view* out) {
  const size_t start = pos_;
  uint64_t len;
  SILT_RETURN_IF_ERROR(ReadVarint64(&len));
  if (len > remaining()) {
    Status s = Truncated(len, "length-prefixed bytes");
    pos_ = start;
    return s;
  }
  *out = data_.substr(pos_, len);
  pos_ += len;
  return Status::OK();
}

Status ByteReader::Skip(size_t n) {
  if (remaining() < n) return Truncated(n, "skip");
  pos_ += n;
  return Status::OK();
}

}  // namespace silt

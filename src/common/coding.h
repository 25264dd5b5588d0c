// Little-endian fixed-width and varint coding, and ByteReader, a bounds-checked
// cursor whose errors name the file and absolute offset being decoded.
//
// Every on-disk format in silt is little-endian (docs/coding.md). Varints are
// LEB128: 7 bits per byte, low bits first, high bit set on all but the last.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "silt/status.h"

namespace silt {

constexpr int kMaxVarint32Bytes = 5;
constexpr int kMaxVarint64Bytes = 10;

inline void EncodeFixed16(char* dst, uint16_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  std::memcpy(dst, &v, sizeof(v));
}
inline void EncodeFixed32(char* dst, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(dst, &v, sizeof(v));
}
inline void EncodeFixed64(char* dst, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(dst, &v, sizeof(v));
}
inline uint16_t DecodeFixed16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  return v;
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

void PutFixed16(std::string* dst, uint16_t v);
void PutFixed32(std::string* dst, uint32_t v);
void PutFixed64(std::string* dst, uint64_t v);
void PutVarint32(std::string* dst, uint32_t v);
void PutVarint64(std::string* dst, uint64_t v);
// Varint64 length followed by the bytes.
void PutLengthPrefixed(std::string* dst, std::string_view bytes);

// Writes v at dst (room for kMaxVarint64Bytes) and returns the byte after it.
char* EncodeVarint64(char* dst, uint64_t v);
// Number of bytes PutVarint64(v) writes.
int VarintLength(uint64_t v);

// Decodes a varint from [p, limit); returns the byte after it, or nullptr if
// the input ends first or the value does not fit.
const char* DecodeVarint32(const char* p, const char* limit, uint32_t* v);
const char* DecodeVarint64(const char* p, const char* limit, uint64_t* v);

// ZigZag maps signed to unsigned so that small magnitudes stay small.
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// A cursor over bytes read from `file` starting at absolute offset `base`.
// Each Read* either consumes and returns OK, or leaves the cursor where it is
// and returns Corruption("FILE at offset N: truncated ..." / "bad varint").
class ByteReader {
 public:
  ByteReader(std::string_view data, std::string_view file = "<memory>", uint64_t base = 0)
      : data_(data), file_(file), base_(base) {}

  Status ReadU8(uint8_t* v);
  Status ReadFixed16(uint16_t* v);
  Status ReadFixed32(uint32_t* v);
  Status ReadFixed64(uint64_t* v);
  Status ReadVarint32(uint32_t* v);
  Status ReadVarint64(uint64_t* v);
  // Consumes n bytes; *out views them (valid as long as the input is).
  Status ReadBytes(size_t n, std::string_view* out);
  // A varint64 length followed by that many bytes.
  Status ReadLengthPrefixed(std::string_view* out);
  Status Skip(size_t n);

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  // Position within the input, and the absolute offset within the file.
  size_t pos() const { return pos_; }
  uint64_t offset() const { return base_ + pos_; }
  std::string_view rest() const { return data_.substr(pos_); }
  const std::string& file() const { return file_; }

  // A Corruption status at the current offset, for callers' own checks.
  Status Error(std::string_view what) const;

 private:
  Status Truncated(size_t need, const char* what) const;

  std::string_view data_;
  std::string file_;
  uint64_t base_;
  size_t pos_ = 0;
};

}  // namespace silt

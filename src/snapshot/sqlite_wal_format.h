// The SQLite write-ahead-log (WAL) file format: the constants, header layouts
// and checksum that SqliteWalReader, SqliteWalWriter and the compactor share.
//
// The format is SQLite's, not silt's, so unlike silt's own formats it is
// big-endian. docs/sqlite_wal.md describes it in prose; in short:
//
//   wal    := header frame*
//   header := magic version page_size checkpoint_seq salt1 salt2 cksum1 cksum2
//             (eight big-endian u32, 32 bytes; cksum over the first 24 bytes)
//   frame  := page_number db_size salt1 salt2 cksum1 cksum2 page[page_size]
//             (six big-endian u32, 24 bytes, then the page image)
//
// A frame's checksum is cumulative: it continues from the previous frame's (or
// the header's) and covers the frame header's first 8 bytes and the page.
#pragma once

#include <cstdint>
#include <string_view>

namespace silt {

namespace sqlite_wal {

constexpr size_t kHeaderSize = 32;
constexpr size_t kFrameHeaderSize = 24;
// Bytes of the header that its checksum covers.
constexpr size_t kHeaderChecksummedSize = 24;
// Bytes of a frame header that the cumulative checksum covers (page number and
// db size; the salts and the checksum itself are not covered).
constexpr size_t kFrameHeaderChecksummedSize = 8;

// The low bit of the magic chooses the byte order of the checksum's words:
// 0 little-endian, 1 big-endian. SQLite writes its machine's native order.
constexpr uint32_t kMagicLittleEndianChecksum = 0x377f0682;
constexpr uint32_t kMagicBigEndianChecksum = 0x377f0683;
// The only WAL format version SQLite has ever written (3.7.0).
constexpr uint32_t kVersion = 3007000;

constexpr uint32_t kMinPageSize = 512;
constexpr uint32_t kMaxPageSize = 65536;

// The main database file's header (the first 100 bytes of page 1).
constexpr std::string_view kDbMagic{"SQLite format 3\0", 16};
constexpr size_t kDbHeaderSize = 100;
// Big-endian u16 page size; the value 1 means 65536.
constexpr size_t kDbPageSizeOffset = 16;

inline bool IsValidPageSize(uint32_t page_size) {
  return page_size >= kMinPageSize && page_size <= kMaxPageSize &&
         (page_size & (page_size - 1)) == 0;
}

inline uint32_t DecodeBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

inline void EncodeBigEndian32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

// The running checksum: two 32-bit sums.
struct Checksum {
  uint32_t s0 = 0;
  uint32_t s1 = 0;
  friend bool operator==(const Checksum&, const Checksum&) = default;
};

inline uint32_t DecodeLittleEndian32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} | (uint32_t{u[1]} << 8) | (uint32_t{u[2]} << 16) | (uint32_t{u[3]} << 24);
}

// Continues `in` over data (size a multiple of 8), reading 32-bit words in
// big-endian order if big_endian, else little-endian: for each word pair
// (a, b): s0 += a + s1; s1 += b + s0 (mod 2^32).
inline Checksum ComputeChecksum(bool big_endian, std::string_view data, Checksum in) {
  uint32_t s0 = in.s0;
  uint32_t s1 = in.s1;
  const char* p = data.data();
  const char* end = p + (data.size() & ~size_t{7});
  if (big_endian) {
    for (; p != end; p += 8) {
      s0 += DecodeBigEndian32(p) + s1;
      s1 += DecodeBigEndian32(p + 4) + s0;
    }
  } else {
    for (; p != end; p += 8) {
      s0 += DecodeLittleEndian32(p) + s1;
      s1 += DecodeLittleEndian32(p + 4) + s0;
    }
  }
  return Checksum{s0, s1};
}

// Byte offset of frame `index` (0-based) in a WAL with this page size.
inline uint64_t FrameOffset(uint64_t index, uint32_t page_size) {
  return kHeaderSize + index * (kFrameHeaderSize + uint64_t{page_size});
}

}  // namespace sqlite_wal

// The 32-byte WAL header, decoded.
struct SqliteWalHeader {
  uint32_t magic = sqlite_wal::kMagicLittleEndianChecksum;
  uint32_t version = sqlite_wal::kVersion;
  uint32_t page_size = 4096;
  uint32_t checkpoint_seq = 0;
  uint32_t salt1 = 0;
  uint32_t salt2 = 0;
  // As stored; EncodeTo writes them unchanged, SqliteWalWriter recomputes them.
  uint32_t checksum1 = 0;
  uint32_t checksum2 = 0;

  bool big_endian_checksum() const { return (magic & 1) != 0; }

  // dst has room for kHeaderSize bytes.
  void EncodeTo(char* dst) const {
    using sqlite_wal::EncodeBigEndian32;
    EncodeBigEndian32(dst, magic);
    EncodeBigEndian32(dst + 4, version);
    EncodeBigEndian32(dst + 8, page_size);
    EncodeBigEndian32(dst + 12, checkpoint_seq);
    EncodeBigEndian32(dst + 16, salt1);
    EncodeBigEndian32(dst + 20, salt2);
    EncodeBigEndian32(dst + 24, checksum1);
    EncodeBigEndian32(dst + 28, checksum2);
  }
  static SqliteWalHeader DecodeFrom(const char* src) {
    using sqlite_wal::DecodeBigEndian32;
    return SqliteWalHeader{DecodeBigEndian32(src),      DecodeBigEndian32(src + 4),
                           DecodeBigEndian32(src + 8),  DecodeBigEndian32(src + 12),
                           DecodeBigEndian32(src + 16), DecodeBigEndian32(src + 20),
                           DecodeBigEndian32(src + 24), DecodeBigEndian32(src + 28)};
  }

  // The checksum its first 24 bytes call for (what checksum1/2 should hold).
  sqlite_wal::Checksum ComputeChecksum() const {
    char buf[sqlite_wal::kHeaderSize];
    EncodeTo(buf);
    return sqlite_wal::ComputeChecksum(
        big_endian_checksum(), std::string_view(buf, sqlite_wal::kHeaderChecksummedSize), {});
  }
};

// The 24-byte header in front of each page image.
struct SqliteWalFrameHeader {
  uint32_t page_number = 0;
  // The database size in pages after this commit; 0 if this frame is not the
  // last of a transaction.
  uint32_t db_size = 0;
  uint32_t salt1 = 0;
  uint32_t salt2 = 0;
  uint32_t checksum1 = 0;
  uint32_t checksum2 = 0;

  bool is_commit() const { return db_size != 0; }

  // dst has room for kFrameHeaderSize bytes.
  void EncodeTo(char* dst) const {
    using sqlite_wal::EncodeBigEndian32;
    EncodeBigEndian32(dst, page_number);
    EncodeBigEndian32(dst + 4, db_size);
    EncodeBigEndian32(dst + 8, salt1);
    EncodeBigEndian32(dst + 12, salt2);
    EncodeBigEndian32(dst + 16, checksum1);
    EncodeBigEndian32(dst + 20, checksum2);
  }
  static SqliteWalFrameHeader DecodeFrom(const char* src) {
    using sqlite_wal::DecodeBigEndian32;
    return SqliteWalFrameHeader{DecodeBigEndian32(src),      DecodeBigEndian32(src + 4),
                                DecodeBigEndian32(src + 8),  DecodeBigEndian32(src + 12),
                                DecodeBigEndian32(src + 16), DecodeBigEndian32(src + 20)};
  }
};

}  // namespace silt

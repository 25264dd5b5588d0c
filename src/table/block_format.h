// Constants of the column block format, shared by BlockBuilder and
// BlockDecoder. The byte layout is described in docs/rowset_format.md
// ("Blocks"); change both together.
//
//   block   := header payload checksum
//   header  := encoding:u8 type_id:u8 flags:u8 version:u8
//              row_count:u32 stored_length:u32 raw_length:u32     (16 bytes)
//   payload := stored_length bytes: the raw payload, or its lz4/zstd form
//   raw     := [validity bitmap] encoding payload                (raw_length bytes)
//   checksum:= XXH3-64 of header and stored payload, fixed64
#pragma once

#include <cstddef>
#include <cstdint>

namespace silt {

// Stored in the header: never renumber.
enum class Encoding : uint8_t {
  kPlain = 0,
  kRunLength = 1,
  kDictionary = 2,
  kBitPacked = 3,  // frame of reference + bit-packing
};
constexpr uint8_t kMaxEncodingId = 3;

// General-purpose compression over the raw payload; stored in the flags.
enum class Compression : uint8_t { kNone = 0, kLz4 = 1, kZstd = 2 };

const char* EncodingName(Encoding e);
const char* CompressionName(Compression c);

constexpr size_t kBlockHeaderSize = 16;
constexpr size_t kBlockTrailerSize = 8;
constexpr uint8_t kBlockFormatVersion = 1;

// Header flags.
constexpr uint8_t kBlockFlagValidity = 0x01;   // the raw payload starts with a validity bitmap
constexpr uint8_t kBlockCompressionShift = 1;  // bits 1-2: Compression
constexpr uint8_t kBlockCompressionMask = 0x06;
constexpr uint8_t kBlockKnownFlags = 0x07;

// Limits: a builder refuses input beyond them and a decoder reports a header
// beyond them as corrupt, so a damaged length never causes a huge allocation.
constexpr uint32_t kMaxBlockRows = 1u << 16;
constexpr uint32_t kMaxStringLength = 1u << 20;         // bytes in one string value
constexpr uint64_t kMaxBlockStringBytes = 64ull << 20;  // string bytes a block decodes to
// Raw payload bound: strings, their offsets, a bitmap and small headers.
constexpr uint64_t kMaxBlockPayloadBytes =
    kMaxBlockStringBytes + 16ull * kMaxBlockRows + (1u << 16);

}  // namespace silt

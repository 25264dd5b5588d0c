// Constants and record coding shared by the segment writer, the segment
// scanner, readers and the index file. The byte layouts are documented in
// docs/log_segment_format.md and docs/log_index_format.md; keep them in sync.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "silt/status.h"

namespace silt::log {

// ---- segment files ----
constexpr uint32_t kSegmentMagic = 0x474f4c53;  // "SLOG" read as little-endian bytes
constexpr uint32_t kSegmentVersion = 1;
constexpr size_t kSegmentHeaderSize = 32;

// Frame kinds: the first byte of every frame.
constexpr uint8_t kFrameNone = 0x00;   // never written (preallocated zeros): end of data
constexpr uint8_t kFrameBatch = 0xB7;  // a batch of records
constexpr uint8_t kFrameEnd = 0xE0;    // explicit end marker of a sealed segment
constexpr size_t kFrameHeaderSize = 16;

// Record types inside a batch frame.
enum class RecordType : uint8_t {
  kEntry = 1,           // a = index, b = term, payload
  kTruncateSuffix = 2,  // a = last index kept
  kTruncatePrefix = 3,  // a = first index kept
  kReset = 4,           // a = next index
  kHardState = 5,       // a = term, b = vote
};
constexpr uint8_t kMaxRecordType = 5;

// Largest record header: type + 4 varint64 fields.
constexpr size_t kMaxRecordHeaderSize = 1 + 4 * 10;
constexpr size_t kRecordTrailerSize = 4;  // crc32c

struct Record {
  RecordType type = RecordType::kEntry;
  uint64_t group = 0;
  uint64_t a = 0;
  uint64_t b = 0;
  std::string_view payload;
};

// Appends one record (type, group, a, b, payload, masked crc32c) to dst.
void EncodeRecord(std::string* dst, const Record& record);
size_t EncodedRecordSize(const Record& record);

// Decodes the record at the start of `data` (bytes of `file` at `offset`).
// *size receives the record's full length. Corruption on a bad type, a
// truncated record or a crc mismatch.
Status DecodeRecord(std::string_view data, std::string_view file, uint64_t offset, Record* record,
                    size_t* size);

// Batch frame header: kind u8, 3 reserved bytes, body length u32,
// record count u32, masked crc32c of the first 12 bytes.
void EncodeFrameHeader(char* dst, uint8_t kind, uint32_t body_length, uint32_t count);
struct FrameHeader {
  uint8_t kind = 0;
  uint32_t body_length = 0;
  uint32_t count = 0;
};
Status DecodeFrameHeader(std::string_view data, std::string_view file, uint64_t offset,
                         FrameHeader* header);

// Segment header: magic, version, segment number, generation, masked crc.
std::string EncodeSegmentHeader(uint64_t segment, uint32_t generation);
Status DecodeSegmentHeader(std::string_view data, std::string_view file, uint64_t* segment,
                           uint32_t* generation);

// ---- index files ----
constexpr uint32_t kIndexMagic = 0x58444953;  // "SIDX"
constexpr uint32_t kIndexVersion = 1;
constexpr size_t kIndexHeaderSize = 32;
constexpr size_t kIndexGroupEntrySize = 64;

}  // namespace silt::log

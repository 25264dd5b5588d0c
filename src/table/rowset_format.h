// Constants, file names and the two small metadata files of a RowSet
// directory, shared by RowSetBuilder and RowSetReader. The byte layouts are
// described in docs/rowset_format.md ("RowSet directory"); change both together.
//
//   DIR/rowset.hdr        RowSetMeta: schema, row count, sort key
//   DIR/col-NNNN.dat      the blocks of column NNNN, end to end
//   DIR/col-NNNN.idx      ColumnIndex: one entry per block of that column
//   DIR.tmp/              the same while being written (removed after a crash)
//
// Both metadata files share one envelope:
//   file := magic:fixed32 version:u8 body checksum:fixed64
// with the XXH3-64 checksum over everything before it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"
#include "silt/types.h"
#include "table/block_stats.h"

namespace silt {

constexpr uint32_t kRowSetHeaderMagic = 0x48535253;  // "SRSH"
constexpr uint32_t kColumnIndexMagic = 0x49535253;   // "SRSI"
constexpr uint32_t kDeleteVectorMagic = 0x56445253;  // "SRDV"
constexpr uint8_t kRowSetFormatVersion = 1;
// magic + version before the body, checksum after it.
constexpr size_t kEnvelopePrefixSize = 5;
constexpr size_t kEnvelopeSuffixSize = 8;
// Row ids are uint32 (delete vectors are 32-bit bitmaps).
constexpr uint64_t kMaxRowSetRows = 0xffffffffull;
// Sanity limit on the schema a header may declare.
constexpr uint32_t kMaxRowSetColumns = 4096;

inline constexpr std::string_view kRowSetHeaderFileName = "rowset.hdr";
// "col-0003.dat" / "col-0003.idx".
std::string ColumnDataFileName(uint32_t column);
std::string ColumnIndexFileName(uint32_t column);
// Where a RowSet is written before it is renamed to `dir`.
std::string RowSetTempDir(std::string_view dir);

// What rowset.hdr holds.
struct RowSetMeta {
  uint64_t rowset_id = 0;
  uint64_t row_count = 0;
  uint32_t block_count = 0;  // blocks per column (all columns share boundaries)
  std::vector<ColumnDef> columns;
  // Column ids, most significant first; empty if the rows are in no order.
  std::vector<uint32_t> sort_key;

  std::string Encode() const;
  // Corruption("FILE at offset N: what") on any damage.
  static Result<RowSetMeta> Decode(std::string_view data, std::string_view file);
  friend bool operator==(const RowSetMeta&, const RowSetMeta&) = default;
};

// One block of a column: where it is and what it holds (its zone map).
struct BlockIndexEntry {
  uint64_t offset = 0;  // in the column's .dat file
  uint32_t length = 0;  // the whole block, header to checksum
  uint64_t first_row = 0;
  BlockStats stats;  // stats.row_count rows from first_row on
  friend bool operator==(const BlockIndexEntry&, const BlockIndexEntry&) = default;
};

// What col-NNNN.idx holds.
struct ColumnIndex {
  uint32_t column = 0;
  DataType type;
  std::vector<BlockIndexEntry> blocks;

  std::string Encode() const;
  // Checks the envelope, that the file names `column` of `type`, that blocks
  // lie end to end from offset 0 and rows follow on from row 0.
  static Result<ColumnIndex> Decode(std::string_view data, uint32_t column, const DataType& type,
                                    std::string_view file);
  uint64_t data_size() const {
    return blocks.empty() ? 0 : blocks.back().offset + blocks.back().length;
  }
  uint64_t row_count() const {
    return blocks.empty() ? 0 : blocks.back().first_row + blocks.back().stats.row_count;
  }
};

// The envelope shared by rowset.hdr, col-NNNN.idx and delete vector files.
std::string SealEnvelope(uint32_t magic, std::string_view body);
// Checks size, magic, version and checksum; *body is the part between.
Status OpenEnvelope(std::string_view data, uint32_t magic, std::string_view what,
                    std::string_view file, std::string_view* body);

}  // namespace silt

// DeleteVector: the deleted row ids of one RowSet, and its immutable file
// (docs/rowset_format.md, "Delete vectors").
//
// In memory and on disk a CRoaring bitmap (Debian libroaring-dev): deletes
// cluster (a range of a sorted rowset, a whole block) and roaring stores
// runs, sparse ids and dense blocks each in their best container, unions
// are fast, and a range can be counted without visiting its members, which
// lets a scan skip a block whose rows are all deleted without reading it.
// Several files for one rowset combine by union (UnionWith).
//
// File: magic, version, rowset id, the rowset's row count, the cardinality,
// the roaring "portable" serialization, XXH3-64 checksum. The checksum is
// verified before roaring sees a byte, and the decoded ids are re-checked
// (ascending, below the row count, count as declared) and rebuilt into a
// fresh bitmap, so a damaged file never reaches roaring's internals.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"

struct roaring_bitmap_s;

namespace silt {

class DeleteVector {
 public:
  DeleteVector();
  ~DeleteVector();
  DeleteVector(DeleteVector&& other) noexcept;
  DeleteVector& operator=(DeleteVector&& other) noexcept;
  DeleteVector(const DeleteVector& other);
  DeleteVector& operator=(const DeleteVector& other);

  void Add(uint32_t row);
  // Rows [begin, end).
  void AddRange(uint64_t begin, uint64_t end);
  void UnionWith(const DeleteVector& other);

  bool Contains(uint32_t row) const;
  uint64_t Cardinality() const;
  bool empty() const { return Cardinality() == 0; }
  // Deleted rows in [begin, end).
  uint64_t CountInRange(uint64_t begin, uint64_t end) const;
  // The largest deleted row id; only when not empty.
  uint32_t Maximum() const;
  std::vector<uint32_t> ToVector() const;
  // keep[i] = 0 for every deleted row begin + i, i < n (other bytes untouched).
  void ClearDeleted(uint64_t begin, size_t n, uint8_t* keep) const;

  // The file image for rowset `rowset_id` of `row_count` rows. Every id must
  // be below row_count (InvalidArgument otherwise).
  Result<std::string> Encode(uint64_t rowset_id, uint64_t row_count) const;
  struct Decoded;
  // Corruption("FILE at offset N: what") on damage.
  static Result<Decoded> Decode(std::string_view data, std::string_view file);

  friend bool operator==(const DeleteVector& a, const DeleteVector& b);

 private:
  explicit DeleteVector(roaring_bitmap_s* r) : r_(r) {}
  roaring_bitmap_s* r_;
};

struct DeleteVector::Decoded {
  uint64_t rowset_id = 0;
  uint64_t row_count = 0;
  DeleteVector rows;
};

// Writes a delete vector file durably (PATH.tmp, fsync, rename, fsync dir).
Status WriteDeleteVectorFile(Env* env, const std::string& path, uint64_t rowset_id,
                             uint64_t row_count, const DeleteVector& dv);
// Reads and validates one file.
Result<DeleteVector::Decoded> ReadDeleteVectorFile(Env* env, const std::string& path);

}  // namespace silt

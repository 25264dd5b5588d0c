// RowSetReader: opens a RowSet directory and scans it batch by batch
// (docs/rowset_format.md, "Reading a rowset").
//
// Open reads and validates the header and every block index (checksums,
// blocks end to end, all columns sharing block boundaries, column files as
// long as their indexes say); blocks themselves are verified when read. Any
// damage is Corruption("FILE at offset N: what").
//
// A scan reads the selected columns one block (about 2,048 rows) at a time,
// skips every block that the zone maps rule out for a conjunction of
// ZonePredicates (on any column, selected or not) and every block whose rows
// are all deleted, and removes deleted rows from the rest, so deleted rows
// never appear. Rows of surviving blocks are returned whether or not they
// satisfy the predicates: filtering rows is the scan executor's job.
//
// Thread safety: scans of one reader may run concurrently (each has its own
// buffers); ApplyDeleteVector must not run concurrently with anything.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"
#include "table/delete_vector.h"
#include "table/row_iterator.h"
#include "table/rowset_format.h"
#include "table/zone_predicate.h"

namespace silt {

struct ScanOptions {
  // Column ids to read, in the order the batch holds them; empty = all.
  std::vector<uint32_t> columns;
  // A conjunction: a block is skipped if any of them rules it out.
  std::vector<ZonePredicate> predicates;
};

// What a scan did; "blocks" are row ranges (block k of every column).
struct ScanCounters {
  uint64_t blocks_read = 0;              // read and decoded (each selected column)
  uint64_t blocks_skipped_zone_map = 0;  // ruled out by a predicate
  uint64_t blocks_skipped_deleted = 0;   // every row deleted
  uint64_t column_blocks_read = 0;       // blocks_read x selected columns
  uint64_t rows_deleted = 0;             // rows removed from blocks read
  uint64_t rows_returned = 0;
};

class RowSetReader;

class RowSetScan final : public RowIterator {
 public:
  Result<bool> Next(RowBatch* batch) override;
  const ScanCounters& counters() const { return counters_; }
  // The column ids this scan returns, in batch order.
  const std::vector<uint32_t>& columns() const { return columns_; }

 private:
  friend class RowSetReader;
  RowSetScan(const RowSetReader* reader, std::vector<uint32_t> columns,
             std::vector<ZonePredicate> predicates);
  Status ReadBlock(size_t block, RowBatch* batch);

  const RowSetReader* reader_;
  std::vector<uint32_t> columns_;
  std::vector<ZonePredicate> predicates_;
  size_t next_block_ = 0;
  ScanCounters counters_;
  std::string buffer_;
  std::vector<uint8_t> keep_;
};

class RowSetReader {
 public:
  static Result<std::unique_ptr<RowSetReader>> Open(Env* env, const std::string& dir);

  const std::string& dir() const { return dir_; }
  const RowSetMeta& meta() const { return meta_; }
  const std::vector<ColumnDef>& columns() const { return meta_.columns; }
  uint64_t row_count() const { return meta_.row_count; }
  size_t block_count() const { return meta_.block_count; }
  const ColumnIndex& index(uint32_t column) const { return indexes_[column]; }
  // Column id by name, or -1.
  int FindColumn(std::string_view name) const;

  // Adds deleted rows (a union with those applied before). InvalidArgument
  // if a row id is beyond the rowset.
  Status ApplyDeleteVector(const DeleteVector& dv);
  // Reads a delete vector file and applies it; Corruption if it is damaged
  // or names another rowset id or row count.
  Status ApplyDeleteVectorFile(const std::string& path);
  const DeleteVector& deleted() const { return deleted_; }
  // Rows a full scan returns.
  uint64_t live_rows() const { return meta_.row_count - deleted_.Cardinality(); }

  // InvalidArgument for an unknown column or a literal of the wrong kind.
  Result<std::unique_ptr<RowSetScan>> NewScan(const ScanOptions& options = {}) const;

  // Reads dst.size() bytes of column `column`'s data file at `offset`: lets a
  // scan executor read a run of consecutive blocks with one call (the blocks
  // still verify themselves when opened with BlockDecoder::Open).
  Status ReadColumnData(uint32_t column, uint64_t offset, std::span<char> dst) const {
    return data_files_[column]->ReadExact(offset, dst);
  }
  const std::string& column_path(uint32_t column) const { return data_paths_[column]; }
  // Column `column`'s data file mapped into memory when the Env maps files
  // without copying them (POSIX mmap), else null (also if mapping failed):
  // a scan then reads blocks where they lie instead of copying them. Rowset
  // files are immutable. The mapping is made on the first call and kept
  // until the reader is destroyed, so the pages a query touched stay
  // mapped for the next one instead of faulting in again.
  const MappedRegion* MappedColumnData(uint32_t column) const;
  // Adds to the totals below (for scan executors that read blocks themselves).
  void CountBlocks(uint64_t read, uint64_t skipped) const {
    total_blocks_read_ += read;
    total_blocks_skipped_ += skipped;
  }

  // Totals over every scan of this reader (for tests and statistics).
  uint64_t total_blocks_read() const { return total_blocks_read_.load(); }
  uint64_t total_blocks_skipped() const { return total_blocks_skipped_.load(); }

 private:
  friend class RowSetScan;
  RowSetReader() = default;

  Env* env_ = nullptr;
  std::string dir_;
  RowSetMeta meta_;
  std::vector<ColumnIndex> indexes_;
  std::vector<std::unique_ptr<File>> data_files_;
  std::vector<std::string> data_paths_;
  DeleteVector deleted_;
  // MappedColumnData's mappings by column (null: not mapped), made once.
  mutable std::mutex map_mu_;
  mutable std::vector<std::unique_ptr<MappedRegion>> maps_;  // guarded by map_mu_
  mutable std::vector<uint8_t> map_tried_;                   // guarded by map_mu_
  mutable std::atomic<uint64_t> total_blocks_read_{0};
  mutable std::atomic<uint64_t> total_blocks_skipped_{0};
};

}  // namespace silt

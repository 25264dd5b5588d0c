// RowSetBuilder: writes an immutable RowSet directory, durably
// (docs/rowset_format.md, "RowSet directory").
//
// Rows arrive in batches (one ColumnVector per column); they are cut into
// blocks of up to `block_rows` rows, or fewer when the strings of a block
// pass `block_bytes`. All columns share the same block boundaries, so block k
// of every column holds the same rows and a zone map on any column can skip
// the block of every other column too.
//
// Everything is written below DIR.tmp/; Finish fsyncs every file and the
// directory, renames DIR.tmp to DIR and fsyncs the parent. A crash at any
// point leaves either the whole rowset at DIR or nothing there (and maybe a
// DIR.tmp, which RemoveIncompleteRowSet deletes). A builder that is
// destroyed without Finish removes its DIR.tmp (best effort).
//
// Encoding is most of the cost of writing a rowset. With background encoding
// (options.background_encoding or StartBackgroundEncoding) Add only copies
// the rows into blocks and queues them; one worker thread owned by the
// builder encodes the queued blocks and appends them to the column files, in
// order, so the caller can produce the next rows (parse CSV, say) in the
// meantime. The files are byte for byte what the synchronous builder writes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"
#include "table/block_builder.h"
#include "table/column_vector.h"
#include "table/rowset_format.h"

namespace silt {

struct RowSetBuilderOptions {
  // Encoding and compression of each block.
  BlockBuilderOptions block;
  // Rows per block: one scan batch. At most kMaxBlockRows.
  uint32_t block_rows = static_cast<uint32_t>(ColumnVector::kBatchRows);
  // A block is cut early once the string bytes of its row range (all string
  // columns together) reach this, so blocks of long strings stay small.
  size_t block_bytes = 1u << 20;
  // Column ids (most significant first) the rows are sorted by; empty for
  // none. The builder verifies the order as rows arrive (one key comparison
  // per row) and fails Add with InvalidArgument on a row out of order, so a
  // recorded sort key can be trusted by readers and MergeIterator.
  std::vector<uint32_t> sort_key;
  // Recorded in the header; delete vectors name the rowset they apply to.
  uint64_t rowset_id = 0;
  // Encode and write blocks on a worker thread (see above). An error of the
  // worker (e.g. a failed write) is returned by a later Add or by Finish.
  bool background_encoding = false;
  // With background encoding: blocks that may wait for the worker before Add
  // blocks (64 blocks of 2,048 rows: a CSV batch of 65,536 rows and then
  // some, so that a burst of rows does not stall the caller).
  size_t background_queue_blocks = 64;
};

class RowSetBuilder {
 public:
  // Starts a rowset at `dir`, which must not exist (AlreadyExists); a stale
  // DIR.tmp from an earlier crash is removed first.
  static Result<std::unique_ptr<RowSetBuilder>> Create(Env* env, const std::string& dir,
                                                       std::vector<ColumnDef> columns,
                                                       RowSetBuilderOptions options = {});
  ~RowSetBuilder();
  RowSetBuilder(const RowSetBuilder&) = delete;
  RowSetBuilder& operator=(const RowSetBuilder&) = delete;

  // Appends a batch: one vector per column, of the column's type, all of the
  // same size. InvalidArgument on a schema mismatch, a null in a not-null
  // column, rows out of sort-key order or more than 2^32 - 1 rows in all.
  // After an error the builder is unusable (Finish fails).
  Status Add(const std::vector<ColumnVector>& batch);

  // Writes the indexes and header and publishes the rowset at `dir`.
  Result<RowSetMeta> Finish();

  // Turns background encoding on (as options.background_encoding) for the
  // blocks completed from now on; for callers that get the builder from
  // elsewhere. No effect if it is already on or the builder has failed.
  void StartBackgroundEncoding();

  uint64_t rows_added() const { return rows_; }

 private:
  RowSetBuilder(Env* env, std::string dir, std::vector<ColumnDef> columns,
                RowSetBuilderOptions options);
  Status Open();
  Status AddChecked(const std::vector<ColumnVector>& batch);
  Status CheckOrder(const std::vector<ColumnVector>& batch);
  Status FlushBlock();
  // Encodes the first n rows of `block` (one vector per column) and appends
  // them to the column files and indexes: on the caller's thread, or on the
  // worker's with background encoding.
  Status WriteBlock(const std::vector<ColumnVector>& block, size_t n);
  size_t pending_rows() const { return pending_.empty() ? 0 : pending_[0].size(); }

  Env* env_;
  std::string dir_;
  std::string tmp_;
  std::vector<ColumnDef> columns_;
  RowSetBuilderOptions options_;
  BlockBuilder block_builder_;
  std::vector<std::unique_ptr<File>> data_files_;
  std::vector<ColumnIndex> indexes_;
  std::vector<ColumnVector> pending_;  // rows of the block being filled
  size_t pending_string_bytes_ = 0;
  std::vector<ColumnVector> last_key_;  // the last row added, for the order check
  uint64_t rows_ = 0;
  Status error_;
  bool finished_ = false;
  // The worker of background encoding. While it exists, only it touches
  // block_builder_, data_files_ and indexes_.
  class BackgroundEncoder;
  std::unique_ptr<BackgroundEncoder> encoder_;
};

// Removes DIR.tmp (left by a crash during a build) if it exists.
Status RemoveIncompleteRowSet(Env* env, const std::string& dir);

}  // namespace silt

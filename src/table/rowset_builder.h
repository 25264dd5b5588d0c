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

  uint64_t rows_added() const { return rows_; }

 private:
  RowSetBuilder(Env* env, std::string dir, std::vector<ColumnDef> columns,
                RowSetBuilderOptions options);
  Status Open();
  Status AddChecked(const std::vector<ColumnVector>& batch);
  Status CheckOrder(const std::vector<ColumnVector>& batch);
  Status FlushBlock();
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
};

// Removes DIR.tmp (left by a crash during a build) if it exists.
Status RemoveIncompleteRowSet(Env* env, const std::string& dir);

}  // namespace silt

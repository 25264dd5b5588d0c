// MemTable: the rows of one table that are in the shard log but not yet in a
// rowset (ARCHITECTURE.md's data flow). Rows are appended in log order and
// never change; a delete marks rows deleted. A flush writes what a MemTable
// holds (sorted by the table's sort key, deleted rows left out) as a RowSet.
//
// Rows are held as column vectors in chunks of about kChunkRows rows. Full
// chunks are immutable and shared with readers; the chunk being filled is
// copied for a reader (at most kChunkRows rows, and the copy is reused until
// the next append). Deleted rows are a delete vector per chunk, replaced (not
// changed) by each delete. So a View is a consistent, immutable picture that
// later appends and deletes do not disturb: a scan's snapshot isolation.
//
// Writers (Append, Delete) must be serialized by the caller; View may run
// concurrently with them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "silt/types.h"
#include "table/delete_vector.h"
#include "table/row_iterator.h"

namespace silt::node {

class MemTable {
 public:
  static constexpr size_t kChunkRows = 8192;

  struct Chunk {
    std::shared_ptr<const RowBatch> rows;
    std::shared_ptr<const DeleteVector> deleted;  // null: none
  };
  // An immutable picture of the MemTable.
  struct View {
    std::vector<Chunk> chunks;
    uint64_t rows = 0;          // in all chunks, deleted or not
    uint64_t deleted_rows = 0;  // of those
  };

  explicit MemTable(std::vector<ColumnDef> columns);

  const std::vector<ColumnDef>& columns() const { return columns_; }

  // Appends rows (one vector per column, of the columns' types).
  void Append(const RowBatch& rows);
  // Marks rows deleted: `deleted[k]` holds row ids (within chunk k of the
  // View the caller evaluated) to delete; rows already deleted are ignored.
  // Returns how many rows were newly deleted.
  uint64_t Delete(const std::vector<DeleteVector>& deleted);

  View GetView() const;
  uint64_t rows() const;       // appended, deleted or not
  uint64_t live_rows() const;  // not deleted
  uint64_t bytes() const;      // approximate memory held by the rows
  bool empty() const { return rows() == 0; }

 private:
  void SealTail();  // mu_ held

  const std::vector<ColumnDef> columns_;
  mutable std::mutex mu_;
  std::vector<Chunk> sealed_;
  RowBatch tail_;
  std::shared_ptr<const DeleteVector> tail_deleted_;
  mutable std::shared_ptr<const RowBatch> tail_copy_;  // tail_ as of the last View
  uint64_t rows_ = 0;
  uint64_t deleted_rows_ = 0;
  uint64_t bytes_ = 0;
};

// The rows of `view` that are not deleted, in `sort_key` order (column ids,
// most significant first; empty: appended order), as batches of at most
// `batch_rows` rows.
std::vector<RowBatch> SortedLiveRows(const MemTable::View& view,
                                     const std::vector<ColumnDef>& columns,
                                     const std::vector<uint32_t>& sort_key, size_t batch_rows);

}  // namespace silt::node

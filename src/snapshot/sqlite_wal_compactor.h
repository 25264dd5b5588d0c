// WAL compaction: rewrites a SQLite WAL so that it holds only the newest
// committed frame of each page, in the original order of those frames, as one
// transaction whose commit frame carries the final database size. Checkpointing
// the result into a database gives the same bytes as checkpointing the
// original (docs/sqlite_wal.md explains why).
//
// Memory grows with the number of distinct pages, not with the WAL's size: a
// first pass (SqliteWalReader's scan) records, per page, the index of its
// newest committed frame; a second pass reads just those frames, in file order,
// and streams them to the output.
#pragma once

#include <cstdint>
#include <string>

#include "silt/env.h"
#include "silt/status.h"

namespace silt {

struct SqliteWalCompactOptions {
  // Drop frames of pages beyond the database size after the last commit; a
  // checkpoint never copies them. Default true.
  bool drop_pages_beyond_db_size = true;
  // Fail (Corruption) if the input has an invalid tail: a truncated frame or
  // bytes that are not valid frames after the last valid one. SQLite ignores
  // such a tail, and so does the compactor by default. Uncommitted but valid
  // frames are never an error.
  bool fail_on_invalid_tail = false;
  // If not empty, the database the WAL must belong to: checked as
  // CheckSqliteWalMatchesDatabase does, on the compactor's own scan (so the
  // WAL is read once, not twice).
  std::string database_path;
};

struct SqliteWalCompactStats {
  // Committed frames read (the input's content) and frames written.
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  // Distinct pages among the committed frames.
  uint64_t pages = 0;
  // Database size in pages after the last commit (0 if nothing committed).
  uint32_t db_size = 0;
  // Valid frames after the last commit frame, dropped.
  uint64_t uncommitted_frames = 0;
  // Bytes after the last valid frame, ignored.
  uint64_t invalid_tail_bytes = 0;
  // Newest frames of pages beyond db_size, dropped.
  uint64_t dropped_beyond_db_size = 0;
  // Most page entries held at once by the compactor's maps; at most twice the
  // number of distinct pages whatever the WAL's length (tests check this).
  uint64_t peak_tracked_pages = 0;
  uint64_t bytes_out = 0;
};

// Compacts the WAL at in_path into `out`, which must be empty; `out` is not
// synced. The input's header (magic, checkpoint sequence, salts) is kept.
Result<SqliteWalCompactStats> CompactSqliteWal(Env* env, const std::string& in_path, File* out,
                                               const SqliteWalCompactOptions& options = {});

// Compacts the WAL at in_path into out_path durably: writes out_path.tmp,
// fsyncs it, renames it to out_path and fsyncs the directory. On failure
// out_path is untouched (a .tmp may be left after a crash).
Result<SqliteWalCompactStats> CompactSqliteWalToPath(Env* env, const std::string& in_path,
                                                     const std::string& out_path,
                                                     const SqliteWalCompactOptions& options = {});

}  // namespace silt

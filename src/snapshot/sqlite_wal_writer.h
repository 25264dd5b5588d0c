// SqliteWalWriter: writes a SQLite WAL file (format in sqlite_wal_format.h and
// docs/sqlite_wal.md) into a silt::File, computing the header checksum and
// every frame's cumulative checksum so that SQLite accepts the result.
//
// The writer only appends and buffers up to about 1 MiB; Finish writes what is
// buffered. Making the file durable (Sync, rename, directory sync) is the
// caller's business.
#pragma once

#include <string>
#include <string_view>

#include "silt/env.h"
#include "silt/status.h"
#include "snapshot/sqlite_wal_format.h"

namespace silt {

class SqliteWalWriter {
 public:
  // Writes to `file` (not owned; must outlive the writer) starting at its
  // current end. `header` gives magic (so the checksum byte order), version,
  // page size, checkpoint sequence and salts; its checksum fields are ignored.
  SqliteWalWriter(File* file, const SqliteWalHeader& header);
  SqliteWalWriter(const SqliteWalWriter&) = delete;
  SqliteWalWriter& operator=(const SqliteWalWriter&) = delete;

  // Starts a new WAL: writes the header with its checksum. InvalidArgument if
  // the header's magic, version or page size is not one SQLite accepts.
  Status WriteHeader();
  // Instead of WriteHeader: continues a WAL whose header and `frames` frames
  // are already in the file, the last of them ending with running checksum
  // `checksum` (SqliteWalSummary says both).
  Status Resume(uint64_t frames, sqlite_wal::Checksum checksum);

  // Appends a frame. db_size is the database size in pages after the commit
  // for the last frame of a transaction, else 0. page must be page_size bytes.
  Status AddFrame(uint32_t page_number, uint32_t db_size, std::string_view page);

  // Writes any buffered bytes to the file.
  Status Flush();

  // The header as written (checksum filled in).
  const SqliteWalHeader& header() const { return header_; }
  uint64_t frames() const { return frames_; }
  // The running checksum after the last frame added.
  sqlite_wal::Checksum checksum() const { return checksum_; }

 private:
  Status CheckHeader() const;

  File* file_;
  SqliteWalHeader header_;
  bool started_ = false;
  uint64_t frames_ = 0;
  sqlite_wal::Checksum checksum_;
  std::string buffer_;
};

}  // namespace silt

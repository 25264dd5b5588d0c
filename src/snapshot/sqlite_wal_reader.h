// SqliteWalReader: reads a SQLite WAL file (format in sqlite_wal_format.h and
// docs/sqlite_wal.md) through silt's Env, the way SQLite's own recovery does.
//
// Open validates the header and then scans every frame once, streaming, with
// constant memory: it stops at the first frame whose salts differ from the
// header's, whose page number is 0, whose cumulative checksum does not match,
// or that the file ends inside. Of the valid frames only those up to the last
// commit frame count as the WAL's content; valid frames after it belong to a
// transaction that never committed, and everything after the last valid frame
// is an invalid tail (a torn write, frames of an older WAL generation, junk).
// Neither is an error, because SQLite ignores both; the summary reports them.
//
// A header that is not a valid WAL header is an error (SQLite would treat the
// WAL as empty, but silt is asked to read a WAL, so it says what is wrong):
// Corruption naming the file and offset, e.g. "wrong magic", "bad header
// checksum".
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "silt/env.h"
#include "silt/status.h"
#include "snapshot/sqlite_wal_format.h"

namespace silt {

// One frame as read from the file.
struct SqliteWalFrame {
  uint64_t index = 0;   // 0-based position in the WAL
  uint64_t offset = 0;  // byte offset of its frame header
  SqliteWalFrameHeader header;
  // The page image (page_size bytes); valid until the reader's next call.
  std::string_view page;
};

// What Open's scan of the frames found.
struct SqliteWalSummary {
  uint64_t file_size = 0;
  // Frames, counted from the first, whose salts and checksums are valid.
  uint64_t valid_frames = 0;
  // Frames up to and including the last commit frame: the WAL's content.
  uint64_t committed_frames = 0;
  // Commit frames among the valid frames (committed transactions).
  uint64_t commit_frames = 0;
  // Database size in pages after the last commit; 0 if nothing committed.
  uint32_t db_size = 0;
  // Bytes after the last valid frame, and the frame slots they span (a partial
  // slot counts as one).
  uint64_t invalid_tail_bytes = 0;
  uint64_t invalid_tail_frames = 0;
  // Why the scan stopped before the end of the file (Corruption naming the
  // offset: "truncated frame", "frame salt mismatch", "frame page number is
  // 0", "frame checksum mismatch"); OK if the last valid frame ends the file.
  Status tail_status;
  // The cumulative checksum after the last valid frame and after the last
  // commit frame (the header's if there is none); a writer appending frames
  // continues from one of these.
  sqlite_wal::Checksum valid_checksum;
  sqlite_wal::Checksum committed_checksum;

  // Valid frames after the last commit frame (an unfinished transaction).
  uint64_t uncommitted_frames() const { return valid_frames - committed_frames; }
};

class SqliteWalReader {
 public:
  // Called by Open's scan for every valid frame, committed or not (the scan
  // learns which only at the next commit frame or the end).
  using FrameObserver = std::function<void(const SqliteWalFrame& frame)>;

  // Opens and scans the WAL at path. Errors: IOError from the Env; Corruption
  // for a header that is not a valid WAL header.
  static Result<std::unique_ptr<SqliteWalReader>> Open(Env* env, const std::string& path,
                                                       const FrameObserver& observer = nullptr);

  SqliteWalReader(const SqliteWalReader&) = delete;
  SqliteWalReader& operator=(const SqliteWalReader&) = delete;
  ~SqliteWalReader();

  const std::string& path() const { return file_->path(); }
  const SqliteWalHeader& header() const { return header_; }
  const SqliteWalSummary& summary() const { return summary_; }
  uint64_t frame_size() const { return sqlite_wal::kFrameHeaderSize + header_.page_size; }

  // The next committed frame, in file order: true and *frame set, or false
  // after the last commit frame. Checksums are verified again, so a file
  // changed since Open gives Corruption rather than wrong data.
  Result<bool> Next(SqliteWalFrame* frame);
  // Makes Next start again from the first frame.
  void Rewind();

  // Random access to committed frame `index`. Salts and page number are
  // checked; the cumulative checksum cannot be without reading the frames
  // before it (Open's scan did that).
  Status ReadFrame(uint64_t index, SqliteWalFrame* frame);

 private:
  SqliteWalReader(std::unique_ptr<File> file, const SqliteWalHeader& header);

  Status ReadHeader();
  Status Scan(const FrameObserver& observer);
  // Reads frames [first, first+count) into buffer_.
  Status ReadFrames(uint64_t first, uint64_t count);
  // Checks the frame at buffer_[pos] (index `index`) against the running
  // checksum *cksum, advancing it; non-OK names what is wrong.
  Status CheckFrame(uint64_t index, size_t pos, sqlite_wal::Checksum* cksum,
                    SqliteWalFrame* frame) const;

  std::unique_ptr<File> file_;
  SqliteWalHeader header_;
  SqliteWalSummary summary_;
  std::string buffer_;  // a chunk of whole frames
  // Next's position: the next frame index, the frames buffered starting at
  // buffer_first_, and the running checksum.
  uint64_t next_index_ = 0;
  uint64_t buffer_first_ = 0;
  uint64_t buffer_count_ = 0;
  sqlite_wal::Checksum next_checksum_;
};

// Checks that the WAL at wal_path can belong to the database at db_path: its
// page size must equal the database header's (bytes 16-17, big-endian, 1
// meaning 65536). An empty database file (every page still in the WAL) passes.
// Corruption naming the file and offset otherwise.
Status CheckSqliteWalMatchesDatabase(Env* env, const std::string& wal_path,
                                     const std::string& db_path);
// The same for a WAL already open (no second scan of its frames).
Status CheckSqliteWalMatchesDatabase(Env* env, const SqliteWalReader& wal,
                                     const std::string& db_path);

}  // namespace silt

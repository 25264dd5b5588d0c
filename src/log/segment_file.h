// SegmentFile: one segment of the shared log (docs/log_segment_format.md).
//
// A segment is preallocated to the configured size, starts with a 32-byte
// header, and holds batch frames of records of any groups, then either zeros
// (never written) or an end-marker frame (sealed). Readers address records by
// their byte offset, which the mem-tables and index files store.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "log/log_format.h"
#include "silt/env.h"

namespace silt::log {

class SegmentFile {
 public:
  // Writes a new, empty segment to `tmp_path`: `size` bytes (zeros written
  // when zero_fill, else fallocated), the header, fsync. Safe to run on a
  // background thread while the log is being written.
  static Status Prepare(Env* env, const std::string& tmp_path, uint64_t number, uint32_t generation,
                        uint64_t size, bool zero_fill);
  // Renames a prepared segment into place and opens it for writing. The
  // caller syncs the directory. (A segment's name never exists without its
  // complete header: another thread's fsync of the directory could otherwise
  // make the name durable before the header.)
  static Result<std::shared_ptr<SegmentFile>> Install(Env* env, const std::string& tmp_path,
                                                      const std::string& path, uint64_t number,
                                                      uint32_t generation);
  // Prepare + Install.
  static Result<std::shared_ptr<SegmentFile>> Create(Env* env, const std::string& path,
                                                     uint64_t number, uint32_t generation,
                                                     uint64_t size, bool zero_fill = false);
  // Opens an existing segment and checks its header against its name.
  static Result<std::shared_ptr<SegmentFile>> Open(Env* env, const std::string& path,
                                                   uint64_t number, uint32_t generation,
                                                   bool writable);

  uint64_t number() const { return number_; }
  uint32_t generation() const { return generation_; }
  const std::string& path() const { return file_->path(); }
  File* file() const { return file_.get(); }

  // Maps the file so that reads decode records in place instead of calling
  // pread: once sealed (immutable), or at once for the current segment when
  // the Env's mappings show later writes (MapIsLive). Maps again if the file
  // grew past the last mapping. Safe while other threads read.
  Status MapForReads();
  bool live_map() const { return file_->MapIsLive(); }

  // Reads and verifies the record at offset. `payload` (if non-null) receives
  // a copy of the payload; the record's payload view points into it.
  Status ReadRecord(uint64_t offset, Record* record, std::string* payload) const;

 private:
  SegmentFile(std::unique_ptr<File> file, uint64_t number, uint32_t generation)
      : file_(std::move(file)), number_(number), generation_(generation) {}

  std::unique_ptr<File> file_;
  // Every mapping made stays alive with the file (a reader may still use an
  // older one); `mapped_` publishes the newest. maps_mu_ serialises MapForReads.
  std::mutex maps_mu_;
  std::vector<std::unique_ptr<MappedRegion>> maps_;
  std::atomic<const MappedRegion*> mapped_{nullptr};
  uint64_t number_;
  uint32_t generation_;
};

// One record found by ScanSegment, with its offset in the file.
struct ScannedRecord {
  uint64_t offset = 0;
  Record record;
};

struct SegmentScanResult {
  uint64_t end_offset = kSegmentHeaderSize;  // where valid data ends (next frame would start)
  bool sealed = false;                       // ended with an end-marker frame
  uint64_t batches = 0;
  uint64_t records = 0;
  // Set when the scan stopped at a damaged or torn frame (which begins at
  // end_offset); it names the file and offset. OK when data simply ended.
  Status damage;
};

// Reads the frames of a segment from its header on. on_batch is called for
// each complete, verified batch (record payloads point into `data`). An error
// returned by on_batch stops the scan and is returned.
Status ScanSegment(std::string_view data, const std::string& file_name,
                   const std::function<Status(uint64_t frame_offset,
                                              const std::vector<ScannedRecord>& records)>& on_batch,
                   SegmentScanResult* result);

}  // namespace silt::log

#include "snapshot/sqlite_wal_writer.h"

#include <fmt/format.h>

namespace silt {

namespace {

// Buffered bytes are written once they reach this size.
constexpr size_t kFlushBytes = size_t{1} << 20;

}  // namespace

SqliteWalWriter::SqliteWalWriter(File* file, const SqliteWalHeader& header)
    : file_(file), header_(header) {}

Status SqliteWalWriter::CheckHeader() const {
  if (header_.magic != sqlite_wal::kMagicLittleEndianChecksum &&
      header_.magic != sqlite_wal::kMagicBigEndianChecksum) {
    return Status::InvalidArgument(
        fmt::format("WAL magic {:#010x} is not a SQLite WAL magic", header_.magic));
  }
  if (header_.version != sqlite_wal::kVersion) {
    return Status::InvalidArgument(
        fmt::format("WAL version {} is not {}", header_.version, sqlite_wal::kVersion));
  }
  if (!sqlite_wal::IsValidPageSize(header_.page_size)) {
    return Status::InvalidArgument(
        fmt::format("WAL page size {} is not a power of two from {} to {}", header_.page_size,
                    sqlite_wal::kMinPageSize, sqlite_wal::kMaxPageSize));
  }
  return Status::OK();
}

Status SqliteWalWriter::WriteHeader() {
  if (started_) return Status::InvalidArgument("WAL header already written");
  SILT_RETURN_IF_ERROR(CheckHeader());
  const sqlite_wal::Checksum c = header_.ComputeChecksum();
  header_.checksum1 = c.s0;
  header_.checksum2 = c.s1;
  char buf[sqlite_wal::kHeaderSize];
  header_.EncodeTo(buf);
  buffer_.append(buf, sizeof(buf));
  checksum_ = c;
  frames_ = 0;
  started_ = true;
  return Status::OK();
}

Status SqliteWalWriter::Resume(uint64_t frames, sqlite_wal::Checksum checksum) {
  if (started_) return Status::InvalidArgument("WAL writer already started");
  SILT_RETURN_IF_ERROR(CheckHeader());
  const sqlite_wal::Checksum c = header_.ComputeChecksum();
  header_.checksum1 = c.s0;
  header_.checksum2 = c.s1;
  frames_ = frames;
  checksum_ = checksum;
  started_ = true;
  return Status::OK();
}

Status SqliteWalWriter::AddFrame(uint32_t page_number, uint32_t db_size, std::string_view page) {
  if (!started_) return Status::InvalidArgument("WAL frame added before the header");
  if (page.size() != header_.page_size) {
    return Status::InvalidArgument(fmt::format("WAL page image has {} bytes, page size is {}",
                                               page.size(), header_.page_size));
  }
  if (page_number == 0) return Status::InvalidArgument("WAL frame for page number 0");
  SqliteWalFrameHeader h;
  h.page_number = page_number;
  h.db_size = db_size;
  h.salt1 = header_.salt1;
  h.salt2 = header_.salt2;
  char buf[sqlite_wal::kFrameHeaderSize];
  h.EncodeTo(buf);
  const bool be = header_.big_endian_checksum();
  sqlite_wal::Checksum c = sqlite_wal::ComputeChecksum(
      be, std::string_view(buf, sqlite_wal::kFrameHeaderChecksummedSize), checksum_);
  c = sqlite_wal::ComputeChecksum(be, page, c);
  h.checksum1 = c.s0;
  h.checksum2 = c.s1;
  h.EncodeTo(buf);
  buffer_.append(buf, sizeof(buf));
  buffer_.append(page);
  checksum_ = c;
  ++frames_;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return Status::OK();
}

Status SqliteWalWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  Status s = file_->Append(buffer_);
  buffer_.clear();
  return s;
}

}  // namespace silt

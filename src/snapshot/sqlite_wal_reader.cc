#include "snapshot/sqlite_wal_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace silt {

namespace {

// Open's scan and Next read whole frames in chunks of about this many bytes.
constexpr size_t kChunkBytes = size_t{1} << 20;

}  // namespace

SqliteWalReader::SqliteWalReader(std::unique_ptr<File> file, const SqliteWalHeader& header)
    : file_(std::move(file)), header_(header) {}

SqliteWalReader::~SqliteWalReader() = default;

Result<std::unique_ptr<SqliteWalReader>> SqliteWalReader::Open(Env* env, const std::string& path,
                                                               const FrameObserver& observer) {
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kRead));
  std::unique_ptr<SqliteWalReader> reader(new SqliteWalReader(std::move(file), {}));
  SILT_RETURN_IF_ERROR(reader->ReadHeader());
  SILT_RETURN_IF_ERROR(reader->Scan(observer));
  reader->Rewind();
  return reader;
}

Status SqliteWalReader::ReadHeader() {
  SILT_ASSIGN_OR_RETURN(summary_.file_size, file_->Size());
  if (summary_.file_size < sqlite_wal::kHeaderSize) {
    return Status::Corruption(path(), 0,
                              fmt::format("not a WAL: the file has {} bytes, fewer than the "
                                          "{}-byte WAL header",
                                          summary_.file_size, sqlite_wal::kHeaderSize));
  }
  char buf[sqlite_wal::kHeaderSize];
  SILT_RETURN_IF_ERROR(file_->ReadExact(0, std::span<char>(buf, sizeof(buf))));
  header_ = SqliteWalHeader::DecodeFrom(buf);
  if (header_.magic != sqlite_wal::kMagicLittleEndianChecksum &&
      header_.magic != sqlite_wal::kMagicBigEndianChecksum) {
    return Status::Corruption(path(), 0,
                              fmt::format("wrong magic {:#010x}: not a SQLite WAL (expected "
                                          "{:#010x} or {:#010x})",
                                          header_.magic, sqlite_wal::kMagicLittleEndianChecksum,
                                          sqlite_wal::kMagicBigEndianChecksum));
  }
  if (header_.version != sqlite_wal::kVersion) {
    return Status::Corruption(path(), 4,
                              fmt::format("unsupported WAL version {} (expected {})",
                                          header_.version, sqlite_wal::kVersion));
  }
  if (!sqlite_wal::IsValidPageSize(header_.page_size)) {
    return Status::Corruption(
        path(), 8,
        fmt::format("bad page size {} (expected a power of two from {} to {})", header_.page_size,
                    sqlite_wal::kMinPageSize, sqlite_wal::kMaxPageSize));
  }
  const sqlite_wal::Checksum want = header_.ComputeChecksum();
  if (want.s0 != header_.checksum1 || want.s1 != header_.checksum2) {
    return Status::Corruption(
        path(), 24,
        fmt::format("bad header checksum: stored {:#010x} {:#010x}, computed {:#010x} {:#010x}",
                    header_.checksum1, header_.checksum2, want.s0, want.s1));
  }
  summary_.valid_checksum = want;
  summary_.committed_checksum = want;
  return Status::OK();
}

Status SqliteWalReader::ReadFrames(uint64_t first, uint64_t count) {
  const uint64_t offset = sqlite_wal::FrameOffset(first, header_.page_size);
  const size_t want = static_cast<size_t>(count * frame_size());
  buffer_.resize(want);
  SILT_ASSIGN_OR_RETURN(size_t got, file_->ReadAt(offset, std::span<char>(buffer_.data(), want)));
  if (got != want) {
    const uint64_t bad = first + got / frame_size();
    return Status::Corruption(
        path(), sqlite_wal::FrameOffset(bad, header_.page_size),
        fmt::format("truncated frame {}: the file ends {} bytes into it (frames are {} bytes); "
                    "was the file changed while it was read?",
                    bad, got % frame_size(), frame_size()));
  }
  return Status::OK();
}

Status SqliteWalReader::CheckFrame(uint64_t index, size_t pos, sqlite_wal::Checksum* cksum,
                                   SqliteWalFrame* frame) const {
  const char* p = buffer_.data() + pos;
  frame->index = index;
  frame->offset = sqlite_wal::FrameOffset(index, header_.page_size);
  frame->header = SqliteWalFrameHeader::DecodeFrom(p);
  frame->page = std::string_view(p + sqlite_wal::kFrameHeaderSize, header_.page_size);
  const SqliteWalFrameHeader& h = frame->header;
  // The same tests, in the same order, as SQLite's recovery.
  if (h.salt1 != header_.salt1 || h.salt2 != header_.salt2) {
    return Status::Corruption(
        path(), frame->offset + 8,
        fmt::format("frame {} salt mismatch: {:#010x} {:#010x}, header has {:#010x} {:#010x}",
                    index, h.salt1, h.salt2, header_.salt1, header_.salt2));
  }
  if (h.page_number == 0) {
    return Status::Corruption(path(), frame->offset,
                              fmt::format("frame {} page number is 0", index));
  }
  const bool be = header_.big_endian_checksum();
  sqlite_wal::Checksum c = sqlite_wal::ComputeChecksum(
      be, std::string_view(p, sqlite_wal::kFrameHeaderChecksummedSize), *cksum);
  c = sqlite_wal::ComputeChecksum(be, frame->page, c);
  if (c.s0 != h.checksum1 || c.s1 != h.checksum2) {
    return Status::Corruption(
        path(), frame->offset + 16,
        fmt::format("frame {} checksum mismatch: stored {:#010x} {:#010x}, computed {:#010x} "
                    "{:#010x}",
                    index, h.checksum1, h.checksum2, c.s0, c.s1));
  }
  *cksum = c;
  return Status::OK();
}

Status SqliteWalReader::Scan(const FrameObserver& observer) {
  const uint64_t fsize = frame_size();
  const uint64_t whole_frames = (summary_.file_size - sqlite_wal::kHeaderSize) / fsize;
  const uint64_t chunk = std::max<uint64_t>(1, kChunkBytes / fsize);
  sqlite_wal::Checksum cksum = summary_.valid_checksum;
  uint64_t index = 0;
  bool stopped = false;
  while (!stopped && index < whole_frames) {
    const uint64_t n = std::min(chunk, whole_frames - index);
    SILT_RETURN_IF_ERROR(ReadFrames(index, n));
    for (uint64_t i = 0; i < n; ++i, ++index) {
      SqliteWalFrame frame;
      Status s = CheckFrame(index, static_cast<size_t>(i * fsize), &cksum, &frame);
      if (!s.ok()) {
        summary_.tail_status = s;
        stopped = true;
        break;
      }
      summary_.valid_frames = index + 1;
      summary_.valid_checksum = cksum;
      if (frame.header.is_commit()) {
        summary_.committed_frames = index + 1;
        summary_.commit_frames++;
        summary_.db_size = frame.header.db_size;
        summary_.committed_checksum = cksum;
      }
      if (observer) observer(frame);
    }
  }
  const uint64_t end = sqlite_wal::FrameOffset(summary_.valid_frames, header_.page_size);
  summary_.invalid_tail_bytes = summary_.file_size - end;
  summary_.invalid_tail_frames = (summary_.invalid_tail_bytes + fsize - 1) / fsize;
  if (!stopped && summary_.invalid_tail_bytes > 0) {
    summary_.tail_status = Status::Corruption(
        path(), end,
        fmt::format("truncated frame {}: the file ends {} bytes into it (frames are {} bytes)",
                    summary_.valid_frames, summary_.invalid_tail_bytes, fsize));
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  return Status::OK();
}

void SqliteWalReader::Rewind() {
  next_index_ = 0;
  buffer_first_ = 0;
  buffer_count_ = 0;
  next_checksum_ = sqlite_wal::Checksum{header_.checksum1, header_.checksum2};
}

Result<bool> SqliteWalReader::Next(SqliteWalFrame* frame) {
  if (next_index_ >= summary_.committed_frames) return false;
  if (next_index_ >= buffer_first_ + buffer_count_) {
    const uint64_t chunk = std::max<uint64_t>(1, kChunkBytes / frame_size());
    buffer_first_ = next_index_;
    buffer_count_ = std::min(chunk, summary_.committed_frames - next_index_);
    Status s = ReadFrames(buffer_first_, buffer_count_);
    if (!s.ok()) {
      buffer_count_ = 0;
      return s;
    }
  }
  const size_t pos = static_cast<size_t>((next_index_ - buffer_first_) * frame_size());
  Status s = CheckFrame(next_index_, pos, &next_checksum_, frame);
  if (!s.ok()) return s.WithContext("WAL changed since it was opened");
  ++next_index_;
  return true;
}

Status SqliteWalReader::ReadFrame(uint64_t index, SqliteWalFrame* frame) {
  if (index >= summary_.committed_frames) {
    return Status::OutOfRange(fmt::format("{}: frame {} is not committed ({} committed frames)",
                                          path(), index, summary_.committed_frames));
  }
  // Next's buffer is reused, so Next must start a fresh chunk afterwards.
  buffer_count_ = 0;
  SILT_RETURN_IF_ERROR(ReadFrames(index, 1));
  frame->index = index;
  frame->offset = sqlite_wal::FrameOffset(index, header_.page_size);
  frame->header = SqliteWalFrameHeader::DecodeFrom(buffer_.data());
  frame->page = std::string_view(buffer_.data() + sqlite_wal::kFrameHeaderSize, header_.page_size);
  if (frame->header.salt1 != header_.salt1 || frame->header.salt2 != header_.salt2 ||
      frame->header.page_number == 0) {
    return Status::Corruption(path(), frame->offset,
                              fmt::format("frame {} changed since the WAL was opened (salts or "
                                          "page number no longer valid)",
                                          index));
  }
  return Status::OK();
}

Status CheckSqliteWalMatchesDatabase(Env* env, const std::string& wal_path,
                                     const std::string& db_path) {
  SILT_ASSIGN_OR_RETURN(auto wal, SqliteWalReader::Open(env, wal_path));
  return CheckSqliteWalMatchesDatabase(env, *wal, db_path);
}

Status CheckSqliteWalMatchesDatabase(Env* env, const SqliteWalReader& wal,
                                     const std::string& db_path) {
  const std::string& wal_path = wal.path();
  SILT_ASSIGN_OR_RETURN(auto db, env->NewFile(db_path, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(uint64_t db_size, db->Size());
  if (db_size == 0) return Status::OK();
  char buf[sqlite_wal::kDbHeaderSize];
  SILT_ASSIGN_OR_RETURN(size_t got, db->ReadAt(0, std::span<char>(buf, sizeof(buf))));
  if (got < sqlite_wal::kDbHeaderSize ||
      std::string_view(buf, sqlite_wal::kDbMagic.size()) != sqlite_wal::kDbMagic) {
    return Status::Corruption(db_path, 0,
                              "not a SQLite database (no \"SQLite format 3\" header), so the "
                              "WAL " +
                                  wal_path + " cannot belong to it");
  }
  const auto* u = reinterpret_cast<const unsigned char*>(buf + sqlite_wal::kDbPageSizeOffset);
  uint32_t db_page_size = (uint32_t{u[0]} << 8) | u[1];
  if (db_page_size == 1) db_page_size = 65536;
  if (db_page_size != wal.header().page_size) {
    return Status::Corruption(
        wal_path, 8,
        fmt::format("the WAL does not belong to database {}: WAL page size {}, database page "
                    "size {}",
                    db_path, wal.header().page_size, db_page_size));
  }
  return Status::OK();
}

}  // namespace silt

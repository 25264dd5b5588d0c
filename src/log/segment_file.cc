#include "log/segment_file.h"

#include <fmt/format.h>

#include "common/coding.h"
#include "common/file_names.h"

namespace silt::log {

Status SegmentFile::Prepare(Env* env, const std::string& tmp_path, uint64_t number,
                            uint32_t generation, uint64_t size, bool zero_fill) {
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(tmp_path, OpenMode::kTruncate));
  if (zero_fill) {
    const std::string zeros(std::min<uint64_t>(size, 1 << 20), '\0');
    for (uint64_t at = 0; at < size; at += zeros.size()) {
      SILT_RETURN_IF_ERROR(file->WriteAt(
          at, std::string_view(zeros).substr(0, std::min<uint64_t>(zeros.size(), size - at))));
    }
  } else {
    SILT_RETURN_IF_ERROR(file->Allocate(0, size));
  }
  SILT_RETURN_IF_ERROR(file->WriteAt(0, EncodeSegmentHeader(number, generation)));
  return file->Sync();
}

Result<std::shared_ptr<SegmentFile>> SegmentFile::Install(Env* env, const std::string& tmp_path,
                                                          const std::string& path, uint64_t number,
                                                          uint32_t generation) {
  SILT_RETURN_IF_ERROR(env->RenameFile(tmp_path, path));
  return Open(env, path, number, generation, /*writable=*/true);
}

Result<std::shared_ptr<SegmentFile>> SegmentFile::Create(Env* env, const std::string& path,
                                                         uint64_t number, uint32_t generation,
                                                         uint64_t size, bool zero_fill) {
  const std::string tmp = TempFileName(path);
  SILT_RETURN_IF_ERROR(Prepare(env, tmp, number, generation, size, zero_fill));
  return Install(env, tmp, path, number, generation);
}

Result<std::shared_ptr<SegmentFile>> SegmentFile::Open(Env* env, const std::string& path,
                                                       uint64_t number, uint32_t generation,
                                                       bool writable) {
  SILT_ASSIGN_OR_RETURN(auto file,
                        env->NewFile(path, writable ? OpenMode::kReadWrite : OpenMode::kRead));
  char header[kSegmentHeaderSize];
  SILT_ASSIGN_OR_RETURN(size_t n, file->ReadAt(0, std::span<char>(header, sizeof(header))));
  uint64_t stored_number;
  uint32_t stored_generation;
  SILT_RETURN_IF_ERROR(
      DecodeSegmentHeader(std::string_view(header, n), path, &stored_number, &stored_generation));
  if (stored_number != number || stored_generation != generation) {
    return Status::Corruption(path, 8,
                              fmt::format("header says segment {} generation {}, name says {} {}",
                                          stored_number, stored_generation, number, generation));
  }
  return std::shared_ptr<SegmentFile>(new SegmentFile(std::move(file), number, generation));
}

Status SegmentFile::MapForReads() {
  std::lock_guard<std::mutex> l(maps_mu_);
  SILT_ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  if (!maps_.empty() && maps_.back()->data().size() == size) return Status::OK();
  SILT_ASSIGN_OR_RETURN(auto map, file_->Map());
  maps_.push_back(std::move(map));
  mapped_.store(maps_.back().get(), std::memory_order_release);
  return Status::OK();
}

// Whether the record starting at data[0] ends within data (its header parses
// and its payload and checksum fit). Records that do not are read with pread:
// a live mapping may be shorter than a segment that grew.
static bool RecordFits(std::string_view data) {
  ByteReader in(data);
  uint8_t type;
  uint64_t v, len;
  if (!in.ReadU8(&type).ok() || !in.ReadVarint64(&v).ok() || !in.ReadVarint64(&v).ok() ||
      !in.ReadVarint64(&v).ok() || !in.ReadVarint64(&len).ok()) {
    return false;
  }
  return len <= in.remaining() && in.remaining() - len >= kRecordTrailerSize;
}

Status SegmentFile::ReadRecord(uint64_t offset, Record* record, std::string* payload) const {
  std::string_view data;
  char stack_buf[4096];
  std::string heap_buf;
  const MappedRegion* map = mapped_.load(std::memory_order_acquire);
  if (map != nullptr && offset < map->data().size() && RecordFits(map->data().substr(offset))) {
    data = map->data().substr(offset);  // decoded in place: no system call
  } else {
    // Most records fit in one read into a stack buffer; a longer one takes a
    // second read of its exact size.
    SILT_ASSIGN_OR_RETURN(size_t n,
                          file_->ReadAt(offset, std::span<char>(stack_buf, sizeof(stack_buf))));
    data = std::string_view(stack_buf, n);
    ByteReader in(data, path(), offset);
    uint8_t type;
    uint64_t group, a, b, len;
    SILT_RETURN_IF_ERROR(in.ReadU8(&type));
    SILT_RETURN_IF_ERROR(in.ReadVarint64(&group));
    SILT_RETURN_IF_ERROR(in.ReadVarint64(&a));
    SILT_RETURN_IF_ERROR(in.ReadVarint64(&b));
    SILT_RETURN_IF_ERROR(in.ReadVarint64(&len));
    const uint64_t total = in.pos() + len + kRecordTrailerSize;
    if (total > data.size()) {
      SILT_ASSIGN_OR_RETURN(uint64_t file_size, file_->Size());
      if (offset + total > file_size) {
        return Status::Corruption(
            path(), offset, fmt::format("record of {} bytes runs past the end of the file", total));
      }
      heap_buf.resize(total);
      SILT_RETURN_IF_ERROR(file_->ReadExact(offset, std::span<char>(heap_buf.data(), total)));
      data = heap_buf;
    }
  }
  size_t size;
  SILT_RETURN_IF_ERROR(DecodeRecord(data, path(), offset, record, &size));
  if (payload != nullptr) {
    payload->assign(record->payload);
    record->payload = *payload;
  } else {
    record->payload = {};
  }
  return Status::OK();
}

Status ScanSegment(
    std::string_view data, const std::string& file_name,
    const std::function<Status(uint64_t, const std::vector<ScannedRecord>&)>& on_batch,
    SegmentScanResult* result) {
  *result = SegmentScanResult();
  uint64_t segment;
  uint32_t generation;
  SILT_RETURN_IF_ERROR(DecodeSegmentHeader(data, file_name, &segment, &generation));
  uint64_t pos = kSegmentHeaderSize;
  std::vector<ScannedRecord> records;
  while (true) {
    result->end_offset = pos;
    if (pos >= data.size() || data[pos] == static_cast<char>(kFrameNone)) return Status::OK();
    FrameHeader h;
    Status s = DecodeFrameHeader(data.substr(pos), file_name, pos, &h);
    if (!s.ok()) {
      result->damage = s;
      return Status::OK();
    }
    if (h.kind == kFrameEnd) {
      result->sealed = true;
      return Status::OK();
    }
    const uint64_t body = pos + kFrameHeaderSize;
    if (h.body_length > data.size() - body) {
      result->damage = Status::Corruption(
          file_name, pos,
          fmt::format("batch of {} bytes runs past the end of the file", h.body_length));
      return Status::OK();
    }
    records.clear();
    uint64_t at = body;
    const uint64_t end = body + h.body_length;
    for (uint32_t i = 0; i < h.count && s.ok(); ++i) {
      ScannedRecord r;
      r.offset = at;
      size_t size = 0;
      s = DecodeRecord(data.substr(at, end - at), file_name, at, &r.record, &size);
      if (s.ok()) {
        records.push_back(r);
        at += size;
      }
    }
    if (s.ok() && at != end) {
      s = Status::Corruption(file_name, at,
                             fmt::format("batch records end at {} but the frame says {}", at, end));
    }
    if (!s.ok()) {
      result->damage = s;
      return Status::OK();
    }
    SILT_RETURN_IF_ERROR(on_batch(pos, records));
    result->batches++;
    result->records += records.size();
    pos = end;
  }
}

}  // namespace silt::log

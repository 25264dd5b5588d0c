#include "log/index_file.h"

#include <fmt/format.h>

#include "common/coding.h"
#include "common/crc32c.h"
#include "common/file_names.h"
#include "common/path.h"
#include "log/log_format.h"

namespace silt::log {

Status IndexFile::Write(Env* env, const std::string& path, uint64_t segment, uint32_t generation,
                        std::vector<IndexGroupInfo> groups,
                        const std::vector<const std::vector<uint32_t>*>& offsets, uint32_t flags) {
  const uint64_t table_end = kIndexHeaderSize + groups.size() * kIndexGroupEntrySize + 4;
  uint64_t at = table_end;
  for (size_t i = 0; i < groups.size(); ++i) {
    groups[i].payload_offset = static_cast<uint32_t>(at);
    at += 4 * offsets[i]->size();
  }
  std::string out;
  out.reserve(at + 4);
  PutFixed32(&out, kIndexMagic);
  PutFixed32(&out, kIndexVersion);
  PutFixed64(&out, segment);
  PutFixed32(&out, generation);
  PutFixed32(&out, static_cast<uint32_t>(groups.size()));
  PutFixed32(&out, flags);
  PutFixed32(&out, 0);  // reserved
  for (const auto& g : groups) {
    PutFixed64(&out, g.group);
    PutFixed32(&out, g.flags);
    PutFixed32(&out, g.payload_offset);
    PutFixed64(&out, g.start);
    PutFixed64(&out, g.end);
    PutFixed64(&out, g.first_index);
    PutFixed64(&out, g.last_index);
    PutFixed64(&out, g.term);
    PutFixed64(&out, g.vote);
  }
  PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  const size_t payload_start = out.size();
  for (const auto* v : offsets) {
    for (uint32_t off : *v) PutFixed32(&out, off);
  }
  PutFixed32(&out,
             crc32c::Mask(crc32c::Value(out.data() + payload_start, out.size() - payload_start)));

  const std::string tmp = TempFileName(path);
  {
    SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(tmp, OpenMode::kTruncate));
    SILT_RETURN_IF_ERROR(file->Append(out));
    SILT_RETURN_IF_ERROR(file->Sync());
  }
  SILT_RETURN_IF_ERROR(env->RenameFile(tmp, path));
  return env->SyncDir(DirName(path));
}

Result<std::shared_ptr<IndexFile>> IndexFile::Open(Env* env, const std::string& path,
                                                   uint64_t segment, uint32_t generation) {
  std::shared_ptr<IndexFile> f(new IndexFile());
  f->path_ = path;
  f->segment_ = segment;
  SILT_ASSIGN_OR_RETURN(f->file_, env->NewFile(path, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(f->file_size_, f->file_->Size());
  std::string header(kIndexHeaderSize, '\0');
  SILT_ASSIGN_OR_RETURN(size_t n,
                        f->file_->ReadAt(0, std::span<char>(header.data(), header.size())));
  if (n < kIndexHeaderSize) {
    return Status::Corruption(path, n, "index file shorter than its 32-byte header");
  }
  const uint32_t magic = DecodeFixed32(header.data());
  if (magic != kIndexMagic) {
    return Status::Corruption(
        path, 0,
        fmt::format("not a silt log index file (magic {:08x}, expected {:08x})", magic,
                    kIndexMagic));
  }
  const uint32_t version = DecodeFixed32(header.data() + 4);
  if (version != kIndexVersion) {
    return Status::Corruption(
        path, 4,
        fmt::format("unsupported index format version {} (this build reads {})", version,
                    kIndexVersion));
  }
  const uint64_t stored_segment = DecodeFixed64(header.data() + 8);
  const uint32_t stored_generation = DecodeFixed32(header.data() + 16);
  const uint32_t count = DecodeFixed32(header.data() + 20);
  f->flags_ = DecodeFixed32(header.data() + 24);
  const uint64_t table_end = kIndexHeaderSize + uint64_t{count} * kIndexGroupEntrySize + 4;
  if (table_end > f->file_size_) {
    return Status::Corruption(path, kIndexHeaderSize,
                              fmt::format("group table of {} groups runs past the end of the file "
                                          "({} bytes)",
                                          count, f->file_size_));
  }
  std::string table(table_end, '\0');
  SILT_RETURN_IF_ERROR(f->file_->ReadExact(0, std::span<char>(table.data(), table.size())));
  const uint32_t stored_crc = crc32c::Unmask(DecodeFixed32(table.data() + table_end - 4));
  if (stored_crc != crc32c::Value(table.data(), table_end - 4)) {
    return Status::Corruption(path, table_end - 4, "index header checksum mismatch");
  }
  if (stored_segment != segment || stored_generation != generation) {
    return Status::Corruption(path, 8,
                              fmt::format("header says segment {} generation {}, name says {} {}",
                                          stored_segment, stored_generation, segment, generation));
  }
  f->payload_start_ = table_end;
  uint64_t expected_payload = table_end;
  ByteReader in(std::string_view(table).substr(kIndexHeaderSize, count * kIndexGroupEntrySize),
                path, kIndexHeaderSize);
  f->groups_.resize(count);
  for (auto& g : f->groups_) {
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.group));
    SILT_RETURN_IF_ERROR(in.ReadFixed32(&g.flags));
    SILT_RETURN_IF_ERROR(in.ReadFixed32(&g.payload_offset));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.start));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.end));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.first_index));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.last_index));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.term));
    SILT_RETURN_IF_ERROR(in.ReadFixed64(&g.vote));
    if (g.end < g.start || g.payload_offset != expected_payload ||
        (g.end - g.start) > (f->file_size_ - expected_payload) / 4) {
      return Status::Corruption(
          path, in.offset() - kIndexGroupEntrySize,
          fmt::format("bad row for group {}: entries [{}, {}) at payload offset {}", g.group,
                      g.start, g.end, g.payload_offset));
    }
    expected_payload += 4 * (g.end - g.start);
  }
  if (expected_payload + 4 != f->file_size_) {
    return Status::Corruption(path, expected_payload,
                              fmt::format("index file is {} bytes, its group table implies {}",
                                          f->file_size_, expected_payload + 4));
  }
  return f;
}

Status IndexFile::LoadPayload() {
  const uint64_t len = file_size_ - payload_start_;  // offsets + crc
  std::string data(len, '\0');
  SILT_RETURN_IF_ERROR(file_->ReadExact(payload_start_, std::span<char>(data.data(), data.size())));
  const uint32_t stored = crc32c::Unmask(DecodeFixed32(data.data() + len - 4));
  if (stored != crc32c::Value(data.data(), len - 4)) {
    return Status::Corruption(path_, file_size_ - 4, "index payload checksum mismatch");
  }
  data.resize(len - 4);
  payload_ = std::move(data);
  return Status::OK();
}

Result<uint32_t> IndexFile::OffsetOf(size_t slot, uint64_t index) {
  // Loaded once; afterwards the payload is immutable and read without locks.
  std::call_once(load_once_, [this] { load_status_ = LoadPayload(); });
  SILT_RETURN_IF_ERROR(load_status_);
  const IndexGroupInfo& g = groups_[slot];
  if (index < g.start || index >= g.end) {
    return Status::OutOfRange(fmt::format("{}: index {} of group {} not in [{}, {})", path_, index,
                                          g.group, g.start, g.end));
  }
  const uint64_t at = g.payload_offset - payload_start_ + 4 * (index - g.start);
  return DecodeFixed32(payload_.data() + at);
}

}  // namespace silt::log

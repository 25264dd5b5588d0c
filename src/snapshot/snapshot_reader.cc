// SnapshotReader: streams a complete snapshot's data files, checking each
// against the size and XXH3 in meta.json when it has been read to the end.
#include <fmt/format.h>

#include "common/hash.h"
#include "common/path.h"
#include "snapshot/snapshot_store.h"

namespace silt {

namespace {

class SnapshotReaderImpl final : public SnapshotReader {
 public:
  SnapshotReaderImpl(std::shared_ptr<SnapshotStoreState> state, SnapshotInfo info)
      : state_(std::move(state)), info_(std::move(info)), dir_(state_->DirOf(info_.id)) {}

  ~SnapshotReaderImpl() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->readers.find(info_.id);
    if (it != state_->readers.end() && --it->second <= 0) state_->readers.erase(it);
  }

  const SnapshotInfo& info() const override { return info_; }
  const std::string& dir() const override { return dir_; }

  Result<size_t> Read(const std::string& name, std::span<char> dst) override {
    auto it = streams_.find(name);
    if (it == streams_.end()) {
      const std::string path = JoinPath(dir_, name);
      if (!state_->env->FileExists(path)) {
        return Status::NotFound(fmt::format("{}: snapshot data file missing", path));
      }
      SILT_ASSIGN_OR_RETURN(auto file, state_->env->NewFile(path, OpenMode::kRead));
      auto stream = std::make_unique<Stream>();
      stream->file = std::move(file);
      it = streams_.emplace(name, std::move(stream)).first;
    }
    Stream& s = *it->second;
    if (s.done || dst.empty()) return size_t{0};
    SILT_ASSIGN_OR_RETURN(size_t n, s.file->ReadAt(s.offset, dst));
    if (n > 0) {
      s.hasher.Update(std::string_view(dst.data(), n));
      s.offset += n;
      return n;
    }
    s.done = true;
    const SnapshotFileInfo* f = info_.FindFile(name);
    if (f == nullptr) return size_t{0};  // a content-defined file the metadata does not cover
    const std::string path = JoinPath(dir_, name);
    if (s.offset != f->size) {
      return Status::Corruption(
          path, s.offset,
          fmt::format("snapshot data file has {} bytes, metadata says {}", s.offset, f->size));
    }
    if (s.hasher.Digest() != f->xxh3) {
      return Status::Corruption(path, 0,
                                fmt::format("snapshot data file checksum mismatch (xxh3 {:016x}, "
                                            "metadata says {:016x})",
                                            s.hasher.Digest(), f->xxh3));
    }
    return size_t{0};
  }

  Result<std::string> ReadAll(const std::string& name) override {
    streams_.erase(name);
    std::string out;
    std::string buf(1 << 16, '\0');
    for (;;) {
      SILT_ASSIGN_OR_RETURN(size_t n, Read(name, std::span<char>(buf.data(), buf.size())));
      if (n == 0) break;
      out.append(buf.data(), n);
    }
    streams_.erase(name);
    return out;
  }

  Status Verify() override {
    std::string buf(1 << 20, '\0');
    for (const auto& f : info_.files) {
      streams_.erase(f.name);
      for (;;) {
        SILT_ASSIGN_OR_RETURN(size_t n, Read(f.name, std::span<char>(buf.data(), buf.size())));
        if (n == 0) break;
      }
      streams_.erase(f.name);
    }
    return Status::OK();
  }

 private:
  struct Stream {
    std::unique_ptr<File> file;
    uint64_t offset = 0;
    Hasher64 hasher;
    bool done = false;
  };

  std::shared_ptr<SnapshotStoreState> state_;
  SnapshotInfo info_;
  const std::string dir_;
  std::map<std::string, std::unique_ptr<Stream>> streams_;
};

}  // namespace

std::unique_ptr<SnapshotReader> NewSnapshotReader(std::shared_ptr<SnapshotStoreState> state,
                                                  SnapshotInfo info) {
  return std::make_unique<SnapshotReaderImpl>(std::move(state), std::move(info));
}

}  // namespace silt

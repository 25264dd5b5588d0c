// SnapshotSink: writes one snapshot inside ROOT/<id>.tmp and persists it
// (docs/snapshot_layout.md, "Persist").
#include <fmt/format.h>

#include <algorithm>

#include "common/forwarding_env.h"
#include "common/hash.h"
#include "common/path.h"
#include "snapshot/snapshot_file_names.h"
#include "snapshot/snapshot_meta.h"
#include "snapshot/snapshot_store.h"

namespace silt {

namespace {

// Size and XXH3 of a file, read back in chunks: the fallback when its bytes
// were not all written in order through the Sink's File (see HashingFile).
Status HashFile(const File& file, uint64_t* size, uint64_t* xxh3) {
  Hasher64 hasher;
  std::string buf(1 << 20, '\0');
  uint64_t offset = 0;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(size_t n, file.ReadAt(offset, std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    hasher.Update(std::string_view(buf.data(), n));
    offset += n;
  }
  *size = offset;
  *xxh3 = hasher.Digest();
  return Status::OK();
}

// The File a Sink hands out: it hashes the bytes as they are written, so that
// Persist need not read a data file back (for a full SQLite snapshot that is a
// second pass over the whole database). Only writes that extend the file in
// order (Append, or WriteAt at the current end) can be hashed this way; any
// other write, a Truncate or an Allocate makes Persist read the file back
// instead, and so does a size that differs from what went through this File.
class HashingFile final : public ForwardingFile {
 public:
  using ForwardingFile::ForwardingFile;

  Status WriteAt(uint64_t offset, std::string_view data) override {
    Status st = base().WriteAt(offset, data);
    Hash(st, offset, data);
    return st;
  }
  Status Append(std::string_view data) override {
    // Lands at hashed_ while every earlier write was hashed in order.
    Status st = base().Append(data);
    Hash(st, hashed_, data);
    return st;
  }
  Status Truncate(uint64_t size) override {
    in_order_ = false;
    return base().Truncate(size);
  }
  Status Allocate(uint64_t offset, uint64_t len) override {
    in_order_ = false;
    return base().Allocate(offset, len);
  }

  // The size and XXH3 of the file's bytes: from the running hash when every
  // byte went through this File in order, else read back.
  Status Checksum(uint64_t* size, uint64_t* xxh3) const {
    if (in_order_) {
      SILT_ASSIGN_OR_RETURN(uint64_t actual, base().Size());
      if (actual == hashed_) {
        *size = hashed_;
        *xxh3 = hasher_.Digest();
        return Status::OK();
      }
    }
    return HashFile(base(), size, xxh3);
  }

 private:
  // A failed write may have changed some of the bytes: read back at the end.
  void Hash(const Status& written, uint64_t offset, std::string_view data) {
    if (!written.ok() || !in_order_ || offset != hashed_) {
      in_order_ = false;
      return;
    }
    hasher_.Update(data);
    hashed_ += data.size();
  }

  Hasher64 hasher_;
  uint64_t hashed_ = 0;   // bytes [0, hashed_) are in hasher_
  bool in_order_ = true;  // false once a write could not be hashed in order
};

// Copies `from` to `to` (created new) and syncs it, hashing the bytes.
Status CopyFile(Env* env, const std::string& from, const std::string& to, uint64_t* size,
                uint64_t* xxh3) {
  SILT_ASSIGN_OR_RETURN(auto src, env->NewFile(from, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(auto dst, env->NewFile(to, OpenMode::kCreateNew));
  Hasher64 hasher;
  std::string buf(1 << 20, '\0');
  uint64_t offset = 0;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(size_t n, src->ReadAt(offset, std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    const std::string_view chunk(buf.data(), n);
    hasher.Update(chunk);
    SILT_RETURN_IF_ERROR(dst->Append(chunk));
    offset += n;
  }
  SILT_RETURN_IF_ERROR(dst->Sync());
  *size = offset;
  *xxh3 = hasher.Digest();
  return Status::OK();
}

bool ValidFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name != kSnapshotMetaFileName;
}

class SnapshotSinkImpl final : public SnapshotSink {
 public:
  SnapshotSinkImpl(std::shared_ptr<SnapshotStoreState> state, SnapshotInfo info)
      : state_(std::move(state)),
        info_(std::move(info)),
        final_dir_(state_->DirOf(info_.id)),
        dir_(final_dir_ + std::string(kSnapshotTmpSuffix)) {}

  ~SnapshotSinkImpl() override {
    if (!done_) Cancel().ok();
  }

  const std::string& id() const override { return info_.id; }
  SnapshotKind kind() const override { return info_.kind; }
  const std::string& dir() const override { return dir_; }

  Result<File*> CreateFile(const std::string& name) override {
    if (done_) return Status::InvalidArgument("snapshot sink already closed");
    if (!ValidFileName(name)) {
      return Status::InvalidArgument(fmt::format("bad snapshot data file name '{}'", name));
    }
    if (files_.count(name) != 0 || added_.count(name) != 0) {
      return Status::AlreadyExists(fmt::format("{}: already created", JoinPath(dir_, name)));
    }
    SILT_ASSIGN_OR_RETURN(auto file,
                          state_->env->NewFile(JoinPath(dir_, name), OpenMode::kCreateNew));
    auto hashing = std::make_unique<HashingFile>(std::move(file));
    File* raw = hashing.get();
    files_[name] = std::move(hashing);
    return raw;
  }

  Status Append(const std::string& name, std::string_view data) override {
    auto it = files_.find(name);
    File* file;
    if (it == files_.end()) {
      SILT_ASSIGN_OR_RETURN(file, CreateFile(name));
    } else {
      file = it->second.get();
    }
    return file->Append(data);
  }

  Result<SnapshotFileInfo> AddFile(const std::string& name, const std::string& source,
                                   const SnapshotFileInfo* known) override {
    if (done_) return Status::InvalidArgument("snapshot sink already closed");
    if (!ValidFileName(name)) {
      return Status::InvalidArgument(fmt::format("bad snapshot data file name '{}'", name));
    }
    const std::string path = JoinPath(dir_, name);
    if (files_.count(name) != 0 || added_.count(name) != 0) {
      return Status::AlreadyExists(fmt::format("{}: already created", path));
    }
    Env* env = state_->env;
    SnapshotFileInfo f;
    f.name = name;
    if (env->LinkFile(source, path).ok()) {
      if (known != nullptr) {
        SILT_ASSIGN_OR_RETURN(f.size, env->GetFileSize(path));
        if (f.size != known->size) {
          return Status::Corruption(fmt::format("{}: {} bytes, but {} were recorded for it", source,
                                                f.size, known->size));
        }
        f.xxh3 = known->xxh3;
      } else {
        SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kRead));
        SILT_RETURN_IF_ERROR(HashFile(*file, &f.size, &f.xxh3));
      }
    } else {
      // No hard links here (another file system, or none supported): copy.
      // A failed link may have left nothing or the whole name behind.
      (void)env->RemoveFile(path);
      SILT_RETURN_IF_ERROR(CopyFile(env, source, path, &f.size, &f.xxh3));
      if (known != nullptr && (f.size != known->size || f.xxh3 != known->xxh3)) {
        return Status::Corruption(
            fmt::format("{}: its bytes differ from those recorded for it ({} bytes, XXH3 {:016x})",
                        source, known->size, known->xxh3));
      }
    }
    added_[name] = f;
    return f;
  }

  void SetAttribute(const std::string& key, const std::string& value) override {
    info_.attributes[key] = value;
  }

  Status Close() override {
    if (done_) return Status::InvalidArgument("snapshot sink already closed");
    bool renamed = false;
    Status st = Persist(&renamed);
    done_ = true;
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->sink_open = false;
    if (!st.ok()) {
      // Best effort: the store is consistent whatever happens here, because
      // Recover removes the .tmp directory and sets the flag itself.
      files_.clear();
      if (!renamed) state_->env->RemoveAll(dir_).ok();
      state_->SetFullNeededLocked().ok();
      return st.WithContext(fmt::format("persist snapshot {}", info_.id));
    }
    return Status::OK();
  }

  void Abandon() override {
    if (done_) return;
    done_ = true;
    files_.clear();
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->sink_open = false;
  }

  Status Cancel() override {
    if (done_) return Status::OK();
    done_ = true;
    files_.clear();
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->sink_open = false;
    // The caller may have consumed the source (checkpointed its WAL), so the
    // next snapshot must not be incremental.
    Status st = state_->SetFullNeededLocked();
    Status rm = state_->env->RemoveAll(dir_);
    if (rm.ok()) rm = state_->env->SyncDir(state_->root);
    return st.ok() ? rm : st;
  }

 private:
  Status Persist(bool* renamed) {
    Env* env = state_->env;
    info_.files.clear();
    for (auto& [name, file] : files_) {
      SILT_RETURN_IF_ERROR(file->Sync());
      SnapshotFileInfo f;
      f.name = name;
      SILT_RETURN_IF_ERROR(file->Checksum(&f.size, &f.xxh3));
      info_.files.push_back(std::move(f));
    }
    files_.clear();
    // Added files are durable already: a link names a file that was synced
    // before it was added (the SyncDir below makes the name durable), a copy
    // was synced by AddFile.
    for (const auto& [name, f] : added_) info_.files.push_back(f);
    std::sort(info_.files.begin(), info_.files.end(),
              [](const SnapshotFileInfo& a, const SnapshotFileInfo& b) { return a.name < b.name; });
    {
      const std::string meta_path = JoinPath(dir_, kSnapshotMetaFileName);
      SILT_ASSIGN_OR_RETURN(auto meta, env->NewFile(meta_path, OpenMode::kCreateNew));
      SILT_RETURN_IF_ERROR(meta->Append(EncodeSnapshotMeta(info_)));
      SILT_RETURN_IF_ERROR(meta->Sync());
    }
    SILT_RETURN_IF_ERROR(env->SyncDir(dir_));
    std::lock_guard<std::mutex> lock(state_->mu);
    SILT_RETURN_IF_ERROR(env->RenameFile(dir_, final_dir_));
    *renamed = true;
    SILT_RETURN_IF_ERROR(env->SyncDir(state_->root));
    // Only now is a full snapshot durable, so only now may the flag go; a
    // crash before this leaves it set, which merely costs one more full.
    if (info_.kind == SnapshotKind::kFull) SILT_RETURN_IF_ERROR(state_->ClearFullNeededLocked());
    return Status::OK();
  }

  std::shared_ptr<SnapshotStoreState> state_;
  SnapshotInfo info_;
  const std::string final_dir_;
  const std::string dir_;
  std::map<std::string, std::unique_ptr<HashingFile>> files_;
  std::map<std::string, SnapshotFileInfo> added_;  // by AddFile
  bool done_ = false;
};

}  // namespace

std::unique_ptr<SnapshotSink> NewSnapshotSink(std::shared_ptr<SnapshotStoreState> state,
                                              SnapshotInfo info) {
  return std::make_unique<SnapshotSinkImpl>(std::move(state), std::move(info));
}

}  // namespace silt

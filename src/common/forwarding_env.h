// ForwardingEnv / ForwardingFile: an Env and a File that pass every call to
// another one, for layers that change one behaviour and keep the rest: the
// snapshot Sink's hashing File (snapshot_sink.cc), and tests that make a Sync
// fail or block for one file, on the real file system (where SQLite opens
// files itself) or over the fault-injecting Env.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "silt/env.h"

namespace silt {

class ForwardingFile : public File {
 public:
  explicit ForwardingFile(std::unique_ptr<File> base) : base_(std::move(base)) {}
  const std::string& path() const override { return base_->path(); }
  Result<size_t> ReadAt(uint64_t offset, std::span<char> dst) const override {
    return base_->ReadAt(offset, dst);
  }
  Status WriteAt(uint64_t offset, std::string_view data) override {
    return base_->WriteAt(offset, data);
  }
  Status Append(std::string_view data) override { return base_->Append(data); }
  Status Sync() override { return base_->Sync(); }
  Status DataSync() override { return base_->DataSync(); }
  Status Truncate(uint64_t size) override { return base_->Truncate(size); }
  Status Allocate(uint64_t offset, uint64_t len) override { return base_->Allocate(offset, len); }
  Result<uint64_t> Size() const override { return base_->Size(); }
  Result<std::unique_ptr<MappedRegion>> Map() const override { return base_->Map(); }
  bool MapIsLive() const override { return base_->MapIsLive(); }

 protected:
  File& base() const { return *base_; }

 private:
  std::unique_ptr<File> base_;
};

class ForwardingEnv : public Env {
 public:
  explicit ForwardingEnv(Env* base = Env::Default()) : base_(base) {}
  Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) override {
    return base_->NewFile(path, mode);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return base_->GetFileSize(path);
  }
  Result<bool> IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_->ListDir(dir);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return base_->RenameFile(from, to);
  }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status RemoveDir(const std::string& path) override { return base_->RemoveDir(path); }
  Status CreateDir(const std::string& path) override { return base_->CreateDir(path); }
  Status LinkFile(const std::string& from, const std::string& to) override {
    return base_->LinkFile(from, to);
  }
  Status SyncDir(const std::string& dir) override { return base_->SyncDir(dir); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    return base_->LockFile(path);
  }

 protected:
  Env* base() const { return base_; }

 private:
  Env* base_;
};

}  // namespace silt

#include "common/fault_injection_env.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <unordered_set>

#include <fmt/format.h>

namespace silt {

const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kSyncDir:
      return "sync-dir";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kCreate:
      return "create";
    case FaultOp::kRemove:
      return "remove";
    case FaultOp::kLink:
      return "link";
    case FaultOp::kTruncate:
      return "truncate";
  }
  return "?";
}

// One unsynced change to a file's bytes, replayed in order on a torn power cut.
struct FaultInjectionEnv::PendingWrite {
  bool resize = false;  // true: set the size to `offset`; false: write `data` at `offset`
  uint64_t offset = 0;
  std::string data;
};

struct FaultInjectionEnv::Node {
  bool is_dir = false;
  // Files.
  std::string data;                   // what readers see now
  std::string durable;                // what survives a power cut
  std::vector<PendingWrite> pending;  // changes since the last sync, in order
  // Directories.
  std::map<std::string, std::shared_ptr<Node>> entries;          // names now
  std::map<std::string, std::shared_ptr<Node>> durable_entries;  // names after a power cut
};

namespace {

void ApplyWrite(std::string* bytes, uint64_t offset, std::string_view data) {
  if (bytes->size() < offset + data.size()) bytes->resize(offset + data.size(), '\0');
  std::memcpy(bytes->data() + offset, data.data(), data.size());
}

// Splits "/a/b/c" (or "a/b/c") into components; rejects "..".
Status SplitPath(const std::string& path, std::vector<std::string>* parts) {
  parts->clear();
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") return Status::InvalidArgument("fault env: '..' in path " + path);
    if (!part.empty() && part != ".") parts->push_back(std::move(part));
    i = j + 1;
  }
  return Status::OK();
}

}  // namespace

class FaultInjectionEnv::MemLock final : public FileLock {
 public:
  MemLock(FaultInjectionEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  ~MemLock() override { env_->UnlockPath(path_); }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
};

class FaultInjectionEnv::MemFile final : public File {
 public:
  MemFile(FaultInjectionEnv* env, std::shared_ptr<Node> node, std::string path, bool writable)
      : env_(env),
        node_(std::move(node)),
        path_(std::move(path)),
        writable_(writable),
        generation_(env->generation_) {}

  const std::string& path() const override { return path_; }

  Result<size_t> ReadAt(uint64_t offset, std::span<char> dst) const override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckLive());
    const std::string& data = node_->data;
    if (offset >= data.size()) return size_t{0};
    const size_t n = std::min<uint64_t>(dst.size(), data.size() - offset);
    std::memcpy(dst.data(), data.data() + offset, n);
    return n;
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckWritable());
    SILT_RETURN_IF_ERROR(env_->BeginOp(FaultOp::kWrite, path_));
    ApplyWrite(&node_->data, offset, data);
    node_->pending.push_back(PendingWrite{false, offset, std::string(data)});
    return Status::OK();
  }

  Status Append(std::string_view data) override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckWritable());
    SILT_RETURN_IF_ERROR(env_->BeginOp(FaultOp::kWrite, path_));
    const uint64_t offset = node_->data.size();
    node_->data.append(data);
    node_->pending.push_back(PendingWrite{false, offset, std::string(data)});
    return Status::OK();
  }

  Status Sync() override { return DoSync(); }
  Status DataSync() override { return DoSync(); }

  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckWritable());
    SILT_RETURN_IF_ERROR(env_->BeginOp(FaultOp::kTruncate, path_));
    node_->data.resize(size, '\0');
    node_->pending.push_back(PendingWrite{true, size, {}});
    return Status::OK();
  }

  Status Allocate(uint64_t offset, uint64_t len) override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckWritable());
    SILT_RETURN_IF_ERROR(env_->BeginOp(FaultOp::kTruncate, path_));
    if (node_->data.size() < offset + len) {
      node_->data.resize(offset + len, '\0');
      node_->pending.push_back(PendingWrite{true, offset + len, {}});
    }
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckLive());
    return static_cast<uint64_t>(node_->data.size());
  }

  Result<std::unique_ptr<MappedRegion>> Map() const override {
    class CopiedRegion final : public MappedRegion {
     public:
      explicit CopiedRegion(std::string data) : data_(std::move(data)) {}
      std::string_view data() const override { return data_; }

     private:
      std::string data_;
    };
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckLive());
    return std::unique_ptr<MappedRegion>(std::make_unique<CopiedRegion>(node_->data));
  }

 private:
  Status CheckLive() const {
    if (generation_ != env_->generation_) {
      return Status::IOError(path_ + ": stale file handle (opened before a power cut)");
    }
    if (env_->crashed_) return Status::IOError(path_ + ": power is off");
    return Status::OK();
  }

  Status CheckWritable() const {
    SILT_RETURN_IF_ERROR(CheckLive());
    if (!writable_) return Status::IOError(path_ + ": file opened read-only");
    return Status::OK();
  }

  Status DoSync() {
    std::lock_guard<std::mutex> l(env_->mu_);
    SILT_RETURN_IF_ERROR(CheckLive());
    SILT_RETURN_IF_ERROR(env_->BeginOp(FaultOp::kSync, path_));
    node_->durable = node_->data;
    node_->pending.clear();
    return Status::OK();
  }

  FaultInjectionEnv* env_;
  std::shared_ptr<Node> node_;
  std::string path_;
  bool writable_;
  uint64_t generation_;
};

FaultInjectionEnv::FaultInjectionEnv() : root_(std::make_shared<Node>()) { root_->is_dir = true; }

FaultInjectionEnv::~FaultInjectionEnv() = default;

void FaultInjectionEnv::FailNth(FaultOp op, uint64_t n, bool sticky) {
  std::lock_guard<std::mutex> l(mu_);
  failures_[static_cast<int>(op)] = Failure{n, sticky, false};
}

void FaultInjectionEnv::ClearFailures() {
  std::lock_guard<std::mutex> l(mu_);
  failures_ = {};
}

void FaultInjectionEnv::CrashAfter(uint64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  crash_armed_ = true;
  crash_countdown_ = n;
}

bool FaultInjectionEnv::crashed() const {
  std::lock_guard<std::mutex> l(mu_);
  return crashed_;
}

uint64_t FaultInjectionEnv::mutating_ops() const {
  std::lock_guard<std::mutex> l(mu_);
  return ops_;
}

uint64_t FaultInjectionEnv::op_count(FaultOp op) const {
  std::lock_guard<std::mutex> l(mu_);
  return op_counts_[static_cast<int>(op)];
}

void FaultInjectionEnv::PowerCut(const PowerCutOptions& options) {
  std::lock_guard<std::mutex> l(mu_);
  std::mt19937_64 rng(options.seed);
  std::unordered_set<Node*> visited;
  // Walks the durable tree; nodes reachable only through volatile names vanish.
  auto revert = [&](auto&& self, const std::shared_ptr<Node>& node) -> void {
    if (!visited.insert(node.get()).second) return;
    if (node->is_dir) {
      node->entries = node->durable_entries;
      for (auto& [name, child] : node->entries) self(self, child);
      return;
    }
    std::string result = node->durable;
    if (options.keep_random_prefix && !node->pending.empty()) {
      const size_t full = rng() % (node->pending.size() + 1);
      for (size_t i = 0; i < full; ++i) {
        const PendingWrite& w = node->pending[i];
        if (w.resize) {
          result.resize(w.offset, '\0');
        } else {
          ApplyWrite(&result, w.offset, w.data);
        }
      }
      if (full < node->pending.size() && !node->pending[full].resize) {
        const PendingWrite& w = node->pending[full];
        ApplyWrite(&result, w.offset,
                   std::string_view(w.data).substr(0, rng() % (w.data.size() + 1)));
      }
    }
    node->data = result;
    node->durable = std::move(result);
    node->pending.clear();
  };
  revert(revert, root_);
  ++generation_;
  crash_armed_ = false;
  crashed_ = false;
  failures_ = {};
}

Status FaultInjectionEnv::BeginOp(FaultOp op, const std::string& path) {
  if (crashed_) return Status::IOError(path + ": power is off");
  ++ops_;
  ++op_counts_[static_cast<int>(op)];
  if (crash_armed_) {
    if (crash_countdown_ == 0) {
      crashed_ = true;
      return Status::IOError(
          fmt::format("{}: power is off (crash before {})", path, FaultOpName(op)));
    }
    --crash_countdown_;
  }
  Failure& f = failures_[static_cast<int>(op)];
  if (f.firing)
    return Status::IOError(fmt::format("{}: injected {} failure", path, FaultOpName(op)));
  if (f.countdown > 0 && --f.countdown == 0) {
    f.firing = f.sticky;
    return Status::IOError(fmt::format("{}: injected {} failure", path, FaultOpName(op)));
  }
  return Status::OK();
}

Status FaultInjectionEnv::ResolveParent(const std::string& path, std::shared_ptr<Node>* dir,
                                        std::string* name) const {
  std::vector<std::string> parts;
  SILT_RETURN_IF_ERROR(SplitPath(path, &parts));
  if (parts.empty()) return Status::InvalidArgument("fault env: no file name in " + path);
  std::shared_ptr<Node> node = root_;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    auto it = node->entries.find(parts[i]);
    if (it == node->entries.end() || !it->second->is_dir) {
      return Status::NotFound(path + ": no such file or directory");
    }
    node = it->second;
  }
  *dir = std::move(node);
  *name = parts.back();
  return Status::OK();
}

std::shared_ptr<FaultInjectionEnv::Node> FaultInjectionEnv::Lookup(const std::string& path) const {
  std::vector<std::string> parts;
  if (!SplitPath(path, &parts).ok()) return nullptr;
  std::shared_ptr<Node> node = root_;
  for (const auto& part : parts) {
    if (!node->is_dir) return nullptr;
    auto it = node->entries.find(part);
    if (it == node->entries.end()) return nullptr;
    node = it->second;
  }
  return node;
}

Result<std::unique_ptr<File>> FaultInjectionEnv::NewFile(const std::string& path, OpenMode mode) {
  std::lock_guard<std::mutex> l(mu_);
  if (crashed_) return Status::IOError(path + ": power is off");
  std::shared_ptr<Node> dir;
  std::string name;
  SILT_RETURN_IF_ERROR(ResolveParent(path, &dir, &name));
  auto it = dir->entries.find(name);
  std::shared_ptr<Node> node = it == dir->entries.end() ? nullptr : it->second;
  if (node && node->is_dir) return Status::IOError(path + ": is a directory");
  if (node == nullptr) {
    if (mode == OpenMode::kRead || mode == OpenMode::kReadWrite) {
      return Status::NotFound(path + ": no such file or directory");
    }
    SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kCreate, path));
    node = std::make_shared<Node>();
    dir->entries[name] = node;
  } else if (mode == OpenMode::kCreateNew) {
    return Status::AlreadyExists(path + ": file exists");
  } else if (mode == OpenMode::kTruncate && !node->data.empty()) {
    SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kTruncate, path));
    node->data.clear();
    node->pending.push_back(PendingWrite{true, 0, {}});
  }
  return std::unique_ptr<File>(
      std::make_unique<MemFile>(this, std::move(node), path, mode != OpenMode::kRead));
}

bool FaultInjectionEnv::FileExists(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  return Lookup(path) != nullptr;
}

Result<uint64_t> FaultInjectionEnv::GetFileSize(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  auto node = Lookup(path);
  if (node == nullptr) return Status::NotFound(path + ": no such file or directory");
  return static_cast<uint64_t>(node->data.size());
}

Result<bool> FaultInjectionEnv::IsDirectory(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  auto node = Lookup(path);
  if (node == nullptr) return Status::NotFound(path + ": no such file or directory");
  return node->is_dir;
}

Result<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& dir) {
  std::lock_guard<std::mutex> l(mu_);
  if (crashed_) return Status::IOError(dir + ": power is off");
  auto node = Lookup(dir);
  if (node == nullptr) return Status::NotFound(dir + ": no such file or directory");
  if (!node->is_dir) return Status::IOError(dir + ": not a directory");
  std::vector<std::string> names;
  for (const auto& [name, child] : node->entries) names.push_back(name);
  return names;  // std::map keeps them sorted
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> l(mu_);
  std::shared_ptr<Node> from_dir, to_dir;
  std::string from_name, to_name;
  SILT_RETURN_IF_ERROR(ResolveParent(from, &from_dir, &from_name));
  SILT_RETURN_IF_ERROR(ResolveParent(to, &to_dir, &to_name));
  auto it = from_dir->entries.find(from_name);
  if (it == from_dir->entries.end()) return Status::NotFound(from + ": no such file or directory");
  std::shared_ptr<Node> node = it->second;
  auto target = to_dir->entries.find(to_name);
  if (target != to_dir->entries.end() && target->second != node) {
    if (target->second->is_dir != node->is_dir) {
      return Status::IOError(fmt::format("rename {} to {}: file/directory mismatch", from, to));
    }
    if (node->is_dir && !target->second->entries.empty()) {
      return Status::IOError(fmt::format("rename {} to {}: directory not empty", from, to));
    }
  }
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kRename, from));
  from_dir->entries.erase(from_name);
  to_dir->entries[to_name] = std::move(node);
  return Status::OK();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  std::shared_ptr<Node> dir;
  std::string name;
  SILT_RETURN_IF_ERROR(ResolveParent(path, &dir, &name));
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) return Status::NotFound("remove " + path + ": no such file");
  if (it->second->is_dir) return Status::IOError("remove " + path + ": is a directory");
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kRemove, path));
  dir->entries.erase(it);
  return Status::OK();
}

Status FaultInjectionEnv::RemoveDir(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  std::shared_ptr<Node> dir;
  std::string name;
  SILT_RETURN_IF_ERROR(ResolveParent(path, &dir, &name));
  auto it = dir->entries.find(name);
  if (it == dir->entries.end()) return Status::NotFound("remove " + path + ": no such directory");
  if (!it->second->is_dir) return Status::IOError("remove directory " + path + ": not a directory");
  if (!it->second->entries.empty()) {
    return Status::IOError("remove directory " + path + ": directory not empty");
  }
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kRemove, path));
  dir->entries.erase(it);
  return Status::OK();
}

Status FaultInjectionEnv::CreateDir(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  std::shared_ptr<Node> dir;
  std::string name;
  SILT_RETURN_IF_ERROR(ResolveParent(path, &dir, &name));
  auto it = dir->entries.find(name);
  if (it != dir->entries.end()) {
    if (it->second->is_dir) return Status::OK();
    return Status::IOError("create directory " + path + ": a file has that name");
  }
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kCreate, path));
  auto node = std::make_shared<Node>();
  node->is_dir = true;
  dir->entries[name] = std::move(node);
  return Status::OK();
}

Status FaultInjectionEnv::LinkFile(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> l(mu_);
  auto node = Lookup(from);
  if (node == nullptr) return Status::NotFound(from + ": no such file");
  if (node->is_dir) return Status::IOError("link " + from + ": is a directory");
  std::shared_ptr<Node> to_dir;
  std::string to_name;
  SILT_RETURN_IF_ERROR(ResolveParent(to, &to_dir, &to_name));
  if (to_dir->entries.count(to_name) != 0)
    return Status::AlreadyExists("link " + to + ": file exists");
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kLink, to));
  to_dir->entries[to_name] = std::move(node);
  return Status::OK();
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> l(mu_);
  if (crashed_) return Status::IOError(dir + ": power is off");
  auto node = Lookup(dir);
  if (node == nullptr) return Status::NotFound(dir + ": no such directory");
  if (!node->is_dir) return Status::IOError("sync directory " + dir + ": not a directory");
  SILT_RETURN_IF_ERROR(BeginOp(FaultOp::kSyncDir, dir));
  node->durable_entries = node->entries;
  return Status::OK();
}

Result<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  if (!locked_.insert(path).second) return Status::Busy("lock " + path + ": already held");
  return std::unique_ptr<FileLock>(std::make_unique<MemLock>(this, path));
}

void FaultInjectionEnv::UnlockPath(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  locked_.erase(path);
}

}  // namespace silt

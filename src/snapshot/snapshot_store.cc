// SnapshotStore: Create, List, Open, Reap and Recover (docs/snapshot_layout.md).
#include "snapshot/snapshot_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/durable_file.h"
#include "common/path.h"
#include "snapshot/snapshot_deleter.h"
#include "snapshot/snapshot_file_names.h"
#include "snapshot/snapshot_meta.h"

namespace silt {

const char* SnapshotKindName(SnapshotKind kind) {
  return kind == SnapshotKind::kFull ? "full" : "incremental";
}

const SnapshotFileInfo* SnapshotInfo::FindFile(std::string_view name) const {
  for (const auto& f : files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool SnapshotBefore(const SnapshotInfo& a, const SnapshotInfo& b) {
  return std::tie(a.term, a.index, a.created_ms, a.id) <
         std::tie(b.term, b.index, b.created_ms, b.id);
}

std::string MakeSnapshotId(uint64_t term, uint64_t index, uint64_t created_ms) {
  return fmt::format("{}-{}-{}", term, index, created_ms);
}

std::optional<ParsedSnapshotId> ParseSnapshotId(std::string_view name) {
  ParsedSnapshotId id;
  uint64_t* parts[3] = {&id.term, &id.index, &id.created_ms};
  const char* p = name.data();
  const char* end = name.data() + name.size();
  for (int i = 0; i < 3; ++i) {
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc()) return std::nullopt;
    p = next;
    if (i < 2) {
      if (p == end || *p != '-') return std::nullopt;
      ++p;
    }
  }
  if (p != end) return std::nullopt;
  // Only the canonical spelling, so that one snapshot has one name.
  if (MakeSnapshotId(id.term, id.index, id.created_ms) != name) return std::nullopt;
  return id;
}

std::string SnapshotStoreState::DirOf(const std::string& id) const { return JoinPath(root, id); }

std::string SnapshotStoreState::FullNeededPath() const {
  return JoinPath(root, kFullNeededFileName);
}

Result<SnapshotInfo> SnapshotStoreState::ReadMetaLocked(const std::string& id) const {
  const std::string path = JoinPath(DirOf(id), kSnapshotMetaFileName);
  if (!env->FileExists(path)) {
    return Status::NotFound(fmt::format("{}: snapshot metadata file missing", path));
  }
  SILT_ASSIGN_OR_RETURN(std::string data, env->ReadFile(path));
  SILT_ASSIGN_OR_RETURN(SnapshotInfo info, DecodeSnapshotMeta(data, path));
  if (info.id != id) {
    return Status::Corruption(
        path, 0, fmt::format("metadata names snapshot '{}', directory is '{}'", info.id, id));
  }
  return info;
}

Result<std::vector<SnapshotInfo>> SnapshotStoreState::ListLocked() const {
  SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(root));
  std::vector<SnapshotInfo> out;
  for (const auto& name : names) {
    if (!ParseSnapshotId(name)) continue;
    if (retired.count(name) != 0) continue;
    SILT_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(DirOf(name)));
    if (!is_dir) continue;
    SILT_ASSIGN_OR_RETURN(SnapshotInfo info, ReadMetaLocked(name));
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), SnapshotBefore);
  return out;
}

Status SnapshotStoreState::SetFullNeededLocked() {
  if (full_needed && env->FileExists(FullNeededPath())) return Status::OK();
  SILT_RETURN_IF_ERROR(WriteFileDurably(env, FullNeededPath(), ""));
  full_needed = true;
  return Status::OK();
}

Status SnapshotStoreState::ClearFullNeededLocked() {
  if (env->FileExists(FullNeededPath())) {
    SILT_RETURN_IF_ERROR(env->RemoveFile(FullNeededPath()));
    SILT_RETURN_IF_ERROR(env->SyncDir(root));
  }
  full_needed = false;
  return Status::OK();
}

namespace {

uint64_t SystemNowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

class SnapshotStoreImpl final : public SnapshotStore {
 public:
  SnapshotStoreImpl(std::shared_ptr<SnapshotStoreState> state, std::unique_ptr<FileLock> lock)
      : state_(std::move(state)), root_lock_(std::move(lock)) {
    if (state_->options.delete_in_background) {
      deleter_ = std::make_unique<SnapshotDeleter>(state_->env, state_->root);
    }
  }

  Env* env() const override { return state_->env; }
  const std::string& root() const override { return state_->root; }

  Result<std::unique_ptr<SnapshotSink>> Create(uint64_t term, uint64_t index,
                                               SnapshotKind kind) override {
    SnapshotStoreState& s = *state_;
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.sink_open) {
      return Status::Busy(fmt::format("snapshot store {}: a sink is already open", s.root));
    }
    SILT_ASSIGN_OR_RETURN(auto all, s.ListLocked());
    const SnapshotInfo* newest = all.empty() ? nullptr : &all.back();
    if (newest != nullptr && std::tie(term, index) < std::tie(newest->term, newest->index)) {
      return Status::InvalidArgument(fmt::format(
          "snapshot store {}: snapshot at term {} index {} is older than the newest, {}", s.root,
          term, index, newest->id));
    }
    if (kind == SnapshotKind::kIncremental) {
      if (newest == nullptr) {
        return Status::InvalidArgument(
            fmt::format("snapshot store {}: incremental snapshot into an empty store", s.root));
      }
      if (s.full_needed) {
        return Status::InvalidArgument(
            fmt::format("snapshot store {}: a full snapshot is needed ({} is set)", s.root,
                        kFullNeededFileName));
      }
    }
    uint64_t ms = s.options.now_ms ? s.options.now_ms() : SystemNowMs();
    ms = std::max(ms, s.last_ms + 1);
    if (newest != nullptr) ms = std::max(ms, newest->created_ms + 1);
    SnapshotInfo info;
    info.id = MakeSnapshotId(term, index, ms);
    info.term = term;
    info.index = index;
    info.created_ms = ms;
    info.kind = kind;
    if (kind == SnapshotKind::kIncremental) info.base = newest->id;
    const std::string tmp = s.DirOf(info.id) + std::string(kSnapshotTmpSuffix);
    // The tmp directory is made durable before the caller touches its source
    // (e.g. checkpoints a WAL): if power fails later, Recover finds it and sets
    // FULL_NEEDED, so data consumed from the source is never silently lost.
    Status st = s.env->CreateDir(tmp);
    if (st.ok()) st = s.env->SyncDir(s.root);
    if (!st.ok()) {
      s.env->RemoveAll(tmp).ok();
      return st;
    }
    s.last_ms = ms;
    s.sink_open = true;
    return NewSnapshotSink(state_, std::move(info));
  }

  Result<std::vector<SnapshotInfo>> List() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->ListLocked();
  }

  Result<std::optional<SnapshotInfo>> Newest() override {
    SILT_ASSIGN_OR_RETURN(auto all, List());
    if (all.empty()) return std::optional<SnapshotInfo>();
    return std::optional<SnapshotInfo>(std::move(all.back()));
  }

  Result<std::unique_ptr<SnapshotReader>> Open(const std::string& id) override {
    SnapshotStoreState& s = *state_;
    std::lock_guard<std::mutex> lock(s.mu);
    if (!ParseSnapshotId(id)) {
      return Status::InvalidArgument(fmt::format("'{}' is not a snapshot id", id));
    }
    if (s.retired.count(id) != 0) {
      return Status::NotFound(
          fmt::format("snapshot {} in {}: superseded by a newer snapshot", id, s.root));
    }
    if (!s.env->IsDirectory(s.DirOf(id)).value_or(false)) {
      return Status::NotFound(fmt::format("snapshot {} not found in {}", id, s.root));
    }
    SILT_ASSIGN_OR_RETURN(SnapshotInfo info, s.ReadMetaLocked(id));
    ++s.readers[id];
    return NewSnapshotReader(state_, std::move(info));
  }

  Result<int> Reap(const std::set<std::string>& keep) override {
    SnapshotStoreState& s = *state_;
    std::lock_guard<std::mutex> lock(s.mu);
    SILT_ASSIGN_OR_RETURN(auto names, s.env->ListDir(s.root));
    // Every snapshot directory, retired ones included, ordered.
    std::vector<std::pair<ParsedSnapshotId, std::string>> ids;
    for (const auto& name : names) {
      auto parsed = ParseSnapshotId(name);
      if (parsed && s.env->IsDirectory(s.DirOf(name)).value_or(false))
        ids.emplace_back(*parsed, name);
    }
    if (ids.size() < 2) return 0;
    std::sort(ids.begin(), ids.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first.term, a.first.index, a.first.created_ms, a.second) <
             std::tie(b.first.term, b.first.index, b.first.created_ms, b.second);
    });
    // The newest that is not retired stays; so does everything after it.
    size_t newest = ids.size();
    for (size_t i = ids.size(); i-- > 0;) {
      if (s.retired.count(ids[i].second) == 0) {
        newest = i;
        break;
      }
    }
    int reaped = 0;
    bool removed = false;
    for (size_t i = 0; i < newest && i < ids.size(); ++i) {
      const std::string& id = ids[i].second;
      if (keep.count(id) != 0) continue;
      auto it = s.readers.find(id);
      if (it != s.readers.end() && it->second > 0) continue;
      // Renamed first (and the rename made durable) so that a crash while the
      // files are removed never leaves a listed snapshot with missing files.
      // After the rename the snapshot is gone; removing its files only frees
      // space, so it may happen later, in the background (Recover removes
      // whatever a crash leaves).
      const std::string doomed = s.DirOf(id) + std::string(kSnapshotDeleteSuffix);
      SILT_RETURN_IF_ERROR(s.env->RenameFile(s.DirOf(id), doomed));
      SILT_RETURN_IF_ERROR(s.env->SyncDir(s.root));
      s.retired.erase(id);
      ++reaped;
      if (deleter_ != nullptr) {
        deleter_->Enqueue(doomed);
      } else {
        SILT_RETURN_IF_ERROR(s.env->RemoveAll(doomed));
        removed = true;
      }
    }
    if (removed) SILT_RETURN_IF_ERROR(s.env->SyncDir(s.root));
    return reaped;
  }

  Status Recover() override {
    SnapshotStoreState& s = *state_;
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.sink_open) {
      return Status::Busy(
          fmt::format("snapshot store {}: cannot recover while a sink is open", s.root));
    }
    return RecoverLocked();
  }

  Status RecoverLocked() {
    SnapshotStoreState& s = *state_;
    // Recover removes every .del itself: the background removals must not
    // run at the same time (their errors do not matter: Recover redoes them).
    if (deleter_ != nullptr) deleter_->WaitIdle().ok();
    s.full_needed = s.env->FileExists(s.FullNeededPath());
    SILT_ASSIGN_OR_RETURN(auto names, s.env->ListDir(s.root));
    std::vector<std::string> leftovers;
    bool interrupted_sink = false;
    for (const auto& name : names) {
      std::string_view n = name;
      if (n.ends_with(kSnapshotTmpSuffix)) {
        n.remove_suffix(kSnapshotTmpSuffix.size());
        if (ParseSnapshotId(n)) interrupted_sink = true;
        leftovers.push_back(name);
      } else if (n.ends_with(kSnapshotDeleteSuffix)) {
        leftovers.push_back(name);
      } else if (auto parsed = ParseSnapshotId(n)) {
        s.last_ms = std::max(s.last_ms, parsed->created_ms);
      }
    }
    // The flag is made durable before the evidence (the .tmp directory) goes.
    if (interrupted_sink) SILT_RETURN_IF_ERROR(s.SetFullNeededLocked());
    for (const auto& name : leftovers) {
      SILT_RETURN_IF_ERROR(s.env->RemoveAll(JoinPath(s.root, name)));
    }
    if (!leftovers.empty()) SILT_RETURN_IF_ERROR(s.env->SyncDir(s.root));
    return Status::OK();
  }

  bool full_needed() const override {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->full_needed;
  }

  Status SetFullNeeded() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->SetFullNeededLocked();
  }

  Status Retire(const std::string& id) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->readers.find(id);
    if (it != state_->readers.end() && it->second > 0) {
      return Status::Busy(fmt::format("snapshot {} is open for reading", id));
    }
    state_->retired.insert(id);
    return Status::OK();
  }

  bool IsOpenForReading(const std::string& id) const override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->readers.find(id);
    return it != state_->readers.end() && it->second > 0;
  }

  std::string SnapshotDir(const std::string& id) const override { return state_->DirOf(id); }

  Status WaitForDeletes() override {
    return deleter_ != nullptr ? deleter_->WaitIdle() : Status::OK();
  }

 private:
  std::shared_ptr<SnapshotStoreState> state_;
  // Held by the store object, not the shared state: a Sink or Reader that
  // outlives the store does not keep other processes out.
  std::unique_ptr<FileLock> root_lock_;
  // With options.delete_in_background: removes reaped snapshots' files.
  // Declared last, so it finishes its queue before the lock is released.
  std::unique_ptr<SnapshotDeleter> deleter_;
};

}  // namespace

Result<std::unique_ptr<SnapshotStore>> SnapshotStore::Open(Env* env, const std::string& root,
                                                           const SnapshotStoreOptions& options) {
  auto state = std::make_shared<SnapshotStoreState>();
  state->env = env;
  state->root = root;
  state->options = options;
  SILT_RETURN_IF_ERROR(env->CreateDirs(root));
  std::unique_ptr<FileLock> root_lock;
  if (options.lock_root) {
    auto lock = env->LockFile(JoinPath(root, kSnapshotLockFileName));
    if (!lock.ok()) {
      return lock.status().WithContext(fmt::format("snapshot store {} is in use", root));
    }
    root_lock = std::move(lock).value();
  }
  auto store = std::make_unique<SnapshotStoreImpl>(state, std::move(root_lock));
  SILT_RETURN_IF_ERROR(store->Recover());
  return std::unique_ptr<SnapshotStore>(std::move(store));
}

}  // namespace silt

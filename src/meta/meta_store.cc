// MetaStore: commits through the metadata log, checkpoints and replay.
#include "meta/meta_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/durable_file.h"
#include "common/file_names.h"
#include "common/path.h"

namespace silt::meta {
namespace {

// Entries of group 0 carry this term; the metadata log is not a Raft log.
constexpr uint64_t kMetaLogTerm = 1;
// Records read per GetRange call during replay.
constexpr uint64_t kReplayChunk = 4096;

constexpr std::string_view kCheckpointPrefix = "checkpoint-";

bool ParseEpoch(std::string_view s, uint64_t* v) {
  if (s.size() != 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

struct CheckpointFile {
  std::string name;
  CheckpointKind kind;
  uint64_t start;
  uint64_t end;
};

// The checkpoint files in dir, by end epoch (for equal ends, the global one
// first).
Result<std::vector<CheckpointFile>> ListCheckpointFiles(Env* env, const std::string& dir) {
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(dir));
  std::vector<CheckpointFile> files;
  for (const std::string& name : names) {
    CheckpointFile f{name, CheckpointKind::kGlobal, 0, 0};
    if (ParseCheckpointFileName(name, &f.kind, &f.start, &f.end)) files.push_back(f);
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return std::tie(a.end, a.kind) < std::tie(b.end, b.kind);
  });
  return files;
}

}  // namespace

std::string CheckpointFileName(CheckpointKind kind, uint64_t start_epoch, uint64_t end_epoch) {
  return fmt::format("{}{:020}-{:020}.{}", kCheckpointPrefix, start_epoch, end_epoch,
                     CheckpointKindName(kind));
}

bool ParseCheckpointFileName(std::string_view name, CheckpointKind* kind, uint64_t* start_epoch,
                             uint64_t* end_epoch) {
  if (!name.starts_with(kCheckpointPrefix)) return false;
  name.remove_prefix(kCheckpointPrefix.size());
  if (name.size() < 42 || name[20] != '-' || name[41] != '.') return false;
  if (!ParseEpoch(name.substr(0, 20), start_epoch) || !ParseEpoch(name.substr(21, 20), end_epoch)) {
    return false;
  }
  const std::string_view ext = name.substr(42);
  if (ext == "global") {
    *kind = CheckpointKind::kGlobal;
  } else if (ext == "delta") {
    *kind = CheckpointKind::kDelta;
  } else {
    return false;
  }
  return *start_epoch >= 1 && *start_epoch <= *end_epoch;
}

MetaStore::MetaStore(const std::string& dir, LogStore* log, const MetaOptions& options,
                     std::shared_ptr<const CatalogSnapshot> catalog,
                     std::shared_ptr<const Version> version)
    : env_(options.env != nullptr ? options.env : Env::Default()),
      dir_(dir),
      log_(log),
      options_(options),
      root_(std::move(catalog)),
      vm_(std::move(version)) {}

Result<std::unique_ptr<MetaStore>> MetaStore::Open(const std::string& dir, LogStore* log,
                                                   const MetaOptions& options) {
  Env* env = options.env != nullptr ? options.env : Env::Default();
  SILT_RETURN_IF_ERROR(env->CreateDirs(dir));
  MetaOpenStats stats;
  SILT_ASSIGN_OR_RETURN(stats.stale_files_removed, RemoveTempFiles(env, dir));

  // The checkpoint files: the newest global one and the deltas after it.
  SILT_ASSIGN_OR_RETURN(const std::vector<CheckpointFile> files, ListCheckpointFiles(env, dir));
  const CheckpointFile* global = nullptr;
  for (const auto& f : files) {
    if (f.kind == CheckpointKind::kGlobal) global = &f;
  }
  std::vector<CheckpointFile> chain;
  if (global != nullptr) {
    chain.push_back(*global);
    for (const auto& f : files) {
      if (f.kind == CheckpointKind::kDelta && f.start > global->end) chain.push_back(f);
    }
  } else if (!files.empty()) {
    return Status::Corruption(fmt::format(
        "{}: has checkpoint {} but no global checkpoint to start from", dir, files.front().name));
  }

  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  auto phase = Clock::now();
  MetaState state;
  uint64_t global_bytes = 0, delta_bytes = 0;
  for (const auto& f : chain) {
    const std::string path = JoinPath(dir, f.name);
    SILT_ASSIGN_OR_RETURN(std::string bytes, env->ReadFile(path));
    stats.checkpoint_bytes_read += bytes.size();
    (f.kind == CheckpointKind::kGlobal ? global_bytes : delta_bytes) += bytes.size();
    SILT_ASSIGN_OR_RETURN(CheckpointData data, DecodeCheckpoint(bytes, path));
    if (data.kind != f.kind || data.start_epoch != f.start || data.end_epoch != f.end) {
      return Status::Corruption(
          path, 0,
          fmt::format("the file holds a {} checkpoint of epochs {}..{}, not "
                      "what its name says",
                      CheckpointKindName(data.kind), data.start_epoch, data.end_epoch));
    }
    SILT_RETURN_IF_ERROR(ApplyCheckpoint(std::move(data), path, &state));
    (f.kind == CheckpointKind::kGlobal ? stats.global_checkpoints_loaded
                                       : stats.delta_checkpoints_loaded)++;
  }
  stats.checkpoint_seconds = seconds_since(phase);
  phase = Clock::now();
  const uint64_t checkpoint_epoch = state.epoch;
  auto built = BuildMeta(std::move(state));
  if (!built.ok()) {
    return Status::Corruption(fmt::format("{}: checkpoints give an invalid state: {}",
                                          chain.empty() ? dir : JoinPath(dir, chain.back().name),
                                          built.status().message()));
  }
  std::unique_ptr<MetaStore> store(
      new MetaStore(dir, log, options, std::move(built->catalog), std::move(built->version)));
  stats.build_seconds = seconds_since(phase);
  phase = Clock::now();
  store->open_stats_ = stats;
  if (!chain.empty()) {
    store->last_checkpoint_epoch_ = chain.back().end;
    store->have_global_ = true;
    store->deltas_since_global_ = static_cast<int>(chain.size()) - 1;
    store->global_bytes_ = global_bytes;
    store->delta_bytes_since_global_ = delta_bytes;
  }
  SILT_RETURN_IF_ERROR(store->Recover(checkpoint_epoch));
  store->open_stats_.replay_seconds = seconds_since(phase);
  if (global != nullptr) SILT_RETURN_IF_ERROR(store->RemoveCheckpointsBefore(global->end));
  if (options.heartbeat.count() > 0 && options.checkpoint_delta > 0) {
    store->heartbeat_ = std::thread([s = store.get()] { s->HeartbeatLoop(); });
  }
  return store;
}

Status MetaStore::Recover(uint64_t checkpoint_epoch) {
  const uint64_t e = checkpoint_epoch;
  const uint64_t first = log_->FirstIndex(kMetaShard);
  const uint64_t last = log_->LastIndex(kMetaShard);
  const std::string log_name = "metadata log (log group 0)";
  if (last < e) {
    // The checkpoint is newer than anything durable in the log (commits that
    // were not synced, or a prefix truncated to the end): continue after it.
    if (first > e + 1) {
      return Status::Corruption(
          fmt::format("{} starts at index {}, after the checkpoints' end "
                      "epoch {}",
                      log_name, first, e));
    }
    return log_->Reset(kMetaShard, e + 1, true);
  }
  if (first > e + 1) {
    return Status::Corruption(
        fmt::format("{} starts at index {} but the checkpoints end at epoch {}: commits {}..{} "
                    "are missing",
                    log_name, first, e, e + 1, first - 1));
  }
  // Chunk by chunk: the catalog takes each DDL record in turn; the version
  // manager takes the whole chunk as one commit (CommitAll), so a table
  // changed by many records is copied once per chunk, not once per record.
  auto where = [&](uint64_t index) { return fmt::format("{} index {}", log_name, index); };
  std::vector<VersionEdit> edits;
  for (uint64_t from = e + 1; from <= last;) {
    const uint64_t to = std::min(last, from + kReplayChunk - 1);
    SILT_ASSIGN_OR_RETURN(std::vector<LogEntry> entries, log_->GetRange(kMetaShard, from, to));
    if (entries.empty()) break;
    edits.clear();
    edits.resize(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      const LogEntry& entry = entries[i];
      if (entry.index != from + i) {
        return Status::Corruption(
            fmt::format("{}: expected index {}", where(entry.index), from + i));
      }
      VersionEdit& edit = edits[i];
      Status s = edit.DecodeFrom(entry.payload, "", 0);
      if (!s.ok())
        return Status::Corruption(fmt::format("{}: {}", where(entry.index), s.message()));
      if (edit.HasDdl()) {
        s = root_.Apply(edit);
        if (!s.ok()) {
          return Status::Corruption(
              fmt::format("{}: the record does not apply: {}", where(entry.index), s.ToString()));
        }
      }
      NoteChanges(edit);
      open_stats_.log_bytes_replayed += entry.payload.size();
    }
    auto epoch = vm_.CommitAll(edits);
    if (!epoch.ok()) {
      // "commit of epoch N: ..." names the record: epoch N is log index N.
      return Status::Corruption(fmt::format("{} (indexes {}..{}): a record does not apply: {}",
                                            log_name, from, entries.back().index,
                                            epoch.status().ToString()));
    }
    if (*epoch != entries.back().index) {
      return Status::Corruption(
          fmt::format("{}: replay reached epoch {} instead", where(entries.back().index), *epoch));
    }
    commits_since_checkpoint_ += entries.size();
    open_stats_.log_records_replayed += entries.size();
    from = entries.back().index + 1;
  }
  if (first <= e && e > 0) SILT_RETURN_IF_ERROR(log_->TruncatePrefix(kMetaShard, e + 1, true));
  return Status::OK();
}

MetaStore::~MetaStore() {
  {
    std::lock_guard<std::mutex> lock(heartbeat_mu_);
    stopping_ = true;
  }
  heartbeat_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void MetaStore::NoteChanges(const VersionEdit& edit) {
  for (const EditOp& op : edit.ops()) {
    std::visit(
        [this](const auto& o) {
          if constexpr (requires { o.table; }) changed_.insert(o.table);
        },
        op);
  }
}

Result<uint64_t> MetaStore::CommitLocked(const VersionEdit& edit) {
  SILT_RETURN_IF_ERROR(broken_);
  if (edit.HasDdl()) SILT_RETURN_IF_ERROR(root_.Current()->Apply(edit).status());
  SILT_ASSIGN_OR_RETURN(PreparedCommit prepared, vm_.Prepare(edit));
  const uint64_t epoch = prepared.epoch();
  std::string record;
  edit.EncodeTo(&record);
  LogBatch batch;
  batch.Add(kMetaShard, epoch, kMetaLogTerm, std::move(record));
  Status s = log_->Append(batch, options_.sync);
  if (!s.ok()) {
    broken_ = s.WithContext(fmt::format("metadata log append of epoch {}", epoch));
    return broken_;
  }
  // Both were checked above and nobody else commits.
  auto committed = vm_.Install(std::move(prepared));
  if (!committed.ok() || *committed != epoch) {
    broken_ = Status::Corruption(fmt::format("commit of epoch {} failed after its log append: {}",
                                             epoch, committed.status().ToString()));
    return broken_;
  }
  s = root_.Apply(edit);
  if (!s.ok()) {
    broken_ = s.WithContext(fmt::format("catalog apply of epoch {} after its log append", epoch));
    return broken_;
  }
  NoteChanges(edit);
  commits_since_checkpoint_++;
  return epoch;
}

Result<uint64_t> MetaStore::Commit(const VersionEdit& edit) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return CommitLocked(edit);
}

Result<SchemaId> MetaStore::CreateSchema(std::string_view name) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  VersionEdit edit;
  SILT_RETURN_IF_ERROR(root_.MakeCreateSchema(name, &edit));
  SILT_RETURN_IF_ERROR(CommitLocked(edit).status());
  return std::get<CreateSchemaOp>(edit.ops().back()).schema_id;
}

Status MetaStore::DropSchema(std::string_view name) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  SILT_ASSIGN_OR_RETURN(SchemaId id, root_.GetSchemaIdByName(name));
  VersionEdit edit;
  SILT_RETURN_IF_ERROR(root_.MakeDropSchema(id, &edit));
  return CommitLocked(edit).status();
}

Result<TableRefId> MetaStore::CreateTable(std::string_view schema, std::string_view name,
                                          ShardId shard, const std::vector<ColumnDef>& columns,
                                          bool is_materialized_view,
                                          const std::vector<ColumnId>& ordered_pk_ids) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  SILT_ASSIGN_OR_RETURN(SchemaId id, root_.GetSchemaIdByName(schema));
  VersionEdit edit;
  SILT_RETURN_IF_ERROR(
      root_.MakeAddTable(id, name, shard, columns, is_materialized_view, ordered_pk_ids, &edit));
  SILT_RETURN_IF_ERROR(CommitLocked(edit).status());
  return std::get<CreateTableOp>(edit.ops().back()).table;
}

Status MetaStore::DropTable(std::string_view schema, std::string_view name) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  SILT_ASSIGN_OR_RETURN(TableRefId ref, root_.GetTableIdByName(schema, name));
  VersionEdit edit;
  SILT_RETURN_IF_ERROR(root_.MakeDropTable(ref, &edit));
  return CommitLocked(edit).status();
}

MetaStore::PinnedState MetaStore::PinState() {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return PinnedState{root_.Current(), vm_.Pin()};
}

Status MetaStore::Checkpoint(bool* written) {
  if (written != nullptr) *written = false;
  std::lock_guard<std::mutex> ck(checkpoint_mu_);
  std::shared_ptr<const CatalogSnapshot> catalog;
  std::shared_ptr<const Version> version;
  std::set<TableRefId> changed;
  uint64_t commits = 0;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    SILT_RETURN_IF_ERROR(broken_);
    if (commits_since_checkpoint_ == 0) return Status::OK();
    catalog = root_.Current();
    version = vm_.Pin();
    changed.swap(changed_);
    commits = commits_since_checkpoint_;
    commits_since_checkpoint_ = 0;
  }
  // A global checkpoint when a delta would not save much: every global_every
  // deltas, when the deltas since the last global one add up to more than
  // half of it, or when this one changes more than half of the tables.
  const bool global = !have_global_ || deltas_since_global_ >= options_.global_every ||
                      delta_bytes_since_global_ * 2 > global_bytes_ ||
                      changed.size() * 2 > version->tables().size();
  const CheckpointKind kind = global ? CheckpointKind::kGlobal : CheckpointKind::kDelta;
  Status s;
  uint64_t size = 0;
  const uint64_t end = version->epoch();
  {
    auto data = MakeCheckpoint(kind, last_checkpoint_epoch_ + 1, *catalog, *version, changed);
    s = data.status();
    if (s.ok()) {
      const std::string path =
          JoinPath(dir_, CheckpointFileName(kind, data->start_epoch, data->end_epoch));
      const std::string bytes = EncodeCheckpoint(*data);
      size = bytes.size();
      s = WriteFileDurably(env_, path, bytes);
    }
  }
  if (!s.ok()) {
    // Nothing is lost: the log still holds every commit; the next attempt
    // covers these commits too.
    std::lock_guard<std::mutex> lock(commit_mu_);
    changed_.merge(changed);
    commits_since_checkpoint_ += commits;
    return s.WithContext("metadata checkpoint");
  }
  last_checkpoint_epoch_ = end;
  checkpoints_written_++;
  if (kind == CheckpointKind::kGlobal) {
    have_global_ = true;
    deltas_since_global_ = 0;
    global_bytes_ = size;
    delta_bytes_since_global_ = 0;
  } else {
    deltas_since_global_++;
    delta_bytes_since_global_ += size;
  }
  if (written != nullptr) *written = true;
  // The checkpoint is durable: the log prefix it covers can go. (A crash
  // before this only leaves records that replay skips.)
  SILT_RETURN_IF_ERROR(log_->TruncatePrefix(kMetaShard, end + 1, true));
  if (kind == CheckpointKind::kGlobal) SILT_RETURN_IF_ERROR(RemoveCheckpointsBefore(end));
  return Status::OK();
}

Status MetaStore::RemoveCheckpointsBefore(uint64_t global_end) {
  SILT_ASSIGN_OR_RETURN(const std::vector<CheckpointFile> files, ListCheckpointFiles(env_, dir_));
  bool removed = false;
  for (const CheckpointFile& f : files) {
    // Older than the global checkpoint: superseded (a delta up to it, or an
    // older global one).
    if (f.end < global_end || (f.end == global_end && f.kind == CheckpointKind::kDelta)) {
      SILT_RETURN_IF_ERROR(env_->RemoveFile(JoinPath(dir_, f.name)));
      removed = true;
      open_stats_.stale_files_removed++;
    }
  }
  if (removed) SILT_RETURN_IF_ERROR(env_->SyncDir(dir_));
  return Status::OK();
}

Status MetaStore::MaybeCheckpoint() {
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    if (options_.checkpoint_delta == 0 || commits_since_checkpoint_ < options_.checkpoint_delta) {
      return Status::OK();
    }
  }
  return Checkpoint();
}

void MetaStore::HeartbeatLoop() {
  std::unique_lock<std::mutex> lock(heartbeat_mu_);
  while (!stopping_) {
    heartbeat_cv_.wait_for(lock, options_.heartbeat);
    if (stopping_) break;
    lock.unlock();
    Status s = MaybeCheckpoint();
    lock.lock();
    if (!s.ok()) last_checkpoint_error_ = s.ToString();
  }
}

MetaStatus MetaStore::GetStatus() const {
  MetaStatus st;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    st.epoch = vm_.epoch();
    st.commits_since_checkpoint = commits_since_checkpoint_;
  }
  {
    std::lock_guard<std::mutex> ck(const_cast<std::mutex&>(checkpoint_mu_));
    st.last_checkpoint_epoch = last_checkpoint_epoch_;
    st.checkpoints_written = checkpoints_written_;
  }
  {
    std::lock_guard<std::mutex> lock(heartbeat_mu_);
    st.last_checkpoint_error = last_checkpoint_error_;
  }
  if (auto files = ListCheckpointFiles(env_, dir_); files.ok()) {
    for (const CheckpointFile& f : *files) {
      st.checkpoint_files.push_back(f.name);
      auto size = env_->GetFileSize(JoinPath(dir_, f.name));
      if (size.ok()) st.checkpoint_bytes += *size;
    }
  }
  st.log_first_index = log_->FirstIndex(kMetaShard);
  st.log_last_index = log_->LastIndex(kMetaShard);
  return st;
}

std::string MetaStore::DebugString() const {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return root_.Current()->DebugString() + const_cast<VersionManager&>(vm_).Pin()->DebugString();
}

}  // namespace silt::meta

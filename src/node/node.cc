// Node: the write path, flush, compaction, vacuum and replay (silt/node.h;
// the invariants are in docs/node_format.md).
//
// Locks, in the order they are taken:
//   TransactionManager's table lock  (delete, flush, load commit, compaction)
//   ShardState::write_mu             (log order of a shard's records)
//   TableState::publish_mu           (what a reader sees: memtables + Version)
// tables_mu_ and cache_mu_ are leaves, held only for map lookups.
#include "silt/node.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "common/durable_file.h"
#include "common/file_names.h"
#include "common/path.h"
#include "meta/meta_store.h"
#include "node/memtable.h"
#include "node/node_file_names.h"
#include "node/node_snapshot.h"
#include "node/row_codec.h"
#include "node/row_filter.h"
#include "node/transaction_manager.h"
#include "table/block_format.h"
#include "table/concat_iterator.h"
#include "table/delete_vector.h"
#include "table/merge_iterator.h"
#include "table/rowset_builder.h"
#include "table/rowset_reader.h"

namespace silt {
namespace node {
namespace {

using Clock = std::chrono::steady_clock;

// Payloads of one GetRange call during replay.
constexpr uint64_t kReplayChunkBytes = 64ull << 20;

struct TableState {
  TableRefId ref;
  std::string schema;
  std::string name;
  ShardId shard = 0;
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> sort_key;
  std::string dir;  // DATA/tables/s<schema>-t<table>

  std::mutex publish_mu;  // guards the fields below
  std::shared_ptr<MemTable> active;
  std::vector<std::shared_ptr<MemTable>> frozen;  // being flushed
};

struct ShardState {
  std::mutex write_mu;  // guards the fields below
  std::condition_variable applied_cv;
  uint64_t last_index = 0;  // the last index given to a record of the shard
  int pending = 0;          // records appended but not yet applied
  // A snapshot is reading the records from this index on: a flush must not
  // release them (0: none).
  uint64_t snapshot_keep_from = 0;
};

Status CheckRows(const TableState& ts, const RowBatch& rows) {
  if (rows.columns.size() != ts.columns.size()) {
    return Status::InvalidArgument(fmt::format("table {} has {} columns, the rows have {}", ts.name,
                                               ts.columns.size(), rows.columns.size()));
  }
  for (size_t c = 0; c < ts.columns.size(); ++c) {
    const ColumnDef& def = ts.columns[c];
    const ColumnVector& v = rows.columns[c];
    if (!v.type().SameValues(def.type)) {
      return Status::InvalidArgument(fmt::format("column '{}' is {}, the rows hold {}", def.name,
                                                 def.type.ToString(), v.type().ToString()));
    }
    if (v.size() != rows.rows) {
      return Status::InvalidArgument(
          fmt::format("column '{}' has {} values for {} rows", def.name, v.size(), rows.rows));
    }
    if (!def.type.nullable() && v.has_nulls()) {
      return Status::InvalidArgument(fmt::format("null in not-null column '{}'", def.name));
    }
  }
  return Status::OK();
}

// Bytes of the files in a rowset directory.
Result<uint64_t> DirBytes(Env* env, const std::string& dir) {
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(dir));
  uint64_t bytes = 0;
  for (const std::string& n : names) {
    SILT_ASSIGN_OR_RETURN(uint64_t size, env->GetFileSize(JoinPath(dir, n)));
    bytes += size;
  }
  return bytes;
}

class NodeImpl;

class Loader final : public TableLoader {
 public:
  Loader(NodeImpl* node, std::shared_ptr<TableState> ts) : node_(node), ts_(std::move(ts)) {}
  ~Loader() override;
  Status Add(const RowBatch& rows) override;
  Result<uint64_t> Commit() override;
  uint64_t rows_added() const override { return rows_; }

 private:
  Status FinishRowSet();
  Status WriteBuffer();

  NodeImpl* node_;
  std::shared_ptr<TableState> ts_;
  std::unique_ptr<RowSetBuilder> builder_;  // tables without a sort key
  std::unique_ptr<MemTable> buffer_;        // tables with one
  uint64_t builder_id_ = 0;
  std::vector<meta::RowSetMeta> written_;
  uint64_t rows_ = 0;
  Status error_;
  bool committed_ = false;
};

class NodeImpl final : public Node {
 public:
  NodeImpl(std::string dir, const NodeOptions& options)
      : env_(options.env != nullptr ? options.env : Env::Default()),
        options_(options),
        dir_(std::move(dir)),
        tables_dir_(JoinPath(dir_, kTablesDirName)) {}
  ~NodeImpl() override;

  Status OpenImpl();

  Result<TableRefId> CreateTable(std::string_view schema, std::string_view name,
                                 const std::vector<ColumnDef>& columns,
                                 const std::vector<std::string>& sort_key) override;
  Status CreateSchema(std::string_view name) override;
  Status DropTable(std::string_view schema, std::string_view name) override;
  Result<TableStatus> DescribeTable(std::string_view schema, std::string_view name,
                                    bool encodings) override;
  Status Insert(std::string_view schema, std::string_view table, const RowBatch& rows) override;
  Result<uint64_t> Delete(std::string_view schema, std::string_view table,
                          std::string_view where) override;
  Result<std::unique_ptr<TableLoader>> BeginLoad(std::string_view schema,
                                                 std::string_view table) override;
  Result<QueryResult> Query(std::string_view schema, std::string_view table,
                            std::string_view sql) override;
  Status Flush() override;
  Status FlushTable(std::string_view schema, std::string_view table) override;
  Result<CompactionResult> Compact(std::string_view schema, std::string_view table) override;
  Result<uint64_t> Vacuum() override;
  Result<NodeStatus> GetStatus() override;
  Result<NodeSnapshotResult> Snapshot(SnapshotStore& store,
                                      const NodeSnapshotOptions& options) override;
  const NodeOpenStats& open_stats() const override { return open_stats_; }
  LogStore& log() override { return *log_; }
  meta::MetaStore& meta() override { return *meta_; }

  // For Loader.
  const NodeOptions& options() const { return options_; }
  Env* env() const { return env_; }
  Result<meta::RowSetMeta> BuildRowSet(const TableState& ts, uint64_t id,
                                       const std::vector<RowBatch>& batches);
  Result<std::unique_ptr<RowSetBuilder>> StartRowSet(const TableState& ts, uint64_t id);
  Result<meta::RowSetMeta> FinishRowSet(const TableState& ts, uint64_t id, RowSetBuilder* b);
  uint64_t NewRowSetId() { return meta_->versions().NewRowSetId(); }
  // Flushes the shard's MemTables and commits `extra` rowsets of `load_table`
  // with them, in one metadata commit.
  Status FlushShard(ShardId shard, const std::vector<meta::RowSetMeta>* extra = nullptr,
                    TableRefId load_table = {});

 private:
  Result<std::shared_ptr<TableState>> Find(std::string_view schema, std::string_view table);
  std::shared_ptr<ShardState> Shard(ShardId shard);
  std::shared_ptr<TableState> MakeState(const TableCatalog& t, const std::string& schema);
  std::vector<std::shared_ptr<TableState>> TablesOfShard(ShardId shard);
  Status EnsureTableDir(const TableState& ts);

  Result<std::shared_ptr<RowSetReader>> GetReader(const TableState& ts, const meta::RowSetMeta& rs);
  // The union of the rowset's delete vectors; null if it has none.
  Result<std::shared_ptr<const DeleteVector>> DeletedRows(const TableState& ts,
                                                          const meta::TableVersion& tv,
                                                          uint64_t rowset_id);

  // Applies a delete whose record is durable (the caller holds the table
  // lock and the shard's write_mu, and every earlier record is applied).
  Result<uint64_t> ApplyDelete(TableState& ts, RowFilter& filter);
  Result<CompactionResult> CompactTable(const std::shared_ptr<TableState>& ts, bool wait);
  Status Replay();
  Status RemoveOrphans();
  Result<uint64_t> VacuumLocked();
  // The state a snapshot records (see Snapshot).
  Result<NodeCapture> Capture(const std::set<ShardId>& shards);
  void BackgroundLoop();
  void NoteBackgroundError(const Status& s);

  Env* const env_;
  const NodeOptions options_;
  const std::string dir_;
  const std::string tables_dir_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<LogStore> log_;
  std::unique_ptr<meta::MetaStore> meta_;
  TransactionManager txm_;
  NodeOpenStats open_stats_;

  std::mutex ddl_mu_;  // serializes CreateTable / DropTable / CreateSchema

  std::mutex tables_mu_;  // guards the maps below
  std::map<TableRefId, std::shared_ptr<TableState>> tables_;
  std::map<ShardId, std::shared_ptr<ShardState>> shards_;

  std::mutex cache_mu_;                                          // guards the caches below
  std::map<uint64_t, std::shared_ptr<RowSetReader>> readers_;    // by rowset id
  std::map<uint64_t, std::shared_ptr<const DeleteVector>> dvs_;  // by DV id

  std::mutex vacuum_mu_;
  std::mutex snapshot_mu_;  // one snapshot at a time
  std::atomic<uint64_t> files_vacuumed_{0};
  std::atomic<uint64_t> flushes_{0};
  std::atomic<uint64_t> compactions_{0};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool stopping_ = false;
  std::string background_error_;  // guarded by bg_mu_
  std::thread background_;
};

// ---------------------------------------------------------------------------
// Open, replay, orphans

NodeImpl::~NodeImpl() {
  {
    std::lock_guard lock(bg_mu_);
    stopping_ = true;
  }
  bg_cv_.notify_all();
  if (background_.joinable()) background_.join();
  meta_.reset();
  log_.reset();
}

Status NodeImpl::OpenImpl() {
  const auto start = Clock::now();
  SILT_RETURN_IF_ERROR(env_->CreateDirs(dir_));
  SILT_ASSIGN_OR_RETURN(lock_, env_->LockFile(JoinPath(dir_, kLockFileName)));
  const std::string id_path = JoinPath(dir_, kNodeIdFileName);
  if (!env_->FileExists(id_path)) {
    // A random id, so that snapshots of different nodes in one store (or of
    // a node restored from another) are never taken for one another.
    std::random_device rd;
    const std::string id = fmt::format("{:08x}{:08x}{:08x}{:08x}", rd(), rd(), rd(), rd());
    SILT_RETURN_IF_ERROR(WriteFileDurably(env_, id_path, id));
  }
  SILT_RETURN_IF_ERROR(env_->CreateDirs(tables_dir_));
  LogOptions lo;
  lo.env = env_;
  lo.segment_size = options_.log_segment_size;
  SILT_ASSIGN_OR_RETURN(log_, LogStore::Open(JoinPath(dir_, kLogDirName), lo));
  meta::MetaOptions mo;
  mo.env = env_;
  mo.checkpoint_delta = options_.checkpoint_delta;
  mo.sync = true;  // metadata commits (flushes, loads, DDL) are always durable
  if (options_.background_interval.count() == 0) mo.heartbeat = std::chrono::milliseconds(0);
  SILT_ASSIGN_OR_RETURN(meta_, meta::MetaStore::Open(JoinPath(dir_, kMetaDirName), log_.get(), mo));
  if (!meta_->catalog().GetSchemaIdByName(kDefaultSchema).ok()) {
    SILT_RETURN_IF_ERROR(meta_->CreateSchema(kDefaultSchema).status());
  }
  for (const auto& schema : meta_->catalog().Current()->AllSchemas()) {
    for (const auto& t : schema->AllTables()) {
      auto ts = MakeState(*t, schema->name());
      tables_[ts->ref] = ts;
    }
  }
  SILT_RETURN_IF_ERROR(RemoveOrphans());
  SILT_RETURN_IF_ERROR(Replay());
  open_stats_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (options_.background_interval.count() > 0) {
    background_ = std::thread([this] { BackgroundLoop(); });
  }
  return Status::OK();
}

std::shared_ptr<TableState> NodeImpl::MakeState(const TableCatalog& t, const std::string& schema) {
  auto ts = std::make_shared<TableState>();
  ts->ref = t.ref();
  ts->schema = schema;
  ts->name = t.name();
  ts->shard = t.shard();
  for (const ColumnCatalog& c : t.columns()) ts->columns.push_back(ColumnDef{c.name, c.type});
  for (ColumnId id : t.ordered_pk_ids()) ts->sort_key.push_back(id);
  ts->dir = JoinPath(tables_dir_, TableDirName(ts->ref));
  ts->active = std::make_shared<MemTable>(ts->columns);
  return ts;
}

std::shared_ptr<ShardState> NodeImpl::Shard(ShardId shard) {
  std::lock_guard lock(tables_mu_);
  auto& s = shards_[shard];
  if (!s) {
    s = std::make_shared<ShardState>();
    s->last_index = std::max(log_->LastIndex(shard), meta_->versions().Pin()->SafeId(shard));
  }
  return s;
}

std::vector<std::shared_ptr<TableState>> NodeImpl::TablesOfShard(ShardId shard) {
  std::lock_guard lock(tables_mu_);
  std::vector<std::shared_ptr<TableState>> out;
  for (const auto& [ref, ts] : tables_) {
    if (ts->shard == shard) out.push_back(ts);
  }
  return out;
}

Status NodeImpl::RemoveOrphans() {
  auto version = meta_->versions().Pin();
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> names, env_->ListDir(tables_dir_));
  bool removed_table_dir = false;
  for (const std::string& name : names) {
    const std::string path = JoinPath(tables_dir_, name);
    TableRefId ref;
    auto tv = ParseTableDirName(name, &ref)
                  ? version->GetTable(ref)
                  : Result<std::shared_ptr<const meta::TableVersion>>(Status::NotFound(name));
    if (!tv.ok()) {
      SILT_RETURN_IF_ERROR(env_->RemoveAll(path));
      ++open_stats_.orphan_files_removed;
      removed_table_dir = true;
      continue;
    }
    std::set<std::string> live;
    for (const auto& [id, rs] : (*tv)->rowsets) live.insert(rs.name);
    for (const auto& [id, dv] : (*tv)->dvs) live.insert(dv.name);
    SILT_ASSIGN_OR_RETURN(std::vector<std::string> files, env_->ListDir(path));
    bool removed = false;
    for (const std::string& f : files) {
      if (live.count(f) != 0) continue;
      SILT_RETURN_IF_ERROR(env_->RemoveAll(JoinPath(path, f)));
      ++open_stats_.orphan_files_removed;
      removed = true;
    }
    if (removed) SILT_RETURN_IF_ERROR(env_->SyncDir(path));
  }
  if (removed_table_dir) SILT_RETURN_IF_ERROR(env_->SyncDir(tables_dir_));
  // Files the metadata has already dropped (vacuum is not persisted: a
  // crash before it ran leaves them) are among the orphans just removed.
  meta_->versions().TakeDeletableFiles();
  return Status::OK();
}

Status NodeImpl::Replay() {
  std::set<ShardId> shards;
  for (const auto& [ref, ts] : tables_) shards.insert(ts->shard);
  auto columns_of = [this](TableRefId ref) -> Result<std::vector<ColumnDef>> {
    auto it = tables_.find(ref);
    if (it == tables_.end()) return Status::NotFound(ref.ToString());
    return it->second->columns;
  };
  for (ShardId shard : shards) {
    const uint64_t safe = meta_->versions().Pin()->SafeId(shard);
    const uint64_t first = log_->FirstIndex(shard);
    const uint64_t last = log_->LastIndex(shard);
    if (last < safe) {
      // Everything is in rowsets and the log was released past it (or lost
      // unsynced tail records that a flush covered): restart the group
      // after the safe id so appends stay contiguous.
      SILT_RETURN_IF_ERROR(log_->Reset(shard, safe + 1));
    } else if (first > safe + 1) {
      return Status::Corruption(
          fmt::format("shard {}: the log starts at index {} but the rowsets end at the safe id {}: "
                      "records {}..{} are missing",
                      shard, first, safe, safe + 1, first - 1));
    }
    Shard(shard);  // its last_index
    for (uint64_t from = safe + 1; from <= last;) {
      SILT_ASSIGN_OR_RETURN(std::vector<LogEntry> entries,
                            log_->GetRange(shard, from, last, kReplayChunkBytes));
      for (const LogEntry& e : entries) {
        const std::string where = fmt::format("log group {} index {}", shard, e.index);
        ShardRecord rec;
        Status s = DecodeShardRecord(e.payload, columns_of, where, &rec);
        if (s.IsNotFound()) continue;  // a record of a dropped table
        SILT_RETURN_IF_ERROR(s);
        auto it = tables_.find(rec.table);
        if (it == tables_.end()) continue;
        TableState& ts = *it->second;
        ++open_stats_.records_replayed;
        if (rec.kind == RecordKind::kInsert) {
          open_stats_.rows_replayed += rec.rows.rows;
          ts.active->Append(rec.rows);
        } else {
          auto filter = RowFilter::Make(rec.where, ts.columns);
          if (!filter.ok()) {
            return Status::Corruption(fmt::format("{}: delete predicate no longer binds: {}", where,
                                                  filter.status().message()));
          }
          SILT_RETURN_IF_ERROR(ApplyDelete(ts, **filter).status());
        }
      }
      if (entries.empty()) break;
      from = entries.back().index + 1;
    }
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------
// Tables

Result<std::shared_ptr<TableState>> NodeImpl::Find(std::string_view schema,
                                                   std::string_view table) {
  if (schema.empty()) schema = kDefaultSchema;
  auto ref = meta_->catalog().GetTableIdByName(schema, table);
  if (!ref.ok()) {
    if (!meta_->catalog().GetSchemaIdByName(schema).ok()) {
      return Status::NotFound(fmt::format("no schema named '{}'", schema));
    }
    return Status::NotFound(fmt::format("no table named '{}' in schema '{}'", table, schema));
  }
  std::lock_guard lock(tables_mu_);
  auto it = tables_.find(*ref);
  if (it == tables_.end()) {
    return Status::NotFound(fmt::format("no table named '{}' in schema '{}'", table, schema));
  }
  return it->second;
}

Status NodeImpl::CreateSchema(std::string_view name) {
  std::lock_guard ddl(ddl_mu_);
  return meta_->CreateSchema(name).status();
}

Result<TableRefId> NodeImpl::CreateTable(std::string_view schema, std::string_view name,
                                         const std::vector<ColumnDef>& columns,
                                         const std::vector<std::string>& sort_key) {
  if (schema.empty()) schema = kDefaultSchema;
  std::vector<ColumnId> key;
  for (const std::string& k : sort_key) {
    auto it = std::find_if(columns.begin(), columns.end(),
                           [&](const ColumnDef& c) { return c.name == k; });
    if (it == columns.end()) {
      return Status::InvalidArgument(fmt::format("sort key column '{}' is not a column", k));
    }
    const auto id = static_cast<ColumnId>(it - columns.begin());
    if (std::find(key.begin(), key.end(), id) != key.end()) {
      return Status::InvalidArgument(fmt::format("sort key column '{}' given twice", k));
    }
    key.push_back(id);
  }
  std::lock_guard ddl(ddl_mu_);
  if (!meta_->catalog().GetSchemaIdByName(schema).ok()) {
    return Status::NotFound(fmt::format("no schema named '{}'", schema));
  }
  // A shard of its own: above every shard a table, a safe id or the log has used.
  ShardId shard = 1;
  for (uint64_t g : log_->Groups()) shard = std::max<ShardId>(shard, g + 1);
  for (const auto& [s, id] : meta_->versions().Pin()->safe_ids()) shard = std::max(shard, s + 1);
  {
    std::lock_guard lock(tables_mu_);
    for (const auto& [ref, ts] : tables_) shard = std::max(shard, ts->shard + 1);
  }
  SILT_ASSIGN_OR_RETURN(TableRefId ref,
                        meta_->CreateTable(schema, name, shard, columns, false, key));
  SILT_ASSIGN_OR_RETURN(auto t, meta_->catalog().GetTable(ref));
  auto ts = MakeState(*t, std::string(schema));
  SILT_RETURN_IF_ERROR(EnsureTableDir(*ts));
  std::lock_guard lock(tables_mu_);
  tables_[ref] = ts;
  return ref;
}

Status NodeImpl::DropTable(std::string_view schema, std::string_view name) {
  std::lock_guard ddl(ddl_mu_);
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, name));
  auto guard = txm_.LockForDeletion(ts->ref);
  SILT_RETURN_IF_ERROR(meta_->DropTable(ts->schema, ts->name));
  bool shard_shared = false;
  {
    std::lock_guard lock(tables_mu_);
    tables_.erase(ts->ref);
    for (const auto& [ref, other] : tables_) shard_shared |= other->shard == ts->shard;
  }
  if (!shard_shared) {
    // Release the shard's log: nothing in it is needed any more.
    auto shard = Shard(ts->shard);
    std::lock_guard w(shard->write_mu);
    const uint64_t last = log_->LastIndex(ts->shard);
    if (log_->FirstIndex(ts->shard) <= last) {
      SILT_RETURN_IF_ERROR(log_->TruncatePrefix(ts->shard, last + 1, false));
    }
  }
  return Vacuum().status();
}

Status NodeImpl::EnsureTableDir(const TableState& ts) {
  if (env_->FileExists(ts.dir)) return Status::OK();
  Status s = env_->CreateDir(ts.dir);
  if (!s.ok() && env_->FileExists(ts.dir)) return Status::OK();  // made by another thread
  SILT_RETURN_IF_ERROR(s);
  return env_->SyncDir(tables_dir_);
}

// ---------------------------------------------------------------------------
// Writes

Status NodeImpl::Insert(std::string_view schema, std::string_view table, const RowBatch& rows) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  SILT_RETURN_IF_ERROR(CheckRows(*ts, rows));
  if (rows.rows == 0) return Status::OK();
  std::string payload;
  EncodeInsert(ts->ref, rows, &payload);
  auto shard = Shard(ts->shard);
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> durable = done->get_future();
  {
    std::lock_guard w(shard->write_mu);
    LogBatch batch;
    batch.Add(ts->shard, shard->last_index + 1, 1, std::move(payload));
    ++shard->last_index;
    ++shard->pending;
    log_->AppendAsync(std::move(batch), options_.sync, [done](Status s) { done->set_value(s); });
  }
  Status s = durable.get();
  uint64_t mem_bytes = 0;
  if (s.ok()) {
    std::shared_ptr<MemTable> mem;
    {
      std::lock_guard p(ts->publish_mu);
      mem = ts->active;
    }
    mem->Append(rows);
    mem_bytes = mem->bytes();
  }
  {
    std::lock_guard w(shard->write_mu);
    --shard->pending;
  }
  shard->applied_cv.notify_all();
  if (s.ok() && mem_bytes >= options_.memtable_bytes) bg_cv_.notify_all();
  return s;
}

Result<uint64_t> NodeImpl::Delete(std::string_view schema, std::string_view table,
                                  std::string_view where) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  SILT_ASSIGN_OR_RETURN(auto filter, RowFilter::Make(where, ts->columns));
  auto guard = txm_.LockForDeletion(ts->ref);
  auto shard = Shard(ts->shard);
  std::unique_lock w(shard->write_mu);
  std::string payload;
  EncodeDelete(ts->ref, where, &payload);
  LogBatch batch;
  batch.Add(ts->shard, shard->last_index + 1, 1, std::move(payload));
  SILT_RETURN_IF_ERROR(log_->Append(batch, options_.sync));
  ++shard->last_index;
  shard->applied_cv.wait(w, [&] { return shard->pending == 0; });
  return ApplyDelete(*ts, *filter);
}

Result<uint64_t> NodeImpl::ApplyDelete(TableState& ts, RowFilter& filter) {
  uint64_t count = 0;
  meta::VersionEdit edit;
  std::vector<std::string> written;
  auto version = meta_->versions().Pin();
  SILT_ASSIGN_OR_RETURN(auto tv, version->GetTable(ts.ref));
  ScanOptions scan_options;
  scan_options.columns = filter.columns_read();
  if (scan_options.columns.empty()) scan_options.columns.push_back(0);
  for (const auto& [id, rs] : tv->rowsets) {
    SILT_ASSIGN_OR_RETURN(auto reader, GetReader(ts, rs));
    SILT_ASSIGN_OR_RETURN(auto deleted, DeletedRows(ts, *tv, id));
    SILT_ASSIGN_OR_RETURN(auto scan, reader->NewScan(scan_options));
    DeleteVector matches;
    uint64_t first = 0;
    RowBatch batch;
    while (true) {
      SILT_ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
      if (!more) break;
      SILT_RETURN_IF_ERROR(filter.MatchProjected(batch, first, deleted.get(), &matches));
      first += batch.rows;
    }
    if (matches.empty()) continue;
    count += matches.Cardinality();
    SILT_RETURN_IF_ERROR(EnsureTableDir(ts));
    const uint64_t dv_id = meta_->versions().NewDVId();
    const std::string name = DVFileName(dv_id);
    SILT_RETURN_IF_ERROR(
        WriteDeleteVectorFile(env_, JoinPath(ts.dir, name), id, reader->row_count(), matches));
    written.push_back(JoinPath(ts.dir, name));
    edit.AddDV(ts.ref, meta::DVMeta{dv_id, id, name});
  }
  // The MemTables' part.
  std::vector<std::shared_ptr<MemTable>> mems;
  {
    std::lock_guard p(ts.publish_mu);
    mems = ts.frozen;
    mems.push_back(ts.active);
  }
  std::vector<std::vector<DeleteVector>> mem_matches(mems.size());
  for (size_t m = 0; m < mems.size(); ++m) {
    const MemTable::View view = mems[m]->GetView();
    mem_matches[m].resize(view.chunks.size());
    for (size_t k = 0; k < view.chunks.size(); ++k) {
      SILT_RETURN_IF_ERROR(
          filter.Match(*view.chunks[k].rows, 0, view.chunks[k].deleted.get(), &mem_matches[m][k]));
    }
  }
  std::lock_guard p(ts.publish_mu);
  if (!edit.empty()) {
    auto committed = meta_->Commit(edit);
    if (!committed.ok()) {
      for (const std::string& path : written) (void)env_->RemoveFile(path);
      return committed.status();
    }
  }
  for (size_t m = 0; m < mems.size(); ++m) count += mems[m]->Delete(mem_matches[m]);
  return count;
}

// ---------------------------------------------------------------------------
// Rowsets: building, reading, flushing

Result<std::unique_ptr<RowSetBuilder>> NodeImpl::StartRowSet(const TableState& ts, uint64_t id) {
  SILT_RETURN_IF_ERROR(EnsureTableDir(ts));
  RowSetBuilderOptions o;
  o.sort_key = ts.sort_key;
  o.rowset_id = id;
  return RowSetBuilder::Create(env_, JoinPath(ts.dir, RowSetDirName(id)), ts.columns, o);
}

Result<meta::RowSetMeta> NodeImpl::FinishRowSet(const TableState& ts, uint64_t id,
                                                RowSetBuilder* b) {
  SILT_ASSIGN_OR_RETURN(RowSetMeta written, b->Finish());
  meta::RowSetMeta rs;
  rs.id = id;
  rs.name = RowSetDirName(id);
  rs.rows = written.row_count;
  SILT_ASSIGN_OR_RETURN(rs.bytes, DirBytes(env_, JoinPath(ts.dir, rs.name)));
  return rs;
}

Result<meta::RowSetMeta> NodeImpl::BuildRowSet(const TableState& ts, uint64_t id,
                                               const std::vector<RowBatch>& batches) {
  SILT_ASSIGN_OR_RETURN(auto b, StartRowSet(ts, id));
  for (const RowBatch& batch : batches) SILT_RETURN_IF_ERROR(b->Add(batch.columns));
  return FinishRowSet(ts, id, b.get());
}

Result<std::shared_ptr<RowSetReader>> NodeImpl::GetReader(const TableState& ts,
                                                          const meta::RowSetMeta& rs) {
  {
    std::lock_guard lock(cache_mu_);
    auto it = readers_.find(rs.id);
    if (it != readers_.end()) return it->second;
  }
  SILT_ASSIGN_OR_RETURN(std::unique_ptr<RowSetReader> r,
                        RowSetReader::Open(env_, JoinPath(ts.dir, rs.name)));
  std::shared_ptr<RowSetReader> reader = std::move(r);
  std::lock_guard lock(cache_mu_);
  return readers_.emplace(rs.id, reader).first->second;
}

Result<std::shared_ptr<const DeleteVector>> NodeImpl::DeletedRows(const TableState& ts,
                                                                  const meta::TableVersion& tv,
                                                                  uint64_t rowset_id) {
  std::vector<std::shared_ptr<const DeleteVector>> parts;
  for (const auto& [id, dv] : tv.dvs) {
    if (dv.rowset_id != rowset_id) continue;
    std::shared_ptr<const DeleteVector> part;
    {
      std::lock_guard lock(cache_mu_);
      auto it = dvs_.find(id);
      if (it != dvs_.end()) part = it->second;
    }
    if (!part) {
      const std::string path = JoinPath(ts.dir, dv.name);
      SILT_ASSIGN_OR_RETURN(auto decoded, ReadDeleteVectorFile(env_, path));
      if (decoded.rowset_id != rowset_id) {
        return Status::Corruption(fmt::format("{}: delete vector of rowset {}, expected {}", path,
                                              decoded.rowset_id, rowset_id));
      }
      part = std::make_shared<const DeleteVector>(std::move(decoded.rows));
      std::lock_guard lock(cache_mu_);
      dvs_.emplace(id, part);
    }
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return std::shared_ptr<const DeleteVector>();
  if (parts.size() == 1) return parts[0];
  auto all = std::make_shared<DeleteVector>(*parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) all->UnionWith(*parts[i]);
  return std::shared_ptr<const DeleteVector>(std::move(all));
}

Status NodeImpl::FlushShard(ShardId shard_id, const std::vector<meta::RowSetMeta>* extra,
                            TableRefId load_table) {
  auto tables = TablesOfShard(shard_id);
  std::vector<TransactionManager::Guard> guards;
  for (const auto& ts : tables) guards.push_back(txm_.LockForDeletion(ts->ref));
  auto shard = Shard(shard_id);
  uint64_t last = 0;
  {
    std::unique_lock w(shard->write_mu);
    shard->applied_cv.wait(w, [&] { return shard->pending == 0; });
    last = shard->last_index;
    for (const auto& ts : tables) {
      std::lock_guard p(ts->publish_mu);
      if (ts->active->empty()) continue;
      ts->frozen.push_back(ts->active);
      ts->active = std::make_shared<MemTable>(ts->columns);
    }
  }
  const uint64_t safe = meta_->versions().Pin()->SafeId(shard_id);
  meta::VersionEdit edit;
  std::vector<std::string> built;
  std::vector<size_t> flushed(tables.size(), 0);
  Status s;
  for (size_t t = 0; t < tables.size() && s.ok(); ++t) {
    TableState& ts = *tables[t];
    std::vector<std::shared_ptr<MemTable>> frozen;
    {
      std::lock_guard p(ts.publish_mu);
      frozen = ts.frozen;
    }
    flushed[t] = frozen.size();
    for (const auto& mem : frozen) {
      const MemTable::View view = mem->GetView();
      if (view.rows == view.deleted_rows) continue;
      const std::vector<RowBatch> rows =
          SortedLiveRows(view, ts.columns, ts.sort_key, ColumnVector::kBatchRows);
      const uint64_t id = NewRowSetId();
      built.push_back(JoinPath(ts.dir, RowSetDirName(id)));
      auto rs = BuildRowSet(ts, id, rows);
      if (!rs.ok()) {
        s = rs.status();
        break;
      }
      edit.AddRowSet(ts.ref, *rs);
    }
  }
  if (s.ok() && extra != nullptr) {
    for (const meta::RowSetMeta& rs : *extra) edit.AddRowSet(load_table, rs);
  }
  if (s.ok() && last > safe) edit.SetSafeId(shard_id, last);
  if (s.ok() && !edit.empty()) {
    std::vector<std::unique_lock<std::mutex>> publish;
    for (const auto& ts : tables) publish.emplace_back(ts->publish_mu);
    s = meta_->Commit(edit).status();
    if (s.ok()) {
      for (size_t t = 0; t < tables.size(); ++t) {
        auto& f = tables[t]->frozen;
        f.erase(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(flushed[t]));
      }
    }
  } else if (s.ok()) {
    for (size_t t = 0; t < tables.size(); ++t) {
      std::lock_guard p(tables[t]->publish_mu);
      auto& f = tables[t]->frozen;
      f.erase(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(flushed[t]));
    }
  }
  if (!s.ok()) {
    // The frozen MemTables stay (readable, flushed by the next attempt);
    // rowsets built for them are orphans.
    for (const std::string& dir : built) (void)env_->RemoveAll(dir);
    return s;
  }
  ++flushes_;
  // The records up to `last` are in rowsets now: release them, but those a
  // snapshot is reading only once it is done (under write_mu, which it
  // holds while it notes where it reads from).
  if (last > safe) {
    std::lock_guard w(shard->write_mu);
    uint64_t keep = last + 1;
    if (shard->snapshot_keep_from != 0) keep = std::min(keep, shard->snapshot_keep_from);
    if (log_->FirstIndex(shard_id) < keep) {
      SILT_RETURN_IF_ERROR(log_->TruncatePrefix(shard_id, keep, false));
    }
  }
  return Status::OK();
}

Status NodeImpl::Flush() {
  std::set<ShardId> shards;
  {
    std::lock_guard lock(tables_mu_);
    for (const auto& [ref, ts] : tables_) shards.insert(ts->shard);
  }
  for (ShardId s : shards) SILT_RETURN_IF_ERROR(FlushShard(s));
  return Status::OK();
}

Status NodeImpl::FlushTable(std::string_view schema, std::string_view table) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  return FlushShard(ts->shard);
}

// ---------------------------------------------------------------------------
// Snapshots

Result<NodeSnapshotResult> NodeImpl::Snapshot(SnapshotStore& store,
                                              const NodeSnapshotOptions& options) {
  std::lock_guard snap(snapshot_mu_);
  const auto start = Clock::now();
  std::set<ShardId> shards;
  {
    std::lock_guard lock(tables_mu_);
    for (const auto& [ref, ts] : tables_) {
      if (!options.shard || ts->shard == *options.shard) shards.insert(ts->shard);
    }
  }
  if (options.shard && shards.empty()) {
    return Status::NotFound(fmt::format("no table is in shard {}", *options.shard));
  }
  if (options.flush) {
    for (ShardId s : shards) SILT_RETURN_IF_ERROR(FlushShard(s));
  }
  SILT_ASSIGN_OR_RETURN(NodeCapture capture, Capture(shards));
  capture.shard = options.shard;
  auto result = WriteNodeSnapshot(store, env_, dir_, capture, options.full);
  if (result.ok()) result->seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

// Pins the Version and notes each shard's last log index at one moment, with
// every write_mu of the shards held: no record of theirs is being appended
// and every one appended is applied (so durable), and no delete is half
// done (a delete holds write_mu until its DVs are committed). The records
// after each safe id up to that index are then read without the locks; a
// flush meanwhile keeps them (snapshot_keep_from).
Result<NodeCapture> NodeImpl::Capture(const std::set<ShardId>& shards) {
  NodeCapture capture;
  std::vector<std::shared_ptr<ShardState>> states;
  for (ShardId s : shards) states.push_back(Shard(s));
  {
    const auto t0 = Clock::now();
    std::vector<std::unique_lock<std::mutex>> locks;
    for (auto& state : states) {
      locks.emplace_back(state->write_mu);
      state->applied_cv.wait(locks.back(), [&] { return state->pending == 0; });
    }
    meta::MetaStore::PinnedState pinned = meta_->PinState();
    capture.catalog = std::move(pinned.catalog);
    capture.version = std::move(pinned.version);
    size_t i = 0;
    for (ShardId s : shards) {
      ShardState& state = *states[i++];
      const uint64_t safe = capture.version->SafeId(s);
      ShardTail tail{s, safe, std::max(safe, state.last_index), {}};
      if (tail.last_index > safe) state.snapshot_keep_from = safe + 1;
      capture.tails.push_back(std::move(tail));
    }
    capture.capture_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  Status st;
  for (ShardTail& tail : capture.tails) {
    for (uint64_t from = tail.safe_id + 1; st.ok() && from <= tail.last_index;) {
      auto entries = log_->GetRange(tail.shard, from, tail.last_index, kReplayChunkBytes);
      if (!entries.ok()) {
        st = entries.status();
      } else if (entries->empty()) {
        st = Status::Corruption(fmt::format("shard {}: log records {}..{} are missing", tail.shard,
                                            from, tail.last_index));
      } else {
        from = entries->back().index + 1;
        for (LogEntry& e : *entries) tail.entries.push_back(std::move(e));
      }
    }
  }
  for (auto& state : states) {
    std::lock_guard w(state->write_mu);
    state->snapshot_keep_from = 0;
  }
  SILT_RETURN_IF_ERROR(st);
  return capture;
}

// ---------------------------------------------------------------------------
// Bulk loads

Loader::~Loader() {
  if (committed_) return;
  builder_.reset();  // removes its .tmp directory
  for (const auto& rs : written_) (void)node_->env()->RemoveAll(JoinPath(ts_->dir, rs.name));
}

Status Loader::FinishRowSet() {
  if (!builder_) return Status::OK();
  auto b = std::move(builder_);
  if (b->rows_added() == 0) return Status::OK();
  SILT_ASSIGN_OR_RETURN(auto rs, node_->FinishRowSet(*ts_, builder_id_, b.get()));
  written_.push_back(std::move(rs));
  return Status::OK();
}

Status Loader::WriteBuffer() {
  if (!buffer_ || buffer_->empty()) return Status::OK();
  const auto rows =
      SortedLiveRows(buffer_->GetView(), ts_->columns, ts_->sort_key, ColumnVector::kBatchRows);
  buffer_ = std::make_unique<MemTable>(ts_->columns);
  const uint64_t id = node_->NewRowSetId();
  SILT_ASSIGN_OR_RETURN(auto rs, node_->BuildRowSet(*ts_, id, rows));
  written_.push_back(std::move(rs));
  return Status::OK();
}

Status Loader::Add(const RowBatch& rows) {
  SILT_RETURN_IF_ERROR(error_);
  if (committed_) return Status::InvalidArgument("the load is committed");
  error_ = CheckRows(*ts_, rows);
  SILT_RETURN_IF_ERROR(error_);
  if (rows.rows == 0) return Status::OK();
  if (!ts_->sort_key.empty()) {
    if (!buffer_) buffer_ = std::make_unique<MemTable>(ts_->columns);
    buffer_->Append(rows);
    if (buffer_->bytes() >= node_->options().memtable_bytes) error_ = WriteBuffer();
  } else {
    if (!builder_) {
      builder_id_ = node_->NewRowSetId();
      auto b = node_->StartRowSet(*ts_, builder_id_);
      if (!b.ok()) return error_ = b.status();
      builder_ = std::move(*b);
      // Encoding runs on a worker thread while the caller produces the next
      // rows (CsvReader parses the next batch): most of a load's time.
      builder_->StartBackgroundEncoding();
    }
    error_ = builder_->Add(rows.columns);
    if (error_.ok() && builder_->rows_added() >= node_->options().load_rowset_rows) {
      error_ = FinishRowSet();
    }
  }
  if (error_.ok()) rows_ += rows.rows;
  return error_;
}

Result<uint64_t> Loader::Commit() {
  SILT_RETURN_IF_ERROR(error_);
  if (committed_) return Status::InvalidArgument("the load is already committed");
  error_ = FinishRowSet();
  if (error_.ok()) error_ = WriteBuffer();
  SILT_RETURN_IF_ERROR(error_);
  // Through a flush of the shard, so that the safe id moves past every
  // record before the load: a replayed delete never sees the loaded rows.
  error_ = node_->FlushShard(ts_->shard, &written_, ts_->ref);
  SILT_RETURN_IF_ERROR(error_);
  committed_ = true;
  return rows_;
}

Result<std::unique_ptr<TableLoader>> NodeImpl::BeginLoad(std::string_view schema,
                                                         std::string_view table) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  return std::unique_ptr<TableLoader>(std::make_unique<Loader>(this, ts));
}

// ---------------------------------------------------------------------------
// Reads

Result<QueryResult> NodeImpl::Query(std::string_view schema, std::string_view table,
                                    std::string_view sql) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  std::vector<MemTable::View> views;
  std::shared_ptr<const meta::Version> version;
  {
    std::lock_guard p(ts->publish_mu);
    for (const auto& mem : ts->frozen) views.push_back(mem->GetView());
    views.push_back(ts->active->GetView());
    version = meta_->versions().Pin();
  }
  SILT_ASSIGN_OR_RETURN(auto tv, version->GetTable(ts->ref));
  std::vector<std::shared_ptr<RowSetReader>> readers;
  std::vector<std::shared_ptr<const DeleteVector>> deleted;
  std::vector<QuerySource> sources;
  for (const auto& [id, rs] : tv->rowsets) {
    SILT_ASSIGN_OR_RETURN(auto reader, GetReader(*ts, rs));
    SILT_ASSIGN_OR_RETURN(auto dv, DeletedRows(*ts, *tv, id));
    QuerySource src;
    src.rowset = reader.get();
    src.extra_deleted = dv.get();
    sources.push_back(src);
    readers.push_back(std::move(reader));
    deleted.push_back(std::move(dv));
  }
  for (const MemTable::View& view : views) {
    for (const MemTable::Chunk& chunk : view.chunks) {
      QuerySource src;
      src.batch = chunk.rows.get();
      src.batch_deleted = chunk.deleted.get();
      sources.push_back(src);
    }
  }
  return RunQuery(sql, ts->columns, sources);
}

// ---------------------------------------------------------------------------
// Compaction and vacuum

Result<CompactionResult> NodeImpl::CompactTable(const std::shared_ptr<TableState>& ts, bool wait) {
  CompactionResult result;
  TransactionManager::Guard guard;
  if (wait) {
    guard = txm_.LockForCompaction(ts->ref);
  } else {
    auto g = txm_.TryLockForCompaction(ts->ref);
    if (!g) return result;  // busy: try again later
    guard = std::move(*g);
  }
  auto version = meta_->versions().Pin();
  auto tv = version->GetTable(ts->ref);
  if (!tv.ok()) return result;  // dropped meanwhile
  // Size-tiered, smallest first: as many of the smallest rowsets as fit the
  // target together. Deterministic: ties by rowset id.
  std::vector<const meta::RowSetMeta*> by_size;
  for (const auto& [id, rs] : (*tv)->rowsets) by_size.push_back(&rs);
  std::sort(by_size.begin(), by_size.end(), [](const auto* a, const auto* b) {
    return a->bytes != b->bytes ? a->bytes < b->bytes : a->id < b->id;
  });
  std::vector<const meta::RowSetMeta*> picked;
  uint64_t total = 0;
  for (const auto* rs : by_size) {
    if (total + rs->bytes > options_.target_rowset_bytes) break;
    picked.push_back(rs);
    total += rs->bytes;
  }
  if (picked.size() < 2) {
    // A single rowset is rewritten only to drop its deleted rows.
    picked.clear();
    for (const auto* rs : by_size) {
      bool has_dv = false;
      for (const auto& [id, dv] : (*tv)->dvs) has_dv |= dv.rowset_id == rs->id;
      if (has_dv && rs->bytes <= options_.target_rowset_bytes) {
        picked.push_back(rs);
        break;
      }
    }
    if (picked.empty()) return result;
  }
  std::vector<std::unique_ptr<RowSetReader>> readers;
  std::vector<std::unique_ptr<RowIterator>> inputs;
  for (const auto* rs : picked) {
    SILT_ASSIGN_OR_RETURN(auto reader, RowSetReader::Open(env_, JoinPath(ts->dir, rs->name)));
    SILT_ASSIGN_OR_RETURN(auto deleted, DeletedRows(*ts, **tv, rs->id));
    if (deleted) SILT_RETURN_IF_ERROR(reader->ApplyDeleteVector(*deleted));
    SILT_ASSIGN_OR_RETURN(auto scan, reader->NewScan());
    inputs.push_back(std::move(scan));
    readers.push_back(std::move(reader));
  }
  std::unique_ptr<RowIterator> it;
  if (!ts->sort_key.empty()) {
    it = std::make_unique<MergeIterator>(std::move(inputs), ts->sort_key);
    result.merged = true;
  } else {
    it = std::make_unique<ConcatIterator>(std::move(inputs));
  }
  const uint64_t id = NewRowSetId();
  SILT_ASSIGN_OR_RETURN(auto builder, StartRowSet(*ts, id));
  RowBatch batch;
  while (true) {
    SILT_ASSIGN_OR_RETURN(bool more, it->Next(&batch));
    if (!more) break;
    SILT_RETURN_IF_ERROR(builder->Add(batch.columns));
    result.input_rows += batch.rows;
  }
  meta::VersionEdit edit;
  if (builder->rows_added() > 0) {
    SILT_ASSIGN_OR_RETURN(auto rs, FinishRowSet(*ts, id, builder.get()));
    result.output_rows = rs.rows;
    result.output_bytes = rs.bytes;
    edit.AddRowSet(ts->ref, rs);
  }
  builder.reset();
  for (const auto* rs : picked) edit.DeleteRowSet(ts->ref, rs->id);
  {
    std::lock_guard p(ts->publish_mu);
    auto committed = meta_->Commit(edit);
    if (!committed.ok()) {
      (void)env_->RemoveAll(JoinPath(ts->dir, RowSetDirName(id)));
      return committed.status();
    }
  }
  guard.Release();
  tv = Status::NotFound("");  // unpin the old Version, so vacuum can take its files
  version.reset();
  result.compacted = true;
  result.input_rowsets = picked.size();
  ++compactions_;
  SILT_RETURN_IF_ERROR(Vacuum().status());
  return result;
}

Result<CompactionResult> NodeImpl::Compact(std::string_view schema, std::string_view table) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, table));
  return CompactTable(ts, true);
}

Result<uint64_t> NodeImpl::Vacuum() {
  std::lock_guard lock(vacuum_mu_);
  return VacuumLocked();
}

Result<uint64_t> NodeImpl::VacuumLocked() {
  uint64_t removed = 0;
  std::set<std::string> dirs;
  for (const meta::DeletableFile& f : meta_->versions().TakeDeletableFiles()) {
    const std::string dir = JoinPath(tables_dir_, TableDirName(f.table));
    SILT_RETURN_IF_ERROR(env_->RemoveAll(JoinPath(dir, f.name)));
    dirs.insert(dir);
    ++removed;
    std::lock_guard c(cache_mu_);
    if (f.kind == meta::DeletableFile::Kind::kRowSet) {
      readers_.erase(f.id);
    } else {
      dvs_.erase(f.id);
    }
  }
  // Directories of dropped tables go once empty.
  auto catalog = meta_->catalog().Current();
  bool removed_dir = false;
  for (const std::string& dir : dirs) {
    TableRefId ref;
    const std::string name(BaseName(dir));
    if (ParseTableDirName(name, &ref) && !catalog->GetTable(ref).ok()) {
      SILT_ASSIGN_OR_RETURN(auto left, env_->ListDir(dir));
      if (left.empty()) {
        SILT_RETURN_IF_ERROR(env_->RemoveDir(dir));
        removed_dir = true;
        continue;
      }
    }
    if (env_->FileExists(dir)) SILT_RETURN_IF_ERROR(env_->SyncDir(dir));
  }
  if (removed_dir) SILT_RETURN_IF_ERROR(env_->SyncDir(tables_dir_));
  files_vacuumed_ += removed;
  return removed;
}

void NodeImpl::NoteBackgroundError(const Status& s) {
  if (s.ok()) return;
  std::lock_guard lock(bg_mu_);
  background_error_ = s.ToString();
}

void NodeImpl::BackgroundLoop() {
  std::unique_lock lock(bg_mu_);
  while (!stopping_) {
    bg_cv_.wait_for(lock, options_.background_interval);
    if (stopping_) break;
    lock.unlock();
    std::vector<std::shared_ptr<TableState>> tables;
    {
      std::lock_guard t(tables_mu_);
      for (const auto& [ref, ts] : tables_) tables.push_back(ts);
    }
    for (const auto& ts : tables) {
      uint64_t bytes = 0;
      {
        std::lock_guard p(ts->publish_mu);
        bytes = ts->active->bytes();
      }
      if (bytes >= options_.memtable_bytes) NoteBackgroundError(FlushShard(ts->shard));
    }
    if (options_.auto_compact) {
      for (const auto& ts : tables) {
        {
          std::lock_guard stop(bg_mu_);
          if (stopping_) break;
        }
        auto r = CompactTable(ts, false);
        NoteBackgroundError(r.status());
      }
    }
    NoteBackgroundError(Vacuum().status());
    lock.lock();
  }
}

// ---------------------------------------------------------------------------
// Status

Result<TableStatus> NodeImpl::DescribeTable(std::string_view schema, std::string_view name,
                                            bool encodings) {
  SILT_ASSIGN_OR_RETURN(auto ts, Find(schema, name));
  TableStatus st;
  st.schema = ts->schema;
  st.name = ts->name;
  st.ref = ts->ref;
  st.shard = ts->shard;
  st.columns = ts->columns;
  for (uint32_t c : ts->sort_key) st.sort_key.push_back(ts->columns[c].name);
  std::shared_ptr<const meta::Version> version;
  {
    std::lock_guard p(ts->publish_mu);
    for (const auto& mem : ts->frozen) {
      st.memtable_rows += mem->live_rows();
      st.memtable_bytes += mem->bytes();
    }
    st.memtable_rows += ts->active->live_rows();
    st.memtable_bytes += ts->active->bytes();
    version = meta_->versions().Pin();
  }
  SILT_ASSIGN_OR_RETURN(auto tv, version->GetTable(ts->ref));
  st.rowsets = tv->rowsets.size();
  for (const auto& [id, rs] : tv->rowsets) {
    st.rowset_rows += rs.rows;
    st.rowset_bytes += rs.bytes;
    SILT_ASSIGN_OR_RETURN(auto dv, DeletedRows(*ts, *tv, id));
    if (dv) st.deleted_rows += dv->Cardinality();
    if (!encodings) continue;
    st.column_encodings.resize(ts->columns.size());
    SILT_ASSIGN_OR_RETURN(auto reader, GetReader(*ts, rs));
    char header[kBlockHeaderSize];
    for (uint32_t c = 0; c < ts->columns.size(); ++c) {
      for (const BlockIndexEntry& b : reader->index(c).blocks) {
        SILT_RETURN_IF_ERROR(reader->ReadColumnData(c, b.offset, header));
        std::string name = header[0] <= kMaxEncodingId
                               ? EncodingName(static_cast<Encoding>(header[0]))
                               : "unknown";
        const auto comp = static_cast<Compression>(
            (static_cast<uint8_t>(header[2]) & kBlockCompressionMask) >> kBlockCompressionShift);
        if (comp != Compression::kNone) name += std::string("+") + CompressionName(comp);
        ++st.column_encodings[c][name];
      }
    }
  }
  st.delete_vectors = tv->dvs.size();
  st.safe_id = version->SafeId(ts->shard);
  st.log_last_index = log_->LastIndex(ts->shard);
  return st;
}

Result<NodeStatus> NodeImpl::GetStatus() {
  NodeStatus st;
  st.epoch = meta_->epoch();
  st.log = log_->GetStats();
  const meta::MetaStatus ms = meta_->GetStatus();
  st.meta_last_checkpoint_epoch = ms.last_checkpoint_epoch;
  st.meta_commits_since_checkpoint = ms.commits_since_checkpoint;
  st.meta_checkpoint_files = ms.checkpoint_files;
  st.pending_vacuum = meta_->versions().pending_deletions();
  st.files_vacuumed = files_vacuumed_.load();
  st.flushes = flushes_.load();
  st.compactions = compactions_.load();
  {
    std::lock_guard lock(bg_mu_);
    st.background_error = background_error_;
  }
  std::vector<std::shared_ptr<TableState>> tables;
  {
    std::lock_guard t(tables_mu_);
    for (const auto& [ref, ts] : tables_) tables.push_back(ts);
  }
  for (const auto& ts : tables) {
    auto d = DescribeTable(ts->schema, ts->name, false);
    if (d.ok()) st.tables.push_back(std::move(*d));
  }
  return st;
}

}  // namespace
}  // namespace node

Result<std::unique_ptr<Node>> Node::Open(const std::string& dir, const NodeOptions& options) {
  auto node = std::make_unique<node::NodeImpl>(dir, options);
  SILT_RETURN_IF_ERROR(node->OpenImpl());
  return std::unique_ptr<Node>(std::move(node));
}

}  // namespace silt

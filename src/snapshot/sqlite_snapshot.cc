// SqliteSnapshotStore (docs/snapshot_layout.md, "SQLite snapshots").
#include "snapshot/sqlite_snapshot.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

#include "common/hash.h"
#include "common/path.h"
#include "snapshot/sqlite_wal_apply.h"
#include "snapshot/sqlite_wal_compactor.h"
#include "snapshot/sqlite_wal_reader.h"

namespace silt {

namespace {

constexpr size_t kCopyChunk = 1 << 20;
// A mapped source is written out in slices of this size.
constexpr size_t kMappedCopyChunk = 8 << 20;
// Attributes recorded in meta.json: a fingerprint of the source database
// after the snapshot's checkpoint, to notice changes made outside the store.
constexpr const char* kAttrSourceSize = "sqlite.source_size";
constexpr const char* kAttrSourceFingerprint = "sqlite.source_fingerprint";
constexpr const char* kAttrCompactedFrames = "sqlite.wal_frames";

std::string WalPathOf(const std::string& db_path) { return db_path + "-wal"; }
std::string ShmPathOf(const std::string& db_path) { return db_path + "-shm"; }

Status RemoveIfExists(Env* env, const std::string& path) {
  if (!env->FileExists(path)) return Status::OK();
  return env->RemoveFile(path);
}

// Copies every byte of `from` to `out` (appending); returns the count. When
// the Env maps files (PosixEnv: mmap), the bytes go from the mapping straight
// into `out`: one copy of each byte instead of two (read into a buffer, write
// from it), which matters for a full snapshot of a large database. The caller
// guarantees that nobody shrinks `from` meanwhile (the source database is not
// written during a snapshot; a base database is the store's own), as for any
// mapped file: reading a mapped page beyond a shrunk end raises SIGBUS.
Result<uint64_t> CopyInto(Env* env, const std::string& from, File* out) {
  SILT_ASSIGN_OR_RETURN(auto in, env->NewFile(from, OpenMode::kRead));
  if (in->MapIsLive()) {
    SILT_ASSIGN_OR_RETURN(auto region, in->Map());
    const std::string_view all = region->data();
    for (size_t pos = 0; pos < all.size(); pos += kMappedCopyChunk) {
      SILT_RETURN_IF_ERROR(out->Append(all.substr(pos, kMappedCopyChunk)));
    }
    return all.size();
  }
  std::string buf(kCopyChunk, '\0');
  uint64_t offset = 0;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(size_t n, in->ReadAt(offset, std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    SILT_RETURN_IF_ERROR(out->Append(std::string_view(buf.data(), n)));
    offset += n;
  }
  return offset;
}

// Copies `from` to `to` durably (to.tmp, synced, renamed, directory synced).
Status CopyFileDurably(Env* env, const std::string& from, const std::string& to) {
  const std::string tmp = to + ".tmp";
  {
    SILT_ASSIGN_OR_RETURN(auto out, env->NewFile(tmp, OpenMode::kTruncate));
    SILT_RETURN_IF_ERROR(CopyInto(env, from, out.get()).status());
    SILT_RETURN_IF_ERROR(out->Sync());
  }
  SILT_RETURN_IF_ERROR(env->RenameFile(tmp, to));
  return env->SyncDir(DirName(to));
}

// Corruption naming `path` unless its size and XXH3 are those meta.json
// recorded for it.
Status CheckFileMatches(Env* env, const std::string& path, const SnapshotFileInfo& expected) {
  SILT_ASSIGN_OR_RETURN(auto in, env->NewFile(path, OpenMode::kRead));
  Hasher64 hasher;
  std::string buf(kCopyChunk, '\0');
  uint64_t offset = 0;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(size_t n, in->ReadAt(offset, std::span<char>(buf.data(), buf.size())));
    if (n == 0) break;
    hasher.Update(std::string_view(buf.data(), n));
    offset += n;
  }
  if (offset != expected.size || hasher.Digest() != expected.xxh3) {
    return Status::Corruption(
        path, 0,
        fmt::format("snapshot data file does not match its metadata ({} bytes xxh3 {:016x}, "
                    "expected {} bytes xxh3 {:016x})",
                    offset, hasher.Digest(), expected.size, expected.xxh3));
  }
  return Status::OK();
}

// Size and a hash of the first and last page of the database: cheap, and it
// changes when pages were checkpointed into it behind the store's back in all
// but unusual cases (docs/snapshot_layout.md explains the limits).
Status Fingerprint(Env* env, const std::string& db_path, uint64_t* size, uint64_t* hash) {
  SILT_ASSIGN_OR_RETURN(auto f, env->NewFile(db_path, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(*size, f->Size());
  uint64_t page_size = 4096;
  if (*size >= 100) {
    char hdr[2];
    SILT_RETURN_IF_ERROR(f->ReadExact(16, std::span<char>(hdr, 2)));
    const uint32_t p = (static_cast<uint8_t>(hdr[0]) << 8) | static_cast<uint8_t>(hdr[1]);
    page_size = p == 1 ? 65536 : p;
    if (page_size < 512) page_size = 512;
  }
  Hasher64 hasher;
  std::string buf(std::min<uint64_t>(page_size, *size), '\0');
  SILT_RETURN_IF_ERROR(f->ReadExact(0, std::span<char>(buf.data(), buf.size())));
  hasher.Update(buf);
  if (*size > page_size) {
    const uint64_t last = (*size - 1) / page_size * page_size;
    buf.resize(*size - last);
    SILT_RETURN_IF_ERROR(f->ReadExact(last, std::span<char>(buf.data(), buf.size())));
    hasher.Update(buf);
  }
  *hash = hasher.Digest();
  return Status::OK();
}

// True if the database header (bytes 18 and 19) says WAL mode.
Result<bool> IsWalModeDatabase(Env* env, const std::string& db_path) {
  SILT_ASSIGN_OR_RETURN(auto f, env->NewFile(db_path, OpenMode::kRead));
  char v[2];
  SILT_ASSIGN_OR_RETURN(size_t n, f->ReadAt(18, std::span<char>(v, 2)));
  return n == 2 && v[0] == 2 && v[1] == 2;
}

// A connection as the store uses them: no automatic checkpoint, none on close,
// so WAL frames stay until the store checkpoints them itself.
class StoreConnection {
 public:
  ~StoreConnection() {
    if (db_ != nullptr) sqlite3_close(db_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      return Error("open");
    }
    if (sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) != SQLITE_OK) {
      return Error("SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
    }
    sqlite3_busy_timeout(db_, 5000);
    if (sqlite3_exec(db_, "PRAGMA wal_autocheckpoint=0", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Error("PRAGMA wal_autocheckpoint=0");
    }
    // A connection opens the WAL only when it first reads; a checkpoint on a
    // connection that never read is a no-op in some SQLite versions.
    if (sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      return Error("read sqlite_master");
    }
    return Status::OK();
  }
  // PRAGMA wal_checkpoint(TRUNCATE): every frame into the database, WAL emptied.
  Status CheckpointTruncate() {
    int log = 0;
    int done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_BUSY) {
      return Status::Busy(fmt::format("{}: checkpoint blocked by another connection", path_));
    }
    if (rc != SQLITE_OK) return Error("wal_checkpoint(TRUNCATE)");
    return Status::OK();
  }
  Status Close() {
    const int rc = sqlite3_close(db_);
    db_ = nullptr;
    if (rc != SQLITE_OK) {
      return Status::IOError(fmt::format("{}: sqlite3_close: {}", path_, sqlite3_errstr(rc)));
    }
    return Status::OK();
  }

 private:
  Status Error(const std::string& what) {
    return Status::IOError(
        fmt::format("{}: {}: {}", path_, what, db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<SqliteSnapshotStore>> SqliteSnapshotStore::Open(
    Env* env, const std::string& root, const SqliteSnapshotOptions& options) {
  SILT_ASSIGN_OR_RETURN(auto store, SnapshotStore::Open(env, root, options.store));
  std::unique_ptr<SqliteSnapshotStore> s(new SqliteSnapshotStore(env, std::move(store), options));
  SILT_RETURN_IF_ERROR(s->FinishFold());
  SILT_RETURN_IF_ERROR(s->store_->Reap().status());
  return s;
}

Status SqliteSnapshotStore::CheckpointSource(const std::string& db_path) {
  if (options_.checkpointer == SqliteSnapshotOptions::Checkpointer::kEnv) {
    const std::string wal = WalPathOf(db_path);
    if (IsEmptySqliteWal(env_, wal)) return Status::OK();
    SILT_RETURN_IF_ERROR(ApplySqliteWalWithEnv(env_, wal, db_path).status());
    SILT_ASSIGN_OR_RETURN(auto f, env_->NewFile(wal, OpenMode::kReadWrite));
    SILT_RETURN_IF_ERROR(f->Truncate(0));
    return f->Sync();
  }
  StoreConnection conn;
  SILT_RETURN_IF_ERROR(conn.Open(db_path));
  SILT_RETURN_IF_ERROR(conn.CheckpointTruncate());
  return conn.Close();
}

Status SqliteSnapshotStore::Fold(const SnapshotInfo& info) {
  const std::string dir = store_->SnapshotDir(info.id);
  const std::string db = JoinPath(dir, kSqliteSnapshotDbFile);
  if (info.kind != SnapshotKind::kIncremental || env_->FileExists(db)) return Status::OK();
  const std::string fold_db = JoinPath(dir, kSqliteFoldDbFile);
  // What an interrupted fold may have left: a copy of the base being made,
  // and, from stores written before the fold applied `wal` in place, a copy of
  // the WAL that SQLite checkpointed, with its shared-memory file. Their
  // removal becomes durable with the SyncDir after the rename below; until
  // then a crash may bring them back, and this removes them again.
  const std::string fold_wal = JoinPath(dir, kSqliteFoldWalFile);
  for (const std::string& leftover :
       {fold_db + ".tmp", fold_wal, fold_wal + ".tmp", JoinPath(dir, kSqliteFoldShmFile)}) {
    SILT_RETURN_IF_ERROR(RemoveIfExists(env_, leftover));
  }

  SILT_RETURN_IF_ERROR(Failpoint("fold-take-base"));
  if (!env_->FileExists(fold_db)) {
    const std::string base_dir = store_->SnapshotDir(info.base);
    const std::string base_db = JoinPath(base_dir, kSqliteSnapshotDbFile);
    if (!env_->FileExists(base_db)) {
      return Status::NotFound(
          fmt::format("{}: database of snapshot {} missing (snapshot {} is built on it)", base_db,
                      info.base, info.id));
    }
    if (store_->Retire(info.base).ok()) {
      // Moved, not copied: this is what makes an incremental snapshot cheap.
      // The destination's directory is synced first, so that a crash leaves
      // the file under at least one of its names.
      SILT_RETURN_IF_ERROR(env_->RenameFile(base_db, fold_db));
      SILT_RETURN_IF_ERROR(env_->SyncDir(dir));
      SILT_RETURN_IF_ERROR(env_->SyncDir(base_dir));
    } else {
      // The base is open for reading: never change a file being read.
      SILT_RETURN_IF_ERROR(CopyFileDurably(env_, base_db, fold_db));
    }
  } else {
    store_->Retire(info.base).ok();
  }

  SILT_RETURN_IF_ERROR(Failpoint("fold-checkpoint"));
  const SnapshotFileInfo* wal_info = info.FindFile(kSqliteSnapshotWalFile);
  if (wal_info == nullptr) {
    return Status::Corruption(JoinPath(dir, "meta.json"), 0,
                              "incremental SQLite snapshot without a wal file");
  }
  if (wal_info->size > 0) {
    // The snapshot's own `wal` is applied to fold.db in place, by silt (it is
    // silt's compacted WAL) and through the Env; it is only read, so it stays
    // intact and checked, and a crash at any point can apply it again: each
    // page image goes to the same offset and the file is truncated to the
    // same size, giving the same bytes (idempotent). Checked against
    // meta.json first: a damaged frame would otherwise end the WAL early
    // and silently leave its later pages out.
    const std::string wal = JoinPath(dir, kSqliteSnapshotWalFile);
    SILT_RETURN_IF_ERROR(CheckFileMatches(env_, wal, *wal_info));
    SILT_RETURN_IF_ERROR(ApplySqliteWalWithEnv(env_, wal, fold_db).status());
  }

  SILT_RETURN_IF_ERROR(Failpoint("fold-rename"));
  SILT_RETURN_IF_ERROR(env_->RenameFile(fold_db, db));
  SILT_RETURN_IF_ERROR(env_->SyncDir(dir));

  SILT_RETURN_IF_ERROR(Failpoint("fold-reap"));
  return store_->Reap().status();
}

Status SqliteSnapshotStore::FoldNewest() {
  SILT_ASSIGN_OR_RETURN(auto newest, store_->Newest());
  if (!newest) return Status::OK();
  Status st = Fold(*newest);
  if (!st.ok()) return st.WithContext(fmt::format("fold snapshot {}", newest->id));
  return Status::OK();
}

Status SqliteSnapshotStore::WaitForFold() {
  if (!fold_thread_.joinable()) return Status::OK();
  fold_thread_.join();
  return std::exchange(fold_status_, Status::OK());
}

Status SqliteSnapshotStore::FinishFold() {
  // A failed background fold is simply tried again: Fold resumes from
  // whatever state it left.
  WaitForFold().ok();
  return FoldNewest();
}

SqliteSnapshotStore::~SqliteSnapshotStore() { WaitForFold().ok(); }

// Stores the source database's size and fingerprint in the snapshot, so that
// the next snapshot can tell whether the database changed outside the store.
static Status RecordSourceFingerprint(Env* env, const std::string& db_path, SnapshotSink* sink) {
  uint64_t size = 0;
  uint64_t fp = 0;
  SILT_RETURN_IF_ERROR(Fingerprint(env, db_path, &size, &fp));
  sink->SetAttribute(kAttrSourceSize, std::to_string(size));
  sink->SetAttribute(kAttrSourceFingerprint, fmt::format("{:016x}", fp));
  return Status::OK();
}

// Ends a Sink after a failed step and returns the step's error. A failpoint
// stops as a crash would (the Sink is abandoned, not cancelled); any other
// error cancels the Sink, which sets FULL_NEEDED.
static Status EndSink(SnapshotSink* sink, Status st, bool crash) {
  if (crash) {
    sink->Abandon();
  } else {
    sink->Cancel().ok();
  }
  return st;
}

Status SqliteSnapshotStore::TakeFull(const std::string& db_path, uint64_t term, uint64_t index,
                                     SqliteSnapshotResult* result) {
  if (!env_->FileExists(db_path)) {
    return Status::NotFound(fmt::format("{}: database not found", db_path));
  }
  SILT_ASSIGN_OR_RETURN(auto sink, store_->Create(term, index, SnapshotKind::kFull));
  auto fail = [&](Status st, bool crash) { return EndSink(sink.get(), std::move(st), crash); };
  Status st = Failpoint("sink-created");
  if (!st.ok()) return fail(st, true);
  st = CheckpointSource(db_path);
  if (!st.ok()) return fail(st, false);
  st = Failpoint("source-checkpointed");
  if (!st.ok()) return fail(st, true);
  auto file = sink->CreateFile(std::string(kSqliteSnapshotDbFile));
  if (!file.ok()) return fail(file.status(), false);
  // The Sink's file hashes the bytes as they go by, for meta.json.
  auto copied = CopyInto(env_, db_path, *file);
  if (!copied.ok()) return fail(copied.status(), false);
  st = RecordSourceFingerprint(env_, db_path, sink.get());
  if (!st.ok()) return fail(st, false);
  result->id = sink->id();
  result->kind = SnapshotKind::kFull;
  result->bytes = *copied;
  SILT_RETURN_IF_ERROR(sink->Close());
  SILT_RETURN_IF_ERROR(Failpoint("persisted"));
  return store_->Reap().status();
}

Status SqliteSnapshotStore::TakeIncremental(const std::string& db_path, uint64_t term,
                                            uint64_t index, SqliteSnapshotResult* result) {
  SILT_ASSIGN_OR_RETURN(bool wal_mode, IsWalModeDatabase(env_, db_path));
  if (!wal_mode) {
    return Status::InvalidArgument(
        fmt::format("{}: not in WAL mode; an incremental snapshot needs the WAL", db_path));
  }
  const std::string wal = WalPathOf(db_path);
  SILT_ASSIGN_OR_RETURN(auto sink, store_->Create(term, index, SnapshotKind::kIncremental));
  auto fail = [&](Status st, bool crash) { return EndSink(sink.get(), std::move(st), crash); };
  Status st = Failpoint("sink-created");
  if (!st.ok()) return fail(st, true);
  auto file = sink->CreateFile(std::string(kSqliteSnapshotWalFile));
  if (!file.ok()) return fail(file.status(), false);
  uint64_t frames = 0;
  if (!IsEmptySqliteWal(env_, wal)) {
    // The compactor also checks that the WAL belongs to the database, on its
    // own scan of the WAL (one read of it, not two).
    SqliteWalCompactOptions options;
    options.database_path = db_path;
    auto stats = CompactSqliteWal(env_, wal, *file, options);
    if (!stats.ok()) return fail(stats.status(), false);
    frames = stats->frames_out;
    result->bytes = stats->bytes_out;
  }
  st = Failpoint("wal-compacted");
  if (!st.ok()) return fail(st, true);
  // The WAL's frames now exist only in the Sink (whose directory is durable,
  // so a crash from here on makes Recover set FULL_NEEDED). With SQLite as
  // the checkpointer, the compacted WAL is synced on a second thread while
  // SQLite checkpoints the source: two independent streams of writes that the
  // disk can take together. Close syncs it again (cheap: nothing is dirty).
  // An error of that sync fails the snapshot: after a failed fsync a later
  // one may report success without the data being on disk. (The Env
  // checkpointer keeps one thread, so that the crash tests' operations come
  // in one order.)
  Status synced;
  std::thread syncer;
  if (options_.checkpointer == SqliteSnapshotOptions::Checkpointer::kSqlite && frames > 0) {
    syncer = std::thread([&synced, f = *file] { synced = f->Sync(); });
  }
  st = CheckpointSource(db_path);
  if (syncer.joinable()) syncer.join();
  if (!st.ok()) return fail(st, false);
  if (!synced.ok()) return fail(synced.WithContext("sync compacted WAL"), false);
  st = Failpoint("source-checkpointed");
  if (!st.ok()) return fail(st, true);
  st = RecordSourceFingerprint(env_, db_path, sink.get());
  if (!st.ok()) return fail(st, false);
  sink->SetAttribute(kAttrCompactedFrames, std::to_string(frames));
  result->id = sink->id();
  result->kind = SnapshotKind::kIncremental;
  SILT_RETURN_IF_ERROR(sink->Close());
  SILT_RETURN_IF_ERROR(Failpoint("persisted"));
  // The snapshot is durable and complete (its base's database plus its WAL),
  // so the fold need not hold up the caller. If it fails, the next Snapshot,
  // Restore or Open finishes it.
  if (!options_.fold_in_background) return FoldNewest();
  fold_thread_ = std::thread([this] { fold_status_ = FoldNewest(); });
  return Status::OK();
}

Result<SqliteSnapshotResult> SqliteSnapshotStore::Snapshot(const std::string& db_path,
                                                           uint64_t term, uint64_t index,
                                                           SnapshotKind kind) {
  SqliteSnapshotResult result;
  // Whatever the previous fold left undone, the incremental path below
  // finishes (FinishFold), and a full snapshot does not need.
  WaitForFold().ok();
  if (kind == SnapshotKind::kIncremental) {
    SILT_ASSIGN_OR_RETURN(auto newest, store_->Newest());
    if (!newest) {
      return Status::InvalidArgument(fmt::format(
          "snapshot store {}: incremental snapshot into an empty store", store_->root()));
    }
    bool full = store_->full_needed();
    if (!full) {
      // The newest snapshot must hold a database for the new one to build on.
      Status st = FinishFold();
      if (!st.ok()) {
        store_->SetFullNeeded().ok();
        return st;
      }
      // Changed outside the store since the newest snapshot: its WAL no
      // longer holds every change, so only a full snapshot is correct.
      uint64_t size = 0;
      uint64_t fp = 0;
      SILT_RETURN_IF_ERROR(Fingerprint(env_, db_path, &size, &fp));
      auto a = newest->attributes.find(kAttrSourceSize);
      auto b = newest->attributes.find(kAttrSourceFingerprint);
      if (a == newest->attributes.end() || b == newest->attributes.end() ||
          a->second != std::to_string(size) || b->second != fmt::format("{:016x}", fp)) {
        SILT_RETURN_IF_ERROR(store_->SetFullNeeded());
        full = true;
      }
    }
    if (!full) {
      SILT_RETURN_IF_ERROR(TakeIncremental(db_path, term, index, &result));
      return result;
    }
  }
  SILT_RETURN_IF_ERROR(TakeFull(db_path, term, index, &result));
  return result;
}

Status SqliteSnapshotStore::Restore(const std::string& id, const std::string& target_path) {
  // A failed background fold is retried below if the snapshot needs it.
  WaitForFold().ok();
  std::string sid = id;
  SILT_ASSIGN_OR_RETURN(auto newest, store_->Newest());
  if (sid.empty()) {
    if (!newest) return Status::NotFound(fmt::format("no snapshot in {}", store_->root()));
    sid = newest->id;
  }
  SILT_ASSIGN_OR_RETURN(auto reader, store_->Open(sid));
  const std::string db = JoinPath(reader->dir(), kSqliteSnapshotDbFile);
  if (!env_->FileExists(db)) {
    if (reader->info().kind == SnapshotKind::kIncremental && newest && newest->id == sid) {
      SILT_RETURN_IF_ERROR(Fold(reader->info()));
    } else {
      return Status::NotFound(
          fmt::format("{}: snapshot {} has no database (folded into a newer snapshot)", db, sid));
    }
  }
  const std::string tmp = target_path + ".tmp";
  Status st = [&]() -> Status {
    SILT_ASSIGN_OR_RETURN(auto out, env_->NewFile(tmp, OpenMode::kTruncate));
    std::string buf(kCopyChunk, '\0');
    for (;;) {
      SILT_ASSIGN_OR_RETURN(size_t n, reader->Read(std::string(kSqliteSnapshotDbFile),
                                                   std::span<char>(buf.data(), buf.size())));
      if (n == 0) break;
      SILT_RETURN_IF_ERROR(out->Append(std::string_view(buf.data(), n)));
    }
    return out->Sync();
  }();
  if (!st.ok()) {
    env_->RemoveFile(tmp).ok();
    return st;
  }
  // A WAL left beside an older file of that name would be replayed into the
  // restored database by the next SQLite connection.
  SILT_RETURN_IF_ERROR(RemoveIfExists(env_, WalPathOf(target_path)));
  SILT_RETURN_IF_ERROR(RemoveIfExists(env_, ShmPathOf(target_path)));
  SILT_RETURN_IF_ERROR(env_->RenameFile(tmp, target_path));
  return env_->SyncDir(DirName(target_path));
}

}  // namespace silt

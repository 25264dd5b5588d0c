// Node snapshots: write (incremental or full), verify, restore and reap with
// folding (silt/node_snapshot.h; docs/node_snapshot.md).
#include "node/node_snapshot.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "common/durable_file.h"
#include "common/file_names.h"
#include "common/path.h"
#include "meta/checkpoint.h"
#include "meta/meta_store.h"
#include "node/node_file_names.h"
#include "node/node_snapshot_format.h"
#include "silt/node.h"
#include "table/rowset_format.h"

namespace silt {
namespace node {
namespace {

using Clock = std::chrono::steady_clock;

// Node snapshots are ordered by the metadata epoch: (term 1, index = epoch).
constexpr uint64_t kSnapshotTerm = 1;
constexpr char kScopeAttribute[] = "node.scope";
constexpr char kEpochAttribute[] = "node.epoch";
constexpr char kNodeAttribute[] = "node.id";
// Log records per append when a restore writes a shard's records.
constexpr size_t kRestoreBatchRecords = 1024;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The global metadata checkpoint of the capture's scope: every table of the
// node, or those of one shard (the other tables are left out of the names
// too, so a restore does not take them for dropped ones it must know).
Result<meta::CheckpointData> ScopedMetadata(const NodeCapture& c) {
  SILT_ASSIGN_OR_RETURN(
      meta::CheckpointData data,
      meta::MakeCheckpoint(meta::CheckpointKind::kGlobal, 1, *c.catalog, *c.version, {}));
  if (!c.shard) return data;
  const ShardId shard = *c.shard;
  std::set<TableRefId> keep;
  std::erase_if(data.changed, [&](const meta::CheckpointData::ChangedTable& t) {
    if (t.state.def.shard != shard) return true;
    keep.insert(t.state.def.table);
    return false;
  });
  for (auto& schema : data.schemas) {
    std::erase_if(schema.tables, [&](const meta::CheckpointData::TableName& t) {
      return keep.count(TableRefId{schema.id, t.id}) == 0;
    });
  }
  std::erase_if(data.safe_ids, [&](const auto& kv) { return kv.first != shard; });
  return data;
}

// Paths (relative to the data directory) of every rowset and DV file the
// metadata references, sorted.
Result<std::vector<std::string>> ReferencedFiles(Env* env, const std::string& data_dir,
                                                 const meta::CheckpointData& data) {
  std::vector<std::string> paths;
  for (const auto& t : data.changed) {
    const std::string table_dir = JoinPath(kTablesDirName, TableDirName(t.state.def.table));
    for (const auto& [id, rs] : t.state.rowsets) {
      const std::string rel = JoinPath(table_dir, rs.name);
      SILT_ASSIGN_OR_RETURN(std::vector<std::string> names, env->ListDir(JoinPath(data_dir, rel)));
      for (const std::string& n : names) paths.push_back(JoinPath(rel, n));
    }
    for (const auto& [id, dv] : t.state.dvs) paths.push_back(JoinPath(table_dir, dv.name));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Result<NodeManifest> ReadManifest(SnapshotReader& reader) {
  const std::string path = JoinPath(reader.dir(), kSnapshotManifestName);
  auto data = reader.ReadAll(std::string(kSnapshotManifestName));
  if (data.status().IsNotFound()) {
    return Status::InvalidArgument(fmt::format("snapshot {} is not a node snapshot (it has no {})",
                                               reader.info().id, kSnapshotManifestName));
  }
  SILT_RETURN_IF_ERROR(data.status());
  SILT_ASSIGN_OR_RETURN(NodeManifest m, DecodeManifest(*data, path));
  if (m.id != reader.info().id) {
    return Status::Corruption(
        path, 0, fmt::format("manifest of snapshot '{}' in snapshot {}", m.id, reader.info().id));
  }
  return m;
}

// The id of snapshot `id`, or of the newest one if `id` is empty.
Result<std::string> ResolveId(SnapshotStore& store, const std::string& id) {
  if (!id.empty()) return id;
  SILT_ASSIGN_OR_RETURN(auto newest, store.Newest());
  if (!newest) return Status::NotFound(fmt::format("snapshot store {} is empty", store.root()));
  return newest->id;
}

// A snapshot chain opened for reading: the snapshot's reader and manifest,
// and a reader of every snapshot holding one of its files (while they are
// open, Reap keeps them).
struct OpenChain {
  std::unique_ptr<SnapshotReader> reader;
  NodeManifest manifest;
  std::map<std::string, std::unique_ptr<SnapshotReader>> holders;  // by id, the snapshot too

  SnapshotReader& Holder(const std::string& id) { return *holders.at(id); }
};

Result<OpenChain> OpenSnapshotChain(SnapshotStore& store, const std::string& id) {
  OpenChain c;
  SILT_ASSIGN_OR_RETURN(c.reader, store.Open(id));
  SILT_ASSIGN_OR_RETURN(c.manifest, ReadManifest(*c.reader));
  for (const ManifestFile& f : c.manifest.files) {
    if (f.snapshot == id || c.holders.count(f.snapshot) != 0) continue;
    auto holder = store.Open(f.snapshot);
    if (!holder.ok()) {
      return Status::NotFound(
          fmt::format("snapshot {} needs {} from snapshot {}, which cannot be opened: {}", id,
                      f.path, f.snapshot, holder.status().ToString()));
    }
    c.holders[f.snapshot] = std::move(*holder);
  }
  SILT_ASSIGN_OR_RETURN(c.holders[id], store.Open(id));
  // Each holder's own record of each file must agree with the manifest.
  for (const ManifestFile& f : c.manifest.files) {
    const SnapshotFileInfo* info = c.Holder(f.snapshot).info().FindFile(f.name);
    if (info == nullptr) {
      return Status::NotFound(fmt::format("snapshot {} needs {}, which snapshot {} does not hold",
                                          id, f.path, f.snapshot));
    }
    if (info->size != f.size || info->xxh3 != f.xxh3) {
      return Status::Corruption(fmt::format(
          "snapshot {}: {} in snapshot {} is recorded with {} bytes, XXH3 {:016x}, but the "
          "manifest says {} bytes, XXH3 {:016x}",
          id, f.name, f.snapshot, info->size, info->xxh3, f.size, f.xxh3));
    }
  }
  return c;
}

// The snapshot's metadata and log records, decoded and checked against the
// manifest (every referenced rowset and DV file listed).
struct SnapshotContents {
  meta::CheckpointData metadata;
  std::map<ShardId, std::vector<LogEntry>> logs;
};

Result<SnapshotContents> ReadContents(OpenChain& chain) {
  SnapshotContents out;
  SnapshotReader& r = *chain.reader;
  const std::string meta_path = JoinPath(r.dir(), kSnapshotMetadataName);
  SILT_ASSIGN_OR_RETURN(std::string meta_bytes, r.ReadAll(std::string(kSnapshotMetadataName)));
  SILT_ASSIGN_OR_RETURN(out.metadata, meta::DecodeCheckpoint(meta_bytes, meta_path));
  if (out.metadata.end_epoch != chain.manifest.epoch) {
    return Status::Corruption(meta_path, 0,
                              fmt::format("metadata of epoch {}, manifest says {}",
                                          out.metadata.end_epoch, chain.manifest.epoch));
  }
  const NodeManifest& m = chain.manifest;
  for (const auto& t : out.metadata.changed) {
    const std::string table_dir = JoinPath(kTablesDirName, TableDirName(t.state.def.table));
    for (const auto& [id, rs] : t.state.rowsets) {
      const std::string hdr = JoinPath(JoinPath(table_dir, rs.name), kRowSetHeaderFileName);
      if (m.Find(hdr) == nullptr) {
        return Status::Corruption(fmt::format("snapshot {}: rowset {} of {} is not in its manifest",
                                              m.id, rs.name, t.state.def.name));
      }
    }
    for (const auto& [id, dv] : t.state.dvs) {
      if (m.Find(JoinPath(table_dir, dv.name)) == nullptr) {
        return Status::Corruption(
            fmt::format("snapshot {}: delete vector {} of {} is not in its manifest", m.id, dv.name,
                        t.state.def.name));
      }
    }
  }
  for (const ManifestLog& l : m.logs) {
    std::vector<LogEntry> entries;
    if (!l.file.empty()) {
      SILT_ASSIGN_OR_RETURN(std::string bytes, r.ReadAll(l.file));
      SILT_ASSIGN_OR_RETURN(entries, DecodeSnapshotLog(bytes, JoinPath(r.dir(), l.file), l.shard));
    }
    const uint64_t want = l.last_index - l.safe_id;
    if (entries.size() != want || (!entries.empty() && entries.front().index != l.safe_id + 1)) {
      return Status::Corruption(fmt::format(
          "snapshot {}: shard {} needs log records {}..{}, {} has {} of them", m.id, l.shard,
          l.safe_id + 1, l.last_index, l.file.empty() ? "the snapshot" : l.file, entries.size()));
    }
    out.logs[l.shard] = std::move(entries);
  }
  return out;
}

// Streams data file `f` of its holder to `sink` (called per chunk); the
// reader checks its size and XXH3 at the end.
template <typename Sink>
Status StreamFile(SnapshotReader& holder, const ManifestFile& f, Sink&& sink) {
  std::string buf(1 << 20, '\0');
  for (;;) {
    SILT_ASSIGN_OR_RETURN(size_t n, holder.Read(f.name, std::span<char>(buf.data(), buf.size())));
    if (n == 0) return Status::OK();
    SILT_RETURN_IF_ERROR(sink(std::string_view(buf.data(), n)));
  }
}

// The node id recorded in a data directory; "" if it has none.
std::string ReadNodeId(Env* env, const std::string& data_dir) {
  auto id = env->ReadFile(JoinPath(data_dir, kNodeIdFileName));
  return id.ok() ? *id : std::string();
}

}  // namespace

Result<NodeSnapshotResult> WriteNodeSnapshot(SnapshotStore& store, Env* env,
                                             const std::string& data_dir,
                                             const NodeCapture& capture, bool full) {
  SILT_ASSIGN_OR_RETURN(meta::CheckpointData metadata, ScopedMetadata(capture));
  SILT_ASSIGN_OR_RETURN(std::vector<std::string> paths, ReferencedFiles(env, data_dir, metadata));
  const std::string scope = SnapshotScopeName(capture.shard);
  const std::string node_id = ReadNodeId(env, data_dir);
  const uint64_t epoch = capture.version->epoch();

  // The newest snapshot, if it is of this node: its files' checksums can be
  // reused (they are immutable and their names never reused), and if it
  // covers the same scope, this snapshot can extend it.
  std::optional<OpenChain> base;
  SILT_ASSIGN_OR_RETURN(auto newest, store.Newest());
  if (newest && !node_id.empty() && newest->attributes.count(kNodeAttribute) != 0 &&
      newest->attributes.at(kNodeAttribute) == node_id) {
    auto chain = OpenSnapshotChain(store, newest->id);
    if (chain.ok()) base = std::move(*chain);  // else: a full snapshot, checksums read anew
  }
  const bool incremental = !full && base && base->manifest.scope == scope && !store.full_needed();
  SILT_ASSIGN_OR_RETURN(
      auto sink, store.Create(kSnapshotTerm, epoch,
                              incremental ? SnapshotKind::kIncremental : SnapshotKind::kFull));
  NodeSnapshotResult result;
  result.id = sink->id();
  result.kind = sink->kind();
  result.epoch = epoch;
  result.tables = metadata.changed.size();
  result.capture_seconds = capture.capture_seconds;

  NodeManifest m;
  m.id = sink->id();
  m.kind = sink->kind();
  if (incremental) m.base = base->reader->info().id;
  m.scope = scope;
  m.epoch = epoch;
  for (const std::string& path : paths) {
    const ManifestFile* prev = base ? base->manifest.Find(path) : nullptr;
    if (incremental && prev != nullptr) {
      m.files.push_back(*prev);  // held by the chain already
    } else {
      const std::string name = FlatSnapshotName(path);
      SnapshotFileInfo known;
      if (prev != nullptr) known = SnapshotFileInfo{name, prev->size, prev->xxh3};
      SILT_ASSIGN_OR_RETURN(
          SnapshotFileInfo info,
          sink->AddFile(name, JoinPath(data_dir, path), prev != nullptr ? &known : nullptr));
      m.files.push_back(ManifestFile{path, m.id, name, info.size, info.xxh3});
      ++result.files_added;
      result.bytes_added += info.size;
    }
    ++result.files;
    result.bytes += m.files.back().size;
  }
  if (incremental) {
    for (const ManifestFile& f : base->manifest.files) {
      if (!std::binary_search(paths.begin(), paths.end(), f.path)) m.removed.push_back(f.path);
    }
    result.files_removed = m.removed.size();
  }
  SILT_RETURN_IF_ERROR(
      sink->Append(std::string(kSnapshotMetadataName), meta::EncodeCheckpoint(metadata)));
  for (const ShardTail& tail : capture.tails) {
    ManifestLog l{tail.shard, tail.safe_id, tail.last_index, ""};
    if (!tail.entries.empty()) {
      l.file = SnapshotLogFileName(tail.shard);
      const std::string bytes = EncodeSnapshotLog(tail.shard, tail.entries);
      SILT_RETURN_IF_ERROR(sink->Append(l.file, bytes));
      result.log_records += tail.entries.size();
      result.log_bytes += bytes.size();
    }
    m.logs.push_back(std::move(l));
  }
  SILT_RETURN_IF_ERROR(sink->Append(std::string(kSnapshotManifestName), EncodeManifest(m)));
  sink->SetAttribute(kScopeAttribute, scope);
  sink->SetAttribute(kEpochAttribute, std::to_string(epoch));
  if (!node_id.empty()) sink->SetAttribute(kNodeAttribute, node_id);
  result.base = m.base;
  SILT_RETURN_IF_ERROR(sink->Close());
  return result;
}

}  // namespace node

Result<NodeSnapshotCheck> VerifyNodeSnapshot(SnapshotStore& store, const std::string& id_arg) {
  using namespace node;
  SILT_ASSIGN_OR_RETURN(std::string id, ResolveId(store, id_arg));
  SILT_ASSIGN_OR_RETURN(OpenChain chain, OpenSnapshotChain(store, id));
  SILT_RETURN_IF_ERROR(ReadContents(chain).status());
  NodeSnapshotCheck check;
  check.snapshots = chain.holders.size();
  for (const ManifestFile& f : chain.manifest.files) {
    SILT_RETURN_IF_ERROR(
        StreamFile(chain.Holder(f.snapshot), f, [](std::string_view) { return Status::OK(); }));
    ++check.files;
    check.bytes += f.size;
  }
  return check;
}

Result<NodeRestoreResult> RestoreNodeSnapshot(SnapshotStore& store, const std::string& id_arg,
                                              const std::string& target,
                                              const NodeRestoreOptions& options) {
  using namespace node;
  const auto start = Clock::now();
  Env* env = store.env();
  SILT_ASSIGN_OR_RETURN(std::string id, ResolveId(store, id_arg));
  SILT_ASSIGN_OR_RETURN(OpenChain chain, OpenSnapshotChain(store, id));
  SILT_ASSIGN_OR_RETURN(SnapshotContents contents, ReadContents(chain));
  if (env->FileExists(target)) {
    SILT_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(target));
    SILT_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          is_dir ? env->ListDir(target)
                                 : Result<std::vector<std::string>>(std::vector<std::string>{""}));
    if (!names.empty()) {
      return Status::AlreadyExists(
          fmt::format("{}: exists and is not an empty directory; restore needs a new one", target));
    }
  }
  NodeRestoreResult result;
  result.id = id;
  result.epoch = chain.manifest.epoch;
  result.tables = contents.metadata.changed.size();

  // Everything is built in TARGET.restoring, which a failed or interrupted
  // restore leaves behind (removed here, or by the next restore).
  const std::string tmp = target + ".restoring";
  if (env->FileExists(tmp)) SILT_RETURN_IF_ERROR(env->RemoveAll(tmp));
  auto build = [&]() -> Status {
    SILT_RETURN_IF_ERROR(env->CreateDirs(tmp));
    std::set<std::string> dirs;
    for (const ManifestFile& f : chain.manifest.files) {
      const std::string dst_path = JoinPath(tmp, f.path);
      const std::string dir = DirName(dst_path);
      if (dirs.insert(dir).second) SILT_RETURN_IF_ERROR(env->CreateDirs(dir));
      SILT_ASSIGN_OR_RETURN(auto dst, env->NewFile(dst_path, OpenMode::kCreateNew));
      SILT_RETURN_IF_ERROR(StreamFile(chain.Holder(f.snapshot), f,
                                      [&](std::string_view chunk) { return dst->Append(chunk); }));
      SILT_RETURN_IF_ERROR(dst->Sync());
      ++result.files;
      result.bytes += f.size;
    }
    for (const std::string& dir : dirs) SILT_RETURN_IF_ERROR(env->SyncDir(dir));
    // The metadata as a global checkpoint: the node loads it at open and
    // continues its metadata log after its epoch.
    const std::string meta_dir = JoinPath(tmp, kMetaDirName);
    SILT_RETURN_IF_ERROR(env->CreateDirs(meta_dir));
    SILT_RETURN_IF_ERROR(WriteFileDurably(
        env,
        JoinPath(meta_dir, meta::CheckpointFileName(meta::CheckpointKind::kGlobal, 1,
                                                    contents.metadata.end_epoch)),
        meta::EncodeCheckpoint(contents.metadata)));
    // Each shard's log continues after its safe id with the snapshot's records.
    {
      LogOptions lo;
      lo.env = env;
      lo.segment_size = options.log_segment_size;
      SILT_ASSIGN_OR_RETURN(auto log, LogStore::Open(JoinPath(tmp, kLogDirName), lo));
      for (const auto& [shard, entries] : contents.logs) {
        const ManifestLog* l = nullptr;
        for (const ManifestLog& x : chain.manifest.logs) {
          if (x.shard == shard) l = &x;
        }
        SILT_RETURN_IF_ERROR(log->Reset(shard, l->safe_id + 1));
        for (size_t i = 0; i < entries.size(); i += kRestoreBatchRecords) {
          LogBatch batch;
          for (size_t j = i; j < std::min(entries.size(), i + kRestoreBatchRecords); ++j) {
            batch.Add(entries[j]);
          }
          SILT_RETURN_IF_ERROR(log->Append(batch, true));
        }
        result.log_records += entries.size();
      }
      SILT_RETURN_IF_ERROR(log->WaitForCheckpoints());
    }
    // Open it once: loads the metadata, replays the records, and proves the
    // directory is a working node before it takes the target's name.
    {
      NodeOptions no;
      no.env = env;
      no.background_interval = std::chrono::milliseconds(0);
      no.log_segment_size = options.log_segment_size;
      SILT_RETURN_IF_ERROR(Node::Open(tmp, no).status());
    }
    SILT_RETURN_IF_ERROR(env->SyncDir(tmp));
    if (env->FileExists(target)) SILT_RETURN_IF_ERROR(env->RemoveDir(target));
    SILT_RETURN_IF_ERROR(env->RenameFile(tmp, target));
    return env->SyncDir(DirName(target));
  };
  Status st = build();
  if (!st.ok()) {
    (void)env->RemoveAll(tmp);
    return st.WithContext(fmt::format("restore snapshot {} to {}", id, target));
  }
  result.seconds = Since(start);
  return result;
}

Result<int> ReapNodeSnapshots(SnapshotStore& store) {
  using namespace node;
  SILT_ASSIGN_OR_RETURN(auto newest, store.Newest());
  if (!newest) return 0;
  {
    SILT_ASSIGN_OR_RETURN(OpenChain chain, OpenSnapshotChain(store, newest->id));
    if (chain.holders.size() > 1) {
      // Fold the chain into one full snapshot at the same epoch: its files
      // are linked from the snapshots holding them, with their recorded
      // checksums; the small files are copied (and checked) from the newest.
      SILT_ASSIGN_OR_RETURN(auto sink,
                            store.Create(newest->term, newest->index, SnapshotKind::kFull));
      NodeManifest m = chain.manifest;
      m.id = sink->id();
      m.kind = SnapshotKind::kFull;
      m.base.clear();
      m.removed.clear();
      for (ManifestFile& f : m.files) {
        const SnapshotFileInfo known{f.name, f.size, f.xxh3};
        SILT_RETURN_IF_ERROR(
            sink->AddFile(f.name, JoinPath(store.SnapshotDir(f.snapshot), f.name), &known)
                .status());
        f.snapshot = m.id;
      }
      SnapshotReader& r = *chain.reader;
      std::vector<std::string> small = {std::string(kSnapshotMetadataName)};
      for (const ManifestLog& l : m.logs) {
        if (!l.file.empty()) small.push_back(l.file);
      }
      for (const std::string& name : small) {
        SILT_ASSIGN_OR_RETURN(std::string bytes, r.ReadAll(name));
        SILT_RETURN_IF_ERROR(sink->Append(name, bytes));
      }
      SILT_RETURN_IF_ERROR(sink->Append(std::string(kSnapshotManifestName), EncodeManifest(m)));
      for (const auto& [k, v] : r.info().attributes) sink->SetAttribute(k, v);
      SILT_RETURN_IF_ERROR(sink->Close());
    }
  }  // the chain's readers close here, so Reap may take them
  return store.Reap();
}

}  // namespace silt

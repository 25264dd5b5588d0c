// SnapshotStore: a directory of crash-safe snapshots, independent of what a
// snapshot contains (SQLite databases today, silt's table shards later).
//
// Layout, metadata format and every Persist/Recover step are described in
// docs/snapshot_layout.md. In short:
//   ROOT/LOCK                  flock held by the process that has the store open
//   ROOT/FULL_NEEDED           present: the next snapshot must be full
//   ROOT/<id>.tmp/             a Sink being written (never listed)
//   ROOT/<id>.del/             a reaped snapshot whose files are being removed,
//                              perhaps in the background (never listed)
//   ROOT/<id>/meta.json        a complete snapshot: its metadata, with checksums
//   ROOT/<id>/<data files>
// An id is "<term>-<index>-<ms>"; snapshots are ordered by (term, index, ms).
//
// Concurrency: one Sink at a time (a second Create fails fast with Busy);
// readers (Open) run concurrently with a Sink; Reap never deletes a snapshot
// that is open for reading. All file access goes through the Env given to
// Open, so tests run the store on FaultInjectionEnv.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "silt/env.h"
#include "silt/status.h"

namespace silt {

// Whether a snapshot stands alone or needs the one before it (its base).
enum class SnapshotKind { kFull, kIncremental };
const char* SnapshotKindName(SnapshotKind kind);

// One data file of a snapshot, as recorded in its metadata.
struct SnapshotFileInfo {
  std::string name;
  uint64_t size = 0;
  uint64_t xxh3 = 0;  // XXH3-64 of the file's bytes (seed 0)
};

// What meta.json records about a snapshot.
struct SnapshotInfo {
  std::string id;  // "<term>-<index>-<created_ms>", also the directory name
  uint64_t term = 0;
  uint64_t index = 0;
  uint64_t created_ms = 0;
  SnapshotKind kind = SnapshotKind::kFull;
  std::string base;  // for an incremental snapshot, the id of the snapshot it extends
  // Content-defined key/value pairs (the store does not interpret them).
  std::map<std::string, std::string> attributes;
  std::vector<SnapshotFileInfo> files;

  const SnapshotFileInfo* FindFile(std::string_view name) const;
};

// True if a is ordered before b: by (term, index, created_ms, id).
bool SnapshotBefore(const SnapshotInfo& a, const SnapshotInfo& b);

struct SnapshotStoreOptions {
  // The clock that names snapshots (milliseconds since the epoch). Default:
  // the system clock. Ids stay strictly increasing whatever it returns.
  std::function<uint64_t()> now_ms;
  // Take ROOT/LOCK so that a second process cannot open the store. Default true.
  bool lock_root = true;
  // Reap takes a snapshot out of the store durably (renamed to <id>.del, ROOT
  // synced) and then removes its files: true hands that removal to a
  // background thread owned by the store, so Reap (and a Snapshot that ends
  // with it) does not wait for the file system to free the data; false
  // removes them before Reap returns. Either way Recover removes what a crash
  // leaves. Default true.
  bool delete_in_background = true;
};

class SnapshotStore;

// Receives one snapshot's data inside ROOT/<id>.tmp. Close() persists it,
// Cancel() discards it; destroying an open Sink cancels it. Either way the
// store accepts a new Create afterwards.
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;

  virtual const std::string& id() const = 0;
  virtual SnapshotKind kind() const = 0;
  // The directory being written, ROOT/<id>.tmp.
  virtual const std::string& dir() const = 0;

  // Creates data file `name` (a plain name, no '/'; not "meta.json") and
  // returns it; the Sink owns it. Write with Append/WriteAt, only through this
  // File; Close syncs it. Bytes written in order are hashed as they go, so
  // Close need not read the file back for meta.json (it does if they were not).
  virtual Result<File*> CreateFile(const std::string& name) = 0;
  // Appends to data file `name`, creating it on first use.
  virtual Status Append(const std::string& name, std::string_view data) = 0;
  // Adds data file `name` holding the bytes of the file at `source` (a path
  // of the store's Env): a hard link where the file system allows it, else a
  // copy (synced before Close returns). Linking suits immutable files only,
  // such as silt's rowset and DV files: the snapshot and the source then
  // share their bytes. `known`, if given, is the file's size and XXH3 as
  // recorded earlier for the same immutable file (by an older snapshot): the
  // size is checked and the bytes are not read. Otherwise the file is read
  // once to hash it. Returns the file's entry as meta.json will record it.
  virtual Result<SnapshotFileInfo> AddFile(const std::string& name, const std::string& source,
                                           const SnapshotFileInfo* known = nullptr) = 0;
  virtual void SetAttribute(const std::string& key, const std::string& value) = 0;

  // Persist: syncs every data file, writes meta.json (with each file's size
  // and XXH3) and syncs it, syncs the directory, renames <id>.tmp to <id>,
  // syncs ROOT; a full snapshot then clears FULL_NEEDED. On failure the
  // snapshot is discarded (if not yet renamed) and FULL_NEEDED is set.
  virtual Status Close() = 0;
  // Discards the snapshot and sets FULL_NEEDED (the caller may already have
  // consumed its source, e.g. checkpointed a WAL).
  virtual Status Cancel() = 0;
  // Forgets the Sink without touching any file, as a crash would (tests and
  // failpoints); the store accepts a new Create, and Recover cleans up.
  virtual void Abandon() = 0;
};

// Streams one complete snapshot's data. While it exists, Reap keeps the
// snapshot.
class SnapshotReader {
 public:
  virtual ~SnapshotReader() = default;

  virtual const SnapshotInfo& info() const = 0;
  // ROOT/<id>.
  virtual const std::string& dir() const = 0;

  // Reads data file `name` in order: up to dst.size() bytes, 0 at the end.
  // At the end the size and XXH3 are checked against meta.json: Corruption
  // naming the file if they differ. NotFound naming the file if it is missing.
  virtual Result<size_t> Read(const std::string& name, std::span<char> dst) = 0;
  // The whole of data file `name`, checked.
  virtual Result<std::string> ReadAll(const std::string& name) = 0;
  // Checks that every file in meta.json exists with its size and checksum.
  virtual Status Verify() = 0;
};

class SnapshotStore {
 public:
  // Opens (creating) the store at root and runs Recover.
  static Result<std::unique_ptr<SnapshotStore>> Open(Env* env, const std::string& root,
                                                     const SnapshotStoreOptions& options = {});
  virtual ~SnapshotStore() = default;

  virtual Env* env() const = 0;
  virtual const std::string& root() const = 0;

  // Starts a snapshot at (term, index). Busy if a Sink is open (fails fast);
  // InvalidArgument if (term, index) is older than the newest snapshot's, or
  // for an incremental snapshot when the store is empty or a full one is needed.
  virtual Result<std::unique_ptr<SnapshotSink>> Create(uint64_t term, uint64_t index,
                                                       SnapshotKind kind) = 0;

  // Complete snapshots, oldest first. Corruption naming meta.json if one's
  // metadata does not verify.
  virtual Result<std::vector<SnapshotInfo>> List() = 0;
  // The newest complete snapshot, if any.
  virtual Result<std::optional<SnapshotInfo>> Newest() = 0;
  // Opens snapshot `id` for reading. NotFound if it does not exist or has been
  // retired (its data taken by a newer snapshot).
  virtual Result<std::unique_ptr<SnapshotReader>> Open(const std::string& id) = 0;

  // Deletes every complete snapshot older than the newest, except those open
  // for reading and those in `keep`. Returns how many were deleted. With
  // SnapshotStoreOptions::delete_in_background their files may still be
  // being removed when it returns (see WaitForDeletes).
  virtual Result<int> Reap(const std::set<std::string>& keep = {}) = 0;
  // Waits until the files of every reaped snapshot have been removed. Returns
  // the first error a background removal met since the last call (those
  // removals are best effort: Recover removes whatever is left), or OK.
  virtual Status WaitForDeletes() = 0;

  // Recover (also run by Open): sets FULL_NEEDED if a Sink was interrupted,
  // removes every <id>.tmp and <id>.del, syncs ROOT. Harmless to repeat. Busy
  // while a Sink is open.
  virtual Status Recover() = 0;

  // The "full snapshot needed" flag (ROOT/FULL_NEEDED), durable.
  virtual bool full_needed() const = 0;
  virtual Status SetFullNeeded() = 0;

  // For content layers that move data between snapshots (the SQLite
  // incremental fold): marks `id` retired so Open refuses it and returns OK,
  // or Busy if it is open for reading.
  virtual Status Retire(const std::string& id) = 0;
  virtual bool IsOpenForReading(const std::string& id) const = 0;
  // ROOT/<id>.
  virtual std::string SnapshotDir(const std::string& id) const = 0;
};

}  // namespace silt

// The implementation side of include/silt/snapshot_store.h: the state that the
// store, its Sinks and its Readers share. A Sink or Reader holds the state by
// shared_ptr, so it stays valid even if the store object is destroyed first.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "silt/snapshot_store.h"

namespace silt {

struct SnapshotStoreState {
  Env* env = nullptr;
  std::string root;
  SnapshotStoreOptions options;

  // Guards every member below. File I/O of a Sink's data happens outside it;
  // Create, Close, Open, Reap and Recover hold it while they change names.
  mutable std::mutex mu;
  bool sink_open = false;
  std::map<std::string, int> readers;  // id -> open SnapshotReaders
  std::set<std::string> retired;       // ids whose data a newer snapshot took
  bool full_needed = false;
  uint64_t last_ms = 0;  // ids are strictly increasing in their ms part

  std::string DirOf(const std::string& id) const;
  std::string FullNeededPath() const;

  // The helpers below expect mu to be held.
  Result<std::vector<SnapshotInfo>> ListLocked() const;
  Result<SnapshotInfo> ReadMetaLocked(const std::string& id) const;
  Status SetFullNeededLocked();
  Status ClearFullNeededLocked();
};

// Creates the Sink for a fresh ROOT/<id>.tmp (Create made the directory).
std::unique_ptr<SnapshotSink> NewSnapshotSink(std::shared_ptr<SnapshotStoreState> state,
                                              SnapshotInfo info);
// Creates a Reader; the caller already counted it in state->readers.
std::unique_ptr<SnapshotReader> NewSnapshotReader(std::shared_ptr<SnapshotStoreState> state,
                                                  SnapshotInfo info);

}  // namespace silt

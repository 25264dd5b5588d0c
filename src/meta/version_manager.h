// VersionManager: applies metadata commits (VersionEdits) to the file set,
// gives every commit the next epoch, hands out pinned Versions, and reports
// files that no reader can see any more (vacuum). RisingLight's
// VersionManager (seed 002), but pruned: only the current Version and those
// still pinned exist, so memory does not grow with history.
//
// Vacuum rule: a rowset or DV removed by the commit of epoch E (DeleteRowSet,
// DeleteDV, or DropTable of its table) becomes deletable once no pinned
// Version with an epoch below E exists. TakeDeletableFiles reports each such
// file exactly once; the owner (the table module) deletes it.
//
// Thread-safe. Commits are serialized by one mutex (write_mu_); the current
// version, the pin registry and the pending deletions are guarded by
// state_mu_, which is only held for pointer swaps and list updates, so Pin
// never waits for a commit being built.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "meta/version.h"
#include "meta/version_edit.h"
#include "silt/status.h"

namespace silt::meta {

// A file the owner may now delete.
struct DeletableFile {
  enum class Kind : uint8_t { kRowSet, kDV };
  Kind kind = Kind::kRowSet;
  TableRefId table;
  uint64_t id = 0;   // RowSetId or DVId
  std::string name;  // RowSetMeta::name or DVMeta::name
  uint64_t removed_epoch = 0;
  friend bool operator==(const DeletableFile&, const DeletableFile&) = default;
};

// A commit built by VersionManager::Prepare and not yet installed.
class PreparedCommit {
 public:
  uint64_t epoch() const { return next_ ? next_->epoch() : 0; }

 private:
  friend class VersionManager;
  std::shared_ptr<Version> next_;
  std::vector<DeletableFile> removed_;
};

class VersionManager {
 public:
  VersionManager();
  // Starts from a restored Version (its epoch is the last commit's).
  explicit VersionManager(std::shared_ptr<const Version> initial);
  VersionManager(const VersionManager&) = delete;
  VersionManager& operator=(const VersionManager&) = delete;

  // Applies every operation of `edit`, in order, all or nothing, and returns
  // the new epoch. Errors (nothing changes, no epoch is used):
  //   InvalidArgument: empty edit; shard 0; safe id moving backwards; empty
  //                    rowset/DV name; a bad table definition
  //   NotFound:        unknown table, rowset or DV
  //   AlreadyExists:   table, rowset id or DV id already live
  // DDL-only operations (schemas) change nothing here but still make a commit.
  // DeleteRowSet also removes the rowset's DVs.
  Result<uint64_t> Commit(const VersionEdit& edit);
  // Commits each edit in turn (epochs one apart) and publishes only the
  // result, all or nothing for the lot; returns the last epoch. For replay,
  // where nobody looks at the versions in between: each table is copied once
  // for all the edits instead of once per edit.
  Result<uint64_t> CommitAll(std::span<const VersionEdit> edits);
  // Whether Commit(edit) would succeed now, without committing: the check to
  // make before writing the edit to the metadata log (the caller serializes
  // its commits, so the answer still holds when it then calls Commit).
  Status Check(const VersionEdit& edit);
  // Check and Commit in two steps without building the edit twice: Prepare
  // builds the next Version (same errors as Commit) without publishing it;
  // Install publishes it, Aborted if another commit came first.
  Result<PreparedCommit> Prepare(const VersionEdit& edit);
  Result<uint64_t> Install(PreparedCommit prepared);

  // The current Version; it stays valid and unchanged for as long as the
  // caller holds it, and holding it keeps its files from being vacuumed.
  std::shared_ptr<const Version> Pin();
  uint64_t epoch() const;

  // Fresh ids for the table module's new rowsets and DVs (above every id
  // committed or handed out before). Not persisted by themselves: after a
  // restart, ids handed out but never committed may be handed out again.
  RowSetId NewRowSetId();
  DVId NewDVId();

  // Files removed by commits that no pinned Version can see, each reported
  // once, in the order they were removed.
  std::vector<DeletableFile> TakeDeletableFiles();
  // Removed files still waiting for older pins to be released.
  size_t pending_deletions() const;
  // Distinct epochs with a live pin (pins are tracked one entry per epoch).
  size_t pinned_epochs() const;

 private:
  // The Version after `edit`, built on `base`; the files it removes are
  // appended to *removed.
  static Result<std::shared_ptr<Version>> BuildNext(const Version& base,
                                                    std::span<const VersionEdit> edits,
                                                    std::vector<DeletableFile>* removed);
  // Drops registry entries whose Version nobody holds any more. state_mu_ held.
  void PrunePinsLocked();

  std::mutex write_mu_;
  mutable std::mutex state_mu_;
  std::shared_ptr<const Version> current_;                 // guarded by state_mu_
  std::map<uint64_t, std::weak_ptr<const Version>> pins_;  // epoch -> pinned Version
  std::deque<DeletableFile> pending_;                      // by removed_epoch
  RowSetId next_new_rowset_id_ = 0;                        // guarded by state_mu_
  DVId next_new_dv_id_ = 0;                                // guarded by state_mu_
};

}  // namespace silt::meta

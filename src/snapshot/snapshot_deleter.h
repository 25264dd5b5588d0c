// SnapshotDeleter: the thread that removes reaped snapshots' files.
//
// Reap takes a snapshot out of the store in one durable step (rename of
// ROOT/<id> to ROOT/<id>.del, sync of ROOT; docs/snapshot_layout.md, "Reap").
// What is left, removing the .del directory's files, only frees space: a
// .del directory is never listed, and Recover removes any that a crash left.
// With SnapshotStoreOptions::delete_in_background the store hands that
// removal to this thread, so that a Snapshot call does not wait for the file
// system to free a replaced 1 GiB database (about a second on ext4 with
// `discard`).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "silt/env.h"

namespace silt {

class SnapshotDeleter {
 public:
  // Removes queued directories with env->RemoveAll, then syncs `root` (so a
  // power cut does not bring the files back for Recover to delete again).
  SnapshotDeleter(Env* env, std::string root);
  // Finishes the queued removals, then joins.
  ~SnapshotDeleter();
  SnapshotDeleter(const SnapshotDeleter&) = delete;
  SnapshotDeleter& operator=(const SnapshotDeleter&) = delete;

  // Queues a directory (a ROOT/<id>.del) for removal.
  void Enqueue(std::string dir);
  // Waits until the queue is empty and no removal is running. Returns the
  // first error a removal met since the last call (removals are best effort:
  // Recover removes what is left), or OK.
  Status WaitIdle();

 private:
  void Run();

  Env* const env_;
  const std::string root_;
  // Guards the members below.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool busy_ = false;  // a removal is running outside mu_
  bool stop_ = false;
  Status error_;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace silt

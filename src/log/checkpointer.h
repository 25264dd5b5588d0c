// Checkpointer: the thread that writes index files for full segments.
//
// The writer hands each full segment's frozen mem-table over through a
// bounded queue (default 10); when the queue is full, Enqueue blocks: the
// writer waits (back-pressure), nothing is dropped. For the head of the queue
// the checkpointer runs the store's work function (sync the segment, write the
// index file durably, point readers at it, drop the mem-table), then reclaims
// dead segments. Entries stay readable throughout: readers use the in-memory
// offsets until the index file is in place.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "log/group_state.h"
#include "log/index_file.h"

namespace silt::log {

// A full segment waiting for its index file.
struct FrozenSegment {
  std::shared_ptr<SegmentFile> segment;
  // Every group's state at the end of the segment (start/end filled for the
  // groups with entries in it), and those groups' frozen mem-table runs.
  std::vector<IndexGroupInfo> groups;
  std::vector<std::shared_ptr<const MemRun>> runs;  // parallel to groups; null = none
};

class Checkpointer {
 public:
  using Work = std::function<Status(const FrozenSegment&)>;
  using Reclaim = std::function<Status()>;

  Checkpointer(size_t capacity, Work work, Reclaim reclaim);
  // Finishes the queued segments (unless a step failed), then joins.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Queues a segment; blocks while the queue is full. Fails if an earlier
  // checkpoint failed (the store must then stop writing).
  Status Enqueue(FrozenSegment segment);
  // Asks for a reclamation pass (after truncations freed entries).
  void RequestReclaim();
  // Waits until the queue is empty and no reclamation is pending.
  Status WaitIdle();
  size_t queued() const;
  uint64_t memtable_entries() const;  // entries of queued mem-tables

 private:
  void Run();

  const size_t capacity_;
  Work work_;
  Reclaim reclaim_;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable changed_;
  std::deque<FrozenSegment> queue_;  // the head stays until its work is done
  bool reclaim_requested_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  Status error_;
  std::thread thread_;  // last: starts after the members above exist
};

}  // namespace silt::log

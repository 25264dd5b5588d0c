// TransactionManager: one lock per table (RisingLight's lock_map, seed 002),
// so that the operations that change a table's rowsets do not interleave:
// a delete (which writes delete vectors for the rowsets it reads), a flush
// or bulk-load commit, and a compaction (which rewrites rowsets with their
// delete vectors applied). A delete waits for a running compaction of its
// table, so the compaction cannot drop its delete vectors; a background
// compaction skips a busy table instead of waiting.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "silt/catalog.h"

namespace silt::node {

class TransactionManager {
 public:
  // Holds a table's lock until destroyed.
  class Guard {
   public:
    Guard() = default;
    explicit Guard(std::shared_ptr<std::mutex> mu) : mu_(std::move(mu)) {}
    Guard(Guard&& o) noexcept = default;
    Guard& operator=(Guard&& o) noexcept {
      Release();
      mu_ = std::move(o.mu_);
      return *this;
    }
    ~Guard() { Release(); }
    void Release() {
      if (mu_) mu_->unlock();
      mu_.reset();
    }

   private:
    std::shared_ptr<std::mutex> mu_;
  };

  // Waits for the table's lock.
  Guard LockForDeletion(TableRefId table) { return Lock(table); }
  Guard LockForCompaction(TableRefId table) { return Lock(table); }
  // The lock if it is free right now, else nothing (the table is busy).
  std::optional<Guard> TryLockForCompaction(TableRefId table);

 private:
  Guard Lock(TableRefId table);
  std::shared_ptr<std::mutex> MutexOf(TableRefId table);

  std::mutex mu_;  // guards lock_map_
  std::map<TableRefId, std::shared_ptr<std::mutex>> lock_map_;
};

}  // namespace silt::node

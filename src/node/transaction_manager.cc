#include "node/transaction_manager.h"

namespace silt::node {

std::shared_ptr<std::mutex> TransactionManager::MutexOf(TableRefId table) {
  std::lock_guard lock(mu_);
  auto& m = lock_map_[table];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

TransactionManager::Guard TransactionManager::Lock(TableRefId table) {
  std::shared_ptr<std::mutex> m = MutexOf(table);
  m->lock();
  return Guard(std::move(m));
}

std::optional<TransactionManager::Guard> TransactionManager::TryLockForCompaction(
    TableRefId table) {
  std::shared_ptr<std::mutex> m = MutexOf(table);
  if (!m->try_lock()) return std::nullopt;
  return Guard(std::move(m));
}

}  // namespace silt::node

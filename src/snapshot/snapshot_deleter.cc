// SnapshotDeleter (snapshot_deleter.h).
#include "snapshot/snapshot_deleter.h"

namespace silt {

SnapshotDeleter::SnapshotDeleter(Env* env, std::string root)
    : env_(env), root_(std::move(root)), thread_([this] { Run(); }) {}

SnapshotDeleter::~SnapshotDeleter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SnapshotDeleter::Enqueue(std::string dir) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(dir));
  }
  cv_.notify_all();
}

Status SnapshotDeleter::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
  Status st = error_;
  error_ = Status::OK();
  return st;
}

void SnapshotDeleter::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_, and nothing left to do
    const std::string dir = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    Status st = env_->RemoveAll(dir);
    if (st.ok()) st = env_->SyncDir(root_);
    lock.lock();
    busy_ = false;
    if (!st.ok() && error_.ok()) error_ = st;
    cv_.notify_all();
  }
}

}  // namespace silt

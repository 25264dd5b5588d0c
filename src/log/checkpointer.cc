#include "log/checkpointer.h"

namespace silt::log {

Checkpointer::Checkpointer(size_t capacity, Work work, Reclaim reclaim)
    : capacity_(capacity == 0 ? 1 : capacity),
      work_(std::move(work)),
      reclaim_(std::move(reclaim)),
      thread_([this] { Run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status Checkpointer::Enqueue(FrozenSegment segment) {
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l, [&] { return queue_.size() < capacity_ || !error_.ok(); });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(segment));
  changed_.notify_all();
  return Status::OK();
}

void Checkpointer::RequestReclaim() {
  {
    std::lock_guard<std::mutex> l(mu_);
    reclaim_requested_ = true;
  }
  changed_.notify_all();
}

Status Checkpointer::WaitIdle() {
  std::unique_lock<std::mutex> l(mu_);
  changed_.wait(l,
                [&] { return (queue_.empty() && !reclaim_requested_ && !busy_) || !error_.ok(); });
  return error_;
}

size_t Checkpointer::queued() const {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

uint64_t Checkpointer::memtable_entries() const {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t n = 0;
  for (const auto& s : queue_) {
    for (const auto& r : s.runs) n += r ? r->offsets.size() : 0;
  }
  return n;
}

void Checkpointer::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    changed_.wait(
        l, [&] { return stopping_ || (error_.ok() && (!queue_.empty() || reclaim_requested_)); });
    if (!error_.ok() || (stopping_ && queue_.empty())) break;
    busy_ = true;
    Status s;
    if (!queue_.empty()) {
      const FrozenSegment& head = queue_.front();  // stays queued (and readable) until done
      l.unlock();
      s = work_(head);
      l.lock();
      if (s.ok()) queue_.pop_front();
      reclaim_requested_ = true;  // a new index file may make older segments reclaimable
    } else {
      reclaim_requested_ = false;
      l.unlock();
      s = reclaim_();
      l.lock();
    }
    busy_ = false;
    if (!s.ok()) error_ = s;
    changed_.notify_all();
  }
  busy_ = false;
  changed_.notify_all();
}

}  // namespace silt::log

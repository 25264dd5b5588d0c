// LogPeer over silt's LogStore with its default LogOptions.
#include <fmt/format.h>

#include "bench/log_peer.h"
#include "silt/log_store.h"

namespace silt::bench {
namespace {

class SiltLogPeer final : public LogPeer {
 public:
  explicit SiltLogPeer(std::unique_ptr<LogStore> store) : store_(std::move(store)) {}

  Status Append(std::span<const EntryRef> entries, bool sync) override {
    LogBatch batch;
    for (const EntryRef& e : entries) batch.Add(e.group, e.index, e.term, std::string(e.payload));
    return store_->Append(batch, sync);
  }

  bool AppendAsync(std::span<const EntryRef> entries, bool sync,
                   std::function<void(Status)> done) override {
    LogBatch batch;
    for (const EntryRef& e : entries) batch.Add(e.group, e.index, e.term, std::string(e.payload));
    store_->AppendAsync(std::move(batch), sync, std::move(done));
    return true;
  }

  Status Get(uint64_t group, uint64_t index, std::string* payload) override {
    SILT_ASSIGN_OR_RETURN(LogEntry entry, store_->Get(group, index));
    *payload = std::move(entry.payload);
    return Status::OK();
  }

  Status WaitIdle() override { return store_->WaitForCheckpoints(); }

  PeerCounters Counters() override {
    const LogStats s = store_->GetStats();
    return PeerCounters{s.fsyncs, s.sync_rounds};
  }

  std::string Describe() override {
    const LogStats s = store_->GetStats();
    return fmt::format("{} segments, {} index files, {} entries in mem-tables, {:.0f} MiB on disk",
                       s.segments, s.index_files, s.memtable_entries, s.bytes_on_disk / 1048576.0);
  }

 private:
  std::unique_ptr<LogStore> store_;
};

}  // namespace

Result<std::unique_ptr<LogPeer>> OpenSiltLogPeer(const std::string& dir) {
  SILT_ASSIGN_OR_RETURN(auto store, LogStore::Open(dir, LogOptions()));
  return std::unique_ptr<LogPeer>(std::make_unique<SiltLogPeer>(std::move(store)));
}

}  // namespace silt::bench

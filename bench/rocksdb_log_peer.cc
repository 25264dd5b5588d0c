// LogPeer over RocksDB, used as a Raft log store usually is: one key per
// entry, key = (group, index) as two big-endian u64 so a group's entries sort
// by index, value = the term (8 bytes) followed by the payload. Default
// options (WAL on, fdatasync on sync writes) plus create_if_missing, and
// statistics at kExceptTimers to count WAL syncs.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/statistics.h>
#include <rocksdb/write_batch.h>

#include "bench/log_peer.h"

namespace silt::bench {
namespace {

void PutBigEndian64(uint64_t v, char* out) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(fmt::format("rocksdb {}: {}", what, s.ToString()));
  return Status::IOError(fmt::format("rocksdb {}: {}", what, s.ToString()));
}

class RocksDbLogPeer final : public LogPeer {
 public:
  RocksDbLogPeer(std::unique_ptr<rocksdb::DB> db, std::shared_ptr<rocksdb::Statistics> stats)
      : db_(std::move(db)), stats_(std::move(stats)) {}

  Status Append(std::span<const EntryRef> entries, bool sync) override {
    rocksdb::WriteBatch batch;
    for (const EntryRef& e : entries) {
      char key[16];
      char term[8];
      PutBigEndian64(e.group, key);
      PutBigEndian64(e.index, key + 8);
      PutBigEndian64(e.term, term);
      const rocksdb::Slice key_slice(key, sizeof(key));
      // SliceParts: the payload is copied once, into the batch, as LogBatch does.
      const rocksdb::Slice value[2] = {rocksdb::Slice(term, sizeof(term)),
                                       rocksdb::Slice(e.payload.data(), e.payload.size())};
      SILT_RETURN_IF_ERROR(FromRocks(
          batch.Put(rocksdb::SliceParts(&key_slice, 1), rocksdb::SliceParts(value, 2)), "put"));
    }
    rocksdb::WriteOptions options;
    options.sync = sync;
    return FromRocks(db_->Write(options, &batch), "write");
  }

  // RocksDB has no asynchronous write, so this is the usual way to pipeline
  // one: the batch is written without sync (into the WAL file, not yet
  // durable), and a syncer thread calls SyncWAL for every batch written
  // before it started, then acknowledges them: an application-level group
  // commit, as a Raft library over RocksDB would build. Without sync, `done`
  // runs at once. This relies on the default options: with
  // manual_wal_flush=false each Write hands its WAL record to the OS before
  // returning, so SyncWAL covers it (allow_mmap_writes would make SyncWAL
  // NotSupported, which `done` would report).
  bool AppendAsync(std::span<const EntryRef> entries, bool sync,
                   std::function<void(Status)> done) override {
    Status st = Append(entries, /*sync=*/false);
    if (!st.ok() || !sync) {
      done(st);
      return true;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (!syncer_.joinable()) syncer_ = std::thread([this] { SyncLoop(); });
    pending_.push_back(std::move(done));
    cv_.notify_one();
    return true;
  }

  ~RocksDbLogPeer() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      cv_.notify_one();
    }
    if (syncer_.joinable()) syncer_.join();
  }

  Status Get(uint64_t group, uint64_t index, std::string* payload) override {
    char key[16];
    PutBigEndian64(group, key);
    PutBigEndian64(index, key + 8);
    rocksdb::PinnableSlice value;
    SILT_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                                            rocksdb::Slice(key, sizeof(key)), &value),
                                   "get"));
    if (value.size() < 8) return Status::Corruption("rocksdb value shorter than its term");
    payload->assign(value.data() + 8, value.size() - 8);
    return Status::OK();
  }

  Status WaitIdle() override {
    // RocksDB 7.8 has no public "wait for compactions"; poll its properties.
    while (true) {
      uint64_t busy = 0;
      for (const char* p : {"rocksdb.mem-table-flush-pending", "rocksdb.num-running-flushes",
                            "rocksdb.compaction-pending", "rocksdb.num-running-compactions"}) {
        uint64_t v = 0;
        if (db_->GetIntProperty(p, &v)) busy += v;
      }
      if (busy == 0) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  PeerCounters Counters() override {
    return PeerCounters{stats_->getTickerCount(rocksdb::WAL_FILE_SYNCED), 0};
  }

  std::string Describe() override {
    std::string total_sst;
    uint64_t mem_entries = 0, imm_entries = 0;
    db_->GetProperty("rocksdb.total-sst-files-size", &total_sst);
    db_->GetIntProperty("rocksdb.num-entries-active-mem-table", &mem_entries);
    db_->GetIntProperty("rocksdb.num-entries-imm-mem-tables", &imm_entries);
    std::string files;
    for (int level = 0; level < 7; ++level) {
      std::string n;
      db_->GetProperty(fmt::format("rocksdb.num-files-at-level{}", level), &n);
      files += (level ? "/" : "") + n;
    }
    return fmt::format("SST files per level {}, {:.0f} MiB of SST, {} entries in memtables", files,
                       std::stoull(total_sst.empty() ? "0" : total_sst) / 1048576.0,
                       mem_entries + imm_entries);
  }

 private:
  void SyncLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      std::vector<std::function<void(Status)>> batch;
      batch.swap(pending_);
      lock.unlock();
      // Every batch in `batch` was written before this call.
      const Status st = FromRocks(db_->SyncWAL(), "SyncWAL");
      for (auto& done : batch) done(st);
      lock.lock();
    }
  }

  std::unique_ptr<rocksdb::DB> db_;
  std::shared_ptr<rocksdb::Statistics> stats_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<std::function<void(Status)>> pending_;
  std::thread syncer_;
};

}  // namespace

Result<std::unique_ptr<LogPeer>> OpenRocksDbLogPeer(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  auto stats = rocksdb::CreateDBStatistics();
  stats->set_stats_level(rocksdb::StatsLevel::kExceptTimers);
  options.statistics = stats;
  rocksdb::DB* db = nullptr;
  SILT_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir, &db), "open " + dir));
  return std::unique_ptr<LogPeer>(
      std::make_unique<RocksDbLogPeer>(std::unique_ptr<rocksdb::DB>(db), std::move(stats)));
}

}  // namespace silt::bench

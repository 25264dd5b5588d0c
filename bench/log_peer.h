// LogPeer: a log store under benchmark — silt's LogStore, or RocksDB used as
// a Raft log the usual way (one key per entry) — behind the few operations
// bench/log_bench.cc measures, so that both run exactly the same workload code.
//
// Both sides use the same data: a batch is a list of entries, each (group,
// index, term, payload); a peer turns it into one native atomic batch (a
// LogBatch, a rocksdb::WriteBatch) inside Append, so building the batch is
// part of what is measured on both sides.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "silt/status.h"

namespace silt::bench {

struct EntryRef {
  uint64_t group = 0;
  uint64_t index = 0;
  uint64_t term = 0;
  std::string_view payload;
};

// Counters since the peer was opened.
struct PeerCounters {
  // fdatasync/fsync calls. silt: LogStats::fsyncs (log, index and directory
  // syncs). RocksDB: WAL syncs (statistics ticker rocksdb.wal.synced).
  uint64_t syncs = 0;
  // silt only (0 for RocksDB): group-commit rounds that ended in an fdatasync.
  uint64_t sync_rounds = 0;
};

class LogPeer {
 public:
  virtual ~LogPeer() = default;

  // Appends the entries as one atomic batch; with sync, returns once durable.
  virtual Status Append(std::span<const EntryRef> entries, bool sync) = 0;
  // Asynchronous Append, what a Raft library's append uses: `done` runs once
  // the batch is written (and durable, with sync). silt: AppendAsync; RocksDB,
  // which has no asynchronous write: an unsynced Write, then SyncWAL on a
  // syncer thread for every batch written before it (group commit from one
  // writer). False if the peer cannot (then `done` is never called).
  virtual bool AppendAsync(std::span<const EntryRef> entries, bool sync,
                           std::function<void(Status)> done) = 0;
  // Reads the payload of (group, index).
  virtual Status Get(uint64_t group, uint64_t index, std::string* payload) = 0;
  // Waits for background work caused by earlier writes (silt: index files of
  // full segments; RocksDB: memtable flushes and compactions).
  virtual Status WaitIdle() = 0;
  virtual PeerCounters Counters() = 0;
  // One line on where the data is (files, what is held in memory).
  virtual std::string Describe() = 0;
};

// Open (creating, or recovering what is there) a store in dir; destroying
// the peer closes it. Both use their library's default options, WAL on.
Result<std::unique_ptr<LogPeer>> OpenSiltLogPeer(const std::string& dir);
Result<std::unique_ptr<LogPeer>> OpenRocksDbLogPeer(const std::string& dir);

}  // namespace silt::bench

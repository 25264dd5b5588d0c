// log_bench: silt's shared multi-group log against RocksDB used as a Raft log
// (issue 3, "Benchmark"). Both stores run in the same process run, on the same
// data (bench/log_peer.h), with the same sync setting; every ratio printed is
// silt / RocksDB. Scenarios (--scenarios, comma-separated):
//   disk  the disk's sequential write bandwidth (1 MiB writes, one fdatasync)
//         and the latency of a small append + fdatasync;
//   1     4 writer threads, one group each, batches of 100 x 1 KiB, sync on and off;
//   2     1,000 groups, 1 writer, batches of 10 x 256 B (one group per batch,
//         round robin over the groups), sync on, every batch acknowledged only
//         once durable: (a) pipelined, the writer keeping --async-window
//         batches in flight as a Raft library's append does (silt:
//         AppendAsync; RocksDB: unsynced Write + SyncWAL on a syncer thread,
//         its usual group commit from one writer), the run the >= 2x target is
//         judged on; (b) blocking, each Append waiting for its own fdatasync
//         before the next (reported: one flush per batch bounds both stores);
//   3     random reads of recent and of old entries after a load (silt: after
//         WaitForCheckpoints, so old entries come through index files);
//   4     recovery: write a log, close, drop the page cache, time the open.
// Write runs are repeated --rounds times in ABBA order (which store goes first
// alternates) and reads alternate in slices, because the machine's disk and
// CPU are shared and drift. The output is Markdown (conditions, detail tables,
// summary with the targets), ready for docs/benchmarks.md; progress
// goes to stderr. scripts/bench_log.sh runs it with the documented parameters.
#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_report.h"
#include "bench/disk_bandwidth.h"
#include "bench/disk_stats.h"
#include "bench/log_peer.h"
#include "bench/markdown_table.h"
#include "bench/page_cache.h"

namespace silt::bench {
namespace {

constexpr double kMB = 1e6;
constexpr double kGB = 1e9;
constexpr uint64_t kMiB = 1ull << 20;

struct Flags {
  std::string dir;
  std::string scenarios = "disk,1,2,3,4";
  double seconds = 3;           // longest duration of one timed write run
  int rounds = 2;               // write runs per store and scenario, in ABBA order
  uint64_t max_run_mib = 1024;  // largest payload volume of one timed write run
  uint64_t disk_mib = 1024;     // sequential write bandwidth test size
  int writers = 4;              // scenario 1
  int groups = 1000;            // scenario 2
  int async_window = 100;       // scenario 2, pipelined run: batches in flight
  // Scenario 3: log size before reading. 224 MiB = 3.5 default (64 MiB)
  // segments: silt serves the newest recent_mib from the current segment's
  // mem-table and the old half through index files.
  uint64_t load_mib = 224;
  uint64_t read_groups = 100;    // scenario 3: groups the load spreads over
  uint64_t reads = 200000;       // scenario 3: random reads per kind and store
  uint64_t recent_mib = 8;       // scenario 3: "recent" = the newest this many MiB
  uint64_t recovery_mib = 1024;  // scenario 4: log size
  uint64_t recovery_groups = 100;
  std::string only_store;  // for profiling one side; the ratios are then meaningless
};

// Deterministic incompressible payloads, the same for both stores: the
// payload of (group, index) is one of a pool of random strings.
class Payloads {
 public:
  explicit Payloads(size_t size) {
    std::mt19937_64 rng(size);
    pool_.resize(4093);
    for (auto& p : pool_) {
      p.resize(size);
      for (char& c : p) c = static_cast<char>(rng());
    }
  }
  std::string_view For(uint64_t group, uint64_t index) const {
    return pool_[(group * 7919 + index) % pool_.size()];
  }
  size_t size() const { return pool_[0].size(); }

 private:
  std::vector<std::string> pool_;
};

// One writer's batches: `batch` consecutive entries of one group each, the
// groups [first_group, first_group + groups) taken round robin; every group
// starts at index 1.
class BatchSource {
 public:
  BatchSource(const Payloads* payloads, uint64_t first_group, uint64_t groups, size_t batch)
      : payloads_(payloads), first_group_(first_group), last_(groups, 0), batch_(batch) {}

  std::span<const EntryRef> Next() {
    const uint64_t group = first_group_ + next_;
    uint64_t& last = last_[next_];
    next_ = (next_ + 1) % last_.size();
    entries_.clear();
    for (size_t i = 0; i < batch_; ++i) {
      ++last;
      entries_.push_back(EntryRef{group, last, 1, payloads_->For(group, last)});
    }
    return entries_;
  }
  uint64_t first_group() const { return first_group_; }
  uint64_t groups() const { return last_.size(); }
  uint64_t LastIndex(uint64_t group) const { return last_[group - first_group_]; }

 private:
  const Payloads* payloads_;
  uint64_t first_group_;
  std::vector<uint64_t> last_;
  size_t next_ = 0;
  size_t batch_;
  std::vector<EntryRef> entries_;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// syncfs on the file system holding dir; returns the seconds it took.
double SyncFs(const std::string& dir) {
  const auto start = std::chrono::steady_clock::now();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  return Since(start);
}

struct WriteRun {
  Status status;
  uint64_t batches = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;                // payload bytes
  double seconds = 0;                // start .. last batch acknowledged
  double flush_seconds = 0;          // syncfs afterwards: until everything is on the disk
  std::vector<double> latency;       // per batch, seconds
  PeerCounters counters;             // during the run
  std::optional<DiskCounters> disk;  // requests the device completed during the run

  double EntriesPerSecond() const { return entries / seconds; }
  double MBPerSecond() const { return bytes / seconds / kMB; }
  double SyncsPerBatch() const { return double(counters.syncs) / batches; }
  double RoundsPerBatch() const { return double(counters.sync_rounds) / batches; }
};

std::optional<DiskCounters> Delta(const std::optional<DiskCounters>& before,
                                  const std::optional<DiskCounters>& after) {
  if (!before || !after) return std::nullopt;
  return DiskCounters{after->writes - before->writes,
                      after->sectors_written - before->sectors_written,
                      after->flushes - before->flushes};
}

// One thread per source, each appending its batches (synchronously, one at a
// time) until max_seconds have passed or max_bytes of payload are written.
WriteRun RunWrites(LogPeer* peer, std::vector<BatchSource>& sources, bool sync, double max_seconds,
                   uint64_t max_bytes, const std::string& dir) {
  WriteRun run;
  const PeerCounters before = peer->Counters();
  const auto disk_before = ReadDiskCounters(dir);
  std::atomic<uint64_t> bytes{0};
  std::atomic<bool> stop{false};
  std::mutex mu;  // guards run while threads merge into it
  std::latch go(1);
  std::chrono::steady_clock::time_point start;
  std::vector<std::thread> threads;
  for (auto& source : sources) {
    threads.emplace_back([&, src = &source] {
      go.wait();
      std::vector<double> latency;
      uint64_t batches = 0, entries = 0;
      Status status;
      while (!stop.load(std::memory_order_relaxed)) {
        std::span<const EntryRef> batch = src->Next();
        const auto t0 = std::chrono::steady_clock::now();
        status = peer->Append(batch, sync);
        latency.push_back(Since(t0));
        if (!status.ok()) {
          stop = true;
          break;
        }
        batches++;
        entries += batch.size();
        uint64_t b = 0;
        for (const auto& e : batch) b += e.payload.size();
        if (bytes.fetch_add(b) + b >= max_bytes || Since(start) >= max_seconds) stop = true;
      }
      std::lock_guard<std::mutex> l(mu);
      if (!status.ok()) run.status = status;
      run.batches += batches;
      run.entries += entries;
      run.latency.insert(run.latency.end(), latency.begin(), latency.end());
    });
  }
  start = std::chrono::steady_clock::now();
  go.count_down();
  for (auto& t : threads) t.join();
  run.seconds = Since(start);
  run.disk = Delta(disk_before, ReadDiskCounters(dir));
  run.bytes = bytes.load();
  const PeerCounters after = peer->Counters();
  run.counters.syncs = after.syncs - before.syncs;
  run.counters.sync_rounds = after.sync_rounds - before.sync_rounds;
  run.flush_seconds = SyncFs(dir);
  return run;
}

// One thread submitting source's batches with AppendAsync, keeping up to
// `window` in flight, until max_seconds or max_bytes; then waits for all.
// supported = false if the peer has no asynchronous append.
WriteRun RunAsyncWrites(LogPeer* peer, BatchSource& source, bool sync, int window,
                        double max_seconds, uint64_t max_bytes, const std::string& dir,
                        bool* supported) {
  WriteRun run;
  const PeerCounters before = peer->Counters();
  const auto disk_before = ReadDiskCounters(dir);
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  const auto start = std::chrono::steady_clock::now();
  *supported = true;
  while (Since(start) < max_seconds && run.bytes < max_bytes) {
    {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return in_flight < window; });
      if (!run.status.ok()) break;
      in_flight++;
    }
    std::span<const EntryRef> batch = source.Next();
    uint64_t bytes = 0;
    for (const auto& e : batch) bytes += e.payload.size();
    const auto t0 = std::chrono::steady_clock::now();
    const size_t entries = batch.size();
    // Runs on the log's writer thread: only bookkeeping.
    auto done = [&, t0, entries, bytes](Status s) {
      std::lock_guard<std::mutex> l(mu);
      run.latency.push_back(Since(t0));
      if (s.ok()) {
        run.batches++;
        run.entries += entries;
      } else if (run.status.ok()) {
        run.status = s;
      }
      in_flight--;
      cv.notify_all();
    };
    if (!peer->AppendAsync(batch, sync, done)) {
      *supported = false;
      return run;
    }
    run.bytes += bytes;
  }
  std::unique_lock<std::mutex> l(mu);
  cv.wait(l, [&] { return in_flight == 0; });
  run.seconds = Since(start);
  run.disk = Delta(disk_before, ReadDiskCounters(dir));
  const PeerCounters after = peer->Counters();
  run.counters.syncs = after.syncs - before.syncs;
  run.counters.sync_rounds = after.sync_rounds - before.sync_rounds;
  run.flush_seconds = SyncFs(dir);
  return run;
}

struct ReadRun {
  Status status;
  uint64_t reads = 0;
  double seconds = 0;
  std::vector<double> latency;
  double ReadsPerSecond() const { return reads / seconds; }
};

using Key = std::pair<uint64_t, uint64_t>;  // (group, index)

// Reads every key in order, checking each payload; only the Get calls are
// timed (not the check).
ReadRun RunReads(LogPeer* peer, const Payloads& payloads, const std::vector<Key>& keys) {
  ReadRun run;
  run.latency.reserve(keys.size());
  std::string payload;
  for (const auto& [group, index] : keys) {
    const auto t0 = std::chrono::steady_clock::now();
    run.status = peer->Get(group, index, &payload);
    const double seconds = Since(t0);
    run.latency.push_back(seconds);
    run.seconds += seconds;
    if (run.status.ok() && payload != payloads.For(group, index)) {
      run.status =
          Status::Corruption(fmt::format("group {} index {}: wrong payload", group, index));
    }
    if (!run.status.ok()) break;
    run.reads++;
  }
  return run;
}

struct RecoveryRun {
  Status status;
  uint64_t bytes = 0;       // payload bytes in the log
  uint64_t disk_bytes = 0;  // size of the store's directory
  double open_seconds = 0;
  std::string cache;  // how the page cache was dropped
  std::string state;  // Describe() after the open
  double SecondsPerGB() const { return open_seconds / (bytes / kGB); }
};

uint64_t DirectorySize(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

using Opener = std::function<Result<std::unique_ptr<LogPeer>>(const std::string&)>;

struct Store {
  const char* name;
  Opener open;
};

const Store kStores[2] = {{"silt", OpenSiltLogPeer}, {"RocksDB", OpenRocksDbLogPeer}};

// Everything measured, for the tables.
struct Results {
  std::optional<double> disk_bps;
  std::optional<SyncLatency> disk_sync;
  struct Write {
    std::string run;
    bool sync;
    WriteRun result[2];
    bool ran[2] = {true, true};  // false: the store has no such API (async)
    // Scenario 2's blocking run: reported without the target (see Run()).
    bool targeted = true;
  };
  std::vector<Write> writes;
  struct Reads {
    std::string kind;
    ReadRun result[2];
    std::string state[2];
  };
  std::vector<Reads> reads;
  std::optional<std::array<RecoveryRun, 2>> recovery;
};

class Bench {
 public:
  Bench(const Flags& flags, std::string root) : flags_(flags), root_(std::move(root)) {}

  Status Run();
  std::string Report() const;

 private:
  std::string StoreDir(int store) const { return root_ + "/" + kStores[store].name; }
  Status Fresh(int store) {
    std::error_code ec;
    std::filesystem::remove_all(StoreDir(store), ec);
    if (ec) return Status::IOError(fmt::format("remove {}: {}", StoreDir(store), ec.message()));
    return Status::OK();
  }
  bool Skip(int store) const {
    return !flags_.only_store.empty() && flags_.only_store != kStores[store].name;
  }
  bool Wants(const std::string& s) const {
    std::stringstream in(flags_.scenarios);
    std::string item;
    while (std::getline(in, item, ',')) {
      if (item == s) return true;
    }
    return false;
  }

  Status Disk();
  // window > 0: one source, AppendAsync with that many batches in flight.
  Status Writes(const std::string& run, bool sync, const Payloads& payloads, int sources,
                uint64_t groups_per_source, size_t batch, int window = 0);
  Status Reads();
  Status Recovery();

  const Flags& flags_;
  const std::string root_;
  Results results_;
};

Status Bench::Disk() {
  Progress(fmt::format("disk: sequential write of {} MiB", flags_.disk_mib));
  ::sync();
  SILT_ASSIGN_OR_RETURN(
      double bps, MeasureSequentialWrite(root_ + "/seqwrite.bin", flags_.disk_mib * kMiB, 1 << 20));
  results_.disk_bps = bps;
  Progress("disk: 200 appends of 4 KiB, each followed by fdatasync");
  SILT_ASSIGN_OR_RETURN(results_.disk_sync,
                        MeasureSyncLatency(root_ + "/synclatency.bin", 4096, 200));
  return Status::OK();
}

// The store order of round k: silt first in even rounds, RocksDB first in odd
// ones (ABBA), so that drift in the shared machine's disk and CPU (bursts,
// other work) does not favour one side.
std::array<int, 2> Order(int round) {
  return round % 2 == 0 ? std::array<int, 2>{0, 1} : std::array<int, 2>{1, 0};
}

void Merge(WriteRun* total, const WriteRun& run) {
  const bool first = total->seconds == 0;
  if (total->status.ok()) total->status = run.status;
  total->batches += run.batches;
  total->entries += run.entries;
  total->bytes += run.bytes;
  total->seconds += run.seconds;
  total->flush_seconds += run.flush_seconds;
  total->latency.insert(total->latency.end(), run.latency.begin(), run.latency.end());
  total->counters.syncs += run.counters.syncs;
  total->counters.sync_rounds += run.counters.sync_rounds;
  if (first) {
    total->disk = run.disk;
  } else if (total->disk && run.disk) {
    total->disk->writes += run.disk->writes;
    total->disk->sectors_written += run.disk->sectors_written;
    total->disk->flushes += run.disk->flushes;
  } else {
    total->disk.reset();
  }
}

void Merge(ReadRun* total, const ReadRun& run) {
  if (total->status.ok()) total->status = run.status;
  total->reads += run.reads;
  total->seconds += run.seconds;
  total->latency.insert(total->latency.end(), run.latency.begin(), run.latency.end());
}

Status Bench::Writes(const std::string& run, bool sync, const Payloads& payloads, int sources,
                     uint64_t groups_per_source, size_t batch, int window) {
  Results::Write w{run, sync, {}};
  for (int round = 0; round < flags_.rounds; ++round) {
    for (int s : Order(round)) {
      if (Skip(s) || !w.ran[s]) continue;
      Progress(fmt::format("{}: {} (round {})", run, kStores[s].name, round + 1));
      SILT_RETURN_IF_ERROR(Fresh(s));
      ::sync();
      SILT_ASSIGN_OR_RETURN(auto peer, kStores[s].open(StoreDir(s)));
      std::vector<BatchSource> src;
      for (int i = 0; i < sources; ++i) {
        src.emplace_back(&payloads, 1 + i * groups_per_source, groups_per_source, batch);
      }
      WriteRun result;
      if (window > 0) {
        result = RunAsyncWrites(peer.get(), src[0], sync, window, flags_.seconds,
                                flags_.max_run_mib * kMiB, StoreDir(s), &w.ran[s]);
      } else {
        result = RunWrites(peer.get(), src, sync, flags_.seconds, flags_.max_run_mib * kMiB,
                           StoreDir(s));
      }
      SILT_RETURN_IF_ERROR(result.status.WithContext(kStores[s].name));
      if (w.ran[s]) Merge(&w.result[s], result);
      peer.reset();
      SILT_RETURN_IF_ERROR(Fresh(s));
    }
  }
  results_.writes.push_back(std::move(w));
  return Status::OK();
}

Status Bench::Reads() {
  const Payloads payloads(1024);
  Results::Reads recent{"recent", {}, {}}, old{"old", {}, {}};
  // Both stores hold the same load at the same time; the reads then alternate
  // between them in slices (ABBA).
  std::unique_ptr<LogPeer> peers[2];
  std::optional<BatchSource> loaded;
  for (int s = 0; s < 2; ++s) {
    if (Skip(s)) continue;
    Progress(fmt::format("3 reads: {}: load {} MiB over {} groups", kStores[s].name,
                         flags_.load_mib, flags_.read_groups));
    SILT_RETURN_IF_ERROR(Fresh(s));
    ::sync();
    SILT_ASSIGN_OR_RETURN(peers[s], kStores[s].open(StoreDir(s)));
    std::vector<BatchSource> src;
    src.emplace_back(&payloads, 1, flags_.read_groups, 100);
    WriteRun load =
        RunWrites(peers[s].get(), src, /*sync=*/false, 1e9, flags_.load_mib * kMiB, StoreDir(s));
    SILT_RETURN_IF_ERROR(load.status.WithContext(kStores[s].name));
    SILT_RETURN_IF_ERROR(peers[s]->WaitIdle());
    recent.state[s] = old.state[s] = peers[s]->Describe();
    loaded = src[0];  // the same load for both stores
  }
  if (!loaded) return Status::OK();
  const uint64_t recent_per_group =
      std::max<uint64_t>(1, flags_.recent_mib * kMiB / payloads.size() / loaded->groups());
  std::mt19937_64 rng(7);
  std::vector<Key> keys[2];  // recent, old
  for (uint64_t i = 0; i < flags_.reads; ++i) {
    const uint64_t g = loaded->first_group() + rng() % loaded->groups();
    const uint64_t last = loaded->LastIndex(g);
    const uint64_t n = std::min(last, recent_per_group);
    keys[0].emplace_back(g, last - n + 1 + rng() % n);
    keys[1].emplace_back(g, 1 + rng() % std::max<uint64_t>(1, last / 2));
  }
  Results::Reads* kinds[2] = {&recent, &old};
  const size_t slices = 2 * static_cast<size_t>(flags_.rounds);
  for (int kind = 0; kind < 2; ++kind) {
    Progress(fmt::format("3 reads: {} {} reads per store", flags_.reads, kinds[kind]->kind));
    const size_t per_slice = (keys[kind].size() + slices - 1) / slices;
    for (size_t slice = 0; slice < slices; ++slice) {
      const size_t from = std::min(keys[kind].size(), slice * per_slice);
      const size_t to = std::min(keys[kind].size(), from + per_slice);
      const std::vector<Key> part(keys[kind].begin() + from, keys[kind].begin() + to);
      for (int s : Order(static_cast<int>(slice))) {
        if (!peers[s]) continue;
        ReadRun run = RunReads(peers[s].get(), payloads, part);
        SILT_RETURN_IF_ERROR(run.status.WithContext(kStores[s].name));
        Merge(&kinds[kind]->result[s], run);
      }
    }
  }
  for (int s = 0; s < 2; ++s) {
    peers[s].reset();
    SILT_RETURN_IF_ERROR(Fresh(s));
  }
  results_.reads.push_back(std::move(recent));
  results_.reads.push_back(std::move(old));
  return Status::OK();
}

Status Bench::Recovery() {
  const Payloads payloads(1024);
  std::array<RecoveryRun, 2> runs;
  for (int s = 0; s < 2; ++s) {
    if (Skip(s)) continue;
    RecoveryRun& r = runs[s];
    Progress(fmt::format("4 recovery: {}: write {} MiB over {} groups", kStores[s].name,
                         flags_.recovery_mib, flags_.recovery_groups));
    SILT_RETURN_IF_ERROR(Fresh(s));
    ::sync();
    std::vector<BatchSource> src;
    src.emplace_back(&payloads, 1, flags_.recovery_groups, 100);
    {
      SILT_ASSIGN_OR_RETURN(auto peer, kStores[s].open(StoreDir(s)));
      WriteRun load =
          RunWrites(peer.get(), src, /*sync=*/false, 1e9, flags_.recovery_mib * kMiB, StoreDir(s));
      SILT_RETURN_IF_ERROR(load.status.WithContext(kStores[s].name));
      // One last batch with sync: everything before it is acknowledged durable.
      std::span<const EntryRef> last = src[0].Next();
      SILT_RETURN_IF_ERROR(peer->Append(last, /*sync=*/true));
      r.bytes = load.bytes + last.size() * payloads.size();
    }  // closed
    r.disk_bytes = DirectorySize(StoreDir(s));
    r.cache = DropPageCache({StoreDir(s)});
    Progress(fmt::format("4 recovery: {}: open ({})", kStores[s].name, r.cache));
    const auto start = std::chrono::steady_clock::now();
    SILT_ASSIGN_OR_RETURN(auto peer, kStores[s].open(StoreDir(s)));
    r.open_seconds = Since(start);
    r.state = peer->Describe();
    // Check that the newest entry of every group came back.
    std::string payload;
    for (uint64_t g = src[0].first_group(); g < src[0].first_group() + src[0].groups(); ++g) {
      const uint64_t last = src[0].LastIndex(g);
      if (last == 0) continue;
      SILT_RETURN_IF_ERROR(peer->Get(g, last, &payload).WithContext(kStores[s].name));
      if (payload != payloads.For(g, last)) {
        return Status::Corruption(
            fmt::format("{}: group {} entry {} wrong after recovery", kStores[s].name, g, last));
      }
    }
    peer.reset();
    SILT_RETURN_IF_ERROR(Fresh(s));
  }
  results_.recovery = runs;
  return Status::OK();
}

Status Bench::Run() {
  if (Wants("disk")) SILT_RETURN_IF_ERROR(Disk());
  if (Wants("1")) {
    const Payloads payloads(1024);
    const std::string name = fmt::format("1: {} writers x 1 group, 100 x 1 KiB", flags_.writers);
    SILT_RETURN_IF_ERROR(Writes(name + ", sync", true, payloads, flags_.writers, 1, 100));
    SILT_RETURN_IF_ERROR(Writes(name + ", no sync", false, payloads, flags_.writers, 1, 100));
  }
  if (Wants("2")) {
    const Payloads payloads(256);
    if (flags_.async_window > 0) {
      SILT_RETURN_IF_ERROR(Writes(fmt::format("2: 1 writer, {} groups, 10 x 256 B, sync, "
                                              "pipelined ({} batches in flight)",
                                              flags_.groups, flags_.async_window),
                                  true, payloads, 1, flags_.groups, 10, flags_.async_window));
    }
    SILT_RETURN_IF_ERROR(
        Writes(fmt::format("2b: 1 writer, {} groups, 10 x 256 B, sync, blocking (1 batch in "
                           "flight)",
                           flags_.groups),
               true, payloads, 1, flags_.groups, 10));
    results_.writes.back().targeted = false;
  }
  if (Wants("3")) SILT_RETURN_IF_ERROR(Reads());
  if (Wants("4")) SILT_RETURN_IF_ERROR(Recovery());
  return Status::OK();
}

std::string Bench::Report() const {
  std::string out;
  const Results& r = results_;
  if (r.disk_bps) {
    out += fmt::format("Disk sequential write ({} MiB in 1 MiB writes + fdatasync): {} MB/s\n\n",
                       flags_.disk_mib, Num(*r.disk_bps / kMB));
  }
  if (r.disk_sync) {
    out += fmt::format(
        "Disk append of 4 KiB + fdatasync: p50 {} ms, p99 {} ms, {} per second back to back "
        "(the ceiling of one synchronous writer that fsyncs every batch)\n\n",
        Num(r.disk_sync->p50 * 1e3), Num(r.disk_sync->p99 * 1e3), Num(r.disk_sync->per_second));
  }
  if (!r.writes.empty()) {
    MarkdownTable t({"Appends", "Store", "Entries/s", "MB/s", "MB/s to disk", "Batches", "p50 ms",
                     "p99 ms", "fsyncs/batch", "sync rounds/batch", "disk writes/batch",
                     "disk flushes/batch"});
    for (const auto& w : r.writes) {
      for (int s = 0; s < 2; ++s) {
        if (!w.ran[s]) {
          t.AddRow({w.run, kStores[s].name, "n/a: no asynchronous append"});
          continue;
        }
        WriteRun run = w.result[s];
        const double to_disk = run.bytes / (run.seconds + run.flush_seconds) / kMB;
        t.AddRow({w.run, kStores[s].name, Num(run.EntriesPerSecond()), Num(run.MBPerSecond()),
                  w.sync ? "" : Num(to_disk), std::to_string(run.batches),
                  Num(Percentile(run.latency, 0.5) * 1e3), Num(Percentile(run.latency, 0.99) * 1e3),
                  Num(run.SyncsPerBatch()), s == 0 ? Num(run.RoundsPerBatch()) : "",
                  w.sync && run.disk ? Num(double(run.disk->writes) / run.batches) : "",
                  w.sync && run.disk ? Num(double(run.disk->flushes) / run.batches) : ""});
      }
    }
    out += t.ToString() + "\n";
  }
  if (!r.reads.empty()) {
    MarkdownTable t({"Random reads", "Store", "Reads/s", "p50 us", "p99 us", "State after load"});
    for (const auto& rd : r.reads) {
      for (int s = 0; s < 2; ++s) {
        ReadRun run = rd.result[s];
        t.AddRow({rd.kind, kStores[s].name, Num(run.ReadsPerSecond()),
                  Num(Percentile(run.latency, 0.5) * 1e6), Num(Percentile(run.latency, 0.99) * 1e6),
                  rd.state[s]});
      }
    }
    out += t.ToString() + "\n";
  }
  if (r.recovery) {
    MarkdownTable t({"Recovery", "Payload", "On disk", "Open s", "s/GB", "State after open"});
    for (int s = 0; s < 2; ++s) {
      const RecoveryRun& run = (*r.recovery)[s];
      t.AddRow({kStores[s].name, fmt::format("{} MB", Num(run.bytes / kMB)),
                fmt::format("{} MB", Num(run.disk_bytes / kMB)), Num(run.open_seconds),
                Num(run.SecondsPerGB()), run.state});
    }
    out += t.ToString() + "\nPage cache: " + (*r.recovery)[0].cache + "\n\n";
  }

  MarkdownTable t({"Scenario", "silt", "RocksDB", "silt / RocksDB", "Target", "Result"});
  for (size_t i = 0; i < r.writes.size(); ++i) {
    const Results::Write& w = r.writes[i];
    if (!w.ran[0] || !w.ran[1]) continue;
    const double ratio = w.result[0].EntriesPerSecond() / w.result[1].EntriesPerSecond();
    t.AddRow({w.run, Num(w.result[0].EntriesPerSecond()) + " entries/s",
              Num(w.result[1].EntriesPerSecond()) + " entries/s", Num(ratio) + "x",
              w.targeted ? ">= 2x" : "(reported: one flush per batch on both sides)",
              w.targeted ? Met(ratio >= 2) : "-"});
    if (!w.sync && r.disk_bps) {
      const double share = w.result[0].MBPerSecond() * kMB / *r.disk_bps;
      t.AddRow({w.run + ": silt vs disk", Num(w.result[0].MBPerSecond()) + " MB/s",
                "disk: " + Num(*r.disk_bps / kMB) + " MB/s", Num(share * 100) + "% of disk",
                ">= 50% of disk", Met(share >= 0.5)});
    }
  }
  for (const auto& rd : r.reads) {
    const double ratio = rd.result[0].ReadsPerSecond() / rd.result[1].ReadsPerSecond();
    t.AddRow({"3: random reads, " + rd.kind, Num(rd.result[0].ReadsPerSecond()) + " reads/s",
              Num(rd.result[1].ReadsPerSecond()) + " reads/s", Num(ratio) + "x", ">= 3x",
              Met(ratio >= 3)});
  }
  if (r.recovery) {
    const RecoveryRun& silt = (*r.recovery)[0];
    const RecoveryRun& rocks = (*r.recovery)[1];
    t.AddRow({fmt::format("4: recovery, {} MB log", Num(silt.bytes / kMB)),
              Num(silt.SecondsPerGB()) + " s/GB", Num(rocks.SecondsPerGB()) + " s/GB",
              Num(silt.open_seconds / rocks.open_seconds) + "x the time", "<= 0.5 s/GB",
              Met(silt.SecondsPerGB() <= 0.5)});
  }
  out += t.ToString();
  return out;
}

std::string Conditions(const Flags& flags, const std::string& root, const std::string& load) {
  return MachineDescription() + fmt::format(
                                    "data in {}; load average at start: {}.\n"
                                    "Parameters: --seconds {} --rounds {} --max-run-mib {} "
                                    "--disk-mib {} --writers {} --groups "
                                    "{} "
                                    "--async-window {} --load-mib {} --read-groups {} --reads {} "
                                    "--recent-mib {} --recovery-mib "
                                    "{} "
                                    "--recovery-groups {}.\n"
                                    "{}\n\n",
                                    root, load, flags.seconds, flags.rounds, flags.max_run_mib,
                                    flags.disk_mib, flags.writers, flags.groups, flags.async_window,
                                    flags.load_mib, flags.read_groups, flags.reads,
                                    flags.recent_mib, flags.recovery_mib, flags.recovery_groups,
                                    BuildDescription());
}

}  // namespace
}  // namespace silt::bench

int main(int argc, char** argv) {
  using silt::bench::Flags;
  Flags flags;
  CLI::App app("silt shared-log benchmark against RocksDB (same run, same data)");
  app.add_option("--dir", flags.dir,
                 "Parent directory for the data (a fresh subdirectory is created and removed); "
                 "default $TMPDIR or /tmp");
  app.add_option("--scenarios", flags.scenarios, "Comma-separated: disk,1,2,3,4")
      ->capture_default_str();
  app.add_option("--seconds", flags.seconds, "Longest duration of one timed write run")
      ->capture_default_str();
  app.add_option("--rounds", flags.rounds,
                 "Runs per store and write scenario (alternating which store goes first); "
                 "results are totals over the rounds")
      ->capture_default_str();
  app.add_option("--max-run-mib", flags.max_run_mib, "Largest payload volume of one write run")
      ->capture_default_str();
  app.add_option("--disk-mib", flags.disk_mib, "Size of the sequential write bandwidth test")
      ->capture_default_str();
  app.add_option("--writers", flags.writers, "Scenario 1: writer threads (one group each)")
      ->capture_default_str();
  app.add_option("--groups", flags.groups, "Scenario 2: groups")->capture_default_str();
  app.add_option("--async-window", flags.async_window,
                 "Scenario 2 pipelined run: batches in flight; 0 = skip")
      ->capture_default_str();
  app.add_option("--load-mib", flags.load_mib, "Scenario 3: log size before reading")
      ->capture_default_str();
  app.add_option("--read-groups", flags.read_groups, "Scenario 3: groups")->capture_default_str();
  app.add_option("--reads", flags.reads, "Scenario 3: random reads per kind and store")
      ->capture_default_str();
  app.add_option("--recent-mib", flags.recent_mib, "Scenario 3: recent = newest this many MiB")
      ->capture_default_str();
  app.add_option("--recovery-mib", flags.recovery_mib, "Scenario 4: log size")
      ->capture_default_str();
  app.add_option("--recovery-groups", flags.recovery_groups, "Scenario 4: groups")
      ->capture_default_str();
  app.add_option("--only-store", flags.only_store,
                 "Run only this store (silt or RocksDB), e.g. under perf; ratios are meaningless");
  CLI11_PARSE(app, argc, argv);

  const std::string root = silt::bench::CreateRunDirectory(flags.dir, "log_bench");
  if (root.empty()) return 1;
  std::error_code ec;
  const std::string conditions = silt::bench::Conditions(flags, root, silt::bench::LoadAverage());
  silt::bench::Bench bench(flags, root);
  const silt::Status status = bench.Run();
  const std::string load_end = silt::bench::LoadAverage();
  std::filesystem::remove_all(root, ec);
  std::printf("%s%s\nLoad average at end: %s.\n", conditions.c_str(), bench.Report().c_str(),
              load_end.c_str());
  if (!status.ok()) {
    std::fprintf(stderr, "log_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

// `silt log stress|check|dump`: drive, verify and inspect a shared log.
//
// Payloads written by `stress` are a deterministic function of (seed, group,
// index): an 8-byte little-endian length L followed by L bytes from a
// generator seeded with those three numbers. `check` recomputes them, so a
// log written by `stress` (possibly killed midway, many times) can be
// verified without knowing how it was written.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "cli.h"
#include "common/coding.h"
#include "common/file_names.h"
#include "common/hash.h"
#include "common/path.h"
#include "log/index_file.h"
#include "log/log_file_names.h"
#include "log/segment_file.h"
#include "silt/log_store.h"

namespace silt::cli {
namespace {

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string StressPayload(uint64_t seed, uint64_t group, uint64_t index, size_t size) {
  std::string p;
  const size_t body = size > 8 ? size - 8 : 0;
  PutFixed64(&p, body);
  uint64_t state = seed ^ (group * 0x100000001b3ull) ^ (index << 20);
  while (p.size() < 8 + body) {
    char word[8];
    EncodeFixed64(word, SplitMix(&state));
    p.append(word, std::min<size_t>(8, 8 + body - p.size()));
  }
  return p;
}

bool PayloadMatches(uint64_t seed, uint64_t group, uint64_t index, const std::string& payload) {
  if (payload.size() < 8) return false;
  const uint64_t body = DecodeFixed64(payload.data());
  if (body != payload.size() - 8) return false;
  return payload == StressPayload(seed, group, index, payload.size());
}

std::string LogDir(const Cli& cli, const std::string& dir) {
  return dir.empty() ? JoinPath(cli.data_dir, kLogDirName) : dir;
}

struct StressOptions {
  std::string dir;
  uint64_t groups = 4;
  uint64_t entries = 1000;
  size_t entry_size = 1024;
  int threads = 1;
  size_t batch = 10;
  bool sync = true;
  uint64_t seed = 1;
  uint64_t segment_size = 64ull << 20;
};

Status RunStress(const Cli& cli, const StressOptions& o) {
  if (o.groups == 0 || o.threads < 1 || o.batch == 0 || o.entry_size < 8) {
    return Status::InvalidArgument(
        "--groups, --threads and --batch must be at least 1, --entry-size at least 8");
  }
  LogOptions options;
  options.segment_size = o.segment_size;
  SILT_ASSIGN_OR_RETURN(auto log, LogStore::Open(LogDir(cli, o.dir), options));
  std::mutex out_mu;
  std::vector<std::vector<double>> latencies(o.threads);
  std::atomic<uint64_t> bytes{0}, entries{0};
  Status failure;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<uint64_t> mine;
      for (uint64_t g = static_cast<uint64_t>(t); g < o.groups; g += o.threads) mine.push_back(g);
      std::vector<uint64_t> next, stop;
      for (uint64_t g : mine) {
        next.push_back(log->LastIndex(g) + 1);
        stop.push_back(next.back() + o.entries);
      }
      bool more = true;
      while (more) {
        more = false;
        for (size_t k = 0; k < mine.size(); ++k) {
          if (next[k] >= stop[k]) continue;
          more = true;
          LogBatch b;
          const uint64_t end = std::min<uint64_t>(stop[k], next[k] + o.batch);
          for (uint64_t i = next[k]; i < end; ++i) {
            b.Add(mine[k], i, 1, StressPayload(o.seed, mine[k], i, o.entry_size));
          }
          const auto t0 = std::chrono::steady_clock::now();
          Status s = log->Append(b, o.sync);
          const auto t1 = std::chrono::steady_clock::now();
          if (!s.ok()) {
            std::lock_guard<std::mutex> l(out_mu);
            failure = s;
            return;
          }
          latencies[t].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
          entries += end - next[k];
          bytes += (end - next[k]) * o.entry_size;
          {
            std::lock_guard<std::mutex> l(out_mu);
            std::printf("acked %llu %llu\n", static_cast<unsigned long long>(mine[k]),
                        static_cast<unsigned long long>(end - 1));
            std::fflush(stdout);
          }
          next[k] = end;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  SILT_RETURN_IF_ERROR(failure);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  LogStats st = log->GetStats();
  std::printf(
      "summary: %llu entries in %.3f s, %.0f entries/s, %.1f MB/s, %llu batches, %llu fsyncs "
      "(%.2f per batch), batch latency p50 %.0f us p99 %.0f us\n",
      static_cast<unsigned long long>(entries.load()), secs, entries.load() / secs,
      bytes.load() / secs / 1e6, static_cast<unsigned long long>(all.size()),
      static_cast<unsigned long long>(st.fsyncs),
      all.empty() ? 0.0 : static_cast<double>(st.fsyncs) / all.size(), pct(0.5), pct(0.99));
  return Status::OK();
}

Status RunCheck(const Cli& cli, const std::string& dir, uint64_t seed) {
  SILT_ASSIGN_OR_RETURN(auto log, LogStore::Open(LogDir(cli, dir), LogOptions{}));
  uint64_t bad = 0;
  for (uint64_t g : log->Groups()) {
    const uint64_t first = log->FirstIndex(g), last = log->LastIndex(g);
    for (uint64_t i = first; i <= last; ++i) {
      auto e = log->Get(g, i);
      if (!e.ok()) {
        std::fprintf(stderr, "group %llu entry %llu: %s\n", static_cast<unsigned long long>(g),
                     static_cast<unsigned long long>(i), e.status().ToString().c_str());
        ++bad;
      } else if (!PayloadMatches(seed, g, i, e->payload)) {
        std::fprintf(stderr, "group %llu entry %llu: payload does not match seed %llu\n",
                     static_cast<unsigned long long>(g), static_cast<unsigned long long>(i),
                     static_cast<unsigned long long>(seed));
        ++bad;
      }
    }
    std::printf("group %llu first %llu last %llu\n", static_cast<unsigned long long>(g),
                static_cast<unsigned long long>(first), static_cast<unsigned long long>(last));
  }
  if (bad != 0) return Status::Corruption(fmt::format("{} entries failed verification", bad));
  return Status::OK();
}

const char* RecordTypeName(log::RecordType t) {
  switch (t) {
    case log::RecordType::kEntry:
      return "entry";
    case log::RecordType::kTruncateSuffix:
      return "truncate-suffix";
    case log::RecordType::kTruncatePrefix:
      return "truncate-prefix";
    case log::RecordType::kReset:
      return "reset";
    case log::RecordType::kHardState:
      return "hard-state";
  }
  return "?";
}

Status DumpSegment(Env* env, const std::string& dir, uint64_t number) {
  // The newest generation of that segment.
  SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(JoinPath(dir, log::kSegmentsDir)));
  std::optional<log::ParsedLogFileName> found;
  for (const auto& n : names) {
    auto p = log::ParseLogFileName(n, "segment-");
    if (p && p->segment == number && (!found || p->generation > found->generation)) found = p;
  }
  if (!found) return Status::NotFound(fmt::format("{}: no segment {}", dir, number));
  const std::string path =
      JoinPath(JoinPath(dir, log::kSegmentsDir), log::SegmentFileName(number, found->generation));
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(auto map, file->Map());
  std::printf("segment %llu generation %u: %s (%zu bytes)\n",
              static_cast<unsigned long long>(number), found->generation, path.c_str(),
              map->data().size());
  log::SegmentScanResult scan;
  SILT_RETURN_IF_ERROR(log::ScanSegment(
      map->data(), path,
      [](uint64_t frame, const std::vector<log::ScannedRecord>& records) {
        std::printf("batch at %llu: %zu records\n", static_cast<unsigned long long>(frame),
                    records.size());
        for (const auto& r : records) {
          std::printf("  %llu %s group %llu a %llu b %llu payload %zu bytes\n",
                      static_cast<unsigned long long>(r.offset), RecordTypeName(r.record.type),
                      static_cast<unsigned long long>(r.record.group),
                      static_cast<unsigned long long>(r.record.a),
                      static_cast<unsigned long long>(r.record.b), r.record.payload.size());
        }
        return Status::OK();
      },
      &scan));
  std::printf("end at %llu: %s\n", static_cast<unsigned long long>(scan.end_offset),
              !scan.damage.ok() ? scan.damage.ToString().c_str()
                                : (scan.sealed ? "sealed (end marker)" : "end of data"));
  return Status::OK();
}

Status DumpIndex(Env* env, const std::string& dir, uint64_t number) {
  SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(JoinPath(dir, log::kIndexDir)));
  for (const auto& n : names) {
    auto p = log::ParseLogFileName(n, "index-");
    if (!p || p->segment != number) continue;
    const std::string path = JoinPath(JoinPath(dir, log::kIndexDir), n);
    SILT_ASSIGN_OR_RETURN(auto index, log::IndexFile::Open(env, path, number, p->generation));
    std::printf("index of segment %llu generation %u: %s (%llu bytes, %zu groups%s)\n",
                static_cast<unsigned long long>(number), p->generation, path.c_str(),
                static_cast<unsigned long long>(index->file_size()), index->groups().size(),
                index->has_state() ? "" : ", rebuilt: no group state");
    for (const auto& g : index->groups()) {
      std::printf(
          "  group %llu entries [%llu, %llu) at %u; first %llu last %llu term %llu vote %llu\n",
          static_cast<unsigned long long>(g.group), static_cast<unsigned long long>(g.start),
          static_cast<unsigned long long>(g.end), g.payload_offset,
          static_cast<unsigned long long>(g.first_index),
          static_cast<unsigned long long>(g.last_index), static_cast<unsigned long long>(g.term),
          static_cast<unsigned long long>(g.vote));
    }
    return Status::OK();
  }
  return Status::NotFound(fmt::format("{}: no index file for segment {}", dir, number));
}

Status DumpList(Env* env, const std::string& dir) {
  for (std::string_view sub : {log::kSegmentsDir, log::kIndexDir}) {
    const std::string d = JoinPath(dir, sub);
    SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(d));
    for (const auto& n : names) {
      std::printf("%s %llu\n", JoinPath(d, n).c_str(),
                  static_cast<unsigned long long>(env->GetFileSize(JoinPath(d, n)).value_or(0)));
    }
  }
  return Status::OK();
}

void RegisterLogCommands(Cli& cli) {
  CLI::App* log = cli.app.add_subcommand("log", "Drive, verify and inspect the shared log");
  log->require_subcommand(1);

  auto stress = std::make_shared<StressOptions>();
  CLI::App* s = log->add_subcommand(
      "stress",
      "Append N entries to each of G groups (after each group's last index), printing "
      "'acked GROUP LAST_INDEX' after every acknowledged batch");
  s->add_option("--dir", stress->dir, "Log directory (default: DATA/log)");
  s->add_option("--groups", stress->groups, "Number of groups")->capture_default_str();
  s->add_option("--entries", stress->entries, "Entries per group")->capture_default_str();
  s->add_option("--entry-size", stress->entry_size, "Payload bytes per entry (>= 8)")
      ->capture_default_str();
  s->add_option("--threads", stress->threads, "Writer threads")->capture_default_str();
  s->add_option("--batch", stress->batch, "Entries per batch")->capture_default_str();
  s->add_flag("--sync,!--no-sync", stress->sync, "Wait until each batch is durable (default)");
  s->add_option("--seed", stress->seed, "Payload seed")->capture_default_str();
  s->add_option("--segment-size", stress->segment_size, "Segment file size in bytes")
      ->capture_default_str();
  s->callback([&cli, stress] { cli.action = [&cli, stress] { return RunStress(cli, *stress); }; });

  auto check_dir = std::make_shared<std::string>();
  auto check_seed = std::make_shared<uint64_t>(1);
  CLI::App* c = log->add_subcommand(
      "check", "Recover the log and verify every entry against the stress payloads");
  c->add_option("--dir", *check_dir, "Log directory (default: DATA/log)");
  c->add_option("--seed", *check_seed, "Payload seed used by stress")->capture_default_str();
  c->callback([&cli, check_dir, check_seed] {
    cli.action = [&cli, check_dir, check_seed] { return RunCheck(cli, *check_dir, *check_seed); };
  });

  struct DumpOptions {
    std::string dir;
    std::optional<uint64_t> segment, index;
  };
  auto dump = std::make_shared<DumpOptions>();
  CLI::App* d = log->add_subcommand(
      "dump", "List the log's files, or print a segment's records or an index file's header");
  d->add_option("--dir", dump->dir, "Log directory (default: DATA/log)");
  auto* seg_opt = d->add_option("--segment", dump->segment, "Print the records of segment N");
  d->add_option("--index", dump->index, "Print the header of segment N's index file")
      ->excludes(seg_opt);
  d->callback([&cli, dump] {
    cli.action = [&cli, dump] {
      Env* env = Env::Default();
      const std::string dir = LogDir(cli, dump->dir);
      if (!env->FileExists(dir)) return Status::NotFound(dir + ": no such log directory");
      if (dump->segment) return DumpSegment(env, dir, *dump->segment);
      if (dump->index) return DumpIndex(env, dir, *dump->index);
      return DumpList(env, dir);
    };
  });
}

const CommandRegistrar kRegistrar(100, RegisterLogCommands);

}  // namespace
}  // namespace silt::cli

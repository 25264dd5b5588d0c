#include "bench/disk_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "silt/env.h"

namespace silt::bench {
namespace {

std::string RandomBytes(size_t size) {
  std::string data(size, '\0');
  std::mt19937_64 rng(42);
  for (char& c : data) c = static_cast<char>(rng());
  return data;
}

}  // namespace

Result<double> MeasureSequentialWrite(const std::string& path, uint64_t bytes, size_t chunk) {
  Env* env = Env::Default();
  const std::string data = RandomBytes(chunk);
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kTruncate));
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t at = 0; at < bytes; at += chunk) {
    SILT_RETURN_IF_ERROR(file->WriteAt(at, data));
  }
  SILT_RETURN_IF_ERROR(file->DataSync());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  file.reset();
  SILT_RETURN_IF_ERROR(env->RemoveFile(path));
  return static_cast<double>(bytes) / seconds;
}

Result<SyncLatency> MeasureSyncLatency(const std::string& path, size_t size, int count) {
  Env* env = Env::Default();
  const std::string data = RandomBytes(size);
  SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(path, OpenMode::kTruncate));
  std::vector<double> latency;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    SILT_RETURN_IF_ERROR(file->Append(data));
    SILT_RETURN_IF_ERROR(file->DataSync());
    latency.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  file.reset();
  SILT_RETURN_IF_ERROR(env->RemoveFile(path));
  std::sort(latency.begin(), latency.end());
  SyncLatency out;
  out.p50 = latency[latency.size() / 2];
  out.p99 = latency[latency.size() * 99 / 100];
  out.per_second = count / seconds;
  return out;
}

}  // namespace silt::bench

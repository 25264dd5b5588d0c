#include "bench/disk_stats.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace silt::bench {

std::optional<DiskCounters> ReadDiskCounters(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  const unsigned want_major = major(st.st_dev), want_minor = minor(st.st_dev);
  std::ifstream in("/proc/diskstats");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    unsigned maj = 0, min = 0;
    std::string name;
    if (!(fields >> maj >> min >> name) || maj != want_major || min != want_minor) continue;
    std::vector<uint64_t> v;
    uint64_t x;
    while (fields >> x) v.push_back(x);
    // reads: 0-3, writes completed 4, merged 5, sectors 6, ms 7, ... flushes completed 15.
    if (v.size() < 16) return std::nullopt;
    return DiskCounters{v[4], v[6], v[15]};
  }
  return std::nullopt;
}

}  // namespace silt::bench

#include "bench/page_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace silt::bench {
namespace {

// Returns an empty string on success, else the reason it failed.
std::string WriteDropCaches() {
  const int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY);
  if (fd < 0) return fmt::format("open /proc/sys/vm/drop_caches: {}", std::strerror(errno));
  const ssize_t n = ::write(fd, "3\n", 2);
  const int err = errno;
  ::close(fd);
  if (n != 2) return fmt::format("write /proc/sys/vm/drop_caches: {}", std::strerror(err));
  return "";
}

// Evicts each regular file under dir; returns how many files were evicted.
size_t FadviseDontNeed(const std::string& dir) {
  size_t count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);  // only clean pages can be dropped
    if (::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0) count++;
    ::close(fd);
  }
  return count;
}

}  // namespace

std::string DropPageCache(const std::vector<std::string>& dirs) {
  ::sync();
  const std::string why = WriteDropCaches();
  if (why.empty()) return "page cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches)";
  size_t files = 0;
  for (const auto& dir : dirs) files += FadviseDontNeed(dir);
  return fmt::format("drop_caches failed ({}); evicted {} files with posix_fadvise(DONTNEED)", why,
                     files);
}

}  // namespace silt::bench

// Evicting files from the OS page cache, so that a timed open reads the disk.
#pragma once

#include <string>
#include <vector>

namespace silt::bench {

// Writes dirty data back (sync) and drops the page cache: first with
// `echo 3 > /proc/sys/vm/drop_caches` (needs root), else by
// posix_fadvise(POSIX_FADV_DONTNEED) on every file under dirs. Returns what
// was done, including why drop_caches failed, for the report.
std::string DropPageCache(const std::vector<std::string>& dirs);

}  // namespace silt::bench

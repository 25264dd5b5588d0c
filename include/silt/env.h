// Env: every file operation silt makes goes through this interface.
//
// PosixEnv (Env::Default()) is the real one. Tests swap in FaultInjectionEnv
// (src/common/fault_injection_env.h), an in-memory file system that can fail
// chosen operations and simulate a power cut. Durability rules follow POSIX
// strictly: bytes written to a file survive a crash only after File::Sync (or
// DataSync); a created, renamed or removed name survives only after SyncDir of
// its directory. Code that obeys the fault Env obeys real disks.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "silt/status.h"

namespace silt {

// How NewFile opens a path.
enum class OpenMode {
  kRead,       // read only; must exist
  kReadWrite,  // read and write; must exist
  kCreate,     // read and write; created empty if missing
  kCreateNew,  // read and write; fails with AlreadyExists if present
  kTruncate,   // read and write; created or emptied
};

// A read-only view of a whole file, mapped or copied into memory.
class MappedRegion {
 public:
  virtual ~MappedRegion() = default;
  virtual std::string_view data() const = 0;
};

// An open file. Thread-safe for concurrent ReadAt; writes must be serialised
// by the caller.
class File {
 public:
  virtual ~File() = default;

  virtual const std::string& path() const = 0;

  // Reads up to dst.size() bytes at offset; returns the count, short only at
  // end of file.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<char> dst) const = 0;
  // Writes all of data at offset, extending the file if needed.
  virtual Status WriteAt(uint64_t offset, std::string_view data) = 0;
  // Writes all of data at the current end of file.
  virtual Status Append(std::string_view data) = 0;
  // Makes data and metadata durable (fsync).
  virtual Status Sync() = 0;
  // Makes data durable, and the size when it grew (fdatasync).
  virtual Status DataSync() = 0;
  virtual Status Truncate(uint64_t size) = 0;
  // Reserves space for [offset, offset+len) so later writes there do not fail
  // for lack of space; the file's size grows to cover it (zero-filled).
  virtual Status Allocate(uint64_t offset, uint64_t len) = 0;
  virtual Result<uint64_t> Size() const = 0;
  // A read-only view of the file's current contents (its current size).
  virtual Result<std::unique_ptr<MappedRegion>> Map() const = 0;
  // True when a view from Map() also shows later writes to the bytes it
  // covers (a shared memory mapping); false when it is a copy.
  virtual bool MapIsLive() const { return false; }

  // Reads exactly dst.size() bytes at offset, or fails with Corruption naming
  // the file and offset when the file ends first.
  Status ReadExact(uint64_t offset, std::span<char> dst) const;
};

// An exclusive lock on a file, released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env.
  static Env* Default();

  virtual Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  virtual Result<bool> IsDirectory(const std::string& path) = 0;
  // Names in dir (not "." or ".."), sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Atomically replaces `to` if it exists. Durable once the directories are synced.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes an empty directory.
  virtual Status RemoveDir(const std::string& path) = 0;
  // Creates a directory; OK if it already exists.
  virtual Status CreateDir(const std::string& path) = 0;
  // A second name for an existing file (hard link).
  virtual Status LinkFile(const std::string& from, const std::string& to) = 0;
  // Makes the names in dir durable (fsync of the directory).
  virtual Status SyncDir(const std::string& dir) = 0;
  // Takes an exclusive lock on path (created if missing); Busy if another
  // process or another FileLock of this process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Helpers built on the operations above.

  // Creates dir and any missing parents, syncing each parent whose entries changed.
  Status CreateDirs(const std::string& dir);
  // Removes path and, for a directory, everything below it.
  Status RemoveAll(const std::string& path);
  // Reads a whole file.
  Result<std::string> ReadFile(const std::string& path);
};

}  // namespace silt

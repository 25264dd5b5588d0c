// PosixEnv: Env on the real file system (pread/pwrite, fsync, flock, mmap).
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

#include "silt/env.h"

namespace silt {
namespace {

// Closes a descriptor, retrying nothing (close must not be retried on Linux).
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class PosixMappedRegion final : public MappedRegion {
 public:
  PosixMappedRegion(void* addr, size_t size) : addr_(addr), size_(size) {}
  ~PosixMappedRegion() override {
    if (addr_ != nullptr) ::munmap(addr_, size_);
  }
  std::string_view data() const override {
    return addr_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<char*>(addr_), size_);
  }

 private:
  void* addr_;
  size_t size_;
};

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string& path() const override { return path_; }

  Result<size_t> ReadAt(uint64_t offset, std::span<char> dst) const override {
    size_t done = 0;
    while (done < dst.size()) {
      ssize_t n = ::pread(fd_.get(), dst.data() + done, dst.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fmt::format("read {} at offset {}", path_, offset + done), errno);
      }
      if (n == 0) break;  // end of file
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Status WriteAt(uint64_t offset, std::string_view data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done,
                           static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fmt::format("write {} at offset {}", path_, offset + done), errno);
      }
      done += static_cast<size_t>(n);
    }
    return Status::OK();
  }

  Status Append(std::string_view data) override {
    SILT_ASSIGN_OR_RETURN(uint64_t size, Size());
    return WriteAt(size, data);
  }

  Status Sync() override {
    if (::fsync(fd_.get()) != 0) return Status::IOError("fsync " + path_, errno);
    return Status::OK();
  }

  Status DataSync() override {
    if (::fdatasync(fd_.get()) != 0) return Status::IOError("fdatasync " + path_, errno);
    return Status::OK();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
      return Status::IOError(fmt::format("truncate {} to {}", path_, size), errno);
    }
    return Status::OK();
  }

  Status Allocate(uint64_t offset, uint64_t len) override {
    int err = ::posix_fallocate(fd_.get(), static_cast<off_t>(offset), static_cast<off_t>(len));
    if (err != 0) {
      return Status::IOError(fmt::format("allocate {} bytes at {} in {}", len, offset, path_), err);
    }
    return Status::OK();
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_.get(), &st) != 0) return Status::IOError("stat " + path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  bool MapIsLive() const override { return true; }  // MAP_SHARED

  Result<std::unique_ptr<MappedRegion>> Map() const override {
    SILT_ASSIGN_OR_RETURN(uint64_t size, Size());
    if (size == 0)
      return std::unique_ptr<MappedRegion>(std::make_unique<PosixMappedRegion>(nullptr, 0));
    void* addr = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_.get(), 0);
    if (addr == MAP_FAILED) return Status::IOError("mmap " + path_, errno);
    return std::unique_ptr<MappedRegion>(std::make_unique<PosixMappedRegion>(addr, size));
  }

 private:
  std::string path_;
  Fd fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::flock(fd_.get(), LOCK_UN); }

 private:
  Fd fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<File>> NewFile(const std::string& path, OpenMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::kRead:
        flags |= O_RDONLY;
        break;
      case OpenMode::kReadWrite:
        flags |= O_RDWR;
        break;
      case OpenMode::kCreate:
        flags |= O_RDWR | O_CREAT;
        break;
      case OpenMode::kCreateNew:
        flags |= O_RDWR | O_CREAT | O_EXCL;
        break;
      case OpenMode::kTruncate:
        flags |= O_RDWR | O_CREAT | O_TRUNC;
        break;
    }
    int fd;
    do {
      fd = ::open(path.c_str(), flags, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return OpenError(path, errno);
    return std::unique_ptr<File>(std::make_unique<PosixFile>(path, fd));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return OpenError(path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<bool> IsDirectory(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return OpenError(path, errno);
    return S_ISDIR(st.st_mode);
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return OpenError(dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return Status::IOError("list " + dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return Status::IOError(fmt::format("rename {} to {}", from, to), errno);
    }
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) {
      return errno == ENOENT ? Status::NotFound("remove " + path + ": no such file")
                             : Status::IOError("remove " + path, errno);
    }
    return Status::OK();
  }

  Status RemoveDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) {
      return errno == ENOENT ? Status::NotFound("remove " + path + ": no such directory")
                             : Status::IOError("remove directory " + path, errno);
    }
    return Status::OK();
  }

  Status CreateDir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0) {
      if (errno == EEXIST && IsDirectory(path).value_or(false)) return Status::OK();
      return Status::IOError("create directory " + path, errno);
    }
    return Status::OK();
  }

  Status LinkFile(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) != 0) {
      if (errno == EEXIST) return Status::AlreadyExists("link " + to + ": file exists");
      return Status::IOError(fmt::format("link {} to {}", from, to), errno);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return OpenError(dir, errno);
    Fd closer(fd);
    if (::fsync(fd) != 0) return Status::IOError("fsync directory " + dir, errno);
    return Status::OK();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return OpenError(path, errno);
    // flock locks belong to the open file description, so a second LockFile
    // in the same process conflicts too (fcntl locks would not).
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status::Busy("lock " + path + ": held by another process or handle");
      }
      return Status::IOError("lock " + path, err);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }

 private:
  static Status OpenError(const std::string& path, int err) {
    if (err == ENOENT) return Status::NotFound(path + ": no such file or directory");
    if (err == EEXIST) return Status::AlreadyExists(path + ": file exists");
    return Status::IOError(path, err);
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;  // never destroyed before other statics that use it: trivial dtor
  return &env;
}

}  // namespace silt

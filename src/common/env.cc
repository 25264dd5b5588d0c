// The parts of Env and File that are built on the virtual operations.
#include "silt/env.h"

#include <fmt/format.h>

#include "common/path.h"

namespace silt {

Status File::ReadExact(uint64_t offset, std::span<char> dst) const {
  SILT_ASSIGN_OR_RETURN(size_t n, ReadAt(offset, dst));
  if (n != dst.size()) {
    return Status::Corruption(path(), offset,
                              fmt::format("file ends after {} of {} bytes", n, dst.size()));
  }
  return Status::OK();
}

Status Env::CreateDirs(const std::string& dir) {
  if (dir.empty() || dir == "." || dir == "/") return Status::OK();
  if (IsDirectory(dir).value_or(false)) return Status::OK();
  const std::string parent = DirName(dir);
  SILT_RETURN_IF_ERROR(CreateDirs(parent));
  SILT_RETURN_IF_ERROR(CreateDir(dir));
  return SyncDir(parent);
}

Status Env::RemoveAll(const std::string& path) {
  auto is_dir = IsDirectory(path);
  if (!is_dir.ok()) return is_dir.status().IsNotFound() ? Status::OK() : is_dir.status();
  if (!*is_dir) return RemoveFile(path);
  SILT_ASSIGN_OR_RETURN(auto names, ListDir(path));
  for (const auto& name : names) SILT_RETURN_IF_ERROR(RemoveAll(JoinPath(path, name)));
  return RemoveDir(path);
}

Result<std::string> Env::ReadFile(const std::string& path) {
  SILT_ASSIGN_OR_RETURN(auto file, NewFile(path, OpenMode::kRead));
  SILT_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string data(size, '\0');
  SILT_RETURN_IF_ERROR(file->ReadExact(0, std::span<char>(data.data(), data.size())));
  return data;
}

}  // namespace silt

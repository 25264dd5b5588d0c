#include "common/durable_file.h"

#include "common/file_names.h"
#include "common/path.h"

namespace silt {

Status WriteFileDurably(Env* env, const std::string& path, std::string_view data) {
  const std::string tmp = TempFileName(path);
  {
    SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(tmp, OpenMode::kTruncate));
    Status s = file->Append(data);
    if (s.ok()) s = file->Sync();
    if (!s.ok()) {
      file.reset();
      env->RemoveFile(tmp).ok();  // best effort; recovery removes it otherwise
      return s;
    }
  }
  SILT_RETURN_IF_ERROR(env->RenameFile(tmp, path));
  return env->SyncDir(DirName(path));
}

Result<int> RemoveTempFiles(Env* env, const std::string& dir) {
  SILT_ASSIGN_OR_RETURN(auto names, env->ListDir(dir));
  int removed = 0;
  for (const auto& name : names) {
    if (!IsTempFileName(name)) continue;
    const std::string path = JoinPath(dir, name);
    if (env->IsDirectory(path).value_or(false)) continue;
    SILT_RETURN_IF_ERROR(env->RemoveFile(path));
    ++removed;
  }
  if (removed > 0) SILT_RETURN_IF_ERROR(env->SyncDir(dir));
  return removed;
}

}  // namespace silt

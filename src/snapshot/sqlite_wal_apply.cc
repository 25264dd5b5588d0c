#include "snapshot/sqlite_wal_apply.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "snapshot/sqlite_wal_reader.h"

namespace silt {

bool IsEmptySqliteWal(Env* env, const std::string& wal_path) {
  if (!env->FileExists(wal_path)) return true;
  auto size = env->GetFileSize(wal_path);
  return size.ok() && *size < sqlite_wal::kHeaderSize;
}

Result<uint64_t> ApplySqliteWalWithEnv(Env* env, const std::string& wal_path,
                                       const std::string& db_path) {
  if (IsEmptySqliteWal(env, wal_path)) return uint64_t{0};
  // One scan of the WAL (Open's, which checks every checksum) finds the newest
  // committed frame of each page; memory grows with the pages, not the WAL.
  // Frames of a transaction are merged in at its commit frame, so those of
  // one that never commits are left out.
  std::unordered_map<uint32_t, uint64_t> newest;
  std::unordered_map<uint32_t, uint64_t> pending;
  auto observe = [&](const SqliteWalFrame& frame) {
    pending[frame.header.page_number] = frame.index;
    if (frame.header.is_commit()) {
      for (const auto& [page, index] : pending) newest[page] = index;
      pending.clear();
    }
  };
  SILT_ASSIGN_OR_RETURN(auto reader, SqliteWalReader::Open(env, wal_path, observe));
  if (env->FileExists(db_path)) {
    SILT_RETURN_IF_ERROR(CheckSqliteWalMatchesDatabase(env, *reader, db_path));
  }
  const uint32_t db_size = reader->summary().db_size;
  const uint64_t page_size = reader->header().page_size;
  if (db_size == 0) return uint64_t{0};  // nothing committed
  // Then just those frames are written, in file order. A checkpoint never
  // writes pages beyond the final database size.
  std::vector<uint64_t> frames;
  frames.reserve(newest.size());
  for (const auto& [page, index] : newest) {
    if (page <= db_size) frames.push_back(index);
  }
  std::sort(frames.begin(), frames.end());
  SILT_ASSIGN_OR_RETURN(auto db, env->NewFile(db_path, OpenMode::kCreate));
  SqliteWalFrame frame;
  for (uint64_t index : frames) {
    SILT_RETURN_IF_ERROR(reader->ReadFrame(index, &frame));
    SILT_RETURN_IF_ERROR(db->WriteAt((frame.header.page_number - 1) * page_size, frame.page));
  }
  const uint64_t applied = frames.size();
  SILT_ASSIGN_OR_RETURN(uint64_t size, db->Size());
  if (size != db_size * page_size) {
    SILT_RETURN_IF_ERROR(db->Truncate(db_size * page_size));
    SILT_RETURN_IF_ERROR(db->Sync());  // the new, smaller size too
  } else {
    // The pages, and the size if the writes grew the file (fdatasync).
    SILT_RETURN_IF_ERROR(db->DataSync());
  }
  return applied;
}

}  // namespace silt

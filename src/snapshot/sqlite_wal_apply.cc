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
  if (env->FileExists(db_path)) {
    SILT_RETURN_IF_ERROR(CheckSqliteWalMatchesDatabase(env, wal_path, db_path));
  }
  SILT_ASSIGN_OR_RETURN(auto reader, SqliteWalReader::Open(env, wal_path));
  const uint32_t db_size = reader->summary().db_size;
  const uint64_t page_size = reader->header().page_size;
  if (db_size == 0) return uint64_t{0};  // nothing committed
  // First pass: the newest committed frame of each page (memory grows with
  // the pages, not the WAL). Second pass: write just those, in file order.
  std::unordered_map<uint32_t, uint64_t> newest;
  SqliteWalFrame frame;
  for (;;) {
    SILT_ASSIGN_OR_RETURN(bool more, reader->Next(&frame));
    if (!more) break;
    // A checkpoint never writes pages beyond the final database size.
    if (frame.header.page_number > db_size) continue;
    newest[frame.header.page_number] = frame.index;
  }
  std::vector<uint64_t> frames;
  frames.reserve(newest.size());
  for (const auto& [page, index] : newest) frames.push_back(index);
  std::sort(frames.begin(), frames.end());
  SILT_ASSIGN_OR_RETURN(auto db, env->NewFile(db_path, OpenMode::kCreate));
  for (uint64_t index : frames) {
    SILT_RETURN_IF_ERROR(reader->ReadFrame(index, &frame));
    SILT_RETURN_IF_ERROR(db->WriteAt((frame.header.page_number - 1) * page_size, frame.page));
  }
  const uint64_t applied = frames.size();
  SILT_ASSIGN_OR_RETURN(uint64_t size, db->Size());
  if (size != db_size * page_size) SILT_RETURN_IF_ERROR(db->Truncate(db_size * page_size));
  SILT_RETURN_IF_ERROR(db->Sync());
  return applied;
}

}  // namespace silt

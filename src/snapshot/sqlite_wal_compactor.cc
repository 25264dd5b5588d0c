#include "snapshot/sqlite_wal_compactor.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/file_names.h"
#include "common/path.h"
#include "snapshot/sqlite_wal_reader.h"
#include "snapshot/sqlite_wal_writer.h"

namespace silt {

Result<SqliteWalCompactStats> CompactSqliteWal(Env* env, const std::string& in_path, File* out,
                                               const SqliteWalCompactOptions& options) {
  SqliteWalCompactStats stats;
  // Pass 1: page -> index of its newest frame, for committed transactions and
  // for the one in progress (merged in at its commit frame, dropped if it
  // never commits). Both maps are bounded by the number of distinct pages.
  std::unordered_map<uint32_t, uint64_t> committed;
  std::unordered_map<uint32_t, uint64_t> pending;
  auto observe = [&](const SqliteWalFrame& frame) {
    pending[frame.header.page_number] = frame.index;
    if (frame.header.is_commit()) {
      for (const auto& [page, index] : pending) committed[page] = index;
      pending.clear();
    }
    stats.peak_tracked_pages =
        std::max<uint64_t>(stats.peak_tracked_pages, committed.size() + pending.size());
  };
  SILT_ASSIGN_OR_RETURN(auto reader, SqliteWalReader::Open(env, in_path, observe));
  pending = {};
  if (!options.database_path.empty()) {
    SILT_RETURN_IF_ERROR(CheckSqliteWalMatchesDatabase(env, *reader, options.database_path));
  }
  const SqliteWalSummary& summary = reader->summary();
  if (options.fail_on_invalid_tail && !summary.tail_status.ok()) return summary.tail_status;
  stats.frames_in = summary.committed_frames;
  stats.pages = committed.size();
  stats.db_size = summary.db_size;
  stats.uncommitted_frames = summary.uncommitted_frames();
  stats.invalid_tail_bytes = summary.invalid_tail_bytes;

  // The frames to keep, in their original order. The last commit frame is
  // always kept: it carries the final database size.
  const uint64_t last_commit =
      summary.committed_frames > 0 ? summary.committed_frames - 1 : UINT64_MAX;
  std::vector<std::pair<uint64_t, uint32_t>> keep;  // (frame index, page)
  keep.reserve(committed.size());
  for (const auto& [page, index] : committed) {
    if (options.drop_pages_beyond_db_size && page > summary.db_size && index != last_commit) {
      stats.dropped_beyond_db_size++;
      continue;
    }
    keep.emplace_back(index, page);
  }
  committed = {};
  std::sort(keep.begin(), keep.end());

  // Pass 2: stream the kept frames out as one transaction.
  SqliteWalWriter writer(out, reader->header());
  SILT_RETURN_IF_ERROR(writer.WriteHeader());
  for (size_t i = 0; i < keep.size(); ++i) {
    SqliteWalFrame frame;
    SILT_RETURN_IF_ERROR(reader->ReadFrame(keep[i].first, &frame));
    const uint32_t db_size = i + 1 == keep.size() ? summary.db_size : 0;
    SILT_RETURN_IF_ERROR(writer.AddFrame(frame.header.page_number, db_size, frame.page));
  }
  SILT_RETURN_IF_ERROR(writer.Flush());
  stats.frames_out = writer.frames();
  stats.bytes_out = sqlite_wal::FrameOffset(writer.frames(), reader->header().page_size);
  return stats;
}

Result<SqliteWalCompactStats> CompactSqliteWalToPath(Env* env, const std::string& in_path,
                                                     const std::string& out_path,
                                                     const SqliteWalCompactOptions& options) {
  const std::string tmp = TempFileName(out_path);
  Result<SqliteWalCompactStats> stats = Status::OK();
  {
    SILT_ASSIGN_OR_RETURN(auto file, env->NewFile(tmp, OpenMode::kTruncate));
    stats = CompactSqliteWal(env, in_path, file.get(), options);
    Status s = stats.status();
    if (s.ok()) s = file->Sync();
    if (!s.ok()) {
      file.reset();
      env->RemoveFile(tmp).ok();  // best effort; a crash leaves it to RemoveTempFiles
      return s;
    }
  }
  SILT_RETURN_IF_ERROR(env->RenameFile(tmp, out_path));
  SILT_RETURN_IF_ERROR(env->SyncDir(DirName(out_path)));
  return stats;
}

}  // namespace silt

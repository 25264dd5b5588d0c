// A SQLite checkpoint done by silt itself, through Env: the committed frames of
// a WAL are written into their database file as SQLite's checkpoint writes them.
//
// The snapshot store uses it for the fold of an incremental snapshot (the
// compacted WAL, which silt wrote, into the moved base database), so that the
// fold goes through the Env and the crash tests cover it operation by
// operation (docs/snapshot_layout.md). It also stands in for SQLite's
// checkpoint of the source database when that lives in an Env SQLite cannot
// see, chiefly FaultInjectionEnv (SqliteSnapshotOptions::Checkpointer::kEnv).
#pragma once

#include <string>

#include "silt/env.h"
#include "silt/status.h"

namespace silt {

// True if the WAL at wal_path holds nothing: missing, or shorter than a WAL
// header (SQLite leaves a 0-byte WAL after a TRUNCATE checkpoint).
bool IsEmptySqliteWal(Env* env, const std::string& wal_path);

// Writes the newest committed image of each page of the WAL at wal_path into
// db_path at (page - 1) * page_size, skipping pages beyond the database size
// of the last commit; truncates db_path to that size and syncs it. The WAL is
// not changed. An empty WAL is a no-op. Returns the pages written. Errors:
// the reader's Corruption for a bad WAL; Corruption if the page sizes differ.
Result<uint64_t> ApplySqliteWalWithEnv(Env* env, const std::string& wal_path,
                                       const std::string& db_path);

}  // namespace silt

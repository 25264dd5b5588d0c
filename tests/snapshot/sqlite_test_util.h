// Helpers for tests that drive the real SQLite library: a connection that
// keeps its WAL frames (no automatic checkpoint, none on close), statements
// that report errors as Status, and a content digest of a whole database.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "silt/status.h"

namespace silt::test {

class SqliteConnection {
 public:
  SqliteConnection() = default;
  ~SqliteConnection() { Close().ok(); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Opens (creating) path. With keep_wal, automatic checkpoints and the
  // checkpoint on close are disabled, so the -wal file keeps its frames.
  Status Open(const std::string& path, bool keep_wal) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      return Error("open " + path);
    }
    if (keep_wal) {
      int on = 0;
      if (sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &on) != SQLITE_OK ||
          on != 1) {
        return Error("SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE");
      }
      SILT_RETURN_IF_ERROR(Exec("PRAGMA wal_autocheckpoint=0"));
    }
    return Status::OK();
  }

  Status Close() {
    if (db_ == nullptr) return Status::OK();
    const int rc = sqlite3_close(db_);
    if (rc != SQLITE_OK)
      return Status::IOError("sqlite3_close: " + std::string(sqlite3_errstr(rc)));
    db_ = nullptr;
    return Status::OK();
  }

  Status Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = std::string(err ? err : "?") + " in: " + sql.substr(0, 200);
      sqlite3_free(err);
      return Status::IOError(msg);
    }
    return Status::OK();
  }

  // Runs sql with one blob bound to ?1 (if blob is non-null).
  Status ExecWithBlob(const std::string& sql, const std::string* blob) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return Error("prepare " + sql);
    }
    if (blob != nullptr) {
      sqlite3_bind_blob(stmt, 1, blob->data(), static_cast<int>(blob->size()), SQLITE_TRANSIENT);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return Error("step " + sql);
    return Status::OK();
  }

  // Calls row(stmt) for every row of sql.
  Status Query(const std::string& sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return Error("prepare " + sql);
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return Error("step " + sql);
    return Status::OK();
  }

  // The first column of the first row, as text ("" if none).
  Result<std::string> QueryString(const std::string& sql) {
    std::string out;
    bool first = true;
    SILT_RETURN_IF_ERROR(Query(sql, [&](sqlite3_stmt* stmt) {
      if (!first) return;
      first = false;
      const unsigned char* t = sqlite3_column_text(stmt, 0);
      if (t != nullptr) out = reinterpret_cast<const char*>(t);
    }));
    return out;
  }

  // A digest of every row of every table, in rowid order, and the schema.
  Result<std::string> ContentDigest() {
    std::string tables;
    std::string all;
    SILT_RETURN_IF_ERROR(
        Query("SELECT name, sql FROM sqlite_master ORDER BY name", [&](sqlite3_stmt* stmt) {
          const unsigned char* name = sqlite3_column_text(stmt, 0);
          const unsigned char* sql = sqlite3_column_text(stmt, 1);
          all += name ? reinterpret_cast<const char*>(name) : "";
          all += '|';
          all += sql ? reinterpret_cast<const char*>(sql) : "";
          all += '\n';
        }));
    std::string names;
    SILT_RETURN_IF_ERROR(Query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name",
                               [&](sqlite3_stmt* s) {
                                 names += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
                                 names += '\n';
                               }));
    size_t start = 0;
    while (start < names.size()) {
      const size_t end = names.find('\n', start);
      const std::string table = names.substr(start, end - start);
      start = end + 1;
      SILT_RETURN_IF_ERROR(
          Query("SELECT * FROM \"" + table + "\" ORDER BY rowid", [&](sqlite3_stmt* stmt) {
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
              const void* p = sqlite3_column_blob(stmt, c);
              const int n = sqlite3_column_bytes(stmt, c);
              all += std::to_string(sqlite3_column_type(stmt, c));
              all += ':';
              all += std::to_string(std::hash<std::string_view>{}(
                  std::string_view(static_cast<const char*>(p), p ? n : 0)));
              all += ',';
            }
            all += '\n';
          }));
    }
    return all;
  }

  sqlite3* db() { return db_; }

 private:
  Status Error(const std::string& what) {
    return Status::IOError(what + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }

  sqlite3* db_ = nullptr;
};

}  // namespace silt::test

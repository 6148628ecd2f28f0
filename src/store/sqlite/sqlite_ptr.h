// One RAII alias per SQLite handle. Every sqlite3, sqlite3_stmt and sqlite3_backup lives in one
// of these.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace scepgate::store {

struct SqliteCloser {
  // sqlite3_close_v2 defers the close until the last statement is finalized, so the order in
  // which a connection and its statements are destroyed does not matter.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

struct SqliteBackupFinisher {
  // Ends an online backup that was not finished explicitly (its result is then of no interest).
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

using SqlitePtr = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmtPtr = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;
using SqliteBackupPtr = std::unique_ptr<sqlite3_backup, SqliteBackupFinisher>;

}  // namespace scepgate::store

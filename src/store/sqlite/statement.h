// Thin helpers over the SQLite C API: errors as values, bound parameters, statements that reset
// themselves, and a write transaction that rolls back unless committed.
// Not thread-safe: the owner of the connection serializes every use (SqliteStore::mu_).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "common/ossl.h"
#include "store/sqlite/sqlite_ptr.h"

namespace scepgate::store {

// Returns Error::Database("what: <the connection's last SQLite error message>").
Error DbError(sqlite3& db, std::string_view what);

// Opens the database file with sqlite3_open_v2 `flags` (SQLITE_OPEN_NOMUTEX is added).
// Returns kDatabase "cannot open <file> for <purpose>: <SQLite's reason>".
Result<SqlitePtr> OpenDatabase(const std::filesystem::path& file, int flags,
                               std::string_view purpose);

// Runs SQL that binds nothing and whose rows are ignored (pragmas, DDL, BEGIN/COMMIT).
// Returns kDatabase on failure.
Status Exec(sqlite3& db, const std::string& sql);

// Prepares one statement; `persistent` hints that it will be cached and reused.
// Returns kDatabase on failure (the message carries SQLite's).
Result<SqliteStmtPtr> Prepare(sqlite3& db, std::string_view sql, bool persistent);

// One use of a prepared statement: binds parameters by 1-based position, steps, reads columns by
// 0-based position, and resets the statement (clearing its bindings) on destruction, so cached
// statements can be reused. `what` names the operation in error messages.
class Query {
 public:
  Query(sqlite3_stmt& stmt, std::string what) : stmt_(stmt), what_(std::move(what)) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  // Bind failures are remembered and reported by the next Step().
  Query& BindText(int index, std::string_view text);
  Query& BindInt(int index, int64_t value);
  Query& BindBlob(int index, ByteView blob);

  // Steps once: true when a row is ready, false when the statement is done. Returns
  // kAlreadyExists on a primary-key or unique violation, kDatabase on any other failure.
  Result<bool> Step();
  // Steps to completion, ignoring rows. Same errors as Step().
  Status Run();

  std::string Text(int column) const;
  int64_t Int(int column) const;
  Bytes Blob(int column) const;

 private:
  sqlite3_stmt& stmt_;
  std::string what_;
  int bind_rc_ = SQLITE_OK;
};

// A write transaction (BEGIN IMMEDIATE) that is rolled back on destruction unless Commit() ran.
class Transaction {
 public:
  // Returns kDatabase when the transaction cannot start (e.g. busy beyond the timeout).
  static Result<Transaction> Begin(sqlite3& db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // Returns kDatabase when COMMIT fails; the transaction is then rolled back.
  Status Commit();

 private:
  explicit Transaction(sqlite3& db) : db_(&db) {}
  sqlite3* db_;  // null once committed or moved from
};

// A LIMIT value for a filter: SQLite reads a negative LIMIT as "no limit", and 0 means none here.
inline int64_t SqlLimit(int limit) { return limit > 0 ? limit : -1; }

}  // namespace scepgate::store

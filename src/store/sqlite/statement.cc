#include "store/sqlite/statement.h"

#include <utility>

namespace scepgate::store {

Error DbError(sqlite3& db, std::string_view what) {
  return Error::Database(std::string(what) + ": " + sqlite3_errmsg(&db));
}

Result<SqlitePtr> OpenDatabase(const std::filesystem::path& file, int flags,
                               std::string_view purpose) {
  const std::string name = file.string();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqlitePtr db(raw);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
    return Fail(
        Error::Database("cannot open " + name + " for " + std::string(purpose) + ": " + why));
  }
  return db;
}

Status Exec(sqlite3& db, const std::string& sql) {
  char* raw_message = nullptr;
  int rc = sqlite3_exec(&db, sql.c_str(), nullptr, nullptr, &raw_message);
  std::unique_ptr<char, decltype(&sqlite3_free)> message(raw_message, &sqlite3_free);
  if (rc == SQLITE_OK) return {};
  std::string first_line = sql.substr(0, sql.find('\n'));
  return Fail(Error::Database(first_line + ": " + (message ? message.get() : sqlite3_errstr(rc))));
}

Result<SqliteStmtPtr> Prepare(sqlite3& db, std::string_view sql, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(&db, sql.data(), static_cast<int>(sql.size()), flags, &raw, nullptr);
  SqliteStmtPtr stmt(raw);
  if (rc != SQLITE_OK) return Fail(DbError(db, "prepare " + std::string(sql)));
  return stmt;
}

Query::~Query() {
  sqlite3_reset(&stmt_);
  sqlite3_clear_bindings(&stmt_);
}

Query& Query::BindText(int index, std::string_view text) {
  // A null pointer would bind SQL NULL; an empty string must stay an empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text(&stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindInt(int index, int64_t value) {
  int rc = sqlite3_bind_int64(&stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Query& Query::BindBlob(int index, ByteView blob) {
  int rc = blob.empty() ? sqlite3_bind_zeroblob(&stmt_, index, 0)
                        : sqlite3_bind_blob(&stmt_, index, blob.data(),
                                            static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Query::Step() {
  sqlite3& db = *sqlite3_db_handle(&stmt_);
  if (bind_rc_ != SQLITE_OK) {
    return Fail(Error::Database(what_ + ": bind: " + sqlite3_errstr(bind_rc_)));
  }
  int rc = sqlite3_step(&stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  int extended = sqlite3_extended_errcode(&db);
  if (extended == SQLITE_CONSTRAINT_PRIMARYKEY || extended == SQLITE_CONSTRAINT_UNIQUE) {
    return Fail(Error::AlreadyExists(what_ + ": " + sqlite3_errmsg(&db)));
  }
  return Fail(DbError(db, what_));
}

Status Query::Run() {
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return {};
  }
}

std::string Query::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(&stmt_, column);
  if (text == nullptr) return {};
  int size = sqlite3_column_bytes(&stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t Query::Int(int column) const { return sqlite3_column_int64(&stmt_, column); }

Bytes Query::Blob(int column) const {
  const void* blob = sqlite3_column_blob(&stmt_, column);
  int size = sqlite3_column_bytes(&stmt_, column);
  if (blob == nullptr || size <= 0) return {};
  const auto* bytes = static_cast<const uint8_t*>(blob);
  return Bytes(bytes, bytes + size);
}

Result<Transaction> Transaction::Begin(sqlite3& db) {
  SG_TRY_STATUS(Exec(db, "BEGIN IMMEDIATE"));
  return Transaction(db);
}

Transaction::~Transaction() {
  // Best effort: after a failed statement SQLite may already have rolled back on its own.
  if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Transaction::Commit() {
  sqlite3* db = db_;
  SG_TRY_STATUS(Exec(*db, "COMMIT"));
  db_ = nullptr;
  return {};
}

}  // namespace scepgate::store

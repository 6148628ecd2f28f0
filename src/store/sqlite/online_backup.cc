#include "store/sqlite/online_backup.h"

#include <chrono>
#include <string>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_ptr.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 10'000;
constexpr int kBusyRetries = 200;  // of 50 ms each, when a step finds the source locked

// Starts a read transaction on `db` that holds its snapshot until COMMIT.
Status BeginSnapshot(sqlite3& db) {
  SG_TRY_STATUS(Exec(db, "BEGIN"));
  SG_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, Prepare(db, "SELECT count(*) FROM sqlite_schema", false));
  Query q(*stmt, "backup snapshot");
  SG_TRY_STATUS(q.Step());
  return {};
}

Result<OnlineBackupStats> Copy(sqlite3& src, sqlite3& dst, int pages_per_step) {
  SG_TRY_STATUS(BeginSnapshot(src));
  SqliteBackupPtr backup(sqlite3_backup_init(&dst, "main", &src, "main"));
  if (!backup) return Fail(DbError(dst, "backup"));
  OnlineBackupStats stats;
  int busy = 0;
  for (;;) {
    int rc = sqlite3_backup_step(backup.get(), pages_per_step);
    ++stats.steps;
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      if (++busy > kBusyRetries) return Fail(Error::Database("backup: the database stayed locked"));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (rc != SQLITE_OK) return Fail(Error::Database(std::string("backup: ") + sqlite3_errstr(rc)));
  }
  stats.pages = sqlite3_backup_pagecount(backup.get());
  if (int rc = sqlite3_backup_finish(backup.release()); rc != SQLITE_OK)
    return Fail(Error::Database(std::string("backup: ") + sqlite3_errstr(rc)));
  SG_TRY_STATUS(Exec(src, "COMMIT"));
  SG_ASSIGN_OR_RETURN(stats.schema_version, CurrentSchemaVersion(dst));
  return stats;
}

}  // namespace

Result<OnlineBackupStats> BackupDatabase(const fs::path& source, const fs::path& dest,
                                         int pages_per_step) {
  std::error_code ec;
  if (!fs::exists(source, ec)) return Fail(Error::NotFound(source.string() + ": no such database"));
  if (fs::exists(dest, ec)) return Fail(Error::AlreadyExists(dest.string() + " exists"));
  SG_ASSIGN_OR_RETURN(SqlitePtr src, OpenDatabase(source, SQLITE_OPEN_READWRITE, "backup"));
  sqlite3_busy_timeout(src.get(), kBusyTimeoutMs);
  auto stats = [&]() -> Result<OnlineBackupStats> {
    SG_ASSIGN_OR_RETURN(
        SqlitePtr dst,
        OpenDatabase(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "the backup copy"));
    auto copied = Copy(*src, *dst, pages_per_step);
    if (copied) {
      // The copy says WAL as its source does: fold it into one file, with no -wal left beside.
      SG_TRY_STATUS(Exec(*dst, "PRAGMA journal_mode=DELETE"));
    }
    return copied;
  }();
  if (!stats) {
    fs::remove(dest, ec);
    fs::remove(fs::path(dest.string() + "-wal"), ec);
    fs::remove(fs::path(dest.string() + "-shm"), ec);
    fs::remove(fs::path(dest.string() + "-journal"), ec);
  }
  return stats;
}

Result<int> CheckDatabaseFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return Fail(Error::NotFound(file.string() + ": no such database"));
  SG_ASSIGN_OR_RETURN(SqlitePtr db, OpenDatabase(file, SQLITE_OPEN_READWRITE, "checking"));
  {
    SG_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, Prepare(*db, "PRAGMA integrity_check", false));
    Query q(*stmt, "integrity check");
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    std::string verdict = row ? q.Text(0) : "no answer";
    if (verdict != "ok")
      return Fail(Error::Database(file.string() + " fails PRAGMA integrity_check: " + verdict));
  }
  SG_ASSIGN_OR_RETURN(int version, CurrentSchemaVersion(*db));
  if (version > LatestSchemaVersion())
    return Fail(Error::FailedPrecondition(
        file.string() + " has database schema version " + std::to_string(version) +
        ", newer than this scepgate's (" + std::to_string(LatestSchemaVersion()) +
        "): restore it with the scepgate that made the backup or a newer one"));
  return version;
}

}  // namespace scepgate::store

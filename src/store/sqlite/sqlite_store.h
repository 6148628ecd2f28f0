// The default Store: one SQLite file in WAL mode, with versioned migrations.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/sqlite/sqlite_ptr.h"
#include "store/store.h"

namespace scepgate::store {

// Thread-safe: the single connection, and the cache of prepared statements that belong to it,
// are guarded by `mu_`; each public method holds it for its whole duration. Several processes
// may open the same file (SQLite's file locks and a 5 s busy timeout arbitrate).
class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) the database file, sets the pragmas (WAL, synchronous=NORMAL,
  // foreign_keys, busy_timeout) and applies pending migrations. Returns kDatabase, with SQLite's
  // message and the file name, when the file cannot be opened or migrated, or when its schema
  // is newer than this build knows.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& file);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The schema version the file had once Open() finished migrating it.
  int SchemaVersion() const { return schema_version_; }

  Status InsertCertificate(const CertificateRecord& cert) override;
  Result<int64_t> RecordIssuance(const CertificateRecord& cert,
                                 const RequestRecord& request) override;
  Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) override;
  Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<CertificateRecord>> FindLatestBySubject(std::string_view issuer_id,
                                                               std::string_view subject) override;
  Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) override;
  Status Revoke(std::string_view serial, int reason, int64_t revoked_at) override;

  Result<int64_t> InsertRequest(const RequestRecord& request) override;
  Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) override;

  Result<int64_t> NextCounter(std::string_view name) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;

 private:
  SqliteStore(SqlitePtr db, int schema_version);

  // Each *Locked helper expects `mu_` to be held.
  // Returns the cached statement for `sql`, preparing it on first use. kDatabase.
  Result<sqlite3_stmt*> StatementLocked(const std::string& sql);
  Status InsertCertificateLocked(const CertificateRecord& cert);
  Result<int64_t> InsertRequestLocked(const RequestRecord& request);
  // Runs a certificate SELECT whose parameters `bind` sets; returns every row.
  template <class BindFn>
  Result<std::vector<CertificateRecord>> SelectCertificatesLocked(const std::string& sql,
                                                                  BindFn bind);

  std::mutex mu_;
  // Statements are declared after the connection so they are finalized first.
  SqlitePtr db_;                                               // guarded by mu_
  std::unordered_map<std::string, SqliteStmtPtr> statements_;  // guarded by mu_
  const int schema_version_;
};

}  // namespace scepgate::store

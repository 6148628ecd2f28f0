#include "store/sqlite/sqlite_store.h"

#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/records.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Sets the connection pragmas. kDatabase when one fails or WAL cannot be enabled.
Status Configure(sqlite3& db) {
  if (sqlite3_busy_timeout(&db, kBusyTimeoutMs) != SQLITE_OK)
    return Fail(DbError(db, "busy_timeout"));
  SG_TRY_STATUS(Exec(db, "PRAGMA foreign_keys = ON"));
  SG_ASSIGN_OR_RETURN(SqliteStmtPtr wal, Prepare(db, "PRAGMA journal_mode = WAL", false));
  Query q(*wal, "journal_mode");
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  std::string mode = row ? q.Text(0) : "";
  if (mode != "wal")
    return Fail(Error::Database("cannot enable WAL (journal_mode is '" + mode + "')"));
  return Exec(db, "PRAGMA synchronous = NORMAL");
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& file,
                                                       const SqliteOptions& options) {
  const std::string name = file.string();
  SG_ASSIGN_OR_RETURN(SqlitePtr db,
                      OpenDatabase(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "the store"));
  sqlite3_extended_result_codes(db.get(), 1);
  if (auto configured = Configure(*db); !configured) {
    return Fail(configured.error().With("cannot configure database " + name));
  }
  auto version = Migrate(*db);
  if (!version) return Fail(version.error().With("cannot migrate database " + name));
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), *version));
  if (options.background_checkpoints) {
    SG_ASSIGN_OR_RETURN(store->checkpointer_,
                        Checkpointer::Start(file, options.checkpoints, store->mu_));
    store->checkpointer_->Attach(*store->db_);
  }
  return store;
}

SqliteStore::SqliteStore(SqlitePtr db, int schema_version)
    : db_(std::move(db)), schema_version_(schema_version) {}

SqliteStore::~SqliteStore() = default;

Result<sqlite3_stmt*> SqliteStore::StatementLocked(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second.get();
  SG_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, Prepare(*db_, sql, /*persistent=*/true));
  sqlite3_stmt* borrowed = stmt.get();
  statements_.emplace(sql, std::move(stmt));
  return borrowed;
}

Status SqliteStore::InsertCertificateLocked(const CertificateRecord& cert) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(kInsertCertificateSql));
  Query q(*stmt, "insert certificate " + cert.serial);
  SG_TRY_STATUS(BindCertificate(q, cert));
  return q.Run();
}

Result<int64_t> SqliteStore::InsertRequestLocked(const RequestRecord& request) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(kInsertRequestSql));
  Query q(*stmt, "insert request");
  BindRequest(q, request);
  SG_TRY_STATUS(q.Run());
  return sqlite3_last_insert_rowid(db_.get());
}

template <class BindFn>
Result<std::vector<CertificateRecord>> SqliteStore::SelectCertificatesLocked(const std::string& sql,
                                                                             BindFn bind,
                                                                             bool with_seq) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "select certificates");
  bind(q);
  std::vector<CertificateRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    SG_ASSIGN_OR_RETURN(CertificateRecord cert, ReadCertificate(q));
    if (with_seq) cert.seq = q.Int(kCertificateSeqColumn);
    out.push_back(std::move(cert));
  }
}

Status SqliteStore::InsertCertificate(const CertificateRecord& cert) {
  std::lock_guard lock(mu_);
  return InsertCertificateLocked(cert);
}

Result<int64_t> SqliteStore::RecordIssuance(const Issuance& issuance) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  RequestRecord request = issuance.request;
  request.cert_serial = issuance.cert.serial;
  SG_ASSIGN_OR_RETURN(int64_t id, InsertRequestLocked(request));
  if (issuance.claim) {  // first: a copy that lost learns so before anything else
    TransactionClaim claim = *issuance.claim;
    claim.request_id = id;
    claim.serial = issuance.cert.serial;
    SG_TRY_STATUS(InsertClaimLocked(claim));
  }
  if (issuance.completes_pending != 0) {
    SG_TRY_STATUS(CompletePendingLocked(issuance.completes_pending, issuance.cert.serial));
    SG_TRY_STATUS(FillClaimLocked(issuance.completes_pending, issuance.cert.serial));
  }
  CertificateRecord cert = issuance.cert;
  cert.request_id = issuance.completes_pending != 0 ? issuance.completes_pending : id;
  SG_TRY_STATUS(InsertCertificateLocked(cert));
  if (issuance.challenge_use) {
    ChallengeUse use = *issuance.challenge_use;
    use.cert_serial = cert.serial;
    SG_TRY_STATUS(InsertChallengeUseLocked(use));
  }
  if (issuance.supersedes)
    SG_TRY_STATUS(RevokeLocked(*issuance.supersedes, issuance.supersede_reason, cert.created_at));
  for (const OutboxEvent& event : issuance.events) SG_TRY_STATUS(EnqueueEventLocked(event, id));
  SG_TRY_STATUS(tx.Commit());
  return id;
}

Result<std::optional<CertificateRecord>> SqliteStore::FindCertificate(std::string_view serial) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectCertificatesSql) + " WHERE serial = ?1";
  SG_ASSIGN_OR_RETURN(auto certs,
                      SelectCertificatesLocked(sql, [&](Query& q) { q.BindText(1, serial); }));
  if (certs.empty()) return std::nullopt;
  return std::move(certs.front());
}

Result<std::vector<CertificateRecord>> SqliteStore::FindByTransaction(
    std::string_view transaction_id) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectCertificatesSql) +
                    " WHERE transaction_id = ?1 ORDER BY created_at ASC, rowid ASC";
  return SelectCertificatesLocked(sql, [&](Query& q) { q.BindText(1, transaction_id); });
}

Result<std::optional<CertificateRecord>> SqliteStore::FindLatestBySubject(
    std::string_view issuer_id, std::string_view subject) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectCertificatesSql) +
                    " WHERE issuer_id = ?1 AND subject = ?2"
                    " ORDER BY created_at DESC, rowid DESC LIMIT 1";
  SG_ASSIGN_OR_RETURN(auto certs, SelectCertificatesLocked(sql, [&](Query& q) {
                        q.BindText(1, issuer_id).BindText(2, subject);
                      }));
  if (certs.empty()) return std::nullopt;
  return std::move(certs.front());
}

namespace {

// The least string greater than every string that starts with `prefix` (byte order): the prefix
// with its last byte below 0xff incremented, what follows it dropped. "" when there is none
// (empty, or all 0xff): then only the lower bound applies.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty())
    prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

Result<std::vector<CertificateRecord>> SqliteStore::ListCertificates(const CertFilter& filter) {
  std::lock_guard lock(mu_);
  // Only fixed fragments go into the SQL; every value is a bound parameter.
  // The list order is (created_at, rowid) descending, rowid being the cursor's seq.
  std::string sql = std::string(kSelectCertificatesWithSeqSql) + " WHERE 1";
  if (filter.status) sql += " AND status = ?1";
  if (filter.issuer_id) sql += " AND issuer_id = ?2";
  // A prefix as a range (byte order, SQLite's BINARY collation), so that an index serves it.
  const std::string subject_end = PrefixEnd(filter.subject_prefix);
  const std::string serial_end = PrefixEnd(filter.serial_prefix);
  if (!filter.subject_prefix.empty())
    sql += subject_end.empty() ? " AND subject >= ?4" : " AND subject >= ?4 AND subject < ?12";
  if (!filter.serial_prefix.empty())
    sql += serial_end.empty() ? " AND serial >= ?5" : " AND serial >= ?5 AND serial < ?13";
  if (!filter.device_id.empty()) sql += " AND device_id = ?6";
  if (!filter.profile.empty()) sql += " AND profile = ?7";
  if (filter.issued_from != 0) sql += " AND created_at >= ?8";
  if (filter.issued_until != 0) sql += " AND created_at < ?9";
  if (filter.after) sql += " AND (created_at, rowid) < (?10, ?11)";
  sql += " ORDER BY created_at DESC, rowid DESC LIMIT ?3";
  return SelectCertificatesLocked(
      sql,
      [&](Query& q) {
        if (filter.status) q.BindText(1, CertStatusName(*filter.status));
        if (filter.issuer_id) q.BindText(2, *filter.issuer_id);
        q.BindInt(3, SqlLimit(filter.limit));
        if (!filter.subject_prefix.empty()) q.BindText(4, filter.subject_prefix);
        if (!filter.serial_prefix.empty()) q.BindText(5, filter.serial_prefix);
        if (!filter.device_id.empty()) q.BindText(6, filter.device_id);
        if (!filter.profile.empty()) q.BindText(7, filter.profile);
        if (filter.issued_from != 0) q.BindInt(8, filter.issued_from);
        if (filter.issued_until != 0) q.BindInt(9, filter.issued_until);
        if (filter.after) q.BindInt(10, filter.after->created_at).BindInt(11, filter.after->seq);
        if (!filter.subject_prefix.empty() && !subject_end.empty()) q.BindText(12, subject_end);
        if (!filter.serial_prefix.empty() && !serial_end.empty()) q.BindText(13, serial_end);
      },
      /*with_seq=*/true);
}

Result<std::vector<CertificateRecord>> SqliteStore::CertificatesOfDevice(
    std::string_view device_id) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectCertificatesSql) +
                    " WHERE device_id = ?1 ORDER BY created_at DESC, rowid DESC";
  return SelectCertificatesLocked(sql, [&](Query& q) { q.BindText(1, device_id); });
}

// Revokes a valid certificate; true when it changed, false when it is unknown or already revoked.
Result<bool> SqliteStore::RevokeLocked(std::string_view serial, int reason, int64_t revoked_at) {
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * update,
      StatementLocked("UPDATE certificates SET status = 'revoked', revoked_at = ?2,"
                      " revocation_reason = ?3 WHERE serial = ?1 AND status = 'valid'"));
  Query q(*update, "revoke");
  q.BindText(1, serial).BindInt(2, revoked_at).BindInt(3, reason);
  SG_TRY_STATUS(q.Run());
  return sqlite3_changes(db_.get()) == 1;
}

Status SqliteStore::RevokeOrExplainLocked(std::string_view serial, int reason, int64_t revoked_at) {
  SG_ASSIGN_OR_RETURN(bool changed, RevokeLocked(serial, reason, revoked_at));
  if (changed) return {};
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * exists,
                      StatementLocked("SELECT 1 FROM certificates WHERE serial = ?1"));
  Query q(*exists, "revoke");
  q.BindText(1, serial);
  SG_ASSIGN_OR_RETURN(bool found, q.Step());
  std::string what = "certificate " + std::string(serial);
  if (!found) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already revoked"));
}

Status SqliteStore::Revoke(std::string_view serial, int reason, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_TRY_STATUS(RevokeOrExplainLocked(serial, reason, revoked_at));
  return tx.Commit();
}

Status SqliteStore::RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                                    const OutboxEvent& event) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_TRY_STATUS(RevokeOrExplainLocked(serial, reason, revoked_at));
  SG_TRY_STATUS(EnqueueEventLocked(event, event.request_id));
  return tx.Commit();
}

Result<std::vector<Revocation>> SqliteStore::RevokeMany(std::span<const std::string> serials,
                                                        int reason, int64_t revoked_at,
                                                        const RevokedEventFn& event_of) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  std::string find = std::string(kSelectCertificatesSql) + " WHERE serial = ?1";
  std::vector<Revocation> out;
  out.reserve(serials.size());
  for (const std::string& serial : serials) {
    Revocation r{serial, RevokeOutcome::kNotFound, ""};
    SG_ASSIGN_OR_RETURN(auto certs,
                        SelectCertificatesLocked(find, [&](Query& q) { q.BindText(1, serial); }));
    if (!certs.empty()) {
      r.issuer_id = certs.front().issuer_id;
      SG_ASSIGN_OR_RETURN(bool changed, RevokeLocked(serial, reason, revoked_at));
      r.outcome = changed ? RevokeOutcome::kRevoked : RevokeOutcome::kAlreadyRevoked;
      if (changed) {
        OutboxEvent event = event_of(certs.front());
        SG_TRY_STATUS(EnqueueEventLocked(event, event.request_id));
      }
    }
    out.push_back(std::move(r));
  }
  SG_TRY_STATUS(tx.Commit());
  return out;
}

Result<std::vector<RevokedSerial>> SqliteStore::ListRevoked(std::string_view issuer_id) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT serial, revoked_at, revocation_reason"
                                      " FROM certificates WHERE status = 'revoked'"
                                      " AND issuer_id = ?1"));
  Query q(*stmt, "list revoked");
  q.BindText(1, issuer_id);
  std::vector<RevokedSerial> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Text(0), q.Int(1), static_cast<int>(q.Int(2))});
  }
}

Result<int64_t> SqliteStore::InsertRequest(const RequestRecord& request) {
  std::lock_guard lock(mu_);
  return InsertRequestLocked(request);
}

Result<int64_t> SqliteStore::RecordRequest(const RequestRecord& request,
                                           const std::vector<OutboxEvent>& events) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(int64_t id, InsertRequestLocked(request));
  for (const OutboxEvent& event : events) SG_TRY_STATUS(EnqueueEventLocked(event, id));
  SG_TRY_STATUS(tx.Commit());
  return id;
}

Result<std::vector<RequestRecord>> SqliteStore::ListRequests(const RequestFilter& filter) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectRequestsSql) + " WHERE 1";
  if (filter.state) sql += " AND state = ?1";
  if (filter.transaction_id) sql += " AND transaction_id = ?2";
  if (filter.device_id) sql += " AND device_id = ?4";
  if (!filter.profile.empty()) sql += " AND profile = ?5 COLLATE NOCASE";
  if (filter.created_from != 0) sql += " AND created_at >= ?6";
  if (filter.created_until != 0) sql += " AND created_at < ?7";
  if (filter.after) sql += " AND (created_at, id) < (?8, ?9)";
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?3";
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "list requests");
  if (filter.state) q.BindText(1, *filter.state);
  if (filter.transaction_id) q.BindText(2, *filter.transaction_id);
  q.BindInt(3, SqlLimit(filter.limit));
  if (filter.device_id) q.BindText(4, *filter.device_id);
  if (!filter.profile.empty()) q.BindText(5, filter.profile);
  if (filter.created_from != 0) q.BindInt(6, filter.created_from);
  if (filter.created_until != 0) q.BindInt(7, filter.created_until);
  if (filter.after) q.BindInt(8, filter.after->created_at).BindInt(9, filter.after->seq);
  std::vector<RequestRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadRequest(q));
  }
}

Result<int64_t> SqliteStore::NextCounter(std::string_view name) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO counters (name, value) VALUES (?1, 1)"
                                      " ON CONFLICT (name) DO UPDATE SET value = value + 1"
                                      " RETURNING value"));
  Query q(*stmt, "next counter");
  q.BindText(1, name);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Fail(Error::Database("next counter: no value returned"));
  int64_t value = q.Int(0);
  SG_TRY_STATUS(q.Run());  // finish the statement so its write is complete
  return value;
}

Result<std::optional<std::string>> SqliteStore::GetSetting(std::string_view key) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT value FROM settings WHERE key = ?1"));
  Query q(*stmt, "get setting");
  q.BindText(1, key);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  return q.Text(0);
}

Status SqliteStore::SetSetting(std::string_view key, std::string_view value) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO settings (key, value) VALUES (?1, ?2)"
                                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  Query q(*stmt, "set setting");
  q.BindText(1, key).BindText(2, value);
  return q.Run();
}

Result<bool> SqliteStore::TakeLease(std::string_view name, std::string_view owner, int64_t now,
                                    int64_t until) {
  std::lock_guard lock(mu_);
  // One statement under the write lock: the row is taken only when free, run out or ours, and
  // RETURNING gives a row exactly when it was.
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked(
          "INSERT INTO leases (name, owner, held_until) VALUES (?1, ?2, ?4)"
          " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
          " held_until = excluded.held_until WHERE leases.held_until <= ?3 OR leases.owner = ?2"
          " RETURNING owner"));
  Query q(*stmt, "take lease");
  q.BindText(1, name).BindText(2, owner).BindInt(3, now).BindInt(4, until);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (row) SG_TRY_STATUS(q.Run());  // finish the statement so its write is complete
  return row;
}

}  // namespace scepgate::store

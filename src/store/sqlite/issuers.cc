// SqliteStore's registry of issuing CAs.
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

Error UnknownIssuer(std::string_view id) {
  return Error::NotFound("no issuing CA " + std::string(id));
}

}  // namespace

Status SqliteStore::RegisterIssuer(const IssuerRecord& issuer) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO issuers (id, cert_der, name, active, created_at,"
                                      " crl_wanted, crl_published) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                      " ?7) ON CONFLICT (id) DO NOTHING"));
  Query q(*stmt, "register issuer");
  q.BindText(1, issuer.id)
      .BindBlob(2, issuer.cert_der)
      .BindText(3, issuer.name)
      .BindInt(4, issuer.active ? 1 : 0)
      .BindInt(5, issuer.created_at)
      .BindInt(6, issuer.crl_wanted)
      .BindInt(7, issuer.crl_published);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(db_.get()) != 1)
    return Fail(Error::AlreadyExists("issuing CA " + issuer.id + " is registered already"));
  return {};
}

Result<std::vector<IssuerRecord>> SqliteStore::ListIssuers() {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT id, cert_der, name, active, created_at, crl_wanted,"
                                      " crl_published, revoked_at, revocation_reason FROM issuers"
                                      " ORDER BY created_at, rowid"));
  Query q(*stmt, "list issuers");
  std::vector<IssuerRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Text(0), q.Blob(1), q.Text(2), q.Int(3) != 0, q.Int(4), q.Int(5), q.Int(6),
                   q.Int(7), static_cast<int>(q.Int(8))});
  }
}

// Runs an UPDATE of the issuer `id` (bound as ?1, `bind` binds the rest). kNotFound when no row
// has that id. Call with mu_ held.
template <class Bind>
Status UpdateIssuerLocked(sqlite3& db, sqlite3_stmt& stmt, std::string_view id,
                          std::string_view what, Bind bind) {
  Query q(stmt, std::string(what));
  q.BindText(1, id);
  bind(q);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(&db) != 1) return Fail(UnknownIssuer(id));
  return {};
}

Status SqliteStore::SetIssuerActive(std::string_view id, bool active) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("UPDATE issuers SET active = ?2 WHERE id = ?1"));
  return UpdateIssuerLocked(*db_, *stmt, id, "set issuer active",
                            [&](Query& q) { q.BindInt(2, active ? 1 : 0); });
}

Status SqliteStore::WantCrl(std::string_view id) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked("UPDATE issuers SET crl_wanted ="
                                                           " crl_wanted + 1 WHERE id = ?1"));
  return UpdateIssuerLocked(*db_, *stmt, id, "want CRL", [](Query&) {});
}

Status SqliteStore::RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("UPDATE issuers SET revoked_at = ?2, revocation_reason = ?3,"
                                      " active = 0 WHERE id = ?1 AND revoked_at = 0"));
  Query q(*stmt, "revoke issuer");
  q.BindText(1, id).BindInt(2, revoked_at).BindInt(3, reason);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(db_.get()) == 1) return {};
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * exists,
                      StatementLocked("SELECT 1 FROM issuers WHERE id = ?1"));
  Query e(*exists, "revoke issuer");
  e.BindText(1, id);
  SG_ASSIGN_OR_RETURN(bool found, e.Step());
  if (!found) return Fail(UnknownIssuer(id));
  return Fail(Error::AlreadyExists("issuing CA " + std::string(id) + " is revoked already"));
}

Status SqliteStore::CrlPublished(std::string_view id, int64_t wanted) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("UPDATE issuers SET crl_published = max(crl_published, ?2)"
                                      " WHERE id = ?1"));
  return UpdateIssuerLocked(*db_, *stmt, id, "CRL published",
                            [&](Query& q) { q.BindInt(2, wanted); });
}

}  // namespace scepgate::store

// SqliteStore's claims (schema version 9): one claim per SCEP transaction, one stored CRL per
// issuer replaced only by a higher number. Each guarantee is a constraint or a conditional write
// in SQL, so it holds across processes sharing the file, not only across this one's threads.
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {

Status SqliteStore::InsertClaimLocked(const TransactionClaim& c) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO transactions (transaction_id, renews,"
                                      " public_key_sha256, request_id, serial, created_at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  Query q(*stmt, "claim transaction");
  q.BindText(1, c.transaction_id).BindText(2, c.renews).BindText(3, c.public_key_sha256);
  q.BindInt(4, c.request_id).BindText(5, c.serial).BindInt(6, c.created_at);
  auto ran = q.Run();
  if (!ran && ran.error().code == ErrorCode::kAlreadyExists)
    return Fail(Error::Conflict("the transaction is claimed by another request"));
  return ran;
}

Status SqliteStore::FillClaimLocked(int64_t request_id, std::string_view serial) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("UPDATE transactions SET serial = ?2"
                                      " WHERE request_id = ?1 AND serial = ''"));
  Query q(*stmt, "fill claim");
  q.BindInt(1, request_id).BindText(2, serial);
  return q.Run();
}

Result<std::optional<TransactionClaim>> SqliteStore::FindTransaction(
    std::string_view transaction_id, std::string_view renews) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT public_key_sha256, request_id, serial, created_at"
                                      " FROM transactions WHERE transaction_id = ?1"
                                      " AND renews = ?2"));
  Query q(*stmt, "find transaction");
  q.BindText(1, transaction_id).BindText(2, renews);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  TransactionClaim c;
  c.transaction_id = std::string(transaction_id);
  c.renews = std::string(renews);
  c.public_key_sha256 = q.Text(0);
  c.request_id = q.Int(1);
  c.serial = q.Text(2);
  c.created_at = q.Int(3);
  return c;
}

Result<bool> SqliteStore::StoreCrl(const CrlRecord& crl) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO crls (issuer_id, number, this_update, der)"
                      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (issuer_id) DO UPDATE SET"
                      " number = excluded.number, this_update = excluded.this_update,"
                      " der = excluded.der WHERE excluded.number > crls.number"));
  Query q(*stmt, "store CRL");
  q.BindText(1, crl.issuer_id).BindInt(2, crl.number).BindInt(3, crl.this_update);
  q.BindBlob(4, crl.der);
  SG_TRY_STATUS(q.Run());
  return sqlite3_changes(db_.get()) == 1;
}

Result<std::optional<CrlRecord>> SqliteStore::FindCrl(std::string_view issuer_id) {
  return FindCrlIfChanged(issuer_id, -1);  // CRL numbers are never negative
}

Result<std::optional<CrlRecord>> SqliteStore::FindCrlIfChanged(std::string_view issuer_id,
                                                               int64_t known_number) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT number, this_update,"
                                      " CASE WHEN number = ?2 THEN x'' ELSE der END"
                                      " FROM crls WHERE issuer_id = ?1"));
  Query q(*stmt, "find CRL");
  q.BindText(1, issuer_id).BindInt(2, known_number);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  CrlRecord crl;
  crl.issuer_id = std::string(issuer_id);
  crl.number = q.Int(0);
  crl.this_update = q.Int(1);
  crl.der = q.Blob(2);
  return crl;
}

}  // namespace scepgate::store

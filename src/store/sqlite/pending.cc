// SqliteStore's requests held for approval (schema version 6).
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectPendingSql =
    "SELECT request_id, transaction_id, public_key_sha256, signer_sha256, csr, grant_json,"
    " decision, reason, decided_at FROM pending";

PendingRecord ReadPending(const Query& q) {
  PendingRecord p;
  p.request_id = q.Int(0);
  p.transaction_id = q.Text(1);
  p.public_key_sha256 = q.Text(2);
  p.signer_sha256 = q.Text(3);
  p.csr = q.Blob(4);
  p.grant_json = q.Text(5);
  p.decision = q.Text(6);
  p.reason = q.Text(7);
  p.decided_at = q.Int(8);
  return p;
}

}  // namespace

Result<int64_t> SqliteStore::RecordPending(const RequestRecord& request, const PendingRecord& p,
                                           const std::optional<ChallengeUse>& use,
                                           const TransactionClaim& claim) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  RequestRecord pending = request;
  pending.state = "pending";
  SG_ASSIGN_OR_RETURN(int64_t id, InsertRequestLocked(pending));
  TransactionClaim held = claim;
  held.request_id = id;
  held.serial.clear();
  SG_TRY_STATUS(InsertClaimLocked(held));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO pending (request_id, transaction_id,"
                                      " public_key_sha256, signer_sha256, csr, grant_json)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  {
    Query q(*stmt, "insert pending");
    q.BindInt(1, id).BindText(2, p.transaction_id).BindText(3, p.public_key_sha256);
    q.BindText(4, p.signer_sha256).BindBlob(5, p.csr).BindText(6, p.grant_json);
    SG_TRY_STATUS(q.Run());
  }
  if (use) SG_TRY_STATUS(InsertChallengeUseLocked(*use));
  SG_TRY_STATUS(tx.Commit());
  return id;
}

Result<std::optional<PendingRecord>> SqliteStore::SelectPendingLocked(const std::string& where,
                                                                      const BindOne& bind) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(std::string(kSelectPendingSql) + where));
  Query q(*stmt, "find pending");
  bind(q);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  return ReadPending(q);
}

Result<std::optional<PendingRecord>> SqliteStore::FindPendingByTransaction(
    std::string_view transaction_id) {
  std::lock_guard lock(mu_);
  return SelectPendingLocked(" WHERE transaction_id = ?1 ORDER BY request_id DESC LIMIT 1",
                             [&](Query& q) { q.BindText(1, transaction_id); });
}

Result<std::optional<PendingRecord>> SqliteStore::FindPending(int64_t request_id) {
  std::lock_guard lock(mu_);
  return SelectPendingLocked(" WHERE request_id = ?1", [&](Query& q) { q.BindInt(1, request_id); });
}

Status SqliteStore::DecidePending(int64_t request_id, const Decision& d) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * decide,
                      StatementLocked("UPDATE pending SET decision = ?2, reason = ?3,"
                                      " decided_at = ?4 WHERE request_id = ?1"
                                      " AND decision = 'pending'"));
  {
    Query q(*decide, "decide pending");
    q.BindInt(1, request_id).BindText(2, d.decision).BindText(3, d.reason).BindInt(4, d.at);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) != 1) {  // lost the race, or nothing to decide: say which
    SG_ASSIGN_OR_RETURN(auto current, SelectPendingLocked(" WHERE request_id = ?1", [&](Query& q) {
                          q.BindInt(1, request_id);
                        }));
    std::string what = "request " + std::to_string(request_id);
    if (!current) return Fail(Error::NotFound(what + " is not awaiting approval"));
    return Fail(Error::FailedPrecondition(what + " was already " + current->decision));
  }
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * request,
                      StatementLocked("UPDATE requests SET state = ?2, reason = ?3, stage = ?4,"
                                      " fail_info = ?5 WHERE id = ?1"));
  {
    Query q(*request, "decide request");
    q.BindInt(1, request_id).BindText(2, d.request_state).BindText(3, d.request_reason);
    q.BindText(4, d.request_stage).BindText(5, d.request_fail_info);
    SG_TRY_STATUS(q.Run());
  }
  if (d.event) SG_TRY_STATUS(EnqueueEventLocked(*d.event, request_id));
  return tx.Commit();
}

Status SqliteStore::CompletePendingLocked(int64_t request_id, std::string_view serial) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * done,
                      StatementLocked("UPDATE pending SET decision = 'issued'"
                                      " WHERE request_id = ?1 AND decision = 'approved'"));
  {
    Query q(*done, "complete pending");
    q.BindInt(1, request_id);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) != 1)
    return Fail(Error::FailedPrecondition("request " + std::to_string(request_id) +
                                          " is not approved (or was issued already)"));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * request,
                      StatementLocked("UPDATE requests SET state = 'issued', cert_serial = ?2"
                                      " WHERE id = ?1"));
  Query q(*request, "complete request");
  q.BindInt(1, request_id).BindText(2, serial);
  return q.Run();
}

}  // namespace scepgate::store

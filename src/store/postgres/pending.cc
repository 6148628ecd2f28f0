// PostgresStore's requests held for approval. A held request is decided once and issued once:
// each is an UPDATE conditional on the pending row's decision ('pending', then 'approved'). Of
// two deciders racing in any processes, the second waits on the row's lock, re-reads it once
// the first commits, and changes nothing.
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelect =
    "SELECT request_id, transaction_id, public_key_sha256, signer_sha256, csr, grant_json,"
    " decision, reason, decided_at FROM pending";

const pg::Prepared kInsert{"sg_insert_pending",
                           "INSERT INTO pending (request_id, transaction_id, public_key_sha256,"
                           " signer_sha256, csr, grant_json) VALUES ($1, $2, $3, $4, $5, $6)"};
const pg::Prepared kFind{"sg_find_pending", std::string(kSelect) + " WHERE request_id = $1"};
const pg::Prepared kFindByTransaction{
    "sg_find_pending_by_transaction",
    std::string(kSelect) + " WHERE transaction_id = $1 ORDER BY request_id DESC LIMIT 1"};
const pg::Prepared kDecide{"sg_decide_pending",
                           "UPDATE pending SET decision = $2, reason = $3, decided_at = $4"
                           " WHERE request_id = $1 AND decision = 'pending'"};
const pg::Prepared kDecisionOf{"sg_decision_of_pending",
                               "SELECT decision FROM pending WHERE request_id = $1"};
const pg::Prepared kDecideRequest{"sg_decide_request",
                                  "UPDATE requests SET state = $2, reason = $3, stage = $4,"
                                  " fail_info = $5 WHERE id = $1"};
const pg::Prepared kComplete{"sg_complete_pending",
                             "UPDATE pending SET decision = 'issued'"
                             " WHERE request_id = $1 AND decision = 'approved'"};
const pg::Prepared kCompleteRequest{"sg_complete_request",
                                    "UPDATE requests SET state = 'issued', cert_serial = $2"
                                    " WHERE id = $1"};

PendingRecord ReadPending(pg::RowReader& in) {
  PendingRecord p;
  p.request_id = in.Int();
  p.transaction_id = in.Text();
  p.public_key_sha256 = in.Text();
  p.signer_sha256 = in.Text();
  p.csr = in.Bytea();
  p.grant_json = in.Text();
  p.decision = in.Text();
  p.reason = in.Text();
  p.decided_at = in.Int();
  return p;
}

Result<std::optional<PendingRecord>> SelectPending(pg::Connection& c, const pg::Prepared& statement,
                                                   const std::vector<pg::Param>& params) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, statement, params));
  return pg::ReadFirst(rows, ReadPending);
}

// After a decision that changed nothing: kNotFound for a request that was never held,
// kFailedPrecondition naming the decision taken (read anew: the winner has committed).
Status ExplainUndecided(pg::Connection& c, int64_t request_id) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kDecisionOf, {request_id}));
  std::string what = "request " + std::to_string(request_id);
  if (rows.Rows() == 0) return Fail(Error::NotFound(what + " is not awaiting approval"));
  SG_ASSIGN_OR_RETURN(std::string decision, rows.Text(0, 0));
  return Fail(Error::FailedPrecondition(what + " was already " + decision));
}

}  // namespace

namespace pg {

Status CompletePendingRow(Connection& c, int64_t request_id, std::string_view serial) {
  SG_ASSIGN_OR_RETURN(QueryResult done, Run(c, kComplete, {request_id}));
  if (done.AffectedRows() != 1) {
    return Fail(Error::FailedPrecondition("request " + std::to_string(request_id) +
                                          " is not approved (or was issued already)"));
  }
  SG_TRY_STATUS(Run(c, kCompleteRequest, {request_id, serial}));
  return {};
}

}  // namespace pg

Result<int64_t> PostgresStore::RecordPending(const RequestRecord& request, const PendingRecord& p,
                                             const std::optional<ChallengeUse>& use,
                                             const TransactionClaim& claim) {
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Result<int64_t> {
    RequestRecord held_request = request;
    held_request.state = "pending";
    SG_ASSIGN_OR_RETURN(int64_t id, pg::InsertRequestRow(c, held_request));
    TransactionClaim held = claim;
    held.request_id = id;
    held.serial.clear();
    SG_TRY_STATUS(pg::InsertClaimRow(c, held));
    SG_TRY_STATUS(
        pg::Run(c, kInsert,
                {id, p.transaction_id, p.public_key_sha256, p.signer_sha256, p.csr, p.grant_json}));
    if (use) SG_TRY_STATUS(pg::InsertChallengeUseRow(c, *use));
    return id;
  });
}

Result<std::optional<PendingRecord>> PostgresStore::FindPendingByTransaction(
    std::string_view transaction_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) {
    return SelectPending(c, kFindByTransaction, {transaction_id});
  });
}

Result<std::optional<PendingRecord>> PostgresStore::FindPending(int64_t request_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) { return SelectPending(c, kFind, {request_id}); });
}

Status PostgresStore::DecidePending(int64_t request_id, const Decision& d) {
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult decided,
                        pg::Run(c, kDecide, {request_id, d.decision, d.reason, d.at}));
    if (decided.AffectedRows() != 1) return ExplainUndecided(c, request_id);
    SG_TRY_STATUS(pg::Run(
        c, kDecideRequest,
        {request_id, d.request_state, d.request_reason, d.request_stage, d.request_fail_info}));
    if (d.event) SG_TRY_STATUS(pg::EnqueueEventRow(c, *d.event, request_id));
    return {};
  });
}

}  // namespace scepgate::store

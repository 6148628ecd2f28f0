// PostgresStore's request records and the issuance: everything one issuance writes, in one
// transaction on one connection, in the order SqliteStore writes it (the claim first, so that a
// copy of a transaction learns of the copy that won before it learns that the challenge is spent).
// The common issuance (nothing held to complete, nothing superseded) is one statement: one round
// trip instead of six.
#include <string>

#include "store/postgres/pg_error.h"
#include "store/postgres/violations.h"

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/records.h"
#include "store/postgres/statements.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

const pg::Prepared kInsert{"sg_insert_request",
                           "INSERT INTO requests (" + std::string(pg::kRequestColumns) +
                               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                               " $14, $15, $16, $17, $18) RETURNING id"};

// The issuance's writes after the request record, whose id is `id`.
Status WriteIssuance(pg::Connection& c, const Issuance& issuance, int64_t id) {
  if (issuance.claim) {
    TransactionClaim claim = *issuance.claim;
    claim.request_id = id;
    claim.serial = issuance.cert.serial;
    SG_TRY_STATUS(pg::InsertClaimRow(c, claim));
  }
  if (issuance.completes_pending != 0) {
    SG_TRY_STATUS(pg::CompletePendingRow(c, issuance.completes_pending, issuance.cert.serial));
    SG_TRY_STATUS(pg::FillClaimRow(c, issuance.completes_pending, issuance.cert.serial));
  }
  CertificateRecord cert = issuance.cert;
  cert.request_id = issuance.completes_pending != 0 ? issuance.completes_pending : id;
  SG_TRY_STATUS(pg::InsertCertificateRow(c, cert));
  if (issuance.challenge_use) {
    ChallengeUse use = *issuance.challenge_use;
    use.cert_serial = cert.serial;
    SG_TRY_STATUS(pg::InsertChallengeUseRow(c, use));
  }
  if (issuance.supersedes) {
    SG_TRY_STATUS(
        pg::RevokeRow(c, *issuance.supersedes, issuance.supersede_reason, cert.created_at));
  }
  for (const OutboxEvent& event : issuance.events) SG_TRY_STATUS(pg::EnqueueEventRow(c, event, id));
  return {};
}

// The common issuance as one statement whose data-modifying CTEs insert the request, its claim,
// the certificate, the challenge's use and the events, chained by the request's id. A statement
// is atomic: a unique violation (a copy claimed the transaction first, the challenge was spent,
// the serial exists) leaves nothing written, and is answered as the row-by-row path answers it.
// One statement text per shape (claim or not, challenge use or not, how many events), prepared
// once per connection.
struct IssueStatement {
  pg::Prepared statement;
  pg::ParamList params;
};

// kDatabase when the certificate's SANs cannot be encoded.
Result<IssueStatement> BuildIssueStatement(const Issuance& issuance) {
  pg::ParamList params;
  auto list = [&](const std::vector<pg::Param>& values, size_t skip_last = 0) {
    std::string out;
    for (size_t i = 0; i + skip_last < values.size(); ++i)
      out += (i == 0 ? "" : ", ") + params.Add(values[i]);
    return out;
  };
  RequestRecord request = issuance.request;
  request.cert_serial = issuance.cert.serial;
  std::string sql = "WITH r AS (INSERT INTO requests (" + std::string(pg::kRequestColumns) +
                    ") VALUES (" + list(pg::RequestParams(request)) + ") RETURNING id)";
  std::string shape = "sg_issue";
  if (issuance.claim) {
    const TransactionClaim& t = *issuance.claim;
    sql +=
        ", t AS (INSERT INTO transactions (transaction_id, renews, public_key_sha256,"
        " request_id, serial, created_at) VALUES (" +
        list({t.transaction_id, t.renews, t.public_key_sha256}) + ", (SELECT id FROM r), " +
        list({issuance.cert.serial, t.created_at}) + "))";
    shape += "_claim";
  }
  // request_id is the last certificate column: the new request's id.
  SG_ASSIGN_OR_RETURN(std::vector<pg::Param> cert, pg::CertificateParams(issuance.cert));
  sql += ", c AS (INSERT INTO certificates (" + std::string(pg::kCertificateColumns) +
         ") VALUES (" + list(cert, 1) + ", (SELECT id FROM r)))";
  if (issuance.challenge_use) {
    const ChallengeUse& u = *issuance.challenge_use;
    sql +=
        ", u AS (INSERT INTO challenge_uses (challenge_id, transaction_id, public_key_sha256,"
        " cert_serial, used_at) VALUES (" +
        list({u.challenge_id, u.transaction_id, u.public_key_sha256, issuance.cert.serial,
              u.used_at}) +
        "))";
    shape += "_use";
  }
  for (size_t i = 0; i < issuance.events.size(); ++i) {
    const OutboxEvent& e = issuance.events[i];
    sql += ", e" + std::to_string(i) +
           " AS (INSERT INTO outbox (type, payload, request_id, created_at, next_attempt_at)"
           " VALUES (" +
           list({e.type, e.payload}) + ", (SELECT id FROM r), " +
           list({e.created_at, e.next_attempt_at}) + "))";
  }
  shape += "_" + std::to_string(issuance.events.size());
  sql += " SELECT id FROM r";
  return IssueStatement{pg::Prepared{shape, sql}, std::move(params)};
}

Result<int64_t> RunIssueStatement(pg::Connection& c, const IssueStatement& st,
                                  const Issuance& issuance) {
  auto done = pg::Run(c, st.statement, st.params.values());
  if (!done) {
    // Which violation a statement reports when two would fire is not defined. A copy of a
    // transaction that won the claim has also spent the challenge: the claim is the answer.
    if (issuance.claim && pg::ConstraintName(done.error()) == "challenge_uses_pkey") {
      auto claimed =
          c.ExecParams("SELECT 1 FROM transactions WHERE transaction_id = $1 AND renews = $2",
                       {issuance.claim->transaction_id, issuance.claim->renews});
      if (claimed && claimed->Rows() == 1)
        return Fail(Error::Conflict("the transaction is claimed by another request"));
    }
    return Fail(pg::Explain(
        done.error(),
        {{pg::kUniqueViolation, "transactions_pkey",
          Error::Conflict("the transaction is claimed by another request")},
         {pg::kUniqueViolation, "challenge_uses_pkey",
          Error::FailedPrecondition("the challenge has already been used")},
         {pg::kUniqueViolation, "certificates_pkey",
          Error::AlreadyExists("certificate " + issuance.cert.serial + " already exists")}}));
  }
  return done->Int64(0, 0);
}

}  // namespace

namespace pg {

Result<int64_t> InsertRequestRow(Connection& c, const RequestRecord& request) {
  SG_ASSIGN_OR_RETURN(QueryResult rows, Run(c, kInsert, RequestParams(request)));
  return rows.Int64(0, 0);
}

}  // namespace pg

Result<int64_t> PostgresStore::RecordIssuance(const Issuance& issuance) {
  if (issuance.completes_pending == 0 && !issuance.supersedes) {
    SG_ASSIGN_OR_RETURN(IssueStatement st, BuildIssueStatement(issuance));
    return pg::WritePrepared(*pool_, st.statement,
                             [&](pg::Connection& c) { return RunIssueStatement(c, st, issuance); });
  }
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Result<int64_t> {
    RequestRecord request = issuance.request;
    request.cert_serial = issuance.cert.serial;
    SG_ASSIGN_OR_RETURN(int64_t id, pg::InsertRequestRow(c, request));
    SG_TRY_STATUS(WriteIssuance(c, issuance, id));
    return id;
  });
}

Result<int64_t> PostgresStore::InsertRequest(const RequestRecord& request) {
  return pg::Write(*pool_, [&](pg::Connection& c) { return pg::InsertRequestRow(c, request); });
}

Result<int64_t> PostgresStore::RecordRequest(const RequestRecord& request,
                                             const std::vector<OutboxEvent>& events) {
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Result<int64_t> {
    SG_ASSIGN_OR_RETURN(int64_t id, pg::InsertRequestRow(c, request));
    for (const OutboxEvent& event : events) SG_TRY_STATUS(pg::EnqueueEventRow(c, event, id));
    return id;
  });
}

Result<std::vector<RequestRecord>> PostgresStore::ListRequests(const RequestFilter& filter) {
  // Only fixed fragments go into the SQL; every value is a parameter.
  pg::ParamList params;
  std::string sql = "SELECT id, " + std::string(pg::kRequestColumns) + " FROM requests WHERE true";
  if (filter.state) sql += " AND state = " + params.Add(*filter.state);
  if (filter.transaction_id) sql += " AND transaction_id = " + params.Add(*filter.transaction_id);
  if (filter.device_id) sql += " AND device_id = " + params.Add(*filter.device_id);
  if (!filter.profile.empty()) {
    sql += " AND lower(profile COLLATE \"C\") = lower(" + params.Add(filter.profile) +
           "::text COLLATE \"C\")";
  }
  if (filter.created_from != 0) sql += " AND created_at >= " + params.Add(filter.created_from);
  if (filter.created_until != 0) sql += " AND created_at < " + params.Add(filter.created_until);
  if (filter.after) {
    sql += " AND (created_at, id) < (" + params.Add(filter.after->created_at) + ", " +
           params.Add(filter.after->seq) + ")";
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<RequestRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, pg::ReadRequest);
  });
}

}  // namespace scepgate::store

// PostgresStore's request records and the issuance: everything one issuance writes, in one
// transaction on one connection, in the order SqliteStore writes it (the claim first, so that a
// copy of a transaction learns of the copy that won before it learns that the challenge is spent).
#include <string>

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

}  // namespace

namespace pg {

Result<int64_t> InsertRequestRow(Connection& c, const RequestRecord& request) {
  SG_ASSIGN_OR_RETURN(QueryResult rows, Run(c, kInsert, RequestParams(request)));
  return rows.Int64(0, 0);
}

}  // namespace pg

Result<int64_t> PostgresStore::RecordIssuance(const Issuance& issuance) {
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
  sql += " ORDER BY created_at DESC, id DESC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<RequestRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, pg::ReadRequest);
  });
}

}  // namespace scepgate::store

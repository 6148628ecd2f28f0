// PostgresStore's certificates: storage, lookups and revocation. A serial is unique by the primary
// key; a revocation is an UPDATE conditional on the certificate being valid, so of two revokers
// racing in any processes exactly one changes it.
#include <algorithm>
#include <numeric>
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/records.h"
#include "store/postgres/statements.h"
#include "store/postgres/violations.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

const std::string kSelect = "SELECT " + std::string(pg::kCertificateColumns) + " FROM certificates";

const pg::Prepared kInsert{
    "sg_insert_certificate",
    "INSERT INTO certificates (" + std::string(pg::kCertificateColumns) +
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
        " $18, $19, $20, $21, $22)"};
const pg::Prepared kFind{"sg_find_certificate", kSelect + " WHERE serial = $1"};
const pg::Prepared kFindByTransaction{
    "sg_certificates_of_transaction",
    kSelect + " WHERE transaction_id = $1 ORDER BY created_at ASC, seq ASC"};
const pg::Prepared kFindLatestBySubject{"sg_latest_certificate_by_subject",
                                        kSelect +
                                            " WHERE issuer_id = $1 AND subject = $2"
                                            " ORDER BY created_at DESC, seq DESC LIMIT 1"};
const pg::Prepared kOfDevice{"sg_certificates_of_device",
                             kSelect + " WHERE device_id = $1 ORDER BY created_at DESC, seq DESC"};
// Changes a valid certificate only; says whether it changed and whether the serial is known
// (certificates are never deleted, so the statement's snapshot answers that).
const pg::Prepared kRevoke{
    "sg_revoke_certificate",
    "WITH changed AS (UPDATE certificates SET status = 'revoked', revoked_at = $2,"
    " revocation_reason = $3 WHERE serial = $1 AND status = 'valid' RETURNING 1)"
    " SELECT (SELECT count(*) FROM changed) > 0,"
    " EXISTS (SELECT 1 FROM certificates WHERE serial = $1)"};

// RevokeMany's steps: revoke a valid certificate and return it; say whose a serial is.
const pg::Prepared kRevokeReturning{"sg_revoke_returning",
                                    "UPDATE certificates SET status = 'revoked', revoked_at = $2,"
                                    " revocation_reason = $3 WHERE serial = $1 AND status = 'valid'"
                                    " RETURNING " +
                                        std::string(pg::kCertificateColumns)};
const pg::Prepared kIssuerOf{"sg_issuer_of_certificate",
                             "SELECT issuer_id FROM certificates WHERE serial = $1"};
const pg::Prepared kListRevoked{"sg_list_revoked",
                                "SELECT serial, revoked_at, revocation_reason FROM certificates"
                                " WHERE status = 'revoked' AND issuer_id = $1"};

Result<std::vector<CertificateRecord>> SelectCertificates(pg::Connection& c,
                                                          const pg::Prepared& statement,
                                                          const std::vector<pg::Param>& params) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, statement, params));
  return pg::ReadRows(rows, pg::ReadCertificate);
}

Result<std::optional<CertificateRecord>> SelectCertificate(pg::Connection& c,
                                                           const pg::Prepared& statement,
                                                           const std::vector<pg::Param>& params) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, statement, params));
  return pg::ReadFirst(rows, pg::ReadCertificate);
}

// Revokes and says what happened: {changed, known}.
Result<std::pair<bool, bool>> RevokeRowExplained(pg::Connection& c, std::string_view serial,
                                                 int reason, int64_t revoked_at) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kRevoke, {serial, revoked_at, reason}));
  SG_ASSIGN_OR_RETURN(bool changed, rows.Bool(0, 0));
  SG_ASSIGN_OR_RETURN(bool known, rows.Bool(0, 1));
  return std::pair{changed, known};
}

}  // namespace

namespace pg {

Status InsertCertificateRow(Connection& c, const CertificateRecord& cert) {
  SG_ASSIGN_OR_RETURN(std::vector<Param> params, CertificateParams(cert));
  auto inserted = Run(c, kInsert, params);
  if (!inserted) {
    return Fail(Explain(inserted.error(), {{kUniqueViolation, "certificates_pkey",
                                            Error::AlreadyExists("certificate " + cert.serial +
                                                                 " already exists")}}));
  }
  return {};
}

Result<bool> RevokeRow(Connection& c, std::string_view serial, int reason, int64_t revoked_at) {
  SG_ASSIGN_OR_RETURN(auto outcome, RevokeRowExplained(c, serial, reason, revoked_at));
  return outcome.first;
}

Status RevokeOrExplain(Connection& c, std::string_view serial, int reason, int64_t revoked_at) {
  SG_ASSIGN_OR_RETURN(auto outcome, RevokeRowExplained(c, serial, reason, revoked_at));
  auto [changed, known] = outcome;
  if (changed) return {};
  std::string what = "certificate " + std::string(serial);
  if (!known) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already revoked"));
}

}  // namespace pg

Status PostgresStore::InsertCertificate(const CertificateRecord& cert) {
  return pg::Write(*pool_, [&](pg::Connection& c) { return pg::InsertCertificateRow(c, cert); });
}

Result<std::optional<CertificateRecord>> PostgresStore::FindCertificate(std::string_view serial) {
  return pg::Read(*pool_, [&](pg::Connection& c) { return SelectCertificate(c, kFind, {serial}); });
}

Result<std::vector<CertificateRecord>> PostgresStore::FindByTransaction(
    std::string_view transaction_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) {
    return SelectCertificates(c, kFindByTransaction, {transaction_id});
  });
}

Result<std::optional<CertificateRecord>> PostgresStore::FindLatestBySubject(
    std::string_view issuer_id, std::string_view subject) {
  return pg::Read(*pool_, [&](pg::Connection& c) {
    return SelectCertificate(c, kFindLatestBySubject, {issuer_id, subject});
  });
}

Result<std::vector<CertificateRecord>> PostgresStore::ListCertificates(const CertFilter& filter) {
  // Only fixed fragments go into the SQL; every value is a parameter.
  // The list order is (created_at, seq) descending; seq is the cursor's, read after the rest.
  pg::ParamList params;
  std::string sql =
      "SELECT " + std::string(pg::kCertificateColumns) + ", seq FROM certificates WHERE true";
  if (filter.status) sql += " AND status = " + params.Add(pg::CertStatusName(*filter.status));
  if (filter.issuer_id) sql += " AND issuer_id = " + params.Add(*filter.issuer_id);
  if (!filter.subject_prefix.empty())
    sql += " AND starts_with(subject, " + params.Add(filter.subject_prefix) + ")";
  if (!filter.serial_prefix.empty())
    sql += " AND starts_with(serial, " + params.Add(filter.serial_prefix) + ")";
  if (!filter.device_id.empty()) sql += " AND device_id = " + params.Add(filter.device_id);
  if (!filter.profile.empty()) sql += " AND profile = " + params.Add(filter.profile);
  if (filter.issued_from != 0) sql += " AND created_at >= " + params.Add(filter.issued_from);
  if (filter.issued_until != 0) sql += " AND created_at < " + params.Add(filter.issued_until);
  if (filter.after)
    sql += " AND (created_at, seq) < (" + params.Add(filter.after->created_at) + ", " +
           params.Add(filter.after->seq) + ")";
  sql += " ORDER BY created_at DESC, seq DESC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<CertificateRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, [](pg::RowReader& in) {
      CertificateRecord cert = pg::ReadCertificate(in);
      cert.seq = in.Int();
      return cert;
    });
  });
}

Result<std::vector<CertificateRecord>> PostgresStore::CertificatesOfDevice(
    std::string_view device_id) {
  return pg::Read(*pool_,
                  [&](pg::Connection& c) { return SelectCertificates(c, kOfDevice, {device_id}); });
}

Status PostgresStore::Revoke(std::string_view serial, int reason, int64_t revoked_at) {
  return pg::Write(*pool_, [&](pg::Connection& c) {
    return pg::RevokeOrExplain(c, serial, reason, revoked_at);
  });
}

Status PostgresStore::RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                                      const OutboxEvent& event) {
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Status {
    SG_TRY_STATUS(pg::RevokeOrExplain(c, serial, reason, revoked_at));
    SG_TRY_STATUS(pg::EnqueueEventRow(c, event, event.request_id));
    return {};
  });
}

// The rows are updated in serial order, whatever the order asked: two batches that overlap lock
// their common rows in the same order, so they wait for each other instead of deadlocking.
Result<std::vector<Revocation>> PostgresStore::RevokeMany(std::span<const std::string> serials,
                                                          int reason, int64_t revoked_at,
                                                          const RevokedEventFn& event_of) {
  std::vector<size_t> order(serials.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::ranges::stable_sort(order, [&](size_t a, size_t b) { return serials[a] < serials[b]; });
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Result<std::vector<Revocation>> {
    std::vector<Revocation> out(serials.size());
    for (size_t i : order) {
      Revocation& r = out[i];
      r.serial = serials[i];
      SG_ASSIGN_OR_RETURN(auto revoked,
                          SelectCertificate(c, kRevokeReturning, {r.serial, revoked_at, reason}));
      if (revoked) {
        r.outcome = RevokeOutcome::kRevoked;
        r.issuer_id = revoked->issuer_id;
        OutboxEvent event = event_of(*revoked);
        SG_TRY_STATUS(pg::EnqueueEventRow(c, event, event.request_id));
        continue;
      }
      SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kIssuerOf, {r.serial}));
      if (rows.Rows() == 0) continue;  // kNotFound
      r.outcome = RevokeOutcome::kAlreadyRevoked;
      SG_ASSIGN_OR_RETURN(r.issuer_id, rows.Text(0, 0));
    }
    return out;
  });
}

Result<std::vector<RevokedSerial>> PostgresStore::ListRevoked(std::string_view issuer_id) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<RevokedSerial>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kListRevoked, {issuer_id}));
    return pg::ReadRows(rows, [](pg::RowReader& in) {
      RevokedSerial r;
      r.serial = in.Text();
      r.revoked_at = in.Int();
      r.reason = static_cast<int>(in.Int());
      return r;
    });
  });
}

}  // namespace scepgate::store

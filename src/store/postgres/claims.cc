// PostgresStore's claims: one claim per SCEP transaction, one stored CRL per issuer replaced only
// by a higher number. Each is one atomic statement on a constraint, so it holds across every
// process and node on the database:
//   - the claim is INSERT ... ON CONFLICT (transaction_id, renews) DO NOTHING: a copy racing an
//     uncommitted claim waits for it and inserts nothing once it commits;
//   - the CRL is INSERT ... ON CONFLICT (issuer_id) DO UPDATE ... WHERE crls.number <
//     EXCLUDED.number: the update re-reads the newest row under its lock.
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

const pg::Prepared kClaim{"sg_claim_transaction",
                          "INSERT INTO transactions (transaction_id, renews, public_key_sha256,"
                          " request_id, serial, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
                          " ON CONFLICT (transaction_id, renews) DO NOTHING"};
const pg::Prepared kFillClaim{"sg_fill_claim",
                              "UPDATE transactions SET serial = $2"
                              " WHERE request_id = $1 AND serial = ''"};
const pg::Prepared kFindClaim{"sg_find_transaction",
                              "SELECT public_key_sha256, request_id, serial, created_at"
                              " FROM transactions WHERE transaction_id = $1 AND renews = $2"};
const pg::Prepared kStoreCrl{"sg_store_crl",
                             "INSERT INTO crls AS c (issuer_id, number, this_update, der)"
                             " VALUES ($1, $2, $3, $4) ON CONFLICT (issuer_id) DO UPDATE SET"
                             " number = EXCLUDED.number, this_update = EXCLUDED.this_update,"
                             " der = EXCLUDED.der WHERE c.number < EXCLUDED.number"};
const pg::Prepared kFindCrlIfChanged{"sg_find_crl_if_changed",
                                     "SELECT number, this_update,"
                                     " CASE WHEN number = $2 THEN ''::bytea ELSE der END"
                                     " FROM crls WHERE issuer_id = $1"};

}  // namespace

namespace pg {

Status InsertClaimRow(Connection& c, const TransactionClaim& claim) {
  SG_ASSIGN_OR_RETURN(QueryResult done,
                      Run(c, kClaim,
                          {claim.transaction_id, claim.renews, claim.public_key_sha256,
                           claim.request_id, claim.serial, claim.created_at}));
  if (done.AffectedRows() != 1)
    return Fail(Error::Conflict("the transaction is claimed by another request"));
  return {};
}

Status FillClaimRow(Connection& c, int64_t request_id, std::string_view serial) {
  SG_TRY_STATUS(Run(c, kFillClaim, {request_id, serial}));
  return {};
}

}  // namespace pg

Result<std::optional<TransactionClaim>> PostgresStore::FindTransaction(
    std::string_view transaction_id, std::string_view renews) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<TransactionClaim>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFindClaim, {transaction_id, renews}));
    return pg::ReadFirst(rows, [&](pg::RowReader& in) {
      TransactionClaim claim;
      claim.transaction_id = std::string(transaction_id);
      claim.renews = std::string(renews);
      claim.public_key_sha256 = in.Text();
      claim.request_id = in.Int();
      claim.serial = in.Text();
      claim.created_at = in.Int();
      return claim;
    });
  });
}

Result<bool> PostgresStore::StoreCrl(const CrlRecord& crl) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<bool> {
    SG_ASSIGN_OR_RETURN(
        pg::QueryResult done,
        pg::Run(c, kStoreCrl, {crl.issuer_id, crl.number, crl.this_update, crl.der}));
    return done.AffectedRows() == 1;
  });
}

Result<std::optional<CrlRecord>> PostgresStore::FindCrl(std::string_view issuer_id) {
  return FindCrlIfChanged(issuer_id, -1);  // CRL numbers are never negative
}

Result<std::optional<CrlRecord>> PostgresStore::FindCrlIfChanged(std::string_view issuer_id,
                                                                 int64_t known_number) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<CrlRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows,
                        pg::Run(c, kFindCrlIfChanged, {issuer_id, known_number}));
    return pg::ReadFirst(rows, [&](pg::RowReader& in) {
      CrlRecord crl;
      crl.issuer_id = std::string(issuer_id);
      crl.number = in.Int();
      crl.this_update = in.Int();
      crl.der = in.Bytea();
      return crl;
    });
  });
}

}  // namespace scepgate::store

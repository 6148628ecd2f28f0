// PostgresStore's registry of issuing CAs.
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"

namespace scepgate::store {
namespace {

const pg::Prepared kRegister{"sg_register_issuer",
                             "INSERT INTO issuers (id, cert_der, name, active, created_at,"
                             " crl_wanted, crl_published) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                             " ON CONFLICT (id) DO NOTHING"};
const pg::Prepared kList{"sg_list_issuers",
                         "SELECT id, cert_der, name, active, created_at, crl_wanted, crl_published,"
                         " revoked_at, revocation_reason FROM issuers ORDER BY created_at, seq"};
// Says whether it changed the row and whether the id is known.
const pg::Prepared kRevoke{
    "sg_revoke_issuer",
    "WITH changed AS (UPDATE issuers SET revoked_at = $2, revocation_reason = $3, active = false"
    " WHERE id = $1 AND revoked_at = 0 RETURNING 1)"
    " SELECT (SELECT count(*) FROM changed) > 0, EXISTS (SELECT 1 FROM issuers WHERE id = $1)"};
const pg::Prepared kSetActive{"sg_set_issuer_active",
                              "UPDATE issuers SET active = $2 WHERE id = $1"};
const pg::Prepared kWantCrl{"sg_want_crl",
                            "UPDATE issuers SET crl_wanted = crl_wanted + 1 WHERE id = $1"};
const pg::Prepared kCrlPublished{
    "sg_crl_published",
    "UPDATE issuers SET crl_published = greatest(crl_published, $2) WHERE id = $1"};

Error UnknownIssuer(std::string_view id) {
  return Error::NotFound("no issuing CA " + std::string(id));
}

// Runs an UPDATE of one issuer; kNotFound when no row has that id.
Status UpdateOne(pg::Pool& pool, const pg::Prepared& statement, std::string_view id,
                 std::vector<pg::Param> params) {
  return pg::Write(pool, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done, pg::Run(c, statement, params));
    if (done.AffectedRows() != 1) return Fail(UnknownIssuer(id));
    return {};
  });
}

}  // namespace

Status PostgresStore::RegisterIssuer(const IssuerRecord& issuer) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done,
                        pg::Run(c, kRegister,
                                {issuer.id, issuer.cert_der, issuer.name, issuer.active,
                                 issuer.created_at, issuer.crl_wanted, issuer.crl_published}));
    if (done.AffectedRows() != 1)
      return Fail(Error::AlreadyExists("issuing CA " + issuer.id + " is registered already"));
    return {};
  });
}

Result<std::vector<IssuerRecord>> PostgresStore::ListIssuers() {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<IssuerRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kList, {}));
    return pg::ReadRows(rows, [](pg::RowReader& in) {
      IssuerRecord r;
      r.id = in.Text();
      r.cert_der = in.Bytea();
      r.name = in.Text();
      r.active = in.Bool();
      r.created_at = in.Int();
      r.crl_wanted = in.Int();
      r.crl_published = in.Int();
      r.revoked_at = in.Int();
      r.revocation_reason = static_cast<int>(in.Int());
      return r;
    });
  });
}

Status PostgresStore::SetIssuerActive(std::string_view id, bool active) {
  return UpdateOne(*pool_, kSetActive, id, {id, active});
}

Status PostgresStore::WantCrl(std::string_view id) { return UpdateOne(*pool_, kWantCrl, id, {id}); }

Status PostgresStore::RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kRevoke, {id, revoked_at, reason}));
    SG_ASSIGN_OR_RETURN(bool changed, rows.Bool(0, 0));
    SG_ASSIGN_OR_RETURN(bool known, rows.Bool(0, 1));
    if (changed) return {};
    if (!known) return Fail(UnknownIssuer(id));
    return Fail(Error::AlreadyExists("issuing CA " + std::string(id) + " is revoked already"));
  });
}

Status PostgresStore::CrlPublished(std::string_view id, int64_t wanted) {
  return UpdateOne(*pool_, kCrlPublished, id, {id, wanted});
}

}  // namespace scepgate::store

// PostgresStore's REST API tokens and audit log. A token's id and hash are each unique by a
// constraint; a revocation happens once (update_once.h).
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/update_once.h"
#include "store/postgres/violations.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectTokens =
    "SELECT id, name, role, hash, created_at, revoked, revoked_at, expires_at FROM api_tokens";

const pg::Prepared kInsertToken{"sg_insert_token",
                                "INSERT INTO api_tokens (id, name, role, hash, created_at,"
                                " revoked, revoked_at, expires_at)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
const pg::Prepared kFindToken{"sg_find_token_by_hash",
                              std::string(kSelectTokens) + " WHERE hash = $1"};
const pg::Prepared kListTokens{"sg_list_tokens",
                               std::string(kSelectTokens) + " ORDER BY created_at, seq"};
const pg::Prepared kRevokeToken{
    "sg_revoke_token",
    "WITH changed AS (UPDATE api_tokens SET revoked = true, revoked_at = $2"
    " WHERE id = $1 AND NOT revoked RETURNING 1)"
    " SELECT (SELECT count(*) FROM changed) > 0, EXISTS (SELECT 1 FROM api_tokens WHERE id = $1)"};
const pg::Prepared kAppendAudit{"sg_append_audit",
                                "INSERT INTO audit_log (at, actor, action, target, args, outcome,"
                                " detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};

TokenRecord ReadToken(pg::RowReader& in) {
  TokenRecord t;
  t.id = in.Text();
  t.name = in.Text();
  t.role = in.Text();
  t.hash = in.Text();
  t.created_at = in.Int();
  t.revoked = in.Bool();
  t.revoked_at = in.Int();
  t.expires_at = in.Int();
  return t;
}

AuditRecord ReadAudit(pg::RowReader& in) {
  AuditRecord a;
  a.id = in.Int();
  a.at = in.Int();
  a.actor = in.Text();
  a.action = in.Text();
  a.target = in.Text();
  a.args = in.Text();
  a.outcome = in.Text();
  a.detail = in.Text();
  return a;
}

}  // namespace

Status PostgresStore::InsertToken(const TokenRecord& t) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted = pg::Run(
        c, kInsertToken,
        {t.id, t.name, t.role, t.hash, t.created_at, t.revoked, t.revoked_at, t.expires_at});
    if (!inserted) {
      Error taken = Error::AlreadyExists("token " + t.id + " already exists");
      return Fail(
          pg::Explain(inserted.error(), {{pg::kUniqueViolation, "api_tokens_pkey", taken},
                                         {pg::kUniqueViolation, "api_tokens_hash_key", taken}}));
    }
    return {};
  });
}

Result<std::optional<TokenRecord>> PostgresStore::FindTokenByHash(std::string_view hash) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<TokenRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFindToken, {hash}));
    return pg::ReadFirst(rows, ReadToken);
  });
}

Result<std::vector<TokenRecord>> PostgresStore::ListTokens() {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<TokenRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kListTokens, {}));
    return pg::ReadRows(rows, ReadToken);
  });
}

Status PostgresStore::RevokeToken(std::string_view id, int64_t revoked_at) {
  return pg::Write(*pool_, [&](pg::Connection& c) {
    return pg::UpdateOnce(c, kRevokeToken, id, revoked_at, "token " + std::string(id), "revoked");
  });
}

Result<int64_t> PostgresStore::AppendAudit(const AuditRecord& a) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<int64_t> {
    SG_ASSIGN_OR_RETURN(
        pg::QueryResult rows,
        pg::Run(c, kAppendAudit, {a.at, a.actor, a.action, a.target, a.args, a.outcome, a.detail}));
    return rows.Int64(0, 0);
  });
}

Result<std::vector<AuditRecord>> PostgresStore::ListAudit(const AuditFilter& filter) {
  // Only fixed fragments go into the SQL; every value is a parameter.
  pg::ParamList params;
  std::string sql =
      "SELECT id, at, actor, action, target, args, outcome, detail FROM audit_log WHERE true";
  if (!filter.action_prefix.empty())
    sql += " AND starts_with(action, " + params.Add(filter.action_prefix) + ")";
  if (!filter.actor.empty()) sql += " AND actor = " + params.Add(filter.actor);
  if (filter.at_from != 0) sql += " AND at >= " + params.Add(filter.at_from);
  if (filter.at_until != 0) sql += " AND at < " + params.Add(filter.at_until);
  if (filter.before_id != 0) sql += " AND id < " + params.Add(filter.before_id);
  sql += " ORDER BY id DESC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<AuditRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, ReadAudit);
  });
}

}  // namespace scepgate::store

// SqliteStore's REST API tokens and audit log (schema version 7; tokens' expiry since 9).
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectTokensSql =
    "SELECT id, name, role, hash, created_at, revoked, revoked_at, expires_at FROM api_tokens";

TokenRecord ReadToken(const Query& q) {
  TokenRecord t;
  t.id = q.Text(0);
  t.name = q.Text(1);
  t.role = q.Text(2);
  t.hash = q.Text(3);
  t.created_at = q.Int(4);
  t.revoked = q.Int(5) != 0;
  t.revoked_at = q.Int(6);
  t.expires_at = q.Int(7);
  return t;
}

AuditRecord ReadAudit(const Query& q) {
  AuditRecord a;
  a.id = q.Int(0);
  a.at = q.Int(1);
  a.actor = q.Text(2);
  a.action = q.Text(3);
  a.target = q.Text(4);
  a.args = q.Text(5);
  a.outcome = q.Text(6);
  a.detail = q.Text(7);
  return a;
}

}  // namespace

Status SqliteStore::InsertToken(const TokenRecord& t) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO api_tokens (id, name, role, hash, created_at,"
                                      " revoked, revoked_at, expires_at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  Query q(*stmt, "insert token " + t.id);
  q.BindText(1, t.id).BindText(2, t.name).BindText(3, t.role).BindText(4, t.hash);
  q.BindInt(5, t.created_at).BindInt(6, t.revoked ? 1 : 0).BindInt(7, t.revoked_at);
  q.BindInt(8, t.expires_at);
  auto ran = q.Run();
  if (!ran && ran.error().code == ErrorCode::kAlreadyExists)
    return Fail(Error::AlreadyExists("token " + t.id + " already exists"));
  return ran;
}

Result<std::optional<TokenRecord>> SqliteStore::FindTokenByHash(std::string_view hash) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked(std::string(kSelectTokensSql) + " WHERE hash = ?1"));
  Query q(*stmt, "find token");
  q.BindText(1, hash);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::nullopt;
  return ReadToken(q);
}

Result<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(std::string(kSelectTokensSql) +
                                                           " ORDER BY created_at, rowid"));
  Query q(*stmt, "list tokens");
  std::vector<TokenRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadToken(q));
  }
}

Status SqliteStore::RevokeToken(std::string_view id, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  return UpdateOnceLocked(
      "UPDATE api_tokens SET revoked = 1, revoked_at = ?2 WHERE id = ?1 AND revoked = 0",
      "SELECT 1 FROM api_tokens WHERE id = ?1", id, revoked_at, "token " + std::string(id),
      "revoked");
}

Result<int64_t> SqliteStore::AppendAudit(const AuditRecord& a) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO audit_log (at, actor, action, target, args,"
                                      " outcome, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  Query q(*stmt, "append audit entry");
  q.BindInt(1, a.at).BindText(2, a.actor).BindText(3, a.action).BindText(4, a.target);
  q.BindText(5, a.args).BindText(6, a.outcome).BindText(7, a.detail);
  SG_TRY_STATUS(q.Run());
  return sqlite3_last_insert_rowid(db_.get());
}

Result<std::vector<AuditRecord>> SqliteStore::ListAudit(const AuditFilter& filter) {
  std::lock_guard lock(mu_);
  std::string sql =
      "SELECT id, at, actor, action, target, args, outcome, detail FROM audit_log"
      " WHERE 1";
  // A prefix as a comparison of the first characters, exact case (actions are lower case).
  if (!filter.action_prefix.empty()) sql += " AND substr(action, 1, length(?2)) = ?2";
  if (!filter.actor.empty()) sql += " AND actor = ?3";
  if (filter.at_from != 0) sql += " AND at >= ?4";
  if (filter.at_until != 0) sql += " AND at < ?5";
  if (filter.before_id != 0) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?1";
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "list audit entries");
  q.BindInt(1, SqlLimit(filter.limit));
  if (!filter.action_prefix.empty()) q.BindText(2, filter.action_prefix);
  if (!filter.actor.empty()) q.BindText(3, filter.actor);
  if (filter.at_from != 0) q.BindInt(4, filter.at_from);
  if (filter.at_until != 0) q.BindInt(5, filter.at_until);
  if (filter.before_id != 0) q.BindInt(6, filter.before_id);
  std::vector<AuditRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadAudit(q));
  }
}

}  // namespace scepgate::store

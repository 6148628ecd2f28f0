#include "mgmt/audit.h"

namespace scepgate::mgmt {

std::string TokenActor(const store::TokenRecord& token) {
  std::string actor = "token:" + token.id;
  if (!token.name.empty()) actor += " (" + token.name + ")";
  return actor;
}

Status AuditLog::Record(const AuditEntry& entry, const Error* error) {
  store::AuditRecord r;
  r.at = clock_.Now();
  r.actor = entry.actor;
  r.action = entry.action;
  r.target = entry.target;
  r.args = entry.args.empty() ? "{}" : entry.args;
  r.outcome = error == nullptr ? "ok" : std::string(ErrorCodeName(error->code));
  r.detail = error == nullptr ? "" : error->message;
  SG_TRY_STATUS(store_.AppendAudit(r));
  return {};
}

Result<Page<store::AuditRecord>> AuditLog::List(const AuditQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::AuditFilter f;
  f.limit = q.limit;
  f.action_prefix = q.action;
  f.actor = q.actor;
  SG_ASSIGN_OR_RETURN(f.at_from, PageTimeBound(q.after, "after"));
  SG_ASSIGN_OR_RETURN(f.at_until, PageTimeBound(q.before, "before"));
  SG_ASSIGN_OR_RETURN(auto before, PageCursor(q.cursor, store::ParseIdCursor));
  f.before_id = before.value_or(0);
  SG_ASSIGN_OR_RETURN(auto items, store_.ListAudit(f));
  return MakePage(std::move(items), q.limit,
                  [](const store::AuditRecord& e) { return std::to_string(e.id); });
}

}  // namespace scepgate::mgmt

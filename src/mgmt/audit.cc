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

Result<std::vector<store::AuditRecord>> AuditLog::List(int limit) {
  if (limit < 0) return Fail(Error::InvalidArgument("limit must not be negative"));
  store::AuditFilter filter;
  filter.limit = limit;
  return store_.ListAudit(filter);
}

}  // namespace scepgate::mgmt

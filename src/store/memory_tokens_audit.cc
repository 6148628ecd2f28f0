// MemoryStore's REST API tokens and audit log.
#include <algorithm>
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

Status MemoryStore::InsertToken(const TokenRecord& token) {
  std::lock_guard lock(mu_);
  bool taken = std::ranges::any_of(
      tokens_, [&](const TokenRecord& t) { return t.id == token.id || t.hash == token.hash; });
  if (taken) return Fail(Error::AlreadyExists("token " + token.id + " already exists"));
  tokens_.push_back(token);
  return {};
}

Result<std::optional<TokenRecord>> MemoryStore::FindTokenByHash(std::string_view hash) {
  std::lock_guard lock(mu_);
  for (const TokenRecord& t : tokens_)
    if (t.hash == hash) return t;
  return std::nullopt;
}

Result<std::vector<TokenRecord>> MemoryStore::ListTokens() {
  std::lock_guard lock(mu_);
  std::vector<TokenRecord> out = tokens_;
  std::ranges::stable_sort(out, {}, &TokenRecord::created_at);
  return out;
}

Status MemoryStore::RevokeToken(std::string_view id, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  auto it = std::ranges::find(tokens_, id, &TokenRecord::id);
  std::string what = "token " + std::string(id);
  if (it == tokens_.end()) return Fail(Error::NotFound(what + " not found"));
  if (it->revoked) return Fail(Error::AlreadyExists(what + " is already revoked"));
  it->revoked = true;
  it->revoked_at = revoked_at;
  return {};
}

Result<int64_t> MemoryStore::AppendAudit(const AuditRecord& entry) {
  std::lock_guard lock(mu_);
  AuditRecord e = entry;
  e.id = static_cast<int64_t>(audit_.size()) + 1;
  audit_.push_back(std::move(e));
  return audit_.back().id;
}

Result<std::vector<AuditRecord>> MemoryStore::ListAudit(const AuditFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<AuditRecord> out;
  for (auto it = audit_.rbegin(); it != audit_.rend(); ++it) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    if (filter.before_id != 0 && it->id >= filter.before_id) continue;
    if (!it->action.starts_with(filter.action_prefix)) continue;
    if (!filter.actor.empty() && it->actor != filter.actor) continue;
    if (filter.at_from != 0 && it->at < filter.at_from) continue;
    if (filter.at_until != 0 && it->at >= filter.at_until) continue;
    out.push_back(*it);
  }
  return out;
}

}  // namespace scepgate::store

// MemoryStore's registry of issuing CAs.
#include <algorithm>

#include "store/memory_store.h"

namespace scepgate::store {
namespace {

template <class V>
auto FindIssuer(V& issuers, std::string_view id) {
  return std::ranges::find(issuers, id, &IssuerRecord::id);
}

Error UnknownIssuer(std::string_view id) {
  return Error::NotFound("no issuing CA " + std::string(id));
}

}  // namespace

Status MemoryStore::RegisterIssuer(const IssuerRecord& issuer) {
  std::lock_guard lock(mu_);
  if (FindIssuer(issuers_, issuer.id) != issuers_.end())
    return Fail(Error::AlreadyExists("issuing CA " + issuer.id + " is registered already"));
  issuers_.push_back(issuer);
  return {};
}

Result<std::vector<IssuerRecord>> MemoryStore::ListIssuers() {
  std::lock_guard lock(mu_);
  std::vector<IssuerRecord> out = issuers_;  // registration order breaks ties, as the others
  std::ranges::stable_sort(out, {}, &IssuerRecord::created_at);
  return out;
}

Status MemoryStore::SetIssuerActive(std::string_view id, bool active) {
  std::lock_guard lock(mu_);
  auto it = FindIssuer(issuers_, id);
  if (it == issuers_.end()) return Fail(UnknownIssuer(id));
  it->active = active;
  return {};
}

Status MemoryStore::WantCrl(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = FindIssuer(issuers_, id);
  if (it == issuers_.end()) return Fail(UnknownIssuer(id));
  ++it->crl_wanted;
  return {};
}

Status MemoryStore::RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  auto it = FindIssuer(issuers_, id);
  if (it == issuers_.end()) return Fail(UnknownIssuer(id));
  if (it->revoked_at != 0)
    return Fail(Error::AlreadyExists("issuing CA " + std::string(id) + " is revoked already"));
  it->revoked_at = revoked_at;
  it->revocation_reason = reason;
  it->active = false;
  return {};
}

Status MemoryStore::CrlPublished(std::string_view id, int64_t wanted) {
  std::lock_guard lock(mu_);
  auto it = FindIssuer(issuers_, id);
  if (it == issuers_.end()) return Fail(UnknownIssuer(id));
  it->crl_published = std::max(it->crl_published, wanted);
  return {};
}

}  // namespace scepgate::store

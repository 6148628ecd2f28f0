#include "store/memory_store.h"

#include <algorithm>
#include <ranges>
#include <utility>

#include "common/text.h"

namespace scepgate::store {
namespace {

// Keeps the first `limit` elements (all of them when limit <= 0).
template <class T>
void ApplyLimit(std::vector<T>& items, int limit) {
  if (limit > 0 && items.size() > static_cast<size_t>(limit)) items.resize(limit);
}

}  // namespace

Status MemoryStore::CheckSerialFreeLocked(const std::string& serial) const {
  if (cert_index_.contains(serial)) {
    return Fail(Error::AlreadyExists("certificate serial " + serial + " already exists"));
  }
  return {};
}

int64_t MemoryStore::AppendRequestLocked(RequestRecord request) {
  request.id = static_cast<int64_t>(requests_.size()) + 1;
  requests_.push_back(std::move(request));
  return requests_.back().id;
}

template <class Pred>
std::vector<CertificateRecord> MemoryStore::NewestFirstLocked(Pred keep) const {
  std::vector<CertificateRecord> out;
  for (const CertificateRecord& cert : certs_ | std::views::reverse) {
    if (keep(cert)) out.push_back(cert);
  }
  std::ranges::stable_sort(out, std::ranges::greater{}, &CertificateRecord::created_at);
  return out;
}

Status MemoryStore::InsertCertificate(const CertificateRecord& cert) {
  std::lock_guard lock(mu_);
  SG_TRY_STATUS(CheckSerialFreeLocked(cert.serial));
  cert_index_.emplace(cert.serial, certs_.size());
  certs_.push_back(cert);
  return {};
}

Result<int64_t> MemoryStore::RecordIssuance(const Issuance& issuance) {
  std::lock_guard lock(mu_);
  if (issuance.claim &&
      claims_.contains(std::make_pair(issuance.claim->transaction_id, issuance.claim->renews)))
    return Fail(Error::Conflict("the transaction is claimed by another request"));
  const std::optional<ChallengeUse>& use = issuance.challenge_use;
  if (use && challenge_uses_.contains(use->challenge_id))
    return Fail(Error::FailedPrecondition("the challenge has already been used"));
  SG_TRY_STATUS(CheckSerialFreeLocked(issuance.cert.serial));
  if (issuance.completes_pending != 0)
    SG_TRY_STATUS(CompletePendingLocked(issuance.completes_pending, issuance.cert.serial));
  RequestRecord request = issuance.request;
  request.cert_serial = issuance.cert.serial;
  int64_t id = AppendRequestLocked(std::move(request));
  if (issuance.claim) {
    TransactionClaim claim = *issuance.claim;
    claim.request_id = id;
    claim.serial = issuance.cert.serial;
    claims_.emplace(std::make_pair(claim.transaction_id, claim.renews), std::move(claim));
  }
  cert_index_.emplace(issuance.cert.serial, certs_.size());
  certs_.push_back(issuance.cert);
  certs_.back().request_id = issuance.completes_pending != 0 ? issuance.completes_pending : id;
  if (use) {
    ChallengeUse stored = *use;
    stored.cert_serial = issuance.cert.serial;
    challenge_uses_.emplace(stored.challenge_id, std::move(stored));
  }
  if (issuance.supersedes)
    RevokeLocked(*issuance.supersedes, issuance.supersede_reason, issuance.cert.created_at);
  for (const OutboxEvent& event : issuance.events) EnqueueLocked(event, id);
  return id;
}

Result<std::optional<TransactionClaim>> MemoryStore::FindTransaction(
    std::string_view transaction_id, std::string_view renews) {
  std::lock_guard lock(mu_);
  auto it = claims_.find(std::make_pair(std::string(transaction_id), std::string(renews)));
  if (it == claims_.end()) return std::nullopt;
  return it->second;
}

Result<bool> MemoryStore::StoreCrl(const CrlRecord& crl) {
  std::lock_guard lock(mu_);
  auto it = crls_.find(crl.issuer_id);
  if (it != crls_.end() && it->second.number >= crl.number) return false;
  crls_[crl.issuer_id] = crl;
  return true;
}

Result<std::optional<CrlRecord>> MemoryStore::FindCrl(std::string_view issuer_id) {
  std::lock_guard lock(mu_);
  auto it = crls_.find(issuer_id);
  if (it == crls_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<CrlRecord>> MemoryStore::FindCrlIfChanged(std::string_view issuer_id,
                                                               int64_t known_number) {
  std::lock_guard lock(mu_);
  auto it = crls_.find(issuer_id);
  if (it == crls_.end()) return std::nullopt;
  if (it->second.number != known_number) return it->second;
  CrlRecord head = it->second;
  head.der.clear();
  return head;
}

Result<std::optional<CertificateRecord>> MemoryStore::FindCertificate(std::string_view serial) {
  std::lock_guard lock(mu_);
  auto it = cert_index_.find(serial);
  if (it == cert_index_.end()) return std::nullopt;
  return certs_[it->second];
}

Result<std::vector<CertificateRecord>> MemoryStore::FindByTransaction(
    std::string_view transaction_id) {
  std::lock_guard lock(mu_);
  std::vector<CertificateRecord> out;
  for (const CertificateRecord& cert : certs_) {
    if (cert.transaction_id == transaction_id) out.push_back(cert);
  }
  std::ranges::stable_sort(out, std::ranges::less{}, &CertificateRecord::created_at);
  return out;
}

Result<std::optional<CertificateRecord>> MemoryStore::FindLatestBySubject(
    std::string_view issuer_id, std::string_view subject) {
  std::lock_guard lock(mu_);
  auto matches = NewestFirstLocked(
      [&](const CertificateRecord& c) { return c.issuer_id == issuer_id && c.subject == subject; });
  if (matches.empty()) return std::nullopt;
  return std::move(matches.front());
}

Result<std::vector<CertificateRecord>> MemoryStore::ListCertificates(const CertFilter& filter) {
  std::lock_guard lock(mu_);
  auto seq_of = [&](const CertificateRecord& c) {
    return static_cast<int64_t>(cert_index_.find(c.serial)->second) + 1;
  };
  auto out = NewestFirstLocked([&](const CertificateRecord& c) {
    return (!filter.status || c.status == *filter.status) &&
           (!filter.issuer_id || c.issuer_id == *filter.issuer_id) &&
           c.subject.starts_with(filter.subject_prefix) &&
           c.serial.starts_with(filter.serial_prefix) &&
           (filter.device_id.empty() || c.device_id == filter.device_id) &&
           (filter.profile.empty() || c.profile == filter.profile) &&
           (filter.issued_from == 0 || c.created_at >= filter.issued_from) &&
           (filter.issued_until == 0 || c.created_at < filter.issued_until) &&
           (!filter.after || std::pair(c.created_at, seq_of(c)) <
                                 std::pair(filter.after->created_at, filter.after->seq));
  });
  ApplyLimit(out, filter.limit);
  for (CertificateRecord& c : out) c.seq = seq_of(c);
  return out;
}

Result<std::vector<CertificateRecord>> MemoryStore::CertificatesOfDevice(
    std::string_view device_id) {
  std::lock_guard lock(mu_);
  return NewestFirstLocked([&](const CertificateRecord& c) { return c.device_id == device_id; });
}

bool MemoryStore::RevokeLocked(std::string_view serial, int reason, int64_t revoked_at) {
  auto it = cert_index_.find(serial);
  if (it == cert_index_.end()) return false;
  CertificateRecord& cert = certs_[it->second];
  if (cert.status == CertStatus::kRevoked) return false;
  cert.status = CertStatus::kRevoked;
  cert.revoked_at = revoked_at;
  cert.revocation_reason = reason;
  return true;
}

Status MemoryStore::Revoke(std::string_view serial, int reason, int64_t revoked_at) {
  std::lock_guard lock(mu_);
  return RevokeOrExplainLocked(serial, reason, revoked_at);
}

Status MemoryStore::RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                                    const OutboxEvent& event) {
  std::lock_guard lock(mu_);
  SG_TRY_STATUS(RevokeOrExplainLocked(serial, reason, revoked_at));
  EnqueueLocked(event, event.request_id);
  return {};
}

Result<std::vector<Revocation>> MemoryStore::RevokeMany(std::span<const std::string> serials,
                                                        int reason, int64_t revoked_at,
                                                        const RevokedEventFn& event_of) {
  std::lock_guard lock(mu_);
  std::vector<Revocation> out;
  out.reserve(serials.size());
  for (const std::string& serial : serials) {
    Revocation r{serial, RevokeOutcome::kNotFound, ""};
    auto it = cert_index_.find(serial);
    if (it != cert_index_.end()) {
      const CertificateRecord before = certs_[it->second];
      r.issuer_id = before.issuer_id;
      if (RevokeLocked(serial, reason, revoked_at)) {
        r.outcome = RevokeOutcome::kRevoked;
        OutboxEvent event = event_of(before);
        EnqueueLocked(event, event.request_id);
      } else {
        r.outcome = RevokeOutcome::kAlreadyRevoked;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<RevokedSerial>> MemoryStore::ListRevoked(std::string_view issuer_id) {
  std::lock_guard lock(mu_);
  std::vector<RevokedSerial> out;
  for (const CertificateRecord& c : certs_)
    if (c.status == CertStatus::kRevoked && c.issuer_id == issuer_id)
      out.push_back({c.serial, c.revoked_at, c.revocation_reason});
  return out;
}

Status MemoryStore::RevokeOrExplainLocked(std::string_view serial, int reason, int64_t revoked_at) {
  if (RevokeLocked(serial, reason, revoked_at)) return {};
  std::string what = "certificate " + std::string(serial);
  if (!cert_index_.contains(serial)) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already revoked"));
}

Result<int64_t> MemoryStore::InsertRequest(const RequestRecord& request) {
  std::lock_guard lock(mu_);
  return AppendRequestLocked(request);
}

Result<int64_t> MemoryStore::RecordRequest(const RequestRecord& request,
                                           const std::vector<OutboxEvent>& events) {
  std::lock_guard lock(mu_);
  int64_t id = AppendRequestLocked(request);
  for (const OutboxEvent& event : events) EnqueueLocked(event, id);
  return id;
}

Result<std::vector<RequestRecord>> MemoryStore::ListRequests(const RequestFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<RequestRecord> out;
  for (const RequestRecord& r : requests_ | std::views::reverse) {
    if (filter.state && r.state != *filter.state) continue;
    if (filter.transaction_id && r.transaction_id != *filter.transaction_id) continue;
    if (filter.device_id && r.device_id != *filter.device_id) continue;
    if (!filter.profile.empty() && AsciiLower(r.profile) != AsciiLower(filter.profile)) continue;
    if (filter.created_from != 0 && r.created_at < filter.created_from) continue;
    if (filter.created_until != 0 && r.created_at >= filter.created_until) continue;
    if (filter.after &&
        std::pair(r.created_at, r.id) >= std::pair(filter.after->created_at, filter.after->seq)) {
      continue;
    }
    out.push_back(r);
  }
  std::ranges::stable_sort(out, std::ranges::greater{}, &RequestRecord::created_at);
  ApplyLimit(out, filter.limit);
  return out;
}

Result<int64_t> MemoryStore::NextCounter(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = counters_.find(name);
  if (it == counters_.end()) it = counters_.emplace(std::string(name), 0).first;
  return ++it->second;
}

Result<std::optional<std::string>> MemoryStore::GetSetting(std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = settings_.find(key);
  if (it == settings_.end()) return std::nullopt;
  return it->second;
}

Status MemoryStore::SetSetting(std::string_view key, std::string_view value) {
  std::lock_guard lock(mu_);
  settings_.insert_or_assign(std::string(key), std::string(value));
  return {};
}

Result<bool> MemoryStore::TakeLease(std::string_view name, std::string_view owner, int64_t now,
                                    int64_t until) {
  std::lock_guard lock(mu_);
  auto it = named_leases_.find(name);
  if (it == named_leases_.end()) it = named_leases_.emplace(std::string(name), NamedLease{}).first;
  NamedLease& lease = it->second;
  if (lease.until > now && lease.owner != owner) return false;
  lease = NamedLease{std::string(owner), until};
  return true;
}

}  // namespace scepgate::store

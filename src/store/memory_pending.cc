// MemoryStore's requests held for approval.
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

Result<int64_t> MemoryStore::RecordPending(const RequestRecord& request,
                                           const PendingRecord& pending,
                                           const std::optional<ChallengeUse>& use,
                                           const TransactionClaim& claim) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(claim.transaction_id, claim.renews);
  if (claims_.contains(key))
    return Fail(Error::Conflict("the transaction is claimed by another request"));
  if (use && challenge_uses_.contains(use->challenge_id))
    return Fail(Error::FailedPrecondition("the challenge has already been used"));
  RequestRecord r = request;
  r.state = "pending";
  int64_t id = AppendRequestLocked(std::move(r));
  TransactionClaim held = claim;
  held.request_id = id;
  held.serial.clear();
  claims_.emplace(std::move(key), std::move(held));
  PendingRecord p = pending;
  p.request_id = id;
  p.decision = "pending";
  pending_.emplace(id, std::move(p));
  if (use) challenge_uses_.emplace(use->challenge_id, *use);
  return id;
}

Result<std::optional<PendingRecord>> MemoryStore::FindPendingByTransaction(
    std::string_view transaction_id) {
  std::lock_guard lock(mu_);
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
    if (it->second.transaction_id == transaction_id) return it->second;
  return std::nullopt;
}

Result<std::optional<PendingRecord>> MemoryStore::FindPending(int64_t request_id) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return std::nullopt;
  return it->second;
}

Status MemoryStore::DecidePending(int64_t request_id, const Decision& d) {
  std::lock_guard lock(mu_);
  std::string what = "request " + std::to_string(request_id);
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return Fail(Error::NotFound(what + " is not awaiting approval"));
  if (it->second.decision != "pending")
    return Fail(Error::FailedPrecondition(what + " was already " + it->second.decision));
  it->second.decision = d.decision;
  it->second.reason = d.reason;
  it->second.decided_at = d.at;
  RequestRecord& r = requests_[static_cast<size_t>(request_id - 1)];
  r.state = d.request_state;
  r.reason = d.request_reason;
  r.stage = d.request_stage;
  r.fail_info = d.request_fail_info;
  if (d.event) EnqueueLocked(*d.event, request_id);
  return {};
}

Status MemoryStore::CompletePendingLocked(int64_t request_id, const std::string& serial) {
  auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.decision != "approved")
    return Fail(Error::FailedPrecondition("request " + std::to_string(request_id) +
                                          " is not approved (or was issued already)"));
  it->second.decision = "issued";
  for (auto& [key, claim] : claims_)
    if (claim.request_id == request_id && claim.serial.empty()) claim.serial = serial;
  RequestRecord& r = requests_[static_cast<size_t>(request_id - 1)];
  r.state = "issued";
  r.cert_serial = serial;
  return {};
}

}  // namespace scepgate::store

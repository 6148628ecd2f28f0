// MemoryStore's requests held for approval.
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

Result<int64_t> MemoryStore::RecordPending(const RequestRecord& request,
                                           const PendingRecord& pending,
                                           const std::optional<ChallengeUse>& use) {
  std::lock_guard lock(mu_);
  if (use && challenge_uses_.contains(use->challenge_id))
    return Fail(Error::FailedPrecondition("the challenge has already been used"));
  RequestRecord r = request;
  r.state = "pending";
  int64_t id = AppendRequestLocked(std::move(r));
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

Status MemoryStore::DecidePending(int64_t request_id, std::string_view decision,
                                  std::string_view reason, int64_t at,
                                  const std::optional<OutboxEvent>& event) {
  std::lock_guard lock(mu_);
  std::string what = "request " + std::to_string(request_id);
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return Fail(Error::NotFound(what + " is not awaiting approval"));
  if (it->second.decision != "pending")
    return Fail(Error::FailedPrecondition(what + " was already " + it->second.decision));
  it->second.decision = std::string(decision);
  it->second.reason = std::string(reason);
  it->second.decided_at = at;
  RequestRecord& r = requests_[static_cast<size_t>(request_id - 1)];
  bool rejected = decision == "rejected";
  r.state = rejected ? "failed" : "verified";
  r.reason = rejected ? std::string(reason) : "approved";
  r.stage = rejected ? "approval" : "";
  r.fail_info = rejected ? "badRequest" : "";
  if (event) EnqueueLocked(*event, request_id);
  return {};
}

Status MemoryStore::CompletePendingLocked(int64_t request_id, const std::string& serial) {
  auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.decision != "approved")
    return Fail(Error::FailedPrecondition("request " + std::to_string(request_id) +
                                          " is not approved (or was issued already)"));
  it->second.decision = "issued";
  RequestRecord& r = requests_[static_cast<size_t>(request_id - 1)];
  r.state = "issued";
  r.cert_serial = serial;
  return {};
}

}  // namespace scepgate::store

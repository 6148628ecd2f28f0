// MemoryStore's one-time challenges and their single use.
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

Status MemoryStore::InsertChallenge(const ChallengeRecord& challenge) {
  std::lock_guard lock(mu_);
  if (DeviceLocked(challenge.device_id) == nullptr)
    return Fail(Error::NotFound("device " + challenge.device_id + " not found"));
  if (challenges_.contains(challenge.id))
    return Fail(Error::AlreadyExists("challenge " + challenge.id + " already exists"));
  challenges_.emplace(challenge.id, challenge);
  return {};
}

Result<std::optional<ChallengeRecord>> MemoryStore::FindChallenge(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = challenges_.find(id);
  if (it == challenges_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<ChallengeUse>> MemoryStore::FindChallengeUse(std::string_view challenge_id) {
  std::lock_guard lock(mu_);
  auto it = challenge_uses_.find(challenge_id);
  if (it == challenge_uses_.end()) return std::nullopt;
  return it->second;
}

Result<ChallengeCounts> MemoryStore::CountChallenges(int64_t now) {
  std::lock_guard lock(mu_);
  ChallengeCounts n;
  for (const auto& [id, c] : challenges_) {
    if (challenge_uses_.contains(id))
      ++n.used;
    else if (c.expires_at > now)
      ++n.unused;
    else
      ++n.expired;
  }
  return n;
}

}  // namespace scepgate::store

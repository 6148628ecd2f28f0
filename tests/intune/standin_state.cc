#include "intune/standin_state.h"

#include <chrono>
#include <utility>

#include "common/ossl.h"

namespace scepgate::testing {

Result<std::string> StandInState::IssueToken(Audience audience, int64_t now) {
  SG_ASSIGN_OR_RETURN(Bytes raw, random_.Generate(32));
  std::string token = Base64UrlEncode(raw);
  std::lock_guard lock(mu_);
  tokens_[token] = Token{audience, now + token_lifetime_};
  return token;
}

bool StandInState::TokenValid(std::string_view token, Audience audience, int64_t now) const {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  return it != tokens_.end() && it->second.audience == audience && now < it->second.expires_at;
}

void StandInState::RevokeToken(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(token);
  if (it != tokens_.end()) it->second.expires_at = 0;
}

void StandInState::ExpireTokens() {
  std::lock_guard lock(mu_);
  for (auto& [_, token] : tokens_) token.expires_at = 0;
}

Result<std::string> StandInState::MintChallenge(const ChallengeSpec& spec, int64_t now) {
  SG_ASSIGN_OR_RETURN(Bytes raw, random_.Generate(48));
  std::string challenge = std::string(kChallengePrefix) + Base64UrlEncode(raw);
  std::lock_guard lock(mu_);
  challenges_[challenge] = MintedChallenge{spec, now + spec.ttl_seconds};
  return challenge;
}

std::optional<MintedChallenge> StandInState::FindChallenge(std::string_view challenge) const {
  std::lock_guard lock(mu_);
  auto it = challenges_.find(challenge);
  if (it == challenges_.end()) return std::nullopt;
  return it->second;
}

void StandInState::InjectFault(Endpoint endpoint, Fault fault) {
  std::lock_guard lock(mu_);
  if (fault.count > 0) faults_[endpoint].push_back(fault);
}

std::optional<Fault> StandInState::TakeFault(Endpoint endpoint) {
  std::lock_guard lock(mu_);
  auto& queue = faults_[endpoint];
  if (queue.empty()) return std::nullopt;
  Fault fault = queue.front();
  if (--queue.front().count <= 0) queue.pop_front();
  return fault;
}

void StandInState::ForceCode(Endpoint endpoint, std::string code, int count) {
  std::lock_guard lock(mu_);
  if (count > 0) forced_[endpoint].push_back(ForcedCode{std::move(code), count});
}

std::optional<std::string> StandInState::TakeForcedCode(Endpoint endpoint) {
  std::lock_guard lock(mu_);
  auto& queue = forced_[endpoint];
  if (queue.empty()) return std::nullopt;
  std::string code = queue.front().code;
  if (--queue.front().count <= 0) queue.pop_front();
  return code;
}

void StandInState::Record(RecordedCall call) {
  std::lock_guard lock(mu_);
  calls_.push_back(std::move(call));
}

std::vector<RecordedCall> StandInState::Calls(std::optional<Endpoint> endpoint) const {
  std::lock_guard lock(mu_);
  std::vector<RecordedCall> out;
  for (const auto& call : calls_)
    if (!endpoint || call.endpoint == *endpoint) out.push_back(call);
  return out;
}

void StandInState::AddNotification(Endpoint endpoint, nlohmann::json notification) {
  std::lock_guard lock(mu_);
  notifications_[endpoint].push_back(std::move(notification));
}

std::vector<nlohmann::json> StandInState::Notifications(Endpoint endpoint) const {
  std::lock_guard lock(mu_);
  auto it = notifications_.find(endpoint);
  return it == notifications_.end() ? std::vector<nlohmann::json>{} : it->second;
}

void StandInState::QueueRevocation(RevocationRequest request) {
  std::lock_guard lock(mu_);
  revocations_.push_back(RevocationRecord{std::move(request), 0, false, nullptr});
}

std::vector<RevocationRequest> StandInState::HandOut(size_t max,
                                                     const std::optional<std::string>& issuer) {
  std::lock_guard lock(mu_);
  std::vector<RevocationRequest> out;
  for (auto& record : revocations_) {
    if (out.size() >= max) break;
    if (record.answered || (issuer && record.request.issuer_name != *issuer)) continue;
    ++record.handed_out;
    out.push_back(record.request);
  }
  return out;
}

bool StandInState::AddResult(const nlohmann::json& result) {
  std::lock_guard lock(mu_);
  results_.push_back(result);
  const std::string context = result.value("requestContext", "");
  for (auto& record : revocations_) {
    if (record.request.request_context != context || record.handed_out == 0) continue;
    record.answered = true;
    record.result = result;
    return true;
  }
  return false;
}

std::vector<RevocationRecord> StandInState::Revocations() const {
  std::lock_guard lock(mu_);
  return revocations_;
}

std::vector<nlohmann::json> StandInState::Results() const {
  std::lock_guard lock(mu_);
  return results_;
}

std::string StandInState::ServicePrefix() const {
  std::lock_guard lock(mu_);
  if (relocations_ == 0) return "/intune/";
  return "/intune/moved-" + std::to_string(relocations_) + "/";
}

void StandInState::Relocate() {
  std::lock_guard lock(mu_);
  ++relocations_;
}

void StandInState::SleepUnlessStopped(int ms) {
  std::unique_lock lock(mu_);
  stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void StandInState::StopSleeping() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

}  // namespace scepgate::testing

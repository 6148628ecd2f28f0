// The stand-in's state: tokens, challenges, faults, records and the revocation queue.
// Thread-safe: every member is guarded by mu_.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/random.h"
#include "intune/standin.h"

namespace scepgate::testing {

// Whom a token is for.
enum class Audience { kGraph, kIntune };

// A minted challenge and what it expects.
struct MintedChallenge {
  ChallengeSpec spec;
  int64_t expires_at = 0;
};

// The prefix of every challenge the stand-in mints (what follows is random base64url).
inline constexpr std::string_view kChallengePrefix = "standin-challenge.";

class StandInState {
 public:
  explicit StandInState(int token_lifetime_seconds) : token_lifetime_(token_lifetime_seconds) {}

  // A new opaque bearer token for `audience`, valid for the token lifetime. kCrypto without
  // randomness.
  Result<std::string> IssueToken(Audience audience, int64_t now);
  int token_lifetime() const { return token_lifetime_; }
  // True when `token` was issued for `audience`, has not expired and was not revoked.
  bool TokenValid(std::string_view token, Audience audience, int64_t now) const;
  void RevokeToken(std::string_view token);
  void ExpireTokens();

  Result<std::string> MintChallenge(const ChallengeSpec& spec, int64_t now);
  std::optional<MintedChallenge> FindChallenge(std::string_view challenge) const;

  void InjectFault(Endpoint endpoint, Fault fault);
  // The fault the next call to `endpoint` gets, if any (consumes one of its count).
  std::optional<Fault> TakeFault(Endpoint endpoint);
  void ForceCode(Endpoint endpoint, std::string code, int count);
  std::optional<std::string> TakeForcedCode(Endpoint endpoint);

  void Record(RecordedCall call);
  std::vector<RecordedCall> Calls(std::optional<Endpoint> endpoint) const;
  void AddNotification(Endpoint endpoint, nlohmann::json notification);
  std::vector<nlohmann::json> Notifications(Endpoint endpoint) const;

  void QueueRevocation(RevocationRequest request);
  // Up to `max` unanswered requests (of `issuer` when given), each counted as handed out.
  std::vector<RevocationRequest> HandOut(size_t max, const std::optional<std::string>& issuer);
  // Records an uploaded result; false when its requestContext was never handed out.
  bool AddResult(const nlohmann::json& result);
  std::vector<RevocationRecord> Revocations() const;
  std::vector<nlohmann::json> Results() const;

  // The path of the Intune services under the origin: "/intune/" at first, "/intune/moved-<n>/"
  // after the n-th Relocate() (the old paths then answer 404, as a moved service would).
  std::string ServicePrefix() const;
  void Relocate();

  // Sleeps `ms` milliseconds, or less when StopSleeping() is called.
  void SleepUnlessStopped(int ms);
  void StopSleeping();

 private:
  struct Token {
    Audience audience = Audience::kGraph;
    int64_t expires_at = 0;
  };
  struct ForcedCode {
    std::string code;
    int count = 0;
  };

  const int token_lifetime_;
  SystemRandom random_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                                           // guarded by mu_
  int relocations_ = 0;                                             // guarded by mu_
  std::map<std::string, Token, std::less<>> tokens_;                // guarded by mu_
  std::map<std::string, MintedChallenge, std::less<>> challenges_;  // guarded by mu_
  std::map<Endpoint, std::deque<Fault>> faults_;                    // guarded by mu_
  std::map<Endpoint, std::deque<ForcedCode>> forced_;               // guarded by mu_
  std::vector<RecordedCall> calls_;                                 // guarded by mu_
  std::map<Endpoint, std::vector<nlohmann::json>> notifications_;   // guarded by mu_
  std::vector<RevocationRecord> revocations_;                       // guarded by mu_
  std::vector<nlohmann::json> results_;                             // guarded by mu_
};

}  // namespace scepgate::testing

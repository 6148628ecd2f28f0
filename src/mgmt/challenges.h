// Minting one-time challenges: one per device and profile, bound to the subject, SANs, key and
// usages the device's certificate must have (Intune's part of the seeds' flow).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "mgmt/targeting.h"
#include "mgmt/tokens.h"
#include "policy/sealed_challenge.h"
#include "store/store.h"

namespace scepgate::mgmt {

struct ChallengeSettings {
  std::string format = "stored";            // "stored" | "sealed"
  std::optional<policy::SealKey> seal_key;  // the current key; required for "sealed"
  // SHA-256 thumbprints (lower-case hex) of the issuing CA and the CAs above it; a profile whose
  // trusted CA is not one of them is not delivered.
  std::vector<std::string> ca_chain;
};

struct IssuedChallenge {
  std::string challenge;          // the secret: shown once, never stored
  store::ChallengeRecord record;  // what was stored (subject, SANs, expiry, ...)
};

inline constexpr int64_t kMinChallengeTtl = 1;                 // one second (for tests)
inline constexpr int64_t kMaxChallengeTtl = 30LL * 24 * 3600;  // thirty days

// Thread-safe as far as the store and Random are: holds no mutable state.
class Challenges {
 public:
  Challenges(store::Store& store, const Clock& clock, Random& random, ChallengeSettings settings)
      : store_(store), clock_(clock), random_(random), settings_(std::move(settings)) {}

  // Mints a challenge for the device and profile, valid `ttl_seconds`. Returns kInvalidArgument
  // for a TTL outside [kMinChallengeTtl, kMaxChallengeTtl] or a sealed format without key;
  // kNotFound for an unknown device or profile; kPolicyDenied naming the reason ("DeviceRetired",
  // "UserDisabled", a profile that does not target the device, a user profile on a device with
  // no owner, a trusted CA outside the chain, a sealed challenge that would be too long);
  // kPermissionDenied "IdentityNotSetByAdmin" when `by` is below admin and the certificate would
  // carry an identity of the device's owner (UPN, e-mail, SID, ...) that no admin set.
  Result<IssuedChallenge> Issue(std::string_view device_id, std::string_view profile,
                                int64_t ttl_seconds, Role by);
  // Mints as Issue does but stores nothing: the challenge is refused until Keep() stores it, so
  // a caller that fails in between (a payload it cannot render) leaves no challenge behind.
  // Same errors as Issue.
  Result<IssuedChallenge> Prepare(std::string_view device_id, std::string_view profile,
                                  int64_t ttl_seconds, Role by);
  // Stores a prepared challenge. kAlreadyExists when its id is taken, kNotFound when the device
  // is gone, kDatabase otherwise.
  Status Keep(const store::ChallengeRecord& record);

 private:
  // DeviceRetired, UserDisabled; kNotFound for an unknown device.
  Result<store::DeviceRecord> DeliverableDevice(std::string_view device_id);
  // kPermissionDenied when `by` may not mint a certificate carrying the owner's identity.
  Status CheckIdentity(const store::DeviceRecord& device, const Resolved& names, Role by);
  // The record for the resolved names, without id and format.
  Result<store::ChallengeRecord> Bind(const store::ProfileRecord& profile,
                                      const store::DeviceRecord& device, const Resolved& names,
                                      int64_t ttl_seconds);
  // Fills the id and format, and returns the secret.
  Result<std::string> Mint(store::ChallengeRecord& record);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  ChallengeSettings settings_;
};

}  // namespace scepgate::mgmt

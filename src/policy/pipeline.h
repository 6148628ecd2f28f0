// The gateway's policy: the checks NDES's policy module and Intune make, in their order, over a
// static challenge, one-time challenges (stored or sealed) and renewals of linked certificates.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "policy/expected.h"
#include "policy/policy.h"
#include "policy/sealed_challenge.h"
#include "policy/static_policy.h"
#include "policy/validation.h"
#include "store/store.h"

namespace scepgate::policy {

struct PipelineOptions {
  StaticPolicyOptions static_options;  // static challenge, open enrollment, key and name rules
  bool revoke_superseded = false;      // a linked renewal revokes the certificate it replaces
  std::vector<SealKey> seal_keys;      // to open sealed challenges; empty: none accepted
  Validator* validator = nullptr;      // asked last about every request that passes; null: none
};

// Thread-safe: holds only immutable state and thread-safe references.
class Pipeline final : public Policy {
 public:
  Pipeline(PipelineOptions options, store::Store& store, TargetingView& targeting,
           const Clock& clock);

  // In order, on every path: StaticPolicy::CheckRequest's codes (KeyTypeUnsupported,
  // KeyParametersRejected, KeyLengthMismatch before the CSR's signature is verified with its key;
  // CsrSignatureInvalid; NameRejected); then, for a renewal of a certificate linked to a device,
  // DeviceRetired, UserDisabled, ScepProfileNoLongerTargetedToTheClient, SubjectNameMismatch and
  // SubjectAltNameMismatch (the renewed certificate's subject, its SANs kept or narrowed) and the
  // key and usage checks against the current profile; for a first enrollment with the
  // static challenge (or none, when open) the StaticPolicy checks; otherwise the one-time
  // challenge: ChallengeInvalid, ChallengeExpired, ChallengeAlreadyUsed, DeviceRetired,
  // UserDisabled, ScepProfileNoLongerTargetedToTheClient, then CheckCsr's codes.
  // Then, when there is a validator, its ValidationDenied / ValidationUnavailable.
  // kDatabase when the store fails.
  Status Verify(const EnrollmentRequest& request, Grant& grant) override;
  // For a grant naming a device: CheckDevice's codes. Otherwise succeeds.
  Status Recheck(Grant& grant) override;

 private:
  // Verify without the validator.
  Status Check(const EnrollmentRequest& request, Grant& grant);
  // Shows the validator the request that passed. kInternal when it cannot be described.
  Status Validate(const EnrollmentRequest& request, const Grant& grant);
  // Reads a one-time challenge into what it expects. ChallengeInvalid; expiry and use are
  // checked by VerifyOneTime, once the grant names the device.
  Result<Expected> LoadChallenge(const std::string& challenge);
  // DeviceRetired, UserDisabled, ScepProfileNoLongerTargetedToTheClient; fills the grant's user.
  Status CheckDevice(const std::string& device_id, const std::string& profile, Grant& grant);
  Status VerifyOneTime(const EnrollmentRequest& request, const std::string& challenge,
                       Grant& grant);
  Status VerifyLinkedRenewal(const EnrollmentRequest& request, Grant& grant);
  // What a renewal of `renewed` under the current profile must look like.
  Result<Expected> ExpectedForRenewal(const EnrollmentRequest& request,
                                      const store::CertificateRecord& renewed);

  PipelineOptions options_;
  StaticPolicy static_;
  store::Store& store_;
  TargetingView& targeting_;
  const Clock& clock_;
};

}  // namespace scepgate::policy

// The gateway's policy: the checks NDES's policy module and Intune make, in their order, over a
// static challenge, one-time challenges (stored or sealed) and renewals of linked certificates.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "policy/expected.h"
#include "policy/intune_challenges.h"
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
  // Intune mode: a first enrollment whose challenge is not scepgate's own (static, stored or
  // sealed) is put to Intune; null: such a challenge is ChallengeInvalid.
  IntuneChallenges* intune = nullptr;
  // The profile whose template (purpose, EKUs, validity) Intune-validated requests get; "": the
  // template the CSR's key usage picks, as for a static challenge.
  std::string intune_profile;
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
  // UserDisabled, ScepProfileNoLongerTargetedToTheClient, then CheckCsr's codes; in Intune mode,
  // for a challenge that is none of scepgate's, IntuneChallenges::Check's codes (the grant then
  // says `intune`). Then, when there is a validator, its ValidationDenied / ValidationUnavailable.
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
  // A renewal of a certificate issued under a profile for no device (Intune mode's): the
  // profile's template again, while the profile exists; otherwise nothing changes.
  Status KeepProfileTemplate(const store::CertificateRecord& renewed, Grant& grant);
  // Whether `challenge` is one of scepgate's own one-time challenges (sealed, or stored).
  Result<bool> IsOwnChallenge(const std::string& challenge);
  // A challenge Intune minted: Intune's verdict, then the Intune profile's template.
  Status VerifyIntune(const EnrollmentRequest& request, Grant& grant);
  // What a certificate of `profile` looks like: its template, key type and usages. kNotFound
  // when there is no such profile.
  Result<Expected> ExpectedForProfile(const std::string& profile);
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

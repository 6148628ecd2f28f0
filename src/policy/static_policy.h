// The policy of a single-secret gateway: a static challenge for first enrollments, proof of
// possession, key limits, names the CA refuses, and renewal that keeps the subject and keeps or
// narrows the SANs.
#pragma once

#include <string>
#include <vector>

#include "policy/key_rules.h"
#include "policy/name_rules.h"
#include "policy/policy.h"

namespace scepgate::policy {

struct StaticPolicyOptions {
  std::string challenge;         // empty: no static challenge
  bool open_enrollment = false;  // a first enrollment with no challenge at all is let in
  bool renewal_requires_challenge = false;
  int min_rsa_bits = 2048;
  int min_ec_bits = 256;
  int max_rsa_bits = 4096;
  int rsa_min_exponent = 65537;  // and always odd and below 2^256
  std::vector<std::string> ec_curves = {"P-256", "P-384", "P-521"};
  NameRules names{};  // wildcards, SAN count
};

// Immutable after construction; thread-safe.
class StaticPolicy final : public Policy {
 public:
  explicit StaticPolicy(StaticPolicyOptions options);
  // CheckRequest, then VerifyChecked. Leaves `grant` as it is.
  Status Verify(const EnrollmentRequest& request, Grant& grant) override;
  // A static-challenge grant names no device: nothing can have changed. Always succeeds.
  Status Recheck(Grant& /*grant*/) override { return {}; }
  // The checks every path to issuance makes first, cheapest first: the key (CheckKey's codes,
  // before any signature is verified with it), the CSR signature (CsrSignatureInvalid,
  // kBadMessageCheck), the names (NameRejected; see name_rules.h).
  Status CheckRequest(const EnrollmentRequest& request) const;
  // The rest, for a request that passed CheckRequest: challenge (ChallengePasswordMissing,
  // ChallengeInvalid; none needed for a renewal unless configured), and for a renewal its names
  // against the renewed certificate (SubjectNameMismatch, SubjectAltNameMismatch).
  Status VerifyChecked(const EnrollmentRequest& request) const;
  // True when `given` is the configured static challenge (constant time); false when none is set.
  bool IsStaticChallenge(std::string_view given) const;
  // CheckRequestKey (key_rules.h) with the configured limits: KeyTypeUnsupported,
  // KeyParametersRejected, KeyLengthMismatch. `key`: the CSR's public key (null: kBadRequest).
  Status CheckKey(const EVP_PKEY* key) const;

 private:
  Status CheckChallenge(const EnrollmentRequest& request) const;

  StaticPolicyOptions options_;
  KeyRules key_rules_;
  Bytes challenge_digest_;  // SHA-256 of the configured challenge
};

}  // namespace scepgate::policy

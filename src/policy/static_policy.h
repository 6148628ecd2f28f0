// The policy of a single-secret gateway: a static challenge for first enrollments, proof of
// possession, minimum key sizes, and renewal that keeps the subject.
#pragma once

#include <string>

#include "policy/policy.h"

namespace scepgate::policy {

struct StaticPolicyOptions {
  std::string challenge;         // empty: no static challenge
  bool open_enrollment = false;  // a first enrollment with no challenge at all is let in
  bool renewal_requires_challenge = false;
  int min_rsa_bits = 2048;
  int min_ec_bits = 256;
};

// Immutable after construction; thread-safe.
class StaticPolicy final : public Policy {
 public:
  explicit StaticPolicy(StaticPolicyOptions options);
  // Checks, in order: CSR signature (CsrSignatureInvalid), challenge (ChallengePasswordMissing,
  // ChallengeInvalid), key size (KeyLengthMismatch), renewal subject (SubjectNameMismatch).
  // Leaves `grant` as it is.
  Status Verify(const EnrollmentRequest& request, Grant& grant) override;
  // A static-challenge grant names no device: nothing can have changed. Always succeeds.
  Status Recheck(Grant& /*grant*/) override { return {}; }
  // True when `given` is the configured static challenge (constant time); false when none is set.
  bool IsStaticChallenge(std::string_view given) const;
  // KeyLengthMismatch below the configured minimum; KeyTypeUnsupported for other than RSA/EC.
  // `key`: the CSR's public key (null: kBadRequest, none usable).
  Status CheckKey(const EVP_PKEY* key) const;

 private:
  Status CheckChallenge(const EnrollmentRequest& request) const;

  StaticPolicyOptions options_;
  Bytes challenge_digest_;  // SHA-256 of the configured challenge
};

}  // namespace scepgate::policy

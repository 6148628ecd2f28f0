#include "policy/static_policy.h"

#include <openssl/crypto.h>

#include "policy/csr_info.h"
#include "policy/denial.h"
#include "policy/renewal.h"

namespace scepgate::policy {
namespace {

Bytes Sha256(std::string_view s) {
  auto d = Digest("SHA256", AsView(std::string(s)));
  return d ? *d : Bytes{};
}

KeyRules KeyRulesOf(const StaticPolicyOptions& o) {
  return {o.min_rsa_bits, o.max_rsa_bits, o.rsa_min_exponent, o.min_ec_bits, o.ec_curves};
}

}  // namespace

StaticPolicy::StaticPolicy(StaticPolicyOptions options)
    : options_(std::move(options)),
      key_rules_(KeyRulesOf(options_)),
      challenge_digest_(Sha256(options_.challenge)) {}

Status StaticPolicy::Verify(const EnrollmentRequest& request, Grant& /*grant*/) {
  SG_TRY_STATUS(CheckRequest(request));
  return VerifyChecked(request);
}

Status StaticPolicy::CheckRequest(const EnrollmentRequest& request) const {
  SG_TRY_STATUS(CheckKey(CsrKey(request)));
  if (!CsrSignatureValid(request.csr, CsrKey(request)))
    return Fail(Error::BadMessageCheck(
        "CsrSignatureInvalid: the CSR's signature does not verify with its public key"));
  return CheckRequestedNames(request.csr, options_.names);
}

Status StaticPolicy::VerifyChecked(const EnrollmentRequest& request) const {
  SG_TRY_STATUS(CheckChallenge(request));
  if (request.renewal) return CheckRenewalNames(request);
  return {};
}

bool StaticPolicy::IsStaticChallenge(std::string_view given) const {
  if (options_.challenge.empty()) return false;
  Bytes digest = Sha256(given);
  return digest.size() == challenge_digest_.size() &&
         CRYPTO_memcmp(digest.data(), challenge_digest_.data(), digest.size()) == 0;
}

Status StaticPolicy::CheckChallenge(const EnrollmentRequest& request) const {
  if (request.renewal && !options_.renewal_requires_challenge) return {};
  SG_ASSIGN_OR_RETURN(std::optional<std::string> given, ChallengePassword(request.csr));
  if (!given && options_.open_enrollment) return {};
  if (!given)
    return Fail(Denied("ChallengePasswordMissing", "the request carries no challenge password"));
  if (!IsStaticChallenge(*given))
    return Fail(Denied("ChallengeInvalid", "the challenge password is not valid"));
  return {};
}

Status StaticPolicy::CheckKey(const EVP_PKEY* key) const {
  return CheckRequestKey(key, key_rules_);
}

}  // namespace scepgate::policy

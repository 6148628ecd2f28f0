#include "policy/static_policy.h"

#include <openssl/crypto.h>

#include "ca/key_spec.h"
#include "policy/csr_info.h"

namespace scepgate::policy {
namespace {

Bytes Sha256(std::string_view s) {
  auto d = Digest("SHA256", AsView(std::string(s)));
  return d ? *d : Bytes{};
}

Error Denied(std::string_view code, std::string_view why) {
  return Error::PolicyDenied(std::string(code) + ": " + std::string(why));
}

}  // namespace

StaticPolicy::StaticPolicy(StaticPolicyOptions options)
    : options_(std::move(options)), challenge_digest_(Sha256(options_.challenge)) {}

Status StaticPolicy::Verify(const EnrollmentRequest& request, Grant& /*grant*/) {
  if (!CsrSignatureValid(request.csr, CsrKey(request)))
    return Fail(Error::BadMessageCheck(
        "CsrSignatureInvalid: the CSR's signature does not verify with its public key"));
  SG_TRY_STATUS(CheckChallenge(request));
  SG_TRY_STATUS(CheckKey(CsrKey(request)));
  if (request.renewal && X509_NAME_cmp(X509_REQ_get_subject_name(&request.csr),
                                       X509_get_subject_name(&request.signer)) != 0)
    return Fail(Denied("SubjectNameMismatch",
                       "a renewal must keep the subject of the certificate it renews"));
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
  if (key == nullptr) return Fail(Error::BadRequest("CSR carries no usable public key"));
  int bits = ca::KeyBits(*key);
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA) {
    if (bits < options_.min_rsa_bits)
      return Fail(Denied("KeyLengthMismatch", "RSA key of " + std::to_string(bits) +
                                                  " bits is below the minimum of " +
                                                  std::to_string(options_.min_rsa_bits)));
    return {};
  }
  if (id == EVP_PKEY_EC) {
    if (bits < options_.min_ec_bits)
      return Fail(Denied("KeyLengthMismatch", "EC key of " + std::to_string(bits) +
                                                  " bits is below the minimum of " +
                                                  std::to_string(options_.min_ec_bits)));
    return {};
  }
  return Fail(Error::BadAlg("KeyTypeUnsupported: only RSA and EC keys are accepted"));
}

}  // namespace scepgate::policy

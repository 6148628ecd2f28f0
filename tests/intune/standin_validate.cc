#include "intune/standin_validate.h"

#include <optional>
#include <vector>

#include "common/ossl.h"
#include "policy/csr_info.h"
#include "policy/expected.h"
#include "policy/name_match.h"

namespace scepgate::testing {
namespace {

Verdict Refuse(std::string code, std::string description) {
  return Verdict{std::move(code), std::move(description)};
}

// The subject check, or nullopt when it passes (or none is expected).
std::optional<Verdict> CheckSubject(const ChallengeSpec& spec, const X509_REQ& csr) {
  if (spec.subject.empty()) return std::nullopt;
  const X509_NAME& subject = *X509_REQ_get_subject_name(&csr);
  if (X509_NAME_entry_count(&subject) == 0)
    return Refuse("SubjectNameMissing", "the CSR has no subject");
  auto want = policy::SubjectDigest(spec.subject);
  auto got = policy::SubjectDigest(subject);
  if (!want || !got || *want != *got)
    return Refuse("SubjectNameMismatch", "subject '" + NameToString(subject) +
                                             "' is not the expected '" + spec.subject + "'");
  return std::nullopt;
}

// The SAN check, or nullopt when it passes (or none are expected).
std::optional<Verdict> CheckSans(const ChallengeSpec& spec, const X509_REQ& csr) {
  if (spec.sans.empty()) return std::nullopt;
  auto sans = policy::CsrSans(csr);
  if (!sans) return Refuse("SubjectAltNameMismatch", sans.error().message);
  if (sans->empty()) return Refuse("SubjectAltNameMissing", "the CSR asks for no SANs");
  auto want = policy::SansDigest(spec.sans);
  auto got = policy::SansDigest(*sans);
  if (!want || !got || *want != *got)
    return Refuse("SubjectAltNameMismatch", "the CSR's SANs are not the expected ones");
  return std::nullopt;
}

}  // namespace

Verdict ValidateCsr(std::string_view csr_base64, const StandInState& state, int64_t now) {
  auto der = Base64Decode(csr_base64);
  if (!der) return Refuse("CertificateRequestDecodingFailed", "certificateRequest is not base64");
  auto csr = CsrFromDer(*der);
  if (!csr) return Refuse("CertificateRequestDecodingFailed", "not a DER PKCS#10 request");
  auto password = policy::ChallengePassword(**csr);
  if (!password) return Refuse("ChallengeDecodingError", password.error().message);
  if (!*password) return Refuse("ChallengePasswordMissing", "the CSR has no challengePassword");
  const std::string& challenge = **password;
  if (!challenge.starts_with(kChallengePrefix))
    return Refuse("ChallengeDeserializationError", "not a challenge this service issued");
  auto minted = state.FindChallenge(challenge);
  if (!minted) return Refuse("ChallengeDecryptionError", "the challenge cannot be decrypted");
  if (now >= minted->expires_at) return Refuse("ChallengeExpired", "the challenge has expired");
  if (!policy::CsrSignatureValid(**csr))
    return Refuse("SignatureValidationFailed", "the CSR's signature does not verify");
  if (auto refusal = CheckSubject(minted->spec, **csr)) return *refusal;
  if (auto refusal = CheckSans(minted->spec, **csr)) return *refusal;
  return Verdict{"Success", ""};
}

}  // namespace scepgate::testing

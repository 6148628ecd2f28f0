#include "policy/expected.h"

#include <algorithm>

#include "ca/cert_template.h"
#include "ca/key_spec.h"
#include "policy/csr_info.h"
#include "policy/denial.h"
#include "policy/name_match.h"

namespace scepgate::policy {
namespace {

constexpr size_t kDigestBytes = 16;

Result<Bytes> Digest16(std::string_view canonical) {
  SG_ASSIGN_OR_RETURN(Bytes d, Digest("SHA256", AsView(std::string(canonical))));
  d.resize(kDigestBytes);
  return d;
}

Status CheckNames(const Expected& e, const X509_REQ& csr) {
  const X509_NAME& subject = *X509_REQ_get_subject_name(&csr);
  SG_ASSIGN_OR_RETURN(Bytes got, SubjectDigest(subject));
  if (got != e.subject_digest) {
    std::string want = e.subject.empty() ? "" : ", expected '" + e.subject + "'";
    return Fail(Denied("SubjectNameMismatch", "the CSR's subject '" + NameToString(subject) +
                                                  "' is not the one bound to "
                                                  "the challenge" +
                                                  want));
  }
  SG_ASSIGN_OR_RETURN(std::vector<std::string> sans, CsrSans(csr));
  auto got_sans = SansDigest(sans);
  if (!got_sans) return Fail(Error::BadRequest("the CSR's SANs: " + got_sans.error().message));
  if (*got_sans != e.sans_digest)
    return Fail(Denied("SubjectAltNameMismatch", "the CSR's SANs (" + Joined(sans) +
                                                     ") are not the ones bound to the "
                                                     "challenge"));
  return {};
}

Status CheckKey(const Expected& e, const EVP_PKEY* key) {
  if (key == nullptr) return Fail(Error::BadRequest("CSR carries no usable public key"));
  std::string type = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA  ? "rsa"
                     : EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? "ec"
                                                                : "other";
  int bits = ca::KeyBits(*key);
  if (type != e.key_type || bits < e.min_key_size)
    return Fail(Denied("KeyLengthMismatch", "the profile asks for a " + e.key_type +
                                                " key of at "
                                                "least " +
                                                std::to_string(e.min_key_size) +
                                                " bits, the CSR has " + type + " " +
                                                std::to_string(bits)));
  return {};
}

Status CheckUsages(const Expected& e, const X509_REQ& csr) {
  std::optional<uint32_t> ku = RequestedKeyUsage(csr);
  if (ku && (*ku & ~e.key_usage) != 0)
    return Fail(Denied("KeyUsageMismatch",
                       "the CSR asks for key usages the profile does not "
                       "grant"));
  SG_ASSIGN_OR_RETURN(auto ekus, RequestedEkus(csr));
  if (!ekus) return {};
  for (const std::string& oid : *ekus) {
    if (std::ranges::find(e.ekus, oid) == e.ekus.end())
      return Fail(Denied("EnhancedKeyUsageMismatch", "the CSR asks for extended key usage " + oid +
                                                         ", the profile grants " + Joined(e.ekus)));
  }
  return {};
}

}  // namespace

Result<Bytes> SubjectDigest(std::string_view rfc4514) {
  if (rfc4514.empty()) return Digest16("");
  SG_ASSIGN_OR_RETURN(std::string canonical, CanonicalName(rfc4514));
  return Digest16(canonical);
}

Result<Bytes> SubjectDigest(const X509_NAME& name) {
  SG_ASSIGN_OR_RETURN(std::string canonical, CanonicalName(name));
  return Digest16(canonical);
}

Result<Bytes> SansDigest(const std::vector<std::string>& sans) {
  SG_ASSIGN_OR_RETURN(std::string canonical, CanonicalSans(sans));
  return Digest16(canonical);
}

Result<Expected> ExpectedFromRecord(const store::ChallengeRecord& r) {
  Expected e;
  e.challenge_id = r.id;
  e.device_id = r.device_id;
  e.user_upn = r.user_upn;
  e.profile = r.profile;
  e.expires_at = r.expires_at;
  SG_ASSIGN_OR_RETURN(e.subject_digest, SubjectDigest(r.subject));
  SG_ASSIGN_OR_RETURN(e.sans_digest, SansDigest(r.sans));
  e.subject = r.subject;
  e.key_usage = r.key_usage;
  e.ekus = r.ekus;
  e.key_type = r.key_type;
  e.min_key_size = r.min_key_size;
  e.validity_days = r.validity_days;
  e.purpose = r.purpose;
  return e;
}

Expected ExpectedFromClaims(const SealedClaims& c) {
  Expected e;
  e.challenge_id = c.id;
  e.device_id = c.device_id;
  e.profile = c.profile;
  e.expires_at = c.expires_at;
  e.subject_digest = c.subject_digest;
  e.sans_digest = c.sans_digest;
  e.key_usage = c.key_usage;
  e.ekus = c.ekus;
  e.key_type = c.key_type;
  e.min_key_size = c.min_key_size;
  e.validity_days = c.validity_days;
  e.purpose = c.purpose;
  return e;
}

Status CheckCsr(const Expected& expected, const X509_REQ& csr, const EVP_PKEY* key) {
  SG_TRY_STATUS(CheckNames(expected, csr));
  return CheckCsrKeyAndUsages(expected, csr, key);
}

Status CheckCsrKeyAndUsages(const Expected& expected, const X509_REQ& csr, const EVP_PKEY* key) {
  SG_TRY_STATUS(CheckKey(expected, key));
  return CheckUsages(expected, csr);
}

}  // namespace scepgate::policy

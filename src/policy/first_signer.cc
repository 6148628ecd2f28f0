#include "policy/first_signer.h"

#include <openssl/err.h>

#include <string>

namespace scepgate::policy {

Status CheckFirstEnrollmentSigner(const X509& signer, const EVP_PKEY* signer_key,
                                  const EVP_PKEY& csr_key, int64_t now, int64_t skew_seconds) {
  bool same = signer_key != nullptr && EVP_PKEY_eq(signer_key, &csr_key) == 1;
  ERR_clear_error();
  if (!same)
    return Fail(Error::BadMessageCheck(
        "SignerKeyMismatch: a first enrollment must be signed with the key it asks to certify "
        "(RFC 8894 3.3.1)"));
  const ASN1_TIME* nb = X509_get0_notBefore(&signer);
  const ASN1_TIME* na = X509_get0_notAfter(&signer);
  auto not_before = nb ? AsnTimeToUnix(*nb) : Result<int64_t>(Fail(Error::BadTime("")));
  auto not_after = na ? AsnTimeToUnix(*na) : Result<int64_t>(Fail(Error::BadTime("")));
  if (!not_before || !not_after)
    return Fail(
        Error::BadTime("SignerCertificateExpired: the signing certificate's validity "
                       "cannot be read"));
  if (now + skew_seconds < *not_before || now - skew_seconds > *not_after)
    return Fail(Error::BadTime("SignerCertificateExpired: the signing certificate is valid from " +
                               std::to_string(*not_before) + " to " + std::to_string(*not_after) +
                               " (unix time), not now (" + std::to_string(now) + ")"));
  return {};
}

}  // namespace scepgate::policy

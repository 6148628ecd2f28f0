#include "policy/renewal.h"

#include "common/san_text.h"
#include "policy/denial.h"
#include "policy/name_match.h"

namespace scepgate::policy {

Status CheckRenewalNames(const X509_REQ& csr, const X509_NAME& renewed_subject,
                         const std::vector<std::string>& renewed_sans) {
  const X509_NAME& subject = *X509_REQ_get_subject_name(&csr);
  auto want = CanonicalName(renewed_subject);
  auto got = CanonicalName(subject);
  if (!got) return Fail(got.error());
  if (!want || *want != *got)
    return Fail(Denied("SubjectNameMismatch",
                       "a renewal must keep the subject of the certificate "
                       "it renews ('" +
                           NameToString(renewed_subject) + "'), the CSR has '" +
                           NameToString(subject) + "'"));
  SG_ASSIGN_OR_RETURN(std::vector<std::string> sans, CsrSans(csr));
  auto within = SansWithin(sans, renewed_sans);
  if (!within) return Fail(Error::BadRequest("the CSR's SANs: " + within.error().message));
  if (!*within)
    return Fail(Denied("SubjectAltNameMismatch",
                       "a renewal may keep or drop the SANs of the certificate it renews (" +
                           Joined(renewed_sans) + "), not add any; the CSR asks for " +
                           Joined(sans)));
  return {};
}

Status CheckRenewalNames(const EnrollmentRequest& request) {
  std::vector<std::string> sans =
      request.renewed != nullptr ? request.renewed->sans : CertSans(request.signer);
  return CheckRenewalNames(request.csr, *X509_get_subject_name(&request.signer), sans);
}

}  // namespace scepgate::policy

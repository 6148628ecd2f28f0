// What a renewal may ask for: the subject of the certificate it renews, and some or all of that
// certificate's subjectAltNames (keep or narrow, never widen). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/ossl.h"
#include "policy/policy.h"

namespace scepgate::policy {

// Returns nothing when the CSR's subject equals `renewed_subject` (after the normalisation of
// name_match.h) and each SAN it asks for is one of `renewed_sans` (san_text form). Otherwise
// SubjectNameMismatch or SubjectAltNameMismatch (kPolicyDenied) naming what differs; kBadRequest
// when the CSR's names cannot be read.
Status CheckRenewalNames(const X509_REQ& csr, const X509_NAME& renewed_subject,
                         const std::vector<std::string>& renewed_sans);

// The same for `request` (a renewal): against the signer's subject, and the SANs of its record
// when the request carries one, else those of the signer certificate.
Status CheckRenewalNames(const EnrollmentRequest& request);

}  // namespace scepgate::policy

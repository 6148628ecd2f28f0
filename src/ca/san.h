// Internal to src/ca: the subjectAltName entries a CSR may ask for, and URI names for CDP/AIA.
// Thread-safe (no shared state).
#pragma once

#include <string_view>

#include "common/ossl.h"

namespace scepgate::ca::internal {


// Returns the subjectAltName names of the CSR's extensionRequest, or null when it asks for none.
// Allowed: dNSName, rfc822Name, iPAddress (4 or 16 bytes), uniformResourceIdentifier (including
// the Microsoft strong-mapping "tag:microsoft.com,2022-09-14:sid:..." URL) and the UPN otherName
// (1.3.6.1.4.1.311.20.2.3, UTF8String). Returns kBadRequest, naming the type, for anything else,
// and for a malformed or repeated extension.
Result<GeneralNamesPtr> RequestedSubjectAltNames(const X509_REQ& csr);

// Returns GENERAL_NAMES holding one uniformResourceIdentifier. kCrypto on failure.
Result<GeneralNamesPtr> UriNames(std::string_view uri);

}  // namespace scepgate::ca::internal

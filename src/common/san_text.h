// subjectAltName entries as text, the form the CLI, the records and the JSON views use:
// "DNS:host", "email:a@b", "IP:192.0.2.1", "URI:tag:...", "UPN:user@realm". Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/ossl.h"

namespace scepgate {

// Builds GENERAL_NAMES from text entries. Returns kInvalidArgument naming the first entry that
// has an unknown type, an empty value or a bad IP address.
Result<GeneralNamesPtr> SansFromText(const std::vector<std::string>& entries);

// The text form of each supported name (DNS, email, IP, URI, UPN otherName); others are skipped.
std::vector<std::string> SansToText(const GENERAL_NAMES& names);

// The subjectAltName entries of a certificate, as text (empty when it has none).
std::vector<std::string> CertSans(const X509& cert);

}  // namespace scepgate

// The names the CA refuses to certify, whatever a challenge or a renewal would allow: the one
// check of a CSR's subject and subjectAltNames that every path to issuance makes. Pure functions;
// thread-safe.
#pragma once

#include <string_view>

#include "common/ossl.h"

namespace scepgate::policy {

// The configured limits ([policy] in scepgate.toml).
struct NameRules {
  bool allow_wildcard_dns = false;  // then only "*" as the whole leftmost label
  int max_sans = 32;
};

// Fixed limits on the subject: attributes, and bytes of one attribute value (UTF-8).
inline constexpr int kMaxSubjectAttributes = 32;
inline constexpr size_t kMaxSubjectValueBytes = 256;

// Returns nothing when one subjectAltName in the text form of common/san_text.h is acceptable:
//   DNS   LDH labels (letters, digits, '-' not first or last) of 1-63 bytes, at most 253 bytes in
//         all, no trailing dot; "*" only when allowed and only as the whole leftmost label of a
//         name with at least two more labels;
//   URI   a scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.') and ':', no space,
//         control or non-ASCII byte;
//   email no space, control or non-ASCII byte, exactly one '@' with text on both sides;
//   UPN   valid UTF-8 without control characters, not empty;
//   IP    as the SAN text form writes it.
// Otherwise NameRejected (kPolicyDenied) naming the entry.
Status CheckSubjectAltName(std::string_view entry, const NameRules& rules);

// Checks the CSR's names: at most `max_sans` SANs (counted before any is read further), each one
// CheckSubjectAltName's; at most kMaxSubjectAttributes subject attributes, each value text of at
// most kMaxSubjectValueBytes without control characters. NameRejected (kPolicyDenied); kBadRequest
// when the extensions cannot be decoded (CsrSans's errors).
Status CheckRequestedNames(const X509_REQ& csr, const NameRules& rules);

}  // namespace scepgate::policy

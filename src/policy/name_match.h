// Subject and subjectAltName comparison after normalisation: a CSR's subject must equal the
// subject a profile expects, and its SANs the expected set. Each function turns a name into a
// canonical string; two names match when their canonical strings are equal. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"

namespace scepgate::policy {

// Canonical form of a distinguished name, for equality and hashing: RDNs in DER order (the
// reverse of the RFC 4514 string order), each RDN's attribute-value pairs sorted, each attribute
// type as a dotted OID, each value normalised (UTF-8; leading/trailing white space removed; runs of
// internal white space collapsed to one space; ASCII letters lower-cased). The encoding is
//   OID "=" LENGTH ":" VALUE   for each pair (LENGTH = byte count of VALUE, in decimal),
// pairs of one RDN joined by '+', RDNs joined by ','; e.g. "2.5.4.10=4:acme,2.5.4.3=5:jo+hn".
// Every pair states its own length, so the string decodes one way only: different names never
// give the same string. An empty name gives "".
//
// From an RFC 4514 / RFC 2253 string. Types: OpenSSL short or long names in any case, "E" for
// emailAddress, dotted OIDs with or without "OID.". Separators ',' or ';' between RDNs, '+' inside
// one, optional spaces around '=', ',', ';', '+'. Values: '\' escapes of , + " \ < > ; = # space
// and \XX hex pairs (UTF-8 bytes), "quoted" values, #hex (a DER string type). Returns
// kInvalidArgument naming the problem and its 0-based byte position for an empty string, an empty
// or unknown type, a missing '=', a bad escape or hex pair, a trailing '\', an unterminated quote,
// a #hex that is not a DER string, or a value that is not UTF-8.
Result<std::string> CanonicalName(std::string_view rfc4514);

// From a parsed X509_NAME (e.g. a CSR's subject), any ASN.1 string type (PrintableString,
// UTF8String, IA5String, T61String, BMPString, UniversalString, VisibleString, NumericString).
// Returns kBadRequest when a value cannot be read as text (another ASN.1 type, or bytes that are
// not valid in the declared string type).
Result<std::string> CanonicalName(const X509_NAME& name);

// The dotted OID of a name attribute type as written in an RFC 4514 string ("CN", "commonName",
// "E", "oid.2.5.4.3", "2.5.4.3"; names in any case), or nullopt when it names nothing.
std::optional<std::string> AttributeTypeOid(std::string_view type);

// Canonical form of a set of subjectAltName entries in the text form of common/san_text.h
// ("DNS:host", "email:a@b", "IP:192.0.2.1", "URI:...", "UPN:user@realm"; the type is matched in
// any case and written back as there): DNS/email/UPN values ASCII-lower-cased, a DNS trailing dot
// dropped, IP addresses normalised through inet_pton/inet_ntop, URI kept exactly; sorted,
// duplicates removed, each written as LENGTH ":" ENTRY and joined by ',' so that different sets
// never give the same string. An empty set gives "". Returns kInvalidArgument for an entry with
// no ':', an unknown type, an empty value or an unparsable IP.
Result<std::string> CanonicalSans(const std::vector<std::string>& sans);

// True when every entry of `requested` is, in canonical form, one of `allowed` (a subset: the same
// names or fewer). Returns kInvalidArgument as CanonicalSans does for an entry of either list.
Result<bool> SansWithin(const std::vector<std::string>& requested,
                        const std::vector<std::string>& allowed);

// The SANs a CSR asks for (its extensionRequest's subjectAltName), in the san_text form; empty
// when it asks for none. Returns kBadRequest when the extensionRequest or the extension cannot be
// decoded, when subjectAltName appears twice, or when it holds an entry the text form cannot
// express (e.g. a directoryName), since dropping it would let it pass a comparison unseen.
Result<std::vector<std::string>> CsrSans(const X509_REQ& csr);

}  // namespace scepgate::policy

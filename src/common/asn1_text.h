// Text forms of ASN.1 values: object identifiers and the string types a name or an extension may
// carry. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/ossl.h"

namespace scepgate {

// True for a dotted OID as RFC 4514 and OpenSSL write it: at least two arcs of decimal digits
// separated by single dots, the first arc 0, 1 or 2, no arc longer than 39 digits (a 128-bit UUID
// arc). "2..5", "2.5.", ".2.5", "3.1" and "cn" are refused.
bool IsDottedOid(std::string_view s);

// True when every character is in the PrintableString alphabet (X.680 §41.4): A-Z a-z 0-9,
// space and ' ( ) + , - . / : = ?
bool IsPrintableString(std::string_view s);

// Standard base64 (RFC 4648 §4) without padding: every character is in the PrintableString
// alphabet, so a device that puts the text into a PKCS#10 challengePassword as a PrintableString
// (Windows' ClientCertificateInstall does, and fails on '_') can. Challenges are minted with it.
std::string PrintableBase64(ByteView data);

// The dotted form of an object ("2.5.4.3"), never its name; "" when it has none (an empty object).
std::string OidText(const ASN1_OBJECT& obj);

// A string value (PrintableString, UTF8String, IA5String, T61String, BMPString, UniversalString,
// VisibleString or NumericString) as UTF-8; nullopt for any other type, for bytes that are not
// valid in the declared type, or for a result that is not strict UTF-8 (common/utf8.h).
std::optional<std::string> Asn1StringToUtf8(const ASN1_STRING& s);

// The same for the DER encoding of such a string (an RFC 4514 "#hex" value); nullopt when the
// bytes are not exactly one DER string of those types.
std::optional<std::string> DerStringToUtf8(ByteView der);

}  // namespace scepgate

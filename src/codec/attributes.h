// The SCEP signed attributes (RFC 8894 §3.2.1): OIDs 2.16.840.1.113733.1.9.x and failInfoText.
#pragma once

#include <openssl/cms.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"

namespace scepgate::codec {

// The SCEP attributes of one signer info. Absent (or unreadable) attributes are nullopt.
struct ScepAttributes {
  std::optional<std::string> message_type;    // decimal, e.g. "19"
  std::optional<std::string> pki_status;      // decimal
  std::optional<std::string> fail_info;       // decimal
  std::optional<std::string> transaction_id;  // opaque printable text
  std::optional<Bytes> sender_nonce;
  std::optional<Bytes> recipient_nonce;
  std::optional<std::string> fail_info_text;  // UTF-8
};

// Adds every present attribute to `si` as a signed attribute: strings as PrintableString
// (UTF8String when they hold characters PrintableString cannot), nonces as OCTET STRING,
// failInfoText as UTF8String. Returns kCrypto on failure.
Status AddScepAttributes(CMS_SignerInfo& si, const ScepAttributes& attrs);

// Returns each present attribute as the DER of an Attribute, encoded as AddScepAttributes does,
// for a SignedData written directly (signed_writer.h). Never fails.
std::vector<Bytes> EncodeScepAttributes(const ScepAttributes& attrs);

// Reads the SCEP attributes of `si`. String attributes are accepted as PrintableString, UTF8String
// or IA5String; an attribute present more than once, or with more than one value, is ignored.
// Never fails; leaves the OpenSSL error queue empty.
ScepAttributes ReadScepAttributes(const CMS_SignerInfo& si);

// Parses a non-negative decimal of at most 9 digits ("19"), surrounding spaces allowed; nullopt
// otherwise.
std::optional<int> ParseSmallDecimal(std::string_view s);

}  // namespace scepgate::codec

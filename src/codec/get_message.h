// The `message` query parameter of a SCEP GET (RFC 8894 §4.1) with the quirks of real clients.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/ossl.h"
#include "common/percent.h"

namespace scepgate::codec {

// Returns the value of `key` in a raw query string ("a=1&b=2"), percent-decoded, or nullopt.
// Returns kBadRequest on a malformed escape.
Result<std::optional<std::string>> QueryParam(std::string_view query, std::string_view key);

// Turns a decoded `message` value into the DER bytes of the pkiMessage: accepts standard and
// URL-safe base64, strips CR/LF (Cisco sends %0A), turns spaces back into '+'.
// Returns kBadRequest when it is not base64.
Result<Bytes> DecodeGetMessage(std::string_view decoded_value);

}  // namespace scepgate::codec

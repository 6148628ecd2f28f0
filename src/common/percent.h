// Percent-encoding (RFC 3986 §2.1), one decoder and one encoder for every module: SCEP GET
// queries, OCSP GET paths, REST paths, PKCS#11 URIs (RFC 7512). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// Percent-decodes `raw` without turning '+' into space. Returns kBadRequest on a malformed or
// truncated escape.
Result<std::string> PercentDecode(std::string_view raw);

// Percent-encodes everything but RFC 3986's unreserved characters (letters, digits, "-._~").
std::string PercentEncode(std::string_view text);

}  // namespace scepgate

// PKCS#11 URIs (RFC 7512): which token, which object. scepgate reads the path attributes it
// needs to find a token and a key (token, manufacturer, serial, model, object, id, type) and the
// query attribute module-path; it refuses pin-value, since a PIN never travels in a URI that may
// end up on a command line or in a log.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::pkcs11 {

struct Uri {
  std::string token;         // CKA token label; empty = any
  std::string manufacturer;  // token manufacturer; empty = any
  std::string serial;        // token serial number; empty = any
  std::string model;         // token model; empty = any
  std::string object;        // CKA_LABEL; empty = any
  Bytes id;                  // CKA_ID; empty = any
  std::string type;          // "private", "public", "cert"...; empty = any
  std::string module_path;   // query attribute module-path
};

// Parses `text`. Returns kInvalidArgument for a string that is not "pkcs11:...", a malformed
// percent escape, an unknown path attribute that RFC 7512 does not define, an attribute given
// twice, or a pin-value (the PIN belongs in a file or the environment). Unknown query attributes
// are ignored, as the RFC asks. Thread-safe.
Result<Uri> ParseUri(std::string_view text);

// The URI's text: path attributes in a fixed order, each value percent-encoded, module-path as a
// query attribute. ParseUri(FormatUri(u)) == u. Thread-safe.
std::string FormatUri(const Uri& uri);

// The URI without its module-path, for messages and files that name a key. Thread-safe.
std::string DescribeUri(const Uri& uri);

}  // namespace scepgate::pkcs11

// The shapes the stand-in demands of requests (docs/intune-protocol.md §4). Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "intune/standin.h"

namespace scepgate::testing {

// True for a GUID in its usual text form: 8-4-4-4-12 hex digits.
bool IsGuid(std::string_view text);

// The CARequestErrorCode value of `code`, given by name ("CertificateNotFoundError", as the C#
// library sends it) or by number (4004 or "4004", as the Java library does); nullopt when it is
// none of the documented codes.
std::optional<int> RevocationErrorCode(const nlohmann::json& code);

// What is wrong with the JSON body of a call to `endpoint`, or "" when its shape is right:
// the wrapper object ("request", "notification", "downloadParameters", "results"), each required
// field present with its type and non-empty, the optional ones null or of their type,
// maxRequests within 1..500, and each result's errorCode documented and None when it succeeded.
std::string CheckBodyShape(Endpoint endpoint, const nlohmann::json& body);

}  // namespace scepgate::testing

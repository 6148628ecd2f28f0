// The stand-in's check of a client assertion (the certificate credential of an app registration,
// RFC 7523), as Microsoft's identity platform makes it. Test code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ossl.h"

namespace scepgate::testing {

// What is wrong with `assertion` (a JWT "header.claims.signature"), or nullopt when it is good:
// RS256 signed by `cert`'s key, "x5t" the certificate's SHA-1 thumbprint (base64url), "aud" the
// token endpoint's URL `audience`, "iss" and "sub" `client_id`, a "jti", valid at `now` ("nbf" at
// most 5 minutes ahead, "exp" not passed, at most 10 minutes after "nbf"... and 5 of skew).
std::optional<std::string> AssertionProblem(std::string_view assertion, const X509& cert,
                                            std::string_view client_id, std::string_view audience,
                                            int64_t now);

}  // namespace scepgate::testing

// The certificate credential of an app registration: instead of a client secret, a JWT signed
// with the certificate's key (RFC 7523 client authentication, as Microsoft's identity platform
// takes it: "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::intune {

inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// How long an assertion is valid: the identity platform refuses longer ones anyway.
inline constexpr int64_t kAssertionLifetimeSeconds = 600;

// The signed JWT: header {"alg": "RS256", "typ": "JWT", "x5t": base64url SHA-1 of the
// certificate's DER, "x5t#S256": base64url SHA-256}, claims {"aud": `audience` (the token
// endpoint's URL), "iss" and "sub": `client_id`, "jti": `jti`, "nbf" and "iat": `now`, "exp":
// now + kAssertionLifetimeSeconds}; RSASSA-PKCS1-v1_5 with SHA-256 over "header.claims".
// kInvalidArgument when `key` is not an RSA key or not the certificate's; kCrypto when OpenSSL
// fails. Thread-safe.
Result<std::string> ClientAssertion(const X509& cert, const EVP_PKEY& key,
                                    std::string_view client_id, std::string_view audience,
                                    int64_t now, std::string_view jti);

// Checks a certificate credential given as PEM before use: the certificate and key parse, the key
// is RSA (the identity platform signs and checks RS256) and is the certificate's. kInvalidArgument
// naming what is wrong (never quoting the key). Thread-safe.
Status CheckClientCertificate(std::string_view cert_pem, std::string_view key_pem);

}  // namespace scepgate::intune

// Building what a SCEP client sends: keys, CSRs, the self-signed signer, transaction IDs.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/ossl.h"

namespace scepgate::client {

struct CsrOptions {
  std::string subject = "/CN=scepgate-client";  // OpenSSL -subj form: /CN=x/O=y (UTF-8)
  std::string challenge;                        // PKCS#9 challengePassword; empty = none
  std::vector<std::string> sans;                // "DNS:x", "email:x", "IP:x", "URI:x", "UPN:x"
  std::optional<uint32_t> key_usage;            // X509v3 KU_* bits to ask for
  // Extended key usages to ask for (extendedKeyUsage in the extensionRequest): short names
  // OpenSSL knows ("clientAuth", "serverAuth", ...) or dotted OIDs; empty = none asked for.
  std::vector<std::string> ekus;
  int digest_nid = NID_sha256;
};

// Parses an OpenSSL -subj style name ("/CN=a/O=b"; "\/" escapes a slash).
// Returns kInvalidArgument when it is malformed or names an unknown attribute.
Result<X509NamePtr> ParseSubject(std::string_view subject);

// Builds and signs a PKCS#10 request with `key`. kInvalidArgument for bad subject/SANs/EKUs.
Result<X509ReqPtr> MakeCsr(const EVP_PKEY& key, const CsrOptions& options);

// A short-lived self-signed certificate over `key` to sign a first request with.
// kCrypto on failure.
Result<X509Ptr> MakeSelfSignedSigner(const EVP_PKEY& key, std::string_view common_name);

// Lower-case hex SHA-256 of the key's SubjectPublicKeyInfo: a stable transaction ID.
Result<std::string> TransactionIdFor(const EVP_PKEY& key);

}  // namespace scepgate::client

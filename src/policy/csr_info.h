// Facts a policy needs from a PKCS#10 request. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/ossl.h"

namespace scepgate::policy {

// The PKCS#9 challengePassword attribute (PrintableString, UTF8String, IA5String, T61String or
// BMPString, returned as UTF-8), or nullopt when absent. kBadRequest when present but unreadable.
Result<std::optional<std::string>> ChallengePassword(const X509_REQ& csr);

// The keyUsage bits (X509v3_KU_*) asked for in the extensionRequest, or nullopt when none.
std::optional<uint32_t> RequestedKeyUsage(const X509_REQ& csr);

// The extended key usages (dotted OIDs) asked for in the extensionRequest, or nullopt when none.
// kBadRequest when the extension is present but cannot be decoded.
Result<std::optional<std::vector<std::string>>> RequestedEkus(const X509_REQ& csr);

// True when the CSR's self-signature verifies with its own public key (proof of possession):
// `key` when given (a CSR parsed without its key), else the one decoded in `csr`.
bool CsrSignatureValid(const X509_REQ& csr, const EVP_PKEY* key = nullptr);

// Lower-case hex SHA-256 of the CSR's SubjectPublicKeyInfo as encoded. kBadRequest when it has
// none.
Result<std::string> CsrPublicKeySha256(const X509_REQ& csr);

// The same for a certificate's key: comparable with CsrPublicKeySha256. kBadRequest when it has
// none, kCrypto when it cannot be encoded.
Result<std::string> CertPublicKeySha256(const X509& cert);

}  // namespace scepgate::policy

// OCSP (RFC 6960) as a responder speaks it: reading requests, recognising the issuer a CertID
// names, and signing answers; the delegated responder certificate is made by Issuer (issuer.h).
// Pure functions over OpenSSL; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::ca {

// The responseStatus values answered without a signed response (RFC 6960 §4.2.1).
enum class OcspError {
  kMalformedRequest = 1,
  kInternalError = 2,
  kTryLater = 3,
  kSigRequired = 5,
  kUnauthorized = 6,
};

// One CertID of a request.
struct OcspCertId {
  int hash_nid = 0;  // of the two issuer hashes: NID_sha1 (what clients send), NID_sha256, ...
  Bytes issuer_name_hash;
  Bytes issuer_key_hash;
  std::string serial_hex;  // as the store keeps serials: lower-case hex, no leading zeros
  Bytes der;               // the CertID as requested, answered unchanged
};

struct OcspRequestInfo {
  std::vector<OcspCertId> ids;
  std::optional<Bytes> nonce;  // the id-pkix-ocsp-nonce extension's value, when present
};

// Parses a DER OCSPRequest. kBadRequest when it does not parse, asks about no certificate or
// more than `max_ids`, or a CertID hashes with an algorithm other than SHA-1/224/256/384/512
// (each is then answered malformedRequest).
Result<OcspRequestInfo> ParseOcspRequest(ByteView der, size_t max_ids = 32);

// How CertIDs name a CA: the hashes of its subject name (DER) and of its public key's bits.
struct OcspIssuerHashes {
  Bytes name_sha1, key_sha1, name_sha256, key_sha256;
};
// kCrypto when the certificate cannot be encoded.
Result<OcspIssuerHashes> OcspHashesOf(const X509& ca);
// True when `id` names the CA of `hashes` (SHA-1 or SHA-256 CertIDs; others never match).
bool NamesIssuer(const OcspIssuerHashes& hashes, const OcspCertId& id);

// One answer of a response.
struct OcspAnswer {
  enum class Status { kGood, kRevoked, kUnknown };
  const OcspCertId* id = nullptr;
  Status status = Status::kUnknown;
  int64_t revoked_at = 0;
  int reason = -1;  // RFC 5280 reason code; -1: none given
  int64_t this_update = 0;
  int64_t next_update = 0;  // 0: none (the answer may be stale at once)
};

// A successful, signed response (BasicOCSPResponse): each answer, the nonce when given, the
// responder named by key hash, and `signer`'s certificate included (a delegated responder's).
// producedAt is the signing time. kCrypto on failure.
Result<Bytes> SignOcspResponse(const X509& signer, const EVP_PKEY& key,
                               std::span<const OcspAnswer> answers,
                               const std::optional<Bytes>& nonce);

// An OCSPResponse with this status and no responseBytes.
Bytes OcspErrorResponse(OcspError error);

}  // namespace scepgate::ca

// What a request presenting a one-time challenge (or renewing a linked certificate) must look
// like, and the checks of a CSR against it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"
#include "policy/sealed_challenge.h"
#include "store/store.h"

namespace scepgate::policy {

struct Expected {
  std::string challenge_id;
  std::string device_id;
  std::string user_upn;
  std::string profile;
  int64_t expires_at = 0;
  Bytes subject_digest;           // SubjectDigest of the expected subject
  Bytes sans_digest;              // SansDigest of the expected SANs
  std::string subject;            // for messages; "" when only the digest is known (sealed)
  uint32_t key_usage = 0;         // KU_* bits the certificate will carry
  std::vector<std::string> ekus;  // dotted OIDs the certificate will carry
  std::string key_type;           // "rsa" | "ec"
  int min_key_size = 0;
  int validity_days = 0;
  std::string purpose;
};

// 16 bytes of SHA-256 over the canonical form (name_match.h) of a subject in RFC 4514 form; the
// empty string stands for the empty name. kInvalidArgument for a malformed name.
Result<Bytes> SubjectDigest(std::string_view rfc4514);
// The same over a parsed name. kBadRequest for a value that cannot be read as text.
Result<Bytes> SubjectDigest(const X509_NAME& name);
// 16 bytes of SHA-256 over the canonical form of a SAN set. kInvalidArgument for a bad entry.
Result<Bytes> SansDigest(const std::vector<std::string>& sans);

// From a stored challenge. kInvalidArgument when its subject or SANs do not parse.
Result<Expected> ExpectedFromRecord(const store::ChallengeRecord& record);
// From the claims of a sealed challenge (the subject is only known by its digest).
Expected ExpectedFromClaims(const SealedClaims& claims);

// Checks the CSR against `expected`, in order, each refusal kPolicyDenied with its stable code:
// SubjectNameMismatch, SubjectAltNameMismatch, KeyLengthMismatch (wrong key type or too small),
// KeyUsageMismatch (asks for a usage the certificate will not carry), EnhancedKeyUsageMismatch
// (asks for an EKU the profile does not grant). kBadRequest for a CSR whose names, key or
// extensions cannot be read.
// `key` is the CSR's public key (null: none usable). The key's parameters are checked before, on
// every path, by key_rules.h.
Status CheckCsr(const Expected& expected, const X509_REQ& csr, const EVP_PKEY* key);
// The key and usage checks alone (for a renewal, whose names renewal.h checks): KeyLengthMismatch,
// KeyUsageMismatch, EnhancedKeyUsageMismatch; kBadRequest as CheckCsr.
Status CheckCsrKeyAndUsages(const Expected& expected, const X509_REQ& csr, const EVP_PKEY* key);

}  // namespace scepgate::policy

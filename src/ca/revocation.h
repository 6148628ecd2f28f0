// CRL reason codes (RFC 5280 §5.3.1).
#pragma once

#include <string_view>

#include "common/error.h"

namespace scepgate::ca {

enum class RevocationReason : int {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,
  kPrivilegeWithdrawn = 9,
};

// Revokes certificates and makes the revocation visible (scep::CrlPublisher re-signs the CRL).
// Implementations are thread-safe.
class Revoker {
 public:
  virtual ~Revoker() = default;
  // kNotFound for an unknown serial, kAlreadyExists when already revoked, kDatabase / kCrypto.
  virtual Status Revoke(std::string_view serial, RevocationReason reason) = 0;
};

// Parses the RFC 5280 names ("keyCompromise", "superseded", ...), case-insensitively.
// Returns kInvalidArgument for anything else.
Result<RevocationReason> ParseRevocationReason(std::string_view text);
std::string_view RevocationReasonName(RevocationReason r);

}  // namespace scepgate::ca

// CRL reason codes (RFC 5280 §5.3.1).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// What one Revoker::RevokeMany call did; each list keeps the order the serials were given in.
struct RevokeReport {
  std::vector<std::string> revoked;  // revoked by this call
  std::vector<std::string> not_found;
  std::vector<std::string> already_revoked;  // before this call, or named twice in it
};

// Revokes certificates and makes the revocation visible (scep::CrlPublisher re-signs the CRL).
// Implementations are thread-safe.
class Revoker {
 public:
  virtual ~Revoker() = default;
  // Revokes the certificates with these serials (stored form: lower-case hex) and makes it visible
  // once for all of them: each affected issuer's CRL is re-signed once. kDatabase / kCrypto /
  // kUnavailable: the certificates revoked before the failure stay revoked (a later call reports
  // them already revoked) and the next CRL lists them.
  virtual Result<RevokeReport> RevokeMany(std::span<const std::string> serials,
                                          RevocationReason reason) = 0;

  // RevokeMany for one serial: kNotFound for an unknown serial, kAlreadyExists when already
  // revoked, else what RevokeMany returns.
  Status Revoke(std::string_view serial, RevocationReason reason);
};

// Parses the RFC 5280 names ("keyCompromise", "superseded", ...), case-insensitively.
// Returns kInvalidArgument for anything else.
Result<RevocationReason> ParseRevocationReason(std::string_view text);
std::string_view RevocationReasonName(RevocationReason r);

}  // namespace scepgate::ca

// What the gateway recorded, as an administrator reads and acts on it: issued certificates (list,
// show, revoke), request records and notification events. The CLI and the REST API call these
// same functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/revocation.h"
#include "common/error.h"
#include "store/store.h"

namespace scepgate::mgmt {

// A serial as people paste it ("0A:1B", "0x0a1b", leading zeros) in the stored form: lower-case
// hex without separators or leading zeros.
std::string NormalizeSerial(std::string_view serial);

// "90s", "60m", "2h", "1d"; a bare number is minutes (ParseDuration). Returns seconds, or
// kInvalidArgument for anything else (zero and over 100 years included). Challenges::Issue checks
// the range.
Result<int64_t> ParseChallengeTtl(std::string_view text);

// Thread-safe as far as the store and the revoker are: holds no state of its own.
class Records {
 public:
  Records(store::Store& store, ca::Revoker* revoker = nullptr) : store_(store), revoker_(revoker) {}

  // Newest first; `status` "" (any), "valid" or "revoked"; `limit` 0 = all. kInvalidArgument for
  // another status or a negative limit; kDatabase.
  Result<std::vector<store::CertificateRecord>> Certificates(std::string_view status, int limit);
  // The certificate with this serial (any form NormalizeSerial takes). kNotFound when none.
  Result<store::CertificateRecord> Certificate(std::string_view serial);
  // Revokes the certificate and re-signs its CRL; returns it as revoked. kInvalidArgument for an
  // unknown reason name (RFC 5280: "keyCompromise", ...) or when there is no revoker, kNotFound
  // for an unknown serial, kAlreadyExists when already revoked.
  Result<store::CertificateRecord> Revoke(std::string_view serial, std::string_view reason);
  // Revokes many certificates at once (each CRL re-signed once) and says what happened to each
  // serial (NormalizeSerial forms). kInvalidArgument for an unknown reason, no revoker, an empty
  // list or a serial that is not hex; else what ca::Revoker::RevokeMany returns.
  Result<ca::RevokeReport> RevokeMany(std::span<const std::string> serials,
                                      std::string_view reason);
  // Request records, newest first, filtered by state and device id ("" = any); `limit` 0 = all.
  // kNotFound for a device id that names no device, kInvalidArgument for a negative limit.
  Result<std::vector<store::RequestRecord>> Requests(std::string_view state,
                                                     std::string_view device, int limit);
  // Notification events, newest first; `state` "", "pending", "delivered" or "dead".
  // kInvalidArgument for another state or a negative limit.
  Result<std::vector<store::OutboxEvent>> Events(std::string_view state, int limit);

 private:
  store::Store& store_;
  ca::Revoker* revoker_;  // null: Revoke refuses
};

}  // namespace scepgate::mgmt

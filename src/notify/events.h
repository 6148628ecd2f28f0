// The events scepgate tells the outside world about, as outbox rows: their type and JSON data.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "store/store.h"

namespace scepgate::notify {

inline constexpr char kCertificateIssued[] = "certificate.issued";
inline constexpr char kRequestFailed[] = "request.failed";
inline constexpr char kCertificateRevoked[] = "certificate.revoked";
inline constexpr char kCaExpiring[] = "ca.expiring";
inline constexpr char kRaRenewed[] = "ca.ra_renewed";

// data: serial, issuer_id, subject, sans, not_before, not_after, sha256, device_id, user_upn,
// profile, transaction_id, renewal, correlation_id. Due at once.
store::OutboxEvent IssuedEvent(const store::CertificateRecord& cert,
                               const store::RequestRecord& request, int64_t now);
// data: transaction_id, message_type, fail_info, reason (the stable code first), stage,
// device_id, user_upn, profile, remote_addr, correlation_id. Due at once.
store::OutboxEvent FailedEvent(const store::RequestRecord& request, int64_t now);
// data: serial, issuer_id, subject, reason (RFC 5280 name), revoked_at, device_id, user_upn,
// profile. Due at once.
store::OutboxEvent RevokedEvent(const store::CertificateRecord& cert, int reason, int64_t now);

// data: role (root, intermediate, issuing, ra, next), subject, sha256, not_after, days_left,
// state (warning or expired). Due at once.
store::OutboxEvent ExpiringEvent(const std::string& role, const std::string& subject,
                                 const std::string& sha256, int64_t not_after,
                                 const std::string& state, int64_t now);

// data: subject, sha256 (of the new RA certificate), replaces (the old one's sha256), not_after,
// node (that published it). Due at once.
store::OutboxEvent RaRenewedEvent(const store::RaCertificateRecord& record,
                                  const std::string& subject, int64_t now);

// The body POSTed for an event: {"id", "type", "created_at" (ISO 8601), "request_id", "data"}.
// Returns the data unparsed as "data" is embedded verbatim when it is valid JSON; kInternal when
// the stored payload is not a JSON object.
Result<std::string> EnvelopeJson(const store::OutboxEvent& event);

}  // namespace scepgate::notify

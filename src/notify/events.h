// The events scepgate tells the outside world about, as outbox rows: their type and JSON data.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/ossl.h"
#include "store/store.h"

namespace scepgate::notify {

inline constexpr char kCertificateIssued[] = "certificate.issued";
inline constexpr char kRequestFailed[] = "request.failed";
inline constexpr char kCertificateRevoked[] = "certificate.revoked";
inline constexpr char kCaExpiring[] = "ca.expiring";
inline constexpr char kRaRenewed[] = "ca.ra_renewed";
// Intune's notifications (docs/intune.md), delivered to Intune by their own notifier, never to
// the webhooks: every type starting with this prefix.
inline constexpr char kIntuneEventPrefix[] = "intune.";
inline constexpr char kIntuneSuccess[] = "intune.success";
inline constexpr char kIntuneFailure[] = "intune.failure";

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

// For Intune (IntuneSink): the certificate issued for a request Intune validated. data:
// transaction_id, serial, csr (base64 DER, as the device sent it), correlation_id. The sink reads
// the rest (thumbprint, expiry, issuer) from the stored certificate. Due at once.
store::OutboxEvent IntuneSuccessEvent(const store::CertificateRecord& cert,
                                      const store::RequestRecord& request, ByteView csr_der,
                                      int64_t now);
// For Intune: a request Intune validated (or was asked about) that was not issued. data:
// transaction_id, csr, hresult (HResultFor), description (the stable code and why),
// correlation_id. Due at once.
store::OutboxEvent IntuneFailureEvent(const store::RequestRecord& request, ByteView csr_der,
                                      int64_t now);
// The Windows HRESULT Intune is told for a refused request, from its record:
// RPC_S_SERVER_UNAVAILABLE (0x800706BA) when Intune or the store could not be reached,
// NTE_BAD_SIGNATURE (0x80090006) for a request whose signature does not verify (badMessageCheck),
// CERTSRV_E_TEMPLATE_DENIED (0x80094012) for any other refusal by the checks, E_UNEXPECTED
// (0x8000FFFF) for a failure while issuing. As the signed 32-bit value. Thread-safe.
int64_t HResultFor(const store::RequestRecord& request);

// The body POSTed for an event: {"id", "type", "created_at" (ISO 8601), "request_id", "data"}.
// Returns the data unparsed as "data" is embedded verbatim when it is valid JSON; kInternal when
// the stored payload is not a JSON object.
Result<std::string> EnvelopeJson(const store::OutboxEvent& event);

}  // namespace scepgate::notify

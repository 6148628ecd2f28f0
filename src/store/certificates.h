// Issued certificates, their revocation, and the CRLs published over them.
// Part of the store (store.h): what the CA issued and revoked; serials are unique (a primary key).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"
#include "store/outbox.h"
#include "store/page_cursor.h"

namespace scepgate::store {

enum class CertStatus { kValid, kRevoked };

struct CertificateRecord {
  std::string serial;             // lower-case hex, no leading zeros
  std::string issuer_id;          // SHA-256 thumbprint (hex) of the issuing CA certificate
  std::string subject;            // RFC 2253 form
  std::vector<std::string> sans;  // "DNS:x", "email:x", "IP:x", "URI:x", "UPN:x"
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::string sha1;                   // thumbprint of the DER, hex
  std::string sha256;                 // thumbprint of the DER, hex
  std::string public_key_sha256;      // SHA-256 of the SubjectPublicKeyInfo DER, hex
  std::string transaction_id;         // of the request that produced it
  std::string request_signer_sha256;  // thumbprint of the request's signer certificate
  std::string template_name;
  Bytes der;
  CertStatus status = CertStatus::kValid;
  int64_t revoked_at = 0;
  int revocation_reason = 0;  // RFC 5280 reason code
  int64_t created_at = 0;
  // What the certificate was issued for ("" / 0 when issued without a profile, e.g. on a static
  // challenge). A renewal keeps the links of the certificate it renews.
  std::string device_id;
  std::string user_upn;
  std::string profile;
  std::string challenge_id;
  int64_t request_id = 0;  // the request that produced it; set by RecordIssuance
  // Its place in the store's order of insertion, set by ListCertificates only (0 elsewhere):
  // with created_at, the cursor of the next page (CertCursor).
  int64_t seq = 0;
};

// Where a page of ListCertificates ends: the last certificate listed (created_at, seq). The next
// page holds what comes after it in newest-first order.
using CertCursor = SeqCursor;

// The cursor of `cert` ("<created_at>.<seq>", opaque to clients).
std::string CertCursorText(const CertificateRecord& cert);
// Parses what CertCursorText wrote. kInvalidArgument for anything else.
Result<CertCursor> ParseCertCursor(std::string_view text);

struct CertFilter {
  std::optional<CertStatus> status;
  std::optional<std::string> issuer_id;
  int limit = 0;                    // 0 = no limit; newest first
  std::string subject_prefix;       // the subject (RFC 2253 form) starts with it; "" = any
  std::string serial_prefix;        // the serial (lower-case hex) starts with it; "" = any
  std::string device_id;            // linked to this device; "" = any
  std::string profile;              // issued for this profile; "" = any
  int64_t issued_from = 0;          // created_at >= this; 0 = no bound
  int64_t issued_until = 0;         // created_at < this; 0 = no bound
  std::optional<CertCursor> after;  // only what comes after this cursor (the next page)
};

// What RevokeMany did with one serial.
enum class RevokeOutcome { kRevoked, kNotFound, kAlreadyRevoked };

struct Revocation {
  std::string serial;
  RevokeOutcome outcome = RevokeOutcome::kNotFound;
  std::string issuer_id;  // of the certificate; "" when not found
};

// The event RevokeMany queues for a certificate it revoked (the record as it was before). Called
// with the store's lock held: it must not call the store.
using RevokedEventFn = std::function<OutboxEvent(const CertificateRecord&)>;

// One entry of an issuer's CRL.
struct RevokedSerial {
  std::string serial;  // lower-case hex, as stored
  int64_t revoked_at = 0;
  int reason = 0;  // RFC 5280 reason code
};

// A signed CRL as published for one issuing CA.
struct CrlRecord {
  std::string issuer_id;
  int64_t number = 0;  // the CRL number (RFC 5280 5.2.3), strictly increasing per issuer
  int64_t this_update = 0;
  Bytes der;
};

// Certificates and CRLs (store/memory_store.cc, sqlite/sqlite_store.cc,
// sqlite/claims.cc). Thread-safe: every implementation may be called from several threads at once.
class CertificateStore {
 public:
  virtual ~CertificateStore() = default;

  // Stores a new certificate. Returns kAlreadyExists when the serial is taken, kDatabase otherwise.
  virtual Status InsertCertificate(const CertificateRecord& cert) = 0;

  // Returns the certificate with this serial (lower-case hex), nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) = 0;

  // Returns every certificate issued for this transaction ID, oldest first; kDatabase.
  virtual Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) = 0;

  // Returns the newest certificate with this issuer and subject, nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindLatestBySubject(
      std::string_view issuer_id, std::string_view subject) = 0;

  // Newest first. kDatabase.
  virtual Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) = 0;

  // The certificates linked to a device, newest first. kDatabase.
  virtual Result<std::vector<CertificateRecord>> CertificatesOfDevice(
      std::string_view device_id) = 0;

  // Marks the certificate revoked. Returns kNotFound for an unknown serial, kAlreadyExists when
  // it is already revoked, kDatabase otherwise.
  virtual Status Revoke(std::string_view serial, int reason, int64_t revoked_at) = 0;

  // The same, queueing `event` in the same transaction (nothing is queued when it fails).
  virtual Status RevokeAndNotify(std::string_view serial, int reason, int64_t revoked_at,
                                 const OutboxEvent& event) = 0;

  // Revokes each valid certificate named, queueing event_of(cert) for it, all in one
  // transaction. Returns one Revocation per serial, in order (a serial named twice is revoked
  // once, then found already revoked). kDatabase: nothing was revoked.
  virtual Result<std::vector<Revocation>> RevokeMany(std::span<const std::string> serials,
                                                     int reason, int64_t revoked_at,
                                                     const RevokedEventFn& event_of) = 0;

  // The revoked certificates of the issuer, for its CRL, in no particular order. kDatabase.
  virtual Result<std::vector<RevokedSerial>> ListRevoked(std::string_view issuer_id) = 0;

  // Stores the CRL when it is newer than the one stored for its issuer (a higher number), in one
  // conditional write: a CRL is never replaced by an older one, whatever the order in which
  // concurrent publishers (threads, processes, nodes) finish. Returns true when stored, false
  // when an equal or higher number was there already; kDatabase.
  virtual Result<bool> StoreCrl(const CrlRecord& crl) = 0;

  // The newest stored CRL of the issuer, nullopt when none; kDatabase.
  virtual Result<std::optional<CrlRecord>> FindCrl(std::string_view issuer_id) = 0;

  // FindCrl for a caller that holds the CRL numbered `known_number` already: when that is still
  // the newest, the record comes without its DER (which may be megabytes). kDatabase.
  virtual Result<std::optional<CrlRecord>> FindCrlIfChanged(std::string_view issuer_id,
                                                            int64_t known_number) = 0;
};

}  // namespace scepgate::store

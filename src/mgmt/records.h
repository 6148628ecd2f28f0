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
#include "mgmt/page.h"
#include "store/store.h"

namespace scepgate::mgmt {

// A serial as people paste it ("0A:1B", "0x0a1b", leading zeros) in the stored form: lower-case
// hex without separators or leading zeros.
std::string NormalizeSerial(std::string_view serial);

// "90s", "60m", "2h", "1d"; a bare number is minutes (ParseDuration). Returns seconds, or
// kInvalidArgument for anything else (zero and over 100 years included). Challenges::Issue checks
// the range.
Result<int64_t> ParseChallengeTtl(std::string_view text);

// A page of certificates as an administrator asks for it (`cert list`, GET /certificates); every
// field is text as typed, "" when not given.
struct CertQuery {
  std::string status;          // "valid" or "revoked"
  std::string issuer;          // an issuing CA's id
  std::string subject_prefix;  // the subject (as listed: "CN=dev-1,O=Example") starts with it
  std::string serial_prefix;   // hex, any case, colons allowed
  std::string device;          // linked to this device id
  std::string profile;         // issued for this profile
  std::string issued_after;    // created at or after (ParseUtcTime)
  std::string issued_before;   // created before
  std::string cursor;          // where the previous page ended (CertPage::next_cursor)
  int limit = 0;               // at most this many; 0 = all
};

using CertPage = Page<store::CertificateRecord>;  // newest first

// A page of request records (`requests list`, GET /requests); text as typed, "" when not given.
struct RequestQuery {
  std::string state;           // "issued", "failed", "pending", ...
  std::string device;          // of this device id
  std::string profile;         // of this profile (any case)
  std::string created_after;   // at or after (ParseUtcTime)
  std::string created_before;  // before
  std::string cursor;          // where the previous page ended
  int limit = 0;               // at most this many; 0 = all
};

// A page of notification events (`events list`, GET /events).
struct EventQuery {
  std::string state;   // "pending", "delivered" or "dead"
  std::string type;    // "certificate.issued", ...
  std::string cursor;  // where the previous page ended
  int limit = 0;       // at most this many; 0 = all
};

// Thread-safe as far as the store and the revoker are: holds no state of its own.
class Records {
 public:
  Records(store::Store& store, ca::Revoker* revoker = nullptr) : store_(store), revoker_(revoker) {}

  // One page of certificates matching `query`, newest first. kInvalidArgument naming the field
  // for a status, serial prefix, time or cursor that does not parse, or a negative limit;
  // kDatabase.
  Result<CertPage> CertificatePage(const CertQuery& query);
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
  // One page of request records, newest first. kNotFound for a device id that names no device,
  // kInvalidArgument naming the field for a time or cursor that does not parse or a negative
  // limit; kDatabase.
  Result<Page<store::RequestRecord>> RequestPage(const RequestQuery& query);
  // One page of notification events, newest first. kInvalidArgument for a state other than
  // pending, delivered or dead, a cursor that does not parse or a negative limit; kDatabase.
  Result<Page<store::OutboxEvent>> EventPage(const EventQuery& query);

 private:
  store::Store& store_;
  ca::Revoker* revoker_;  // null: Revoke refuses
};

}  // namespace scepgate::mgmt

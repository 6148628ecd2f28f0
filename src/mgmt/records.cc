#include "mgmt/records.h"

#include <algorithm>

#include "common/duration.h"
#include "common/hex_digit.h"
#include "common/text.h"
#include "common/utc_time.h"

namespace scepgate::mgmt {
namespace {}  // namespace

std::string NormalizeSerial(std::string_view serial) {
  std::string s = AsciiLower(serial);
  std::erase(s, ':');
  if (s.starts_with("0x")) s = s.substr(2);
  size_t nz = s.find_first_not_of('0');
  return nz == std::string::npos ? "0" : s.substr(nz);
}

Result<int64_t> ParseChallengeTtl(std::string_view text) {
  // The lifetime's range is Challenges::Issue's to check: "31d" parses, and Issue says why not.
  return ParseDuration(text, {.bare_unit = 60});
}

Result<CertPage> Records::CertificatePage(const CertQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::CertFilter f;
  f.limit = q.limit;
  if (q.status == "valid")
    f.status = store::CertStatus::kValid;
  else if (q.status == "revoked")
    f.status = store::CertStatus::kRevoked;
  else if (!q.status.empty())
    return Fail(Error::InvalidArgument("status is valid or revoked"));
  if (!q.issuer.empty()) f.issuer_id = AsciiLower(q.issuer);
  f.subject_prefix = q.subject_prefix;
  if (!q.serial_prefix.empty()) {
    std::string hex = AsciiLower(q.serial_prefix);
    std::erase(hex, ':');
    if (hex.starts_with("0x")) hex = hex.substr(2);
    // Leading zeros are not stored (NormalizeSerial).
    hex.erase(0, std::min(hex.find_first_not_of('0'), hex.size()));
    if (hex.find_first_not_of("0123456789abcdef") != std::string::npos)
      return Fail(Error::InvalidArgument("serial_prefix must be hexadecimal"));
    f.serial_prefix = hex;
  }
  f.device_id = q.device;
  f.profile = q.profile;
  SG_ASSIGN_OR_RETURN(f.issued_from, PageTimeBound(q.issued_after, "issued_after"));
  SG_ASSIGN_OR_RETURN(f.issued_until, PageTimeBound(q.issued_before, "issued_before"));
  SG_ASSIGN_OR_RETURN(f.after, PageCursor(q.cursor, store::ParseCertCursor));
  SG_ASSIGN_OR_RETURN(auto items, store_.ListCertificates(f));
  return MakePage(std::move(items), q.limit, store::CertCursorText);
}

Result<store::CertificateRecord> Records::Certificate(std::string_view serial) {
  SG_ASSIGN_OR_RETURN(auto cert, store_.FindCertificate(NormalizeSerial(serial)));
  if (!cert) return Fail(Error::NotFound("no certificate with serial " + std::string(serial)));
  return std::move(*cert);
}

Result<store::CertificateRecord> Records::Revoke(std::string_view serial, std::string_view reason) {
  SG_ASSIGN_OR_RETURN(ca::RevocationReason r,
                      ca::ParseRevocationReason(reason.empty() ? "unspecified" : reason));
  if (revoker_ == nullptr) return Fail(Error::InvalidArgument("revocation is not available here"));
  SG_TRY_STATUS(revoker_->Revoke(NormalizeSerial(serial), r));
  return Certificate(serial);
}

Result<ca::RevokeReport> Records::RevokeMany(std::span<const std::string> serials,
                                             std::string_view reason) {
  SG_ASSIGN_OR_RETURN(ca::RevocationReason r,
                      ca::ParseRevocationReason(reason.empty() ? "unspecified" : reason));
  if (revoker_ == nullptr) return Fail(Error::InvalidArgument("revocation is not available here"));
  if (serials.empty()) return Fail(Error::InvalidArgument("no serial to revoke"));
  std::vector<std::string> normal;
  normal.reserve(serials.size());
  for (const std::string& serial : serials) {
    normal.push_back(NormalizeSerial(serial));
    if (!std::ranges::all_of(normal.back(), [](char c) { return HexDigitValue(c) >= 0; }))
      return Fail(Error::InvalidArgument("'" + serial + "' is not a serial number (hex)"));
  }
  return revoker_->RevokeMany(normal, r);
}

Result<Page<store::RequestRecord>> Records::RequestPage(const RequestQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::RequestFilter f;
  f.limit = q.limit;
  if (!q.state.empty()) f.state = q.state;
  if (!q.device.empty()) {
    // An unknown id is a mistake to report, not an empty list.
    SG_ASSIGN_OR_RETURN(auto found, store_.FindDevice(q.device));
    if (!found) return Fail(Error::NotFound("no device with id " + q.device));
    f.device_id = q.device;
  }
  f.profile = q.profile;
  SG_ASSIGN_OR_RETURN(f.created_from, PageTimeBound(q.created_after, "created_after"));
  SG_ASSIGN_OR_RETURN(f.created_until, PageTimeBound(q.created_before, "created_before"));
  SG_ASSIGN_OR_RETURN(f.after, PageCursor(q.cursor, store::ParseSeqCursor));
  SG_ASSIGN_OR_RETURN(auto items, store_.ListRequests(f));
  return MakePage(std::move(items), q.limit, [](const store::RequestRecord& r) {
    return store::SeqCursorText(r.created_at, r.id);
  });
}

Result<Page<store::OutboxEvent>> Records::EventPage(const EventQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::EventFilter f;
  f.limit = q.limit;
  if (!q.state.empty()) {
    if (q.state != "pending" && q.state != "delivered" && q.state != "dead")
      return Fail(Error::InvalidArgument("state is pending, delivered or dead"));
    f.state = q.state;
  }
  f.type = q.type;
  SG_ASSIGN_OR_RETURN(auto before, PageCursor(q.cursor, store::ParseIdCursor));
  f.before_id = before.value_or(0);
  SG_ASSIGN_OR_RETURN(auto items, store_.ListEvents(f));
  return MakePage(std::move(items), q.limit,
                  [](const store::OutboxEvent& e) { return std::to_string(e.id); });
}

}  // namespace scepgate::mgmt

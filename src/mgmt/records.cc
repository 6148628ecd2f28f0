#include "mgmt/records.h"

#include <algorithm>

#include "common/duration.h"
#include "common/hex_digit.h"
#include "common/text.h"
#include "common/utc_time.h"

namespace scepgate::mgmt {
namespace {

Status CheckLimit(int limit) {
  if (limit < 0) return Fail(Error::InvalidArgument("limit must not be negative"));
  return {};
}

}  // namespace

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
  SG_TRY_STATUS(CheckLimit(q.limit));
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
  if (!q.issued_after.empty()) {
    auto t = ParseUtcTime(q.issued_after);
    if (!t) return Fail(t.error().With("issued_after"));
    f.issued_from = *t;
  }
  if (!q.issued_before.empty()) {
    auto t = ParseUtcTime(q.issued_before);
    if (!t) return Fail(t.error().With("issued_before"));
    f.issued_until = *t;
  }
  if (!q.cursor.empty()) {
    auto c = store::ParseCertCursor(q.cursor);
    if (!c) return Fail(c.error().With("cursor"));
    f.after = *c;
  }
  CertPage page;
  SG_ASSIGN_OR_RETURN(page.items, store_.ListCertificates(f));
  if (q.limit > 0 && page.items.size() == static_cast<size_t>(q.limit))
    page.next_cursor = store::CertCursorText(page.items.back());
  return page;
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

Result<std::vector<store::RequestRecord>> Records::Requests(std::string_view state,
                                                            std::string_view device, int limit) {
  SG_TRY_STATUS(CheckLimit(limit));
  store::RequestFilter f;
  f.limit = limit;
  if (!state.empty()) f.state = std::string(state);
  if (!device.empty()) {
    // An unknown id is a mistake to report, not an empty list.
    SG_ASSIGN_OR_RETURN(auto found, store_.FindDevice(device));
    if (!found) return Fail(Error::NotFound("no device with id " + std::string(device)));
    f.device_id = std::string(device);
  }
  return store_.ListRequests(f);
}

Result<std::vector<store::OutboxEvent>> Records::Events(std::string_view state, int limit) {
  SG_TRY_STATUS(CheckLimit(limit));
  store::EventFilter f;
  f.limit = limit;
  if (!state.empty()) {
    if (state != "pending" && state != "delivered" && state != "dead")
      return Fail(Error::InvalidArgument("state is pending, delivered or dead"));
    f.state = std::string(state);
  }
  return store_.ListEvents(f);
}

}  // namespace scepgate::mgmt

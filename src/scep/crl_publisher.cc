#include "scep/crl_publisher.h"

#include <charconv>
#include <mutex>

#include "notify/events.h"

namespace scepgate::scep {
namespace {

std::string DerKey(std::string_view id) { return "crl.der." + std::string(id); }
std::string TimeKey(std::string_view id) { return "crl.this_update." + std::string(id); }

}  // namespace

CrlPublisher::CrlPublisher(const CaState& cas, store::Store& store, const Clock& clock,
                           CrlOptions options)
    : cas_(cas), store_(store), clock_(clock), options_(options) {}

Result<std::optional<CrlPublisher::Stored>> CrlPublisher::Load(std::string_view issuer_id) {
  SG_ASSIGN_OR_RETURN(auto der64, store_.GetSetting(DerKey(issuer_id)));
  SG_ASSIGN_OR_RETURN(auto when, store_.GetSetting(TimeKey(issuer_id)));
  if (!der64 || !when) return std::optional<Stored>();
  Stored s;
  auto der = Base64Decode(*der64);
  if (!der) return std::optional<Stored>();
  s.der = std::move(*der);
  std::from_chars(when->data(), when->data() + when->size(), s.this_update);
  return std::optional<Stored>(std::move(s));
}

Result<Bytes> CrlPublisher::Get(std::string_view issuer_id) {
  const IssuingCa* ca = cas_.FindById(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no issuing CA " + std::string(issuer_id)));
  SG_ASSIGN_OR_RETURN(auto stored, Load(issuer_id));
  int64_t now = clock_.Now();
  if (stored && now - stored->this_update < options_.refresh_hours * 3600LL) return stored->der;
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(stored, Load(issuer_id));  // another thread may have just signed one
  if (stored && now - stored->this_update < options_.refresh_hours * 3600LL) return stored->der;
  return PublishLocked(*ca);
}

Status CrlPublisher::Publish(std::string_view issuer_id) {
  const IssuingCa* ca = cas_.FindById(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no issuing CA " + std::string(issuer_id)));
  std::lock_guard lock(mu_);
  SG_TRY_STATUS(PublishLocked(*ca));
  return {};
}

Status CrlPublisher::RefreshAll() {
  for (const auto& ca : cas_.all()) SG_TRY_STATUS(Get(ca->id));
  return {};
}

Result<Bytes> CrlPublisher::PublishLocked(const IssuingCa& ca) {
  store::CertFilter filter;
  filter.status = store::CertStatus::kRevoked;
  filter.issuer_id = ca.id;
  SG_ASSIGN_OR_RETURN(auto revoked, store_.ListCertificates(filter));
  std::vector<ca::RevokedEntry> entries;
  entries.reserve(revoked.size());
  for (const auto& c : revoked) {
    SG_ASSIGN_OR_RETURN(Bytes serial, HexDecode(c.serial.size() % 2 ? "0" + c.serial : c.serial));
    entries.push_back(
        {std::move(serial), c.revoked_at, static_cast<ca::RevocationReason>(c.revocation_reason)});
  }
  SG_ASSIGN_OR_RETURN(int64_t number, store_.NextCounter("crl_number." + ca.id));
  int64_t now = clock_.Now();
  SG_ASSIGN_OR_RETURN(X509CrlPtr crl, ca.issuer->SignCrl(entries, number, now,
                                                         now + options_.validity_hours * 3600LL));
  SG_ASSIGN_OR_RETURN(Bytes der, CrlToDer(*crl));
  SG_TRY_STATUS(store_.SetSetting(DerKey(ca.id), Base64Encode(der)));
  SG_TRY_STATUS(store_.SetSetting(TimeKey(ca.id), std::to_string(now)));
  return der;
}

Status CrlPublisher::Revoke(std::string_view serial, ca::RevocationReason reason) {
  SG_ASSIGN_OR_RETURN(auto cert, store_.FindCertificate(serial));
  if (!cert) return Fail(Error::NotFound("no certificate with serial " + std::string(serial)));
  int64_t now = clock_.Now();
  SG_TRY_STATUS(store_.RevokeAndNotify(serial, static_cast<int>(reason), now,
                                       notify::RevokedEvent(*cert, static_cast<int>(reason), now)));
  if (cas_.FindById(cert->issuer_id) == nullptr) return {};  // issuer no longer held here
  return Publish(cert->issuer_id);
}

}  // namespace scepgate::scep

#include "scep/crl_publisher.h"

#include <mutex>

#include "notify/events.h"

namespace scepgate::scep {

CrlPublisher::CrlPublisher(const CaState& cas, store::Store& store, const Clock& clock,
                           CrlOptions options)
    : cas_(cas), store_(store), clock_(clock), options_(options) {}

Result<std::optional<CrlPublisher::Stored>> CrlPublisher::Load(std::string_view issuer_id) {
  SG_ASSIGN_OR_RETURN(auto crl, store_.FindCrl(issuer_id));
  if (!crl) return std::optional<Stored>();
  return std::optional<Stored>(Stored{std::move(crl->der), crl->this_update});
}

Result<Bytes> CrlPublisher::Get(std::string_view issuer_id) {
  const IssuingCa* ca = cas_.FindById(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no issuing CA " + std::string(issuer_id)));
  SG_ASSIGN_OR_RETURN(auto stored, Load(issuer_id));
  int64_t now = clock_.Now();
  if (!ca->issuer->can_sign()) {
    if (stored) return std::move(stored->der);  // its key holders keep it fresh
    return Fail(Error::NotFound("no CRL of issuing CA " + std::string(issuer_id) +
                                " was published yet by a node holding its key"));
  }
  if (stored && now - stored->this_update < options_.refresh_hours * 3600LL) return stored->der;
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(stored, Load(issuer_id));  // another thread may have just signed one
  if (stored && now - stored->this_update < options_.refresh_hours * 3600LL) return stored->der;
  return PublishLocked(*ca);
}

Status CrlPublisher::Publish(std::string_view issuer_id) {
  const IssuingCa* ca = cas_.FindById(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no issuing CA " + std::string(issuer_id)));
  if (!ca->issuer->can_sign()) return store_.WantCrl(issuer_id);
  std::lock_guard lock(mu_);
  SG_TRY_STATUS(PublishLocked(*ca));
  return {};
}

Status CrlPublisher::RefreshAll() {
  for (const auto& ca : cas_.all())
    if (ca->issuer->can_sign()) SG_TRY_STATUS(Get(ca->id));
  return {};
}

// `crl_wanted` is read before the CRL's revocation list: whatever raised it had committed its
// revocation first, so it is on this CRL; a revocation after the read leaves wanted above
// published, and the next call publishes again.
Status CrlPublisher::PublishWanted() {
  SG_ASSIGN_OR_RETURN(auto issuers, store_.ListIssuers());
  Status first;
  for (const store::IssuerRecord& r : issuers) {
    if (r.crl_wanted <= r.crl_published) continue;
    const IssuingCa* ca = cas_.FindById(r.id);
    if (ca == nullptr || !ca->issuer->can_sign()) continue;
    Status done = [&]() -> Status {
      {
        std::lock_guard lock(mu_);
        SG_TRY_STATUS(PublishLocked(*ca));
      }
      return store_.CrlPublished(r.id, r.crl_wanted);
    }();
    if (!done && first) first = done;
  }
  return first;
}

// The number is taken before the list is read: a revocation committed before this publish
// started is on this CRL, and on every CRL with a higher number, which took its number later.
// The store keeps the highest number, so whatever order concurrent publishers (threads,
// processes) finish in, the stored CRL lists every revocation committed before it was started.
Result<Bytes> CrlPublisher::PublishLocked(const IssuingCa& ca) {
  SG_ASSIGN_OR_RETURN(int64_t number, store_.NextCounter("crl_number." + ca.id));
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
  int64_t now = clock_.Now();
  SG_ASSIGN_OR_RETURN(X509CrlPtr crl, ca.issuer->SignCrl(entries, number, now,
                                                         now + options_.validity_hours * 3600LL));
  SG_ASSIGN_OR_RETURN(Bytes der, CrlToDer(*crl));
  SG_ASSIGN_OR_RETURN(bool stored, store_.StoreCrl({ca.id, number, now, der}));
  if (stored) return der;
  // A publisher that started later finished first: its CRL is the newer one.
  SG_ASSIGN_OR_RETURN(auto newer, Load(ca.id));
  return newer ? std::move(newer->der) : std::move(der);
}

Status CrlPublisher::Revoke(std::string_view serial, ca::RevocationReason reason) {
  SG_ASSIGN_OR_RETURN(auto cert, store_.FindCertificate(serial));
  if (!cert) return Fail(Error::NotFound("no certificate with serial " + std::string(serial)));
  int64_t now = clock_.Now();
  SG_TRY_STATUS(store_.RevokeAndNotify(serial, static_cast<int>(reason), now,
                                       notify::RevokedEvent(*cert, static_cast<int>(reason), now)));
  if (cas_.FindById(cert->issuer_id) == nullptr) return {};  // an issuer unknown here
  return Publish(cert->issuer_id);
}

}  // namespace scepgate::scep

#include "scep/crl_publisher.h"

#include <algorithm>
#include <mutex>
#include <set>

#include "ca/hierarchy.h"
#include "notify/events.h"

namespace scepgate::scep {

CrlPublisher::CrlPublisher(const CaState& cas, store::Store& store, const Clock& clock,
                           CrlOptions options)
    : cas_(cas), store_(store), clock_(clock), options_(options) {}

// The DER is read from the store only when the CRL changed since this process last read it: a
// CRL of 100,000 entries is about 5 MB.
Result<CrlPublisher::CrlPtr> CrlPublisher::Load(std::string_view issuer_id) {
  CrlPtr known;
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(issuer_id);
    if (it != cache_.end()) known = it->second;
  }
  SG_ASSIGN_OR_RETURN(auto stored, store_.FindCrlIfChanged(issuer_id, known ? known->number : -1));
  if (!stored) return CrlPtr();
  if (known && stored->number == known->number) return known;
  return Remember(std::make_shared<const store::CrlRecord>(std::move(*stored)));
}

CrlPublisher::CrlPtr CrlPublisher::Remember(CrlPtr crl) {
  std::lock_guard lock(cache_mu_);
  CrlPtr& slot = cache_[crl->issuer_id];
  if (!slot || slot->number < crl->number) slot = crl;
  return crl;
}

Result<Bytes> CrlPublisher::Get(std::string_view issuer_id) {
  SG_ASSIGN_OR_RETURN(CrlPtr crl, Current(issuer_id));
  return crl->der;
}

const IssuingCa* CrlPublisher::Signer(std::string_view id) const {
  if (const IssuingCa* ca = cas_.FindById(id)) return ca;
  const IssuingCa* root = cas_.root_ca();
  return root != nullptr && root->id == id ? root : nullptr;
}

int64_t CrlPublisher::RefreshSeconds(const IssuingCa& ca) const {
  return (&ca == cas_.root_ca() ? options_.root_refresh_hours : options_.refresh_hours) * 3600LL;
}

Result<CrlPublisher::CrlPtr> CrlPublisher::Current(std::string_view issuer_id) {
  const IssuingCa* ca = Signer(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no CA " + std::string(issuer_id)));
  SG_ASSIGN_OR_RETURN(CrlPtr stored, Load(issuer_id));
  int64_t now = clock_.Now();
  if (!ca->issuer->can_sign()) {
    if (stored) return stored;  // its key holders keep it fresh
    return Fail(Error::NotFound("no CRL of CA " + std::string(issuer_id) +
                                " was published yet by a node (or a command) holding its key"));
  }
  if (stored && now - stored->this_update < RefreshSeconds(*ca)) return stored;
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(stored, Load(issuer_id));  // another thread may have just signed one
  if (stored && now - stored->this_update < RefreshSeconds(*ca)) return stored;
  return PublishLocked(*ca);
}

Status CrlPublisher::Publish(std::string_view issuer_id) {
  const IssuingCa* ca = Signer(issuer_id);
  if (ca == nullptr) return Fail(Error::NotFound("no CA " + std::string(issuer_id)));
  if (ca == cas_.root_ca() && !ca->issuer->can_sign())
    return Fail(
        Error::FailedPrecondition("the root CA's key is not here: sign its CRL with `scepgate ca "
                                  "crl --root --root-key FILE`"));
  if (!ca->issuer->can_sign()) return store_.WantCrl(issuer_id);
  std::lock_guard lock(mu_);
  SG_TRY_STATUS(PublishLocked(*ca));
  return {};
}

Status CrlPublisher::RefreshAll() {
  for (const auto& ca : cas_.all())
    if (ca->issuer->can_sign()) SG_TRY_STATUS(Get(ca->id));
  if (cas_.root_ca() != nullptr && cas_.root_ca()->issuer->can_sign())
    SG_TRY_STATUS(Get(cas_.root_ca()->id));
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
Result<CrlPublisher::CrlPtr> CrlPublisher::PublishLocked(const IssuingCa& ca) {
  SG_ASSIGN_OR_RETURN(int64_t number, store_.NextCounter("crl_number." + ca.id));
  SG_ASSIGN_OR_RETURN(auto revoked, RevokedUnder(ca));
  std::vector<ca::RevokedEntry> entries;
  entries.reserve(revoked.size());
  for (const store::RevokedSerial& c : revoked) {
    SG_ASSIGN_OR_RETURN(Bytes serial, HexDecode(c.serial.size() % 2 ? "0" + c.serial : c.serial));
    entries.push_back(
        {std::move(serial), c.revoked_at, static_cast<ca::RevocationReason>(c.reason)});
  }
  int64_t now = clock_.Now();
  const int64_t validity =
      (&ca == cas_.root_ca() ? options_.root_validity_hours : options_.validity_hours) * 3600LL;
  SG_ASSIGN_OR_RETURN(X509CrlPtr crl, ca.issuer->SignCrl(entries, number, now, now + validity));
  SG_ASSIGN_OR_RETURN(Bytes der, CrlToDer(*crl));
  auto record = std::make_shared<const store::CrlRecord>(
      store::CrlRecord{ca.id, number, now, std::move(der)});
  SG_ASSIGN_OR_RETURN(bool stored, store_.StoreCrl(*record));
  if (stored) return Remember(record);
  // A publisher that started later finished first: its CRL is the newer one.
  SG_ASSIGN_OR_RETURN(CrlPtr newer, Load(ca.id));
  return newer ? newer : record;
}

// The root's CRL lists the issuing CAs revoked in the registry (`ca revoke-issuer`) that it issued;
// an issuing CA's lists the certificates revoked in the store.
Result<std::vector<store::RevokedSerial>> CrlPublisher::RevokedUnder(const IssuingCa& ca) {
  if (&ca != cas_.root_ca()) return store_.ListRevoked(ca.id);
  SG_ASSIGN_OR_RETURN(auto issuers, store_.ListIssuers());
  std::vector<store::RevokedSerial> out;
  for (const store::IssuerRecord& r : issuers) {
    if (r.revoked_at == 0) continue;
    SG_ASSIGN_OR_RETURN(X509Ptr cert, CertFromDer(r.cert_der));
    if (!ca::IsIssuedBy(*cert, ca.issuer->cert())) continue;
    out.push_back(
        {SerialHex(*X509_get0_serialNumber(cert.get())), r.revoked_at, r.revocation_reason});
  }
  return out;
}

// Revocations are committed kRevokeBatch at a time, so that a bulk revocation holds the store's
// write lock (SQLite) or its row locks (PostgreSQL) only briefly while enrollments go on. The CRLs
// are re-signed once at the end, also after a failure: what was revoked must reach them.
Result<ca::RevokeReport> CrlPublisher::RevokeMany(std::span<const std::string> serials,
                                                  ca::RevocationReason reason) {
  constexpr size_t kRevokeBatch = 1000;
  const int code = static_cast<int>(reason);
  const int64_t now = clock_.Now();
  auto event_of = [&](const store::CertificateRecord& c) {
    return notify::RevokedEvent(c, code, now);
  };
  ca::RevokeReport report;
  std::set<std::string> issuers;
  Status failed;
  for (size_t at = 0; at < serials.size(); at += kRevokeBatch) {
    auto chunk = serials.subspan(at, std::min(kRevokeBatch, serials.size() - at));
    auto done = store_.RevokeMany(chunk, code, now, event_of);
    if (!done) {
      failed = Fail(std::move(done).error());
      break;
    }
    for (store::Revocation& r : *done) {
      switch (r.outcome) {
        case store::RevokeOutcome::kRevoked:
          issuers.insert(r.issuer_id);
          report.revoked.push_back(std::move(r.serial));
          break;
        case store::RevokeOutcome::kNotFound:
          report.not_found.push_back(std::move(r.serial));
          break;
        case store::RevokeOutcome::kAlreadyRevoked:
          report.already_revoked.push_back(std::move(r.serial));
          break;
      }
    }
  }
  for (const std::string& issuer : issuers) {
    if (cas_.FindById(issuer) == nullptr) continue;  // an issuer unknown here
    Status published = Publish(issuer);
    if (!published && failed) failed = std::move(published);
  }
  if (!failed) return Fail(std::move(failed).error());
  return report;
}

}  // namespace scepgate::scep

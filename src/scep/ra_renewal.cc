#include "scep/ra_renewal.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <array>
#include <system_error>

#include "ca/ca_dir.h"
#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "notify/events.h"

namespace scepgate::scep {
namespace {

std::string Sha256Hex(ByteView der) {
  auto digest = Digest("SHA256", der);
  return digest ? HexEncode(*digest) : "";
}

int64_t NotAfterOr0(const X509& cert) {
  auto t = AsnTimeToUnix(*X509_get0_notAfter(&cert));
  return t ? *t : 0;
}

std::string SubjectOf(const X509& cert) { return NameToString(*X509_get_subject_name(&cert)); }

}  // namespace

std::string NodeName(const std::filesystem::path& dir) {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(dir, ec);
  return std::string(host.data()) + ":" + (ec ? dir : absolute).lexically_normal().string();
}

std::string KeyId(const X509& cert) { return Sha256Hex(SpkiDer(X509_get_X509_PUBKEY(&cert))); }

bool RaRenewal::RenewalDue(const X509& ra, int64_t now) const {
  auto not_before = AsnTimeToUnix(*X509_get0_notBefore(&ra));
  const int64_t not_after = NotAfterOr0(ra);
  const int64_t lifetime = not_before ? not_after - *not_before : 0;
  // Half the lifetime at most, so that a certificate shorter than the lead time is not renewed
  // again as soon as it is served.
  return not_after - now <= std::min(options_.renew_before_seconds, lifetime / 2);
}

RaRenewal::RaRenewal(std::filesystem::path dir, store::Store& store, const Clock& clock,
                     Random& random, RaRenewalOptions options)
    : dir_(std::move(dir)),
      store_(store),
      clock_(clock),
      random_(random),
      options_(std::move(options)) {}

Result<store::RaCertificateRecord> RaRenewal::Renew(const CaState& cas) {
  const X509& ra = cas.ra_cert();
  const std::string served = CertSha256(ra);
  const IssuingCa& current = cas.current();
  if (!current.issuer->can_sign())
    return Fail(Error::FailedPrecondition(
        "this node does not hold the key of the current issuing CA: a node that does renews the "
        "RA certificate"));
  if (cas.FindIssuerOf(ra) != &current)
    return Fail(Error::FailedPrecondition(
        "the RA certificate was not issued by the current issuing CA: activate a rollover "
        "(`scepgate ca activate`), which issues a new RA"));
  const int64_t now = clock_.Now();
  SG_ASSIGN_OR_RETURN(Bytes serial, ca::RandomSerial(random_));
  SG_ASSIGN_OR_RETURN(X509Ptr cert, current.issuer->RenewRa(ra, serial, now));
  if (NotAfterOr0(*cert) <= NotAfterOr0(ra))
    return Fail(Error::FailedPrecondition(
        "a renewal would not outlast the RA certificate: the issuing CA ends first (stage and "
        "activate a rollover: `scepgate ca rollover`, `scepgate ca activate`)"));
  SG_ASSIGN_OR_RETURN(Bytes der, CertToDer(*cert));
  store::RaCertificateRecord record{CertSha256(*cert),  KeyId(ra), served,       der,
                                    NotAfterOr0(*cert), now,       options_.node};
  if (auto published = store_.PublishRaCertificate(record); !published) {
    if (published.error().code != ErrorCode::kAlreadyExists) return Fail(published.error());
    auto latest = store_.LatestRaCertificate(record.key_id);
    std::string which = latest && *latest ? " (" + (*latest)->id + ")" : "";
    return Fail(
        Error::AlreadyExists("the RA certificate " + served + " was renewed already" + which));
  }
  spdlog::info("published a renewal of the RA certificate {}: {} valid until {}", served, record.id,
               record.not_after);
  if (auto queued = store_.EnqueueEvent(notify::RaRenewedEvent(record, SubjectOf(*cert), now));
      !queued)
    spdlog::error("the ca.ra_renewed event was not queued: {}", queued.error().message);
  return record;
}

Result<std::optional<store::RaCertificateRecord>> RaRenewal::Newer(const CaState& cas) {
  const X509& ra = cas.ra_cert();
  SG_ASSIGN_OR_RETURN(std::optional<store::RaCertificateRecord> latest,
                      store_.LatestRaCertificate(KeyId(ra)));
  if (!latest || latest->id == CertSha256(ra) || latest->not_after <= NotAfterOr0(ra))
    return std::optional<store::RaCertificateRecord>();
  // What the store says is checked like anything read from outside: the certificate must be the
  // one named, certify the RA key, and be issued by an issuing CA of this deployment.
  SG_ASSIGN_OR_RETURN(X509Ptr cert, CertFromDer(latest->cert_der));
  if (CertSha256(*cert) != latest->id || KeyId(*cert) != KeyId(ra))
    return Fail(Error::InvalidArgument("the published RA certificate " + latest->id +
                                       " does not match its record"));
  if (cas.FindIssuerOf(*cert) == nullptr)
    return Fail(Error::InvalidArgument("the published RA certificate " + latest->id +
                                       " was not issued by an issuing CA of this deployment"));
  if (NotAfterOr0(*cert) <= clock_.Now()) return std::optional<store::RaCertificateRecord>();
  return latest;
}

Result<RaRenewalRound> RaRenewal::Check(const CaState& cas) {
  RaRenewalRound round;
  const int64_t now = clock_.Now();
  const X509& ra = cas.ra_cert();
  SG_ASSIGN_OR_RETURN(std::optional<store::RaCertificateRecord> newer, Newer(cas));
  if (!newer && options_.renew_before_seconds > 0 && RenewalDue(ra, now)) {
    auto renewed = Renew(cas);
    if (renewed) {
      round.published = true;
    } else if (renewed.error().code == ErrorCode::kFailedPrecondition) {
      spdlog::debug("RA renewal: {}", renewed.error().message);
    } else if (renewed.error().code != ErrorCode::kAlreadyExists) {
      return Fail(renewed.error());
    }
    SG_ASSIGN_OR_RETURN(newer, Newer(cas));
  }
  const X509* next = cas.ra_next();
  const std::string loaded = next != nullptr ? CertSha256(*next) : "";
  if (newer && newer->id != loaded) {
    SG_ASSIGN_OR_RETURN(X509Ptr cert, CertFromDer(newer->cert_der));
    SG_TRY_STATUS(ca::StageRaCertificate(dir_, *cert));
    spdlog::info("loaded the renewed RA certificate {} (published by {})", newer->id,
                 newer->created_by);
    round.changed = true;
  }
  SG_TRY_STATUS(store_.ReportNodeRa({options_.node, KeyId(ra), CertSha256(ra), loaded, now}));
  if (round.changed || !newer || newer->id != loaded) return round;
  // Serve it once every running node holding this key has loaded it (or serves it already).
  SG_ASSIGN_OR_RETURN(std::vector<store::NodeRaRecord> nodes, store_.ListNodeRa());
  for (const auto& n : nodes) {
    if (n.key_id != KeyId(ra) || n.seen_at < now - options_.live_seconds) continue;
    if (n.serving == newer->id || n.loaded == newer->id) continue;
    round.waiting_for += (round.waiting_for.empty() ? "" : ", ") + n.node;
  }
  if (!round.waiting_for.empty()) {
    spdlog::info("the renewed RA certificate {} waits for nodes that have not loaded it: {}",
                 newer->id, round.waiting_for);
    return round;
  }
  SG_TRY_STATUS(ca::PromoteRaCertificate(dir_));
  spdlog::info("serving the renewed RA certificate {}", newer->id);
  round.changed = true;
  return round;
}

}  // namespace scepgate::scep

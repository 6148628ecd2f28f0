// Keeps one signed CRL per issuing CA in the store: re-signed on every revocation and before
// it grows stale. Several processes (the server, the CLI) may publish; the store holds the latest.
// An issuing CA whose key another node holds (option 2) is never signed for here: a revocation
// asks for its CRL in the issuer registry (WantCrl), and a node holding the key publishes it
// (PublishWanted); every node serves the stored one.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ca/revocation.h"
#include "common/clock.h"
#include "scep/ca_state.h"
#include "store/store.h"

namespace scepgate::scep {

struct CrlOptions {
  int validity_hours = 168;
  int refresh_hours = 24;
  // The root's CRL (revoked issuing CAs), signed where the root key is.
  int root_validity_hours = 720;
  int root_refresh_hours = 168;
};

// Thread-safe: publishing is serialised by mu_; reads ask the store for the newest number and
// take the DER from the cache when they have it.
class CrlPublisher final : public ca::Revoker {
 public:
  CrlPublisher(const CaState& cas, store::Store& store, const Clock& clock, CrlOptions options);

  // Returns the DER of the CRL of the issuing CA (or the root) `issuer_id`, signing and storing a
  // new one when none is stored or the stored one is older than refresh_hours (root_refresh_hours)
  // and this node holds the key. kNotFound for an unknown CA, or one whose key is elsewhere and
  // whose CRL was never published.
  Result<Bytes> Get(std::string_view issuer_id);
  // A stored CRL, shared: the store reads its DER only when it changed since the last read.
  using CrlPtr = std::shared_ptr<const store::CrlRecord>;
  // Get, with the CRL's number and thisUpdate (what HTTP validators are made of). Never null.
  Result<CrlPtr> Current(std::string_view issuer_id);
  // Signs and stores a new CRL for the issuer (or the root); for an issuing CA whose key is held
  // elsewhere, asks its holders for one (IssuerStore::WantCrl). kFailedPrecondition for the root
  // without its key here, kNotFound / kCrypto / kDatabase.
  Status Publish(std::string_view issuer_id);
  // Publishes every held issuing CA's CRL, and the root's when its key is here, that is missing
  // or stale. Returns the first error.
  Status RefreshAll();
  // Publishes the CRL of every issuing CA held here that a node without its key asked for, and
  // records it in the registry. Returns the first error; the others are still tried.
  Status PublishWanted();

  // Revokes the certificates (in store transactions of up to 1000) and re-signs each affected
  // issuer's CRL once (for an issuer held elsewhere, asks for it). What ca::Revoker says.
  Result<ca::RevokeReport> RevokeMany(std::span<const std::string> serials,
                                      ca::RevocationReason reason) override;

 private:
  // The issuing CA or the root with this id; nullptr when neither.
  const IssuingCa* Signer(std::string_view id) const;
  // How old a CRL of `ca` may grow before it is re-signed.
  int64_t RefreshSeconds(const IssuingCa& ca) const;
  // What the CRL of `ca` lists.
  Result<std::vector<store::RevokedSerial>> RevokedUnder(const IssuingCa& ca);
  // The newest stored CRL of the issuer (null when none), from the cache when unchanged.
  Result<CrlPtr> Load(std::string_view issuer_id);
  // Keeps `crl` in the cache unless a newer one is there; returns it.
  CrlPtr Remember(CrlPtr crl);
  Result<CrlPtr> PublishLocked(const IssuingCa& ca);

  const CaState& cas_;
  store::Store& store_;
  const Clock& clock_;
  CrlOptions options_;
  std::mutex mu_;  // serialises signing so two threads don't both re-sign a stale CRL
  std::mutex cache_mu_;
  std::map<std::string, CrlPtr, std::less<>> cache_;  // issuer id -> newest CRL read; cache_mu_
};

}  // namespace scepgate::scep

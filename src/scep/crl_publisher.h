// Keeps one signed CRL per issuing CA in the store: re-signed on every revocation and before
// it grows stale. Several processes (the server, the CLI) may publish; the store holds the latest.
// An issuing CA whose key another node holds (option 2) is never signed for here: a revocation
// asks for its CRL in the issuer registry (WantCrl), and a node holding the key publishes it
// (PublishWanted); every node serves the stored one.
#pragma once

#include <string>

#include "ca/revocation.h"
#include "common/clock.h"
#include "scep/ca_state.h"
#include "store/store.h"

namespace scepgate::scep {

struct CrlOptions {
  int validity_hours = 168;
  int refresh_hours = 24;
};

// Thread-safe: publishing is serialised by mu_; reads go to the store.
class CrlPublisher final : public ca::Revoker {
 public:
  CrlPublisher(const CaState& cas, store::Store& store, const Clock& clock, CrlOptions options);

  // Returns the DER of the CRL of the issuing CA `issuer_id`, signing and storing a new one when
  // none is stored or the stored one is older than refresh_hours and this node holds the key.
  // kNotFound for an unknown issuer, or one held elsewhere whose CRL was never published.
  Result<Bytes> Get(std::string_view issuer_id);
  // Get, with the CRL's number and thisUpdate (what HTTP validators are made of).
  Result<store::CrlRecord> Current(std::string_view issuer_id);
  // How long a CRL signed now stays valid (its nextUpdate minus its thisUpdate), in seconds.
  int64_t validity_seconds() const { return options_.validity_hours * 3600LL; }
  // Signs and stores a new CRL for the issuer; for one whose key is held elsewhere, asks its
  // holders for one (IssuerStore::WantCrl). kNotFound / kCrypto / kDatabase.
  Status Publish(std::string_view issuer_id);
  // Publishes every held issuing CA's CRL that is missing or stale. Returns the first error.
  Status RefreshAll();
  // Publishes the CRL of every issuing CA held here that a node without its key asked for, and
  // records it in the registry. Returns the first error; the others are still tried.
  Status PublishWanted();

  // Revokes the certificates (in store transactions of up to 1000) and re-signs each affected
  // issuer's CRL once (for an issuer held elsewhere, asks for it). What ca::Revoker says.
  Result<ca::RevokeReport> RevokeMany(std::span<const std::string> serials,
                                      ca::RevocationReason reason) override;

 private:
  Result<std::optional<store::CrlRecord>> Load(std::string_view issuer_id);
  Result<store::CrlRecord> PublishLocked(const IssuingCa& ca);

  const CaState& cas_;
  store::Store& store_;
  const Clock& clock_;
  CrlOptions options_;
  std::mutex mu_;  // serialises signing so two threads don't both re-sign a stale CRL
};

}  // namespace scepgate::scep

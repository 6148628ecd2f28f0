// Renews the RA certificate before it expires, across every node of a deployment. The RA key is
// shared by the nodes (docs/multi-node.md) and stays: a renewal is a new certificate for the same
// key, so no secret moves. It goes through the store in three steps:
//   1. publish: a node holding the key of the current issuing CA, which issued the RA, signs a
//      renewal once the served certificate is within the lead time of its end, and publishes it
//      (store::RaCertificateStore: one renewal per certificate whichever node publishes first);
//   2. load: every node writes the published renewal to DIR/ca/ra-next.crt and reloads, so that
//      it decrypts what clients encrypt to it, and reports that it has;
//   3. serve: once every running node has loaded it, each node serves it (GetCACert, CertRep
//      signatures); the old certificate stays as DIR/ca/ra-previous.crt for clients that fetched
//      it before.
// A node that was down catches up at its next start. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/clock.h"
#include "common/random.h"
#include "scep/ca_state.h"
#include "store/store.h"

namespace scepgate::scep {

struct RaRenewalOptions {
  std::string node;  // this node's name in the store (NodeName)
  // Renew when the served RA certificate has less than this left (and is past half its
  // lifetime); 0: only `ca renew-ra`.
  int64_t renew_before_seconds = 0;
  // A node that reported within this long counts as running: the renewal waits for it.
  int64_t live_seconds = 60;
};

// What a round did.
struct RaRenewalRound {
  bool published = false;   // this node published a renewal
  bool changed = false;     // DIR/ca changed: reload to serve what it holds now
  std::string waiting_for;  // running nodes that have not loaded the renewal yet, comma-separated
};

// "<host name>:<data dir>", which tells the nodes of a deployment apart, also two on one host.
std::string NodeName(const std::filesystem::path& dir);

// SHA-256 (hex) of the certificate's SubjectPublicKeyInfo ("" when it cannot be encoded).
std::string KeyId(const X509& cert);

class RaRenewal {
 public:
  // `store` must outlive the object.
  RaRenewal(std::filesystem::path dir, store::Store& store, const Clock& clock, Random& random,
            RaRenewalOptions options);

  // One round for the node serving `cas` from the data dir: publishes a renewal when one is due
  // and none is published, loads a published one, reports what it serves, and serves the loaded
  // renewal once every running node has loaded it. Returns what it did, or the first error
  // (kDatabase, kIo, kCrypto; a published certificate that does not verify is kInvalidArgument);
  // the next round starts over.
  Result<RaRenewalRound> Check(const CaState& cas);

  // Publishes a renewal of the served RA certificate now (`scepgate ca renew-ra`). Returns it;
  // kAlreadyExists when the served certificate was renewed already (naming the renewal),
  // kFailedPrecondition when this node does not hold the current issuing CA's key or that CA did
  // not issue the RA, kDatabase, kCrypto.
  Result<store::RaCertificateRecord> Renew(const CaState& cas);

 private:
  // Whether the served RA certificate `ra` is due for renewal at `now`: within the lead time of
  // its end, and past half its lifetime.
  bool RenewalDue(const X509& ra, int64_t now) const;
  // The published renewal when it is newer than what `cas` serves and valid for it; nullopt.
  Result<std::optional<store::RaCertificateRecord>> Newer(const CaState& cas);

  const std::filesystem::path dir_;
  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const RaRenewalOptions options_;
};

}  // namespace scepgate::scep

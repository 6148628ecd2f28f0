// The OCSP responder (RFC 6960, with RFC 5019's caching profile) for every issuing CA this node
// holds the key of. Each answer reads the certificate's status from the store, so a revocation
// committed through any door on any node is answered `revoked` by the next request; what is
// kept in memory is only the signature over an unchanged status.
// Answers are signed by a delegated responder certificate per issuing CA (ca::Issuer::
// IssueOcspResponder: an EC P-256 key made in memory, never written anywhere, the certificate
// renewed at half its lifetime), or by the CA itself when OcspOptions::sign_with_ca.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ca/key_token.h"
#include "ca/ocsp.h"
#include "common/clock.h"
#include "common/random.h"
#include "scep/ca_state.h"
#include "store/certificates.h"
#include "store/issuers.h"

namespace scepgate::scep {

struct OcspOptions {
  int validity_minutes = 60;  // nextUpdate - thisUpdate
  int responder_hours = 168;  // delegated responder certificate lifetime
  bool sign_with_ca = false;
  size_t max_cached = 100'000;  // signed answers kept; the cache starts over when full
  // Set: responder keys are session keys of this token ([pkcs11]), never in this process's
  // memory; null: EC keys made in memory. Must outlive the responder.
  ca::KeyToken* token = nullptr;
};

struct OcspReply {
  Bytes der;               // an OCSPResponse: successful, or an error status
  bool cacheable = false;  // successful, one certificate, no nonce: HTTP caches may keep it
  int64_t this_update = 0;
  int64_t next_update = 0;
  std::string outcome;  // for the log: good, revoked, unknown, several, malformedRequest, ...
};

// Thread-safe.
class OcspResponder {
 public:
  // `cas`, `store` and `issuers` must outlive the responder. Computes each CA's CertID hashes.
  // With `issuers` (the registry of issuing CAs) and the root's key here, the root is answered
  // for too: the status of each issuing CA it issued, from the registry (revoked by `ca
  // revoke-issuer`), so that a relying party checking the whole chain by OCSP (nginx `ssl_ocsp
  // on`) gets an answer for the issuing CA as well.
  OcspResponder(const CaState& cas, store::CertificateStore& store, const Clock& clock,
                Random& random, OcspOptions options, store::IssuerStore* issuers = nullptr);

  // Answers a DER OCSPRequest; never fails. malformedRequest for what does not parse (or asks
  // about more than 32 certificates), unauthorized when a CertID names no issuing CA this node
  // signs for, tryLater when the store cannot be read, internalError when signing fails.
  OcspReply Respond(ByteView request);

  // The delegated responder certificates signing now (made at the first request for each CA,
  // renewed when due): subject and notAfter of each; empty with sign_with_ca. Thread-safe.
  std::vector<std::pair<std::string, int64_t>> ResponderCertificates();

 private:
  struct Signer {
    X509Ptr cert;
    EvpPkeyPtr key;  // null with sign_with_ca: the CA's own key signs
    int64_t renew_at = 0;
  };
  struct Known {
    const IssuingCa* ca = nullptr;
    ca::OcspIssuerHashes hashes;
    bool root = false;  // the root: its certificates are the issuing CAs of the registry
  };
  struct Cached {
    Bytes der;
    ca::OcspAnswer::Status status = ca::OcspAnswer::Status::kUnknown;
    int64_t revoked_at = 0;
    int reason = -1;
    int64_t this_update = 0;
    int64_t next_update = 0;
  };

  const Known* IssuerOf(const ca::OcspCertId& id) const;
  // Fills each answer's status from the store (or, for the root, the registry). kDatabase.
  Status ReadStatus(const Known& known, std::vector<ca::OcspAnswer>& answers);
  // The current signer of `ca`, issuing a new delegated certificate when due. kCrypto.
  Result<std::shared_ptr<const Signer>> SignerFor(const IssuingCa& ca);
  Result<Bytes> Sign(const IssuingCa& ca, std::span<const ca::OcspAnswer> answers,
                     const std::optional<Bytes>& nonce);

  const CaState& cas_;
  store::CertificateStore& store_;
  store::IssuerStore* issuers_;
  const Clock& clock_;
  Random& random_;
  OcspOptions options_;
  std::vector<Known> known_;  // issuing CAs with their key here; immutable after construction

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Signer>, std::less<>> signers_;  // by CA id; mu_
  std::map<std::string, Cached, std::less<>> cache_;  // "<ca id>/<serial>"; mu_
};

}  // namespace scepgate::scep

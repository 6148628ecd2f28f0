// The issuing CAs of a deployment (option 2 of docs/high-availability.md): every node lists
// every active one in GetCACert and serves its CRL, whether or not it holds its key.
// Part of the store (store.h); read by scep::CaState (GetCACert, recognising certificates) and
// scep::CrlPublisher (CRLs asked for by nodes without the key). Commands: `scepgate ca
// add-issuer|list-issuers|retire-issuer|reinstate-issuer`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::store {

struct IssuerRecord {
  std::string id;  // SHA-256 thumbprint (hex) of the certificate, as CertificateRecord::issuer_id
  Bytes cert_der;
  std::string name;    // what `ca add-issuer --name` said, for people
  bool active = true;  // listed in GetCACert; an inactive one still has its CRL served
  int64_t created_at = 0;
  // Raised by each revocation through a node without this issuer's key; the key holders' CRL
  // refresher publishes while it is above `crl_published` and then records what it published
  // (CRL numbers strictly increasing, as for any CRL).
  int64_t crl_wanted = 0;
  int64_t crl_published = 0;
  // Set by RevokeIssuer: the root's CRL lists the CA from then on (0: not revoked).
  int64_t revoked_at = 0;
  int revocation_reason = 0;  // RFC 5280 reason code
};

// Thread-safe: every implementation may be called from several threads and processes at once.
class IssuerStore {
 public:
  virtual ~IssuerStore() = default;

  // Adds an issuing CA. kAlreadyExists when its id is registered.
  virtual Status RegisterIssuer(const IssuerRecord& issuer) = 0;
  // Every registered issuing CA, oldest first. kDatabase.
  virtual Result<std::vector<IssuerRecord>> ListIssuers() = 0;
  // kNotFound for an unknown id.
  virtual Status SetIssuerActive(std::string_view id, bool active) = 0;
  // Asks for a new CRL of the issuer (a revocation by a node that cannot sign it): crl_wanted + 1,
  // atomically. kNotFound for an unknown id.
  virtual Status WantCrl(std::string_view id) = 0;
  // Records that a CRL covering crl_wanted = `wanted` (read before signing) was published:
  // crl_published = max(crl_published, wanted), so that a revocation after the read keeps the
  // issuer wanted. kNotFound for an unknown id.
  virtual Status CrlPublished(std::string_view id, int64_t wanted) = 0;
  // Revokes an issuing CA (its root's CRL lists it) and retires it (active = false), in one
  // conditional write. kNotFound for an unknown id, kAlreadyExists when it is revoked already.
  virtual Status RevokeIssuer(std::string_view id, int reason, int64_t revoked_at) = 0;
};

}  // namespace scepgate::store

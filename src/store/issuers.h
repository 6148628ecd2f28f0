// The issuing CAs of a deployment (option 2 of docs/high-availability.md): every node lists
// every active one in GetCACert and serves its CRL, whether or not it holds its key.
// Part of the store (store.h) once wired in. WORK IN PROGRESS on branch opt2-wip: not built.
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
  std::string name;  // what `ca add-issuer --name` said, for people
  bool active = true;  // listed in GetCACert; an inactive one still has its CRL served
  int64_t created_at = 0;
  // A revocation through a node without this issuer's key sets it; the key holders' CRL refresher
  // publishes and clears it (CRL number strictly increasing, as for any CRL).
  bool crl_stale = false;
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
  // Marks the issuer's CRL stale (after a revocation by a node that cannot sign it), or clears the
  // mark if it is still `expected` (compare-and-set, so that a revocation between the publisher's
  // read and its clear is not lost). kNotFound for an unknown id.
  virtual Status MarkCrlStale(std::string_view id) = 0;
  virtual Result<bool> ClearCrlStale(std::string_view id, int64_t published_number) = 0;
};

}  // namespace scepgate::store

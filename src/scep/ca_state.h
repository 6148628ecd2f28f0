// The CA material a running gateway serves from: issuers (current and archived, and those of
// other nodes from the store's issuer registry), the RA, and the pre-encoded GetCACert /
// GetNextCACert bodies. Immutable after Build(); thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ca/ca_dir.h"
#include "ca/issuer.h"
#include "common/config.h"
#include "store/issuers.h"

namespace scepgate::scep {

struct IssuingCa {
  std::string id;                      // SHA-256 thumbprint (hex) of the CA certificate
  std::unique_ptr<ca::Issuer> issuer;  // issuer->can_sign() when this node holds the key
  bool current = false;
  bool active = true;    // listed in GetCACert (archived ones and retired foreign ones are not)
  bool revoked = false;  // revoked through its root's CRL (`ca revoke-issuer`): never active
};

class CaState {
 public:
  // Builds issuers and reply bodies from the loaded CA directory and the issuer registry: a
  // registered issuing CA that is not in `set` and was issued by its root is known here without
  // its key (option 2 of docs/high-availability.md), listed in GetCACert while active; one of
  // another root is left out (and logged). kCrypto on encoding failure,
  // kInvalidArgument for a registered certificate that does not parse.
  static Result<std::unique_ptr<CaState>> Build(ca::CaSet set, const Config& config,
                                                std::span<const store::IssuerRecord> registry = {});

  const IssuingCa& current() const { return *cas_.front(); }
  // Current first, then archived newest first, then other nodes' issuing CAs, oldest first.
  const std::vector<std::unique_ptr<IssuingCa>>& all() const { return cas_; }
  // What of `registry` this state was (or would be) built from: the registered issuing CAs this
  // node holds no key for, with their active flag. Compare two to see whether a rebuild is due.
  std::string ForeignIssuers(std::span<const store::IssuerRecord> registry) const;
  const std::string& foreign_issuers() const { return foreign_issuers_; }
  // The issuing CA (current or archived) with this id, or nullptr.
  const IssuingCa* FindById(std::string_view id) const;
  // The issuing CA whose key signed `cert` and whose subject is its issuer, or nullptr.
  const IssuingCa* FindIssuerOf(const X509& cert) const;
  // The issuing CA whose subject is `name` (newest first), or nullptr.
  const IssuingCa* FindByName(const X509_NAME& name) const;

  // The RA certificate served (GetCACert, CertRep signatures) and its key.
  const X509& ra_cert() const { return *ra_.cert; }
  const EVP_PKEY& ra_key() const { return *ra_.key; }
  // A published renewal of the RA certificate this node has loaded but does not serve yet
  // (scep/ra_renewal.h), or null.
  const X509* ra_next() const { return ra_next_.get(); }
  // The RA key's other certificates, which clients may still encrypt to: the loaded renewal
  // and the certificate the served one renewed (those present).
  std::vector<const X509*> OtherRaCerts() const;
  const X509* root() const { return root_.get(); }
  // The root as a CRL signer (its id is the root certificate's SHA-256): can_sign() when
  // DIR/ca/root.key is here. Null when there is no root certificate (an import without it).
  const IssuingCa* root_ca() const { return root_ca_.get(); }
  // The CAs between the current issuing CA and the root (imported hierarchies), issuer first.
  const std::vector<X509Ptr>& intermediates() const { return intermediates_; }
  const X509* next_ca() const { return next_.get(); }

  // GetCACert reply body (degenerate certs-only: RA, issuing CA, its intermediates, the other
  // active issuing CAs of the registry, root when configured).
  const std::string& ca_cert_body() const { return ca_cert_body_; }
  // GetNextCACert reply body; empty when no rollover is staged.
  const std::string& next_ca_cert_body() const { return next_ca_cert_body_; }

 private:
  CaState() = default;
  std::vector<std::unique_ptr<IssuingCa>> cas_;  // current first, then archived newest first
  ca::CaKeyPair ra_;
  X509Ptr ra_next_;
  X509Ptr ra_previous_;
  X509Ptr root_;
  std::unique_ptr<IssuingCa> root_ca_;
  std::vector<X509Ptr> intermediates_;
  X509Ptr next_;
  std::string ca_cert_body_;
  std::string next_ca_cert_body_;
  std::string foreign_issuers_;
};

// Lower-case hex SHA-256 of the certificate's DER ("" if it cannot be encoded).
std::string CertSha256(const X509& cert);

}  // namespace scepgate::scep

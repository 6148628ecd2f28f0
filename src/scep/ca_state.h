// The CA material a running gateway serves from: issuers (current and archived), the RA, and the
// pre-encoded GetCACert / GetNextCACert bodies. Immutable after Build(); thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ca/ca_dir.h"
#include "ca/issuer.h"
#include "common/config.h"

namespace scepgate::scep {

struct IssuingCa {
  std::string id;  // SHA-256 thumbprint (hex) of the CA certificate
  std::unique_ptr<ca::Issuer> issuer;
  bool current = false;
};

class CaState {
 public:
  // Builds issuers and reply bodies from the loaded CA directory. kCrypto on encoding failure.
  static Result<std::unique_ptr<CaState>> Build(ca::CaSet set, const Config& config);

  const IssuingCa& current() const { return *cas_.front(); }
  const std::vector<std::unique_ptr<IssuingCa>>& all() const { return cas_; }
  // The issuing CA (current or archived) with this id, or nullptr.
  const IssuingCa* FindById(std::string_view id) const;
  // The issuing CA whose key signed `cert` and whose subject is its issuer, or nullptr.
  const IssuingCa* FindIssuerOf(const X509& cert) const;
  // The issuing CA whose subject is `name` (newest first), or nullptr.
  const IssuingCa* FindByName(const X509_NAME& name) const;

  const X509& ra_cert() const { return *ra_.cert; }
  const EVP_PKEY& ra_key() const { return *ra_.key; }
  const X509* root() const { return root_.get(); }
  // The CAs between the current issuing CA and the root (imported hierarchies), issuer first.
  const std::vector<X509Ptr>& intermediates() const { return intermediates_; }
  const X509* next_ca() const { return next_.get(); }

  // GetCACert reply body (degenerate certs-only: RA, issuing CA, its intermediates, root when
  // configured).
  const std::string& ca_cert_body() const { return ca_cert_body_; }
  // GetNextCACert reply body; empty when no rollover is staged.
  const std::string& next_ca_cert_body() const { return next_ca_cert_body_; }

 private:
  CaState() = default;
  std::vector<std::unique_ptr<IssuingCa>> cas_;  // current first, then archived newest first
  ca::CaKeyPair ra_;
  X509Ptr root_;
  std::vector<X509Ptr> intermediates_;
  X509Ptr next_;
  std::string ca_cert_body_;
  std::string next_ca_cert_body_;
};

// Lower-case hex SHA-256 of the certificate's DER ("" if it cannot be encoded).
std::string CertSha256(const X509& cert);

}  // namespace scepgate::scep

// Signs end-entity certificates and CRLs with one CA key (after Botan's X509_CA: stateless
// signer, extensions chosen separately, random positive serials).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/cert_template.h"
#include "ca/revocation.h"
#include "common/ossl.h"
#include "common/random.h"

namespace scepgate::ca {

struct IssuerOptions {
  int backdate_seconds = 300;  // notBefore = now - this
  std::string crl_url;         // CRL distribution point, when non-empty
  std::string aia_url;         // AIA caIssuers URL, when non-empty
  std::string ocsp_url;        // AIA OCSP URL, when non-empty
};

struct RevokedEntry {
  Bytes serial;  // big-endian magnitude
  int64_t revoked_at = 0;
  RevocationReason reason = RevocationReason::kUnspecified;
};

// The cRLNumber extension of `crl`, or -1 when it has none. Thread-safe.
int64_t CrlNumber(const X509_CRL& crl);

// Returns a random positive serial of 16 bytes (127 bits of entropy; first byte 0x01..0x7f).
// kCrypto when the generator fails.
Result<Bytes> RandomSerial(Random& random);

// One CA certificate and its key. Immutable after construction; thread-safe.
class Issuer {
 public:
  // `ca_key` may be null: an issuing CA whose key another node holds (docs/high-availability.md,
  // option 2), known here to recognise its certificates; Issue and SignCrl then return
  // kFailedPrecondition.
  Issuer(X509Ptr ca_cert, EvpPkeyPtr ca_key, IssuerOptions options);

  // Issues a certificate to the CSR's public key with its subject and the SANs of its
  // extensionRequest (DNS, email, IP, URI, UPN otherName), keyUsage/EKU from `tmpl`, SKI/AKI,
  // basicConstraints CA:FALSE, CDP/AIA when configured. notBefore = now - backdate, notAfter =
  // min(now + validity, CA notAfter). Does not check policy (key size, challenge).
  // The certificate's key is copied from the CSR as encoded and is not decoded again, so
  // X509_get0_pubkey returns null on the result; parse its DER where the key object is needed.
  // Returns kBadRequest when the CSR carries no usable public key or malformed SANs, kCrypto when
  // signing fails.
  // `csr_key`: the CSR's decoded public key when `csr` was parsed without it (null: the one in
  // `csr`).
  Result<X509Ptr> Issue(const X509_REQ& csr, const CertTemplate& tmpl, ByteView serial, int64_t now,
                        const EVP_PKEY* csr_key = nullptr) const;

  // A delegated OCSP responder certificate for `responder_key` (RFC 6960 §4.2.2.2): CN "<CA's
  // CN> OCSP Responder", keyUsage digitalSignature, EKU id-kp-OCSPSigning, id-pkix-ocsp-nocheck,
  // SKI/AKI, valid from now - backdate to min(now + lifetime_seconds, CA notAfter).
  // kFailedPrecondition without the CA key, kInternal when the CA has expired, kCrypto.
  Result<X509Ptr> IssueOcspResponder(const EVP_PKEY& responder_key, ByteView serial, int64_t now,
                                     int64_t lifetime_seconds) const;

  // A TLS server certificate for `key` (scepgate's own listeners): CN `common_name`, the
  // subjectAltNames `sans` (which TLS clients match the host name against), keyUsage
  // digitalSignature (and keyEncipherment for RSA), EKU serverAuth, SKI/AKI, CDP/AIA when
  // configured; valid from now - backdate to min(now + validity_days, CA notAfter).
  // kFailedPrecondition without the CA key, kInvalidArgument without names or days, kInternal
  // when the CA has expired, kCrypto.
  Result<X509Ptr> IssueTlsServer(const EVP_PKEY& key, std::string_view common_name,
                                 const GENERAL_NAMES& sans, ByteView serial, int64_t now,
                                 int validity_days) const;
  // A renewal of the RA certificate `ra` for the same RSA key: its subject, keyUsage
  // digitalSignature + keyEncipherment, CA:FALSE, SKI/AKI, valid from now - backdate for as long
  // as `ra` was (at most to the CA's notAfter). kFailedPrecondition without the CA key,
  // kInvalidArgument for a key that is not RSA, kInternal when the CA has expired, kCrypto.
  Result<X509Ptr> RenewRa(const X509& ra, ByteView serial, int64_t now) const;

  // Signs a CRL (v2, CRL number, AKI, reason codes). kCrypto on failure.
  Result<X509CrlPtr> SignCrl(std::span<const RevokedEntry> revoked, int64_t crl_number,
                             int64_t this_update, int64_t next_update) const;

  const X509& cert() const { return *cert_; }
  // Only when can_sign().
  const EVP_PKEY& key() const { return *key_; }
  bool can_sign() const { return key_ != nullptr; }

 private:
  static Error NoKey();
  X509Ptr cert_;
  EvpPkeyPtr key_;
  IssuerOptions options_;
};

}  // namespace scepgate::ca

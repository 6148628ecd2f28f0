// Internal to src/ca: the certificate fields and extensions that the issuer and the hierarchy
// both write (serial, validity, basicConstraints, keyUsage, SKI/AKI, signing), so each is written
// once. All functions are thread-safe (they touch only their arguments).
#pragma once

#include <cstdint>

#include "common/ossl.h"

namespace scepgate::ca::internal {

// keyUsage bits, as flags (bit n of the KeyUsage BIT STRING is 1u << n).
inline constexpr unsigned kKuDigitalSignature = 1u << 0;
inline constexpr unsigned kKuKeyEncipherment = 1u << 2;
inline constexpr unsigned kKuKeyAgreement = 1u << 4;
inline constexpr unsigned kKuKeyCertSign = 1u << 5;
inline constexpr unsigned kKuCrlSign = 1u << 6;

// The fields of a new X509 v3 certificate, before extensions.
struct CertFields {
  ByteView serial;  // big-endian magnitude; must be non-zero
  const X509_NAME& subject;
  const X509_NAME& issuer;
  const EVP_PKEY& public_key;
  int64_t not_before = 0;
  int64_t not_after = 0;
  // When set, the SubjectPublicKeyInfo is copied from here as encoded, instead of re-encoding
  // `public_key` (OpenSSL 3.0's key encoder is costly on the issuance hot path).
  const X509_PUBKEY* spki = nullptr;
};

// Returns a v3 certificate with the fields set and no extensions. kInvalidArgument for an empty
// or zero serial or not_after < not_before; kCrypto when OpenSSL fails.
Result<X509Ptr> NewCert(const CertFields& fields);

// Returns the serial as an ASN1_INTEGER (positive). kInvalidArgument when empty or zero.
Result<Asn1IntegerPtr> SerialToAsn1(ByteView serial);
// Returns the certificate's notAfter in seconds since the epoch.
Result<int64_t> NotAfter(const X509& cert);
// Returns a new ASN1_TIME for `t` (UTCTime until 2049, then GeneralizedTime). kCrypto on failure.
Result<Asn1TimePtr> MakeTime(int64_t t);

// basicConstraints, critical. `path_len` < 0 leaves pathLenConstraint out.
Status AddBasicConstraints(X509& cert, bool is_ca, int path_len);
// keyUsage, critical, from kKu* flags.
Status AddKeyUsage(X509& cert, unsigned bits);
// subjectKeyIdentifier: SHA-1 of the certificate's subjectPublicKey bits.
Status AddSubjectKeyId(X509& cert);
// authorityKeyIdentifier with keyIdentifier only.
Status AddAuthorityKeyId(X509& cert, ByteView key_id);
Status AddAuthorityKeyId(X509_CRL& crl, ByteView key_id);
// cRLDistributionPoints with one fullName URI. kInvalidArgument for a URI SANs refuse, kCrypto.
Status AddCrlDistributionPoint(X509& cert, std::string_view url);

// SHA-1 of the certificate's subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1).
Result<Bytes> PublicKeyId(const X509& cert);
// The certificate's subjectKeyIdentifier, or PublicKeyId when it has none.
Result<Bytes> KeyIdOf(const X509& cert);

// The digest to sign with: SHA-384 for P-384 keys, SHA-512 for larger EC keys, none for EdDSA,
// SHA-256 otherwise.
const EVP_MD* SigningDigest(const EVP_PKEY& key);
// Signs `cert` with `key`. kCrypto on failure.
Status SignCert(X509& cert, const EVP_PKEY& key);
// Returns the first commonName of `name`, or "" when it has none.
std::string CommonName(const X509_NAME& name);
// Returns a name holding only CN=`common_name`. kInvalidArgument when it is empty.
Result<X509NamePtr> NameWithCommonName(std::string_view common_name);

}  // namespace scepgate::ca::internal

// Creating CA and RA certificates: a self-signed root, an issuing CA under it, an RA under that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/ossl.h"
#include "common/random.h"

namespace scepgate::ca {

// A self-signed root CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign + cRLSign
// (critical), SKI. CN = `common_name`. kCrypto on failure.
Result<X509Ptr> MakeRootCa(const EVP_PKEY& key, std::string_view common_name, int validity_days,
                           int64_t now, Random& random);

// An issuing (subordinate) CA signed by `parent`: CA:TRUE pathlen 0, keyCertSign + cRLSign,
// SKI/AKI, and a CRL distribution point naming `crl_url` (the root's CRL) when it is not empty.
// kInvalidArgument for a bad URL, kCrypto on failure.
Result<X509Ptr> MakeIssuingCa(const EVP_PKEY& subject_key, std::string_view common_name,
                              int validity_days, const X509& parent, const EVP_PKEY& parent_key,
                              int64_t now, Random& random, std::string_view crl_url = {});

// Where the root's CRL is served under `crl_base_url` ([ca] crl_base_url): <base>/<root id>.crl,
// the root id being its certificate's SHA-256 as the gateway names CRLs. "" when the base is
// empty. Thread-safe.
std::string RootCrlUrl(std::string_view crl_base_url, const X509& root);

// An RA certificate signed by the issuing CA: CA:FALSE, keyUsage digitalSignature +
// keyEncipherment, SKI/AKI. `subject_key` must be RSA (kInvalidArgument otherwise, since SCEP
// key transport needs it). kCrypto on failure.
Result<X509Ptr> MakeRaCert(const EVP_PKEY& subject_key, std::string_view common_name,
                           int validity_days, const X509& issuer, const EVP_PKEY& issuer_key,
                           int64_t now, Random& random);

// True when `cert` was signed by `issuer`'s key and names it as issuer.
bool IsIssuedBy(const X509& cert, const X509& issuer);

}  // namespace scepgate::ca

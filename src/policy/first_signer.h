// RFC 8894 §3.3.1: a PKCSReq that is not a renewal is signed with the key it asks to certify (a
// self-signed certificate over the CSR's key). Pure function; thread-safe.
#pragma once

#include <cstdint>

#include "common/ossl.h"

namespace scepgate::policy {

// Checks the signer of a first enrollment (one whose signer is not a certificate this CA issued):
// SignerKeyMismatch (kBadMessageCheck) when `signer_key` (the signer certificate's public key;
// null: none usable) is not `csr_key`; SignerCertificateExpired (kBadTime) when `now` lies outside
// the signer certificate's validity widened by `skew_seconds` on both sides, or its dates cannot be
// read.
Status CheckFirstEnrollmentSigner(const X509& signer, const EVP_PKEY* signer_key,
                                  const EVP_PKEY& csr_key, int64_t now, int64_t skew_seconds);

}  // namespace scepgate::policy

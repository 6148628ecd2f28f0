// Writing the SignedData of a reply directly as DER, instead of through CMS_sign.
#pragma once

#include "codec/attributes.h"
#include "common/ossl.h"

namespace scepgate::codec {

// Returns the DER of a SignedData equivalent to SignMessage's: eContentType id-data with `content`
// (empty allowed), `cert` in certificates, one signer info naming `cert` by issuer and serial,
// digest `digest_nid`, signed attributes contentType, signingTime, messageDigest and `attrs`
// (sorted as DER's SET OF requires), and an RSA PKCS#1 v1.5 signature (signatureAlgorithm
// rsaEncryption, as OpenSSL writes it). kInvalidArgument when `key` is not RSA, kBadAlg when the
// digest is unknown, kCrypto on failure.
Result<Bytes> SignMessageDer(ByteView content, const X509& cert, const EVP_PKEY& key,
                             int digest_nid, const ScepAttributes& attrs);

}  // namespace scepgate::codec

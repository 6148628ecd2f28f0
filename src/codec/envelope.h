// CMS EnvelopedData: encrypting a content to certificates and decrypting it with a key.
#pragma once

#include <span>

#include "common/ossl.h"

namespace scepgate::codec {

// Returns the DER of a ContentInfo(EnvelopedData) holding `content` encrypted with `cipher_nid`
// to each of `recipients` (RSA key transport). Returns kBadAlg when OpenSSL cannot fetch the
// cipher (single DES without the legacy provider), kInvalidArgument without recipients,
// kCrypto on failure.
Result<Bytes> EncryptEnvelope(ByteView content, std::span<const X509* const> recipients,
                              int cipher_nid);

// Returns the decrypted content of a ContentInfo(EnvelopedData) addressed to `cert`.
// Returns kBadRequest when the DER is not an EnvelopedData, kBadMessageCheck when it is not
// encrypted to `cert` or does not decrypt with `key`.
Result<Bytes> DecryptEnvelope(ByteView enveloped, const X509& cert, const EVP_PKEY& key);

}  // namespace scepgate::codec

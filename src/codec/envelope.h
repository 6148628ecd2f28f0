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

// Returns the DER of a ContentInfo(EnvelopedData) holding `content` encrypted with `cipher_nid` to
// `recipient` (named by issuer and serial number) whose RSA public key is `key`, built directly
// rather than through CMS_encrypt, which needs the key decoded inside the certificate. Only for
// the block ciphers SCEP clients use (AES-128/192/256-CBC, DES-EDE3-CBC, DES-CBC): kInvalidArgument
// for any other cipher or for a key that is not RSA, kBadAlg when OpenSSL cannot fetch the
// cipher (single DES without the legacy provider), kCrypto on failure.
Result<Bytes> EncryptEnvelopeTo(ByteView content, const X509& recipient, const EVP_PKEY& key,
                                int cipher_nid);
// True when EncryptEnvelopeTo handles this cipher and key.
bool EnvelopeWriterHandles(int cipher_nid, const EVP_PKEY& key);

// Returns kBadAlg unless `nid` is a content encryption accepted from clients: AES-128/192/256-CBC,
// DES-EDE3-CBC, and DES-CBC only when OpenSSL's legacy provider is loaded.
Status CheckAcceptedCipher(int nid);

// Returns the decrypted content of a ContentInfo(EnvelopedData) addressed to `cert`.
// Returns kBadRequest when the DER is not an EnvelopedData, kBadMessageCheck when it is not
// encrypted to `cert` or does not decrypt with `key`.
Result<Bytes> DecryptEnvelope(ByteView enveloped, const X509& cert, const EVP_PKEY& key);

}  // namespace scepgate::codec

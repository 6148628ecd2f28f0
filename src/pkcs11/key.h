// A private key that stays in its token, as an EVP_PKEY the rest of scepgate signs and decrypts
// with unchanged (X509_sign, CMS, OCSP_basic_sign, EVP_PKEY_decrypt): the key carries an RSA or
// EC method whose private operations are PKCS#11 calls (CKM_RSA_PKCS / CKM_RSA_X_509 for RSA
// signatures and decryption, CKM_ECDSA for EC), and OpenSSL treats it as a foreign key that it
// never tries to read private numbers from.
#pragma once

#include <memory>

#include "common/error.h"
#include "common/ossl.h"
#include "pkcs11/token.h"

namespace scepgate::pkcs11 {

// Makes the EVP_PKEY for the private key `handle` of `token`, whose public half is `public_key`
// (RSA or EC P-256/P-384). The key keeps `token` open for as long as it lives. Returns
// kInvalidArgument for another key type, kCrypto on failure. Thread-safe; the key may be used
// from several threads at once (each operation takes its own session).
Result<EvpPkeyPtr> WrapPrivateKey(std::shared_ptr<Token> token, CK_OBJECT_HANDLE handle,
                                  const EVP_PKEY& public_key);

// True for a key WrapPrivateKey made. Thread-safe.
bool IsTokenKey(const EVP_PKEY& key);

}  // namespace scepgate::pkcs11

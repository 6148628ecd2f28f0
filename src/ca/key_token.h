// Where CA keys live when they are not files: a token (PKCS#11 HSM, SoftHSM) that generates keys,
// keeps them, and signs and decrypts without ever handing them out. The CA directory names a key
// in a token by a small file holding its URI (ca/issuing.p11 beside ca/issuing.crt). Implemented
// by pkcs11::TokenKeys; unit tests use ca::FakeKeyToken (ca/test_util.h).
#pragma once

#include <string>
#include <string_view>

#include "ca/key_spec.h"
#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::ca {

struct TokenKey {
  EvpPkeyPtr key;   // signs (and, RSA, decrypts) through the token
  std::string uri;  // names the key in the token; holds no secret
};

class KeyToken {
 public:
  virtual ~KeyToken() = default;

  // Generates a key pair inside the token that never leaves it, labelled after `role` ("root",
  // "issuing", "ra") so that an administrator can tell the keys apart. Returns the key and its
  // URI. kInvalidArgument for a key the token cannot make; kCrypto / kUnavailable when the token
  // fails. Thread-safe.
  virtual Result<TokenKey> Generate(const KeySpec& spec, std::string_view role) = 0;

  // Generates a key that lives in the token only as long as this process does (a session
  // object): for certificates renewed by the process itself, like the OCSP responder's.
  // Errors as Generate. Thread-safe.
  virtual Result<EvpPkeyPtr> GenerateEphemeral(const KeySpec& spec) = 0;

  // The private key `uri` names, which must belong to `cert` (checked by signing with it).
  // kNotFound when the token has no such key, kInvalidArgument for a URI that does not parse or a
  // key of another certificate, kCrypto / kUnavailable when the token fails. Thread-safe.
  virtual Result<EvpPkeyPtr> Load(std::string_view uri, const X509& cert) = 0;

  // "token 'NAME'", for messages.
  virtual std::string Describe() const = 0;
};

// Signs a fixed digest with `key` and verifies it with `cert`'s public key: whether a key that
// cannot be read (a token's) belongs to the certificate. kInvalidArgument when it does not,
// kCrypto when signing fails. Thread-safe.
Status CheckKeySigns(const EVP_PKEY& key, const X509& cert);

}  // namespace scepgate::ca

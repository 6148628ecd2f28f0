// One PKCS#11 token, opened and logged in for the life of the process: the module loaded once
// per path (dlopen, C_Initialize with OS locking), the token found by the URI's token
// attributes, the user logged in with a PIN read from a file or the environment, and a pool of
// sessions so that threads sign in parallel. Object-level work (find, generate, sign, decrypt)
// runs on a session taken from the pool.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"
#include "pkcs11/api.h"
#include "pkcs11/uri.h"

namespace scepgate::pkcs11 {

class Module;

struct TokenOptions {
  std::string module;  // path of the PKCS#11 library (or the URI's module-path)
  Uri token;           // token, manufacturer, serial, model select the token; the rest is ignored
  std::string pin;     // the user PIN; never logged
};

enum class KeyKind { kRsa, kEc };

struct KeyPairSpec {
  KeyKind kind = KeyKind::kRsa;
  int bits = 2048;         // RSA modulus bits, or the curve size (256 = P-256, 384 = P-384)
  std::string label;       // CKA_LABEL of both halves
  Bytes id;                // CKA_ID of both halves
  bool persistent = true;  // false: session objects, gone when the process ends
};

class Token : public std::enable_shared_from_this<Token> {
 public:
  // Loads the module, finds exactly one token matching `options.token` and logs in; a token
  // already open in this process is shared (PKCS#11 logs in per process, not per session), when
  // the PIN is the same. Returns
  // kNotFound for a module file that does not exist or no matching token (the message lists the
  // tokens present), kInvalidArgument for a library that is not a PKCS#11 module or several
  // matching tokens, kPermissionDenied for a wrong or locked PIN, kCrypto for other failures.
  // Thread-safe.
  static Result<std::shared_ptr<Token>> Open(const TokenOptions& options);

  ~Token();
  Token(const Token&) = delete;
  Token& operator=(const Token&) = delete;

  // The token's label, for messages.
  const std::string& label() const { return label_; }

  // The private key object the URI's object/id/type name. kNotFound when none, kInvalidArgument
  // when several match or the URI names no object. Thread-safe.
  Result<CK_OBJECT_HANDLE> FindPrivateKey(const Uri& uri);

  // Generates a key pair inside the token: the private half sensitive and not extractable,
  // able to sign (and, RSA, decrypt). Returns its handle and the public key as an EVP_PKEY.
  // kInvalidArgument for a size the token cannot make, kAlreadyExists when an object with the
  // label exists already (persistent keys only), kCrypto otherwise. Thread-safe.
  struct Generated {
    CK_OBJECT_HANDLE private_key;
    EvpPkeyPtr public_key;
  };
  Result<Generated> GenerateKeyPair(const KeyPairSpec& spec);

  // Runs C_SignInit/C_Sign with `mechanism` over `data`. Returns the signature or kCrypto naming
  // the CK_RV. Thread-safe.
  Result<Bytes> Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data);

  // Runs C_DecryptInit/C_Decrypt. kCrypto naming the CK_RV on failure. Thread-safe.
  Result<Bytes> Decrypt(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data);

  // Whether the private key object is sensitive and not extractable, read from the token.
  // kCrypto when the attributes cannot be read. Thread-safe.
  Result<bool> NeverLeaves(CK_OBJECT_HANDLE key);

 private:
  Token(std::shared_ptr<Module> module, CK_SLOT_ID slot, std::string label);

  // A session from the pool (opened when none is free), given back by its destructor.
  class Lease;
  Result<Lease> Acquire();
  // Sign or Decrypt: the two run alike.
  Result<Bytes> Crypt(bool decrypt, CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism,
                      ByteView data);
  void Release(CK_SESSION_HANDLE session);
  CK_FUNCTION_LIST& f() const;

  std::shared_ptr<Module> module_;
  CK_SLOT_ID slot_;
  Bytes pin_digest_;  // SHA-256 of the PIN logged in with: a second Open must give the same
  std::string label_;
  std::mutex mu_;
  std::vector<CK_SESSION_HANDLE> idle_;  // guarded by mu_
  // Kept open: the login lasts while the process has a session with the token. Never logged
  // out explicitly: closing the last session ends the login.
  CK_SESSION_HANDLE login_session_ = CK_INVALID_HANDLE;
};

}  // namespace scepgate::pkcs11

// RSA_METHOD and EC_KEY_METHOD are OpenSSL's deprecated (but supported in 3.x) way to plug
// private-key operations into a key; the provider interface would need a whole provider.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "pkcs11/key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <cstring>
#include <mutex>

namespace scepgate::pkcs11 {

namespace {

// What a wrapped key's ex_data holds.
struct TokenRef {
  std::shared_ptr<Token> token;
  CK_OBJECT_HANDLE handle;
};

void FreeRef(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
             void* /*argp*/) {
  delete static_cast<TokenRef*>(ptr);
}

struct Methods {
  int rsa_index = -1;
  int ec_index = -1;
  RSA_METHOD* rsa = nullptr;
  EC_KEY_METHOD* ec = nullptr;
};

void RaiseError(const Error& e) {
  ERR_raise_data(ERR_LIB_USER, ERR_R_OPERATION_FAIL, "%s", e.message.c_str());
}

const Methods& GetMethods();

TokenRef* RsaRef(const RSA* rsa) {
  return static_cast<TokenRef*>(RSA_get_ex_data(rsa, GetMethods().rsa_index));
}
TokenRef* EcRef(const EC_KEY* ec) {
  return static_cast<TokenRef*>(EC_KEY_get_ex_data(ec, GetMethods().ec_index));
}

// A private RSA operation in the token: a signature (PKCS#1 v1.5 padding over the DigestInfo
// OpenSSL built, CKM_RSA_PKCS; or a raw operation over a block OpenSSL padded itself, PSS for
// instance, CKM_RSA_X_509) or, with `decrypt`, a decryption with the same two paddings. Returns
// the output's length, or -1 with an OpenSSL error raised.
int RsaPrivate(bool decrypt, int flen, const unsigned char* from, unsigned char* to, RSA* rsa,
               int padding) {
  TokenRef* ref = RsaRef(rsa);
  if (ref == nullptr) return -1;
  CK_MECHANISM_TYPE mech;
  if (padding == RSA_PKCS1_PADDING) {
    mech = CKM_RSA_PKCS;
  } else if (padding == RSA_NO_PADDING) {
    mech = CKM_RSA_X_509;
  } else {
    RaiseError(Error::InvalidArgument("RSA padding not supported by a token key"));
    return -1;
  }
  const ByteView in(from, static_cast<size_t>(flen));
  auto out = decrypt ? ref->token->Decrypt(ref->handle, mech, in)
                     : ref->token->Sign(ref->handle, mech, in);
  if (!out || out->size() > static_cast<size_t>(RSA_size(rsa))) {
    RaiseError(out ? Error::Crypto("the token's RSA output is too long") : out.error());
    return -1;
  }
  std::memcpy(to, out->data(), out->size());
  return static_cast<int>(out->size());
}

int RsaPrivEnc(int flen, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
  return RsaPrivate(false, flen, from, to, rsa, padding);
}

int RsaPrivDec(int flen, const unsigned char* from, unsigned char* to, RSA* rsa, int padding) {
  return RsaPrivate(true, flen, from, to, rsa, padding);
}

ECDSA_SIG* EcSignSig(const unsigned char* dgst, int dlen, const BIGNUM* /*kinv*/,
                     const BIGNUM* /*r*/, EC_KEY* ec) {
  TokenRef* ref = EcRef(ec);
  if (ref == nullptr) return nullptr;
  auto sig = ref->token->Sign(ref->handle, CKM_ECDSA, ByteView(dgst, static_cast<size_t>(dlen)));
  if (!sig || sig->empty() || sig->size() % 2 != 0) {
    RaiseError(sig ? Error::Crypto("token ECDSA signature has an odd length") : sig.error());
    return nullptr;
  }
  const int half = static_cast<int>(sig->size() / 2);
  BIGNUM* r = BN_bin2bn(sig->data(), half, nullptr);
  BIGNUM* s = BN_bin2bn(sig->data() + half, half, nullptr);
  ECDSA_SIG* out = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || out == nullptr || ECDSA_SIG_set0(out, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(out);
    return nullptr;
  }
  return out;
}

int EcSign(int /*type*/, const unsigned char* dgst, int dlen, unsigned char* sig,
           unsigned int* siglen, const BIGNUM* kinv, const BIGNUM* r, EC_KEY* ec) {
  ECDSA_SIG* s = EcSignSig(dgst, dlen, kinv, r, ec);
  if (s == nullptr) return 0;
  unsigned char* p = sig;
  const int len = i2d_ECDSA_SIG(s, &p);
  ECDSA_SIG_free(s);
  if (len <= 0) return 0;
  *siglen = static_cast<unsigned int>(len);
  return 1;
}

const Methods& GetMethods() {
  static Methods m;
  static std::once_flag once;
  std::call_once(once, [] {
    m.rsa_index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeRef);
    m.ec_index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeRef);
    m.rsa = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    RSA_meth_set1_name(m.rsa, "scepgate PKCS#11");
    RSA_meth_set_priv_enc(m.rsa, RsaPrivEnc);
    RSA_meth_set_priv_dec(m.rsa, RsaPrivDec);
    m.ec = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    int (*sign)(int, const unsigned char*, int, unsigned char*, unsigned int*, const BIGNUM*,
                const BIGNUM*, EC_KEY*) = nullptr;
    int (*setup)(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) = nullptr;
    ECDSA_SIG* (*sign_sig)(const unsigned char*, int, const BIGNUM*, const BIGNUM*, EC_KEY*) =
        nullptr;
    EC_KEY_METHOD_get_sign(EC_KEY_OpenSSL(), &sign, &setup, &sign_sig);
    EC_KEY_METHOD_set_sign(m.ec, EcSign, setup, EcSignSig);
  });
  return m;
}

// A new RSA object with the public numbers of `key` (not OpenSSL's cached legacy copy, which
// the method and ex_data set below would otherwise change under `key`).
RSA* NewRsa(const EVP_PKEY& key) {
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  RSA* rsa = RSA_new();
  if (rsa == nullptr || EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
      RSA_set0_key(rsa, n, e, nullptr) != 1) {
    BN_free(n);
    BN_free(e);
    RSA_free(rsa);
    return nullptr;
  }
  return rsa;
}

// A new EC_KEY with the curve and public point of `key`.
EC_KEY* NewEcKey(const EVP_PKEY& key) {
  char group[64] = {};
  unsigned char point[256];
  size_t point_len = 0;
  if (EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     nullptr) != 1 ||
      EVP_PKEY_get_octet_string_param(&key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point,
                                      &point_len) != 1)
    return nullptr;
  const int nid = OBJ_sn2nid(group) != NID_undef ? OBJ_sn2nid(group) : EC_curve_nist2nid(group);
  EC_KEY* ec = nid == NID_undef ? nullptr : EC_KEY_new_by_curve_name(nid);
  if (ec == nullptr || EC_KEY_oct2key(ec, point, point_len, nullptr) != 1) {
    EC_KEY_free(ec);
    return nullptr;
  }
  return ec;
}

}  // namespace

Result<EvpPkeyPtr> WrapPrivateKey(std::shared_ptr<Token> token, CK_OBJECT_HANDLE handle,
                                  const EVP_PKEY& public_key) {
  const Methods& m = GetMethods();
  if (m.rsa == nullptr || m.ec == nullptr) return Fail(Error::Crypto("cannot set up key methods"));
  EvpPkeyPtr out(EVP_PKEY_new());
  if (!out) return Fail(Error::Crypto("EVP_PKEY_new"));
  auto* ref = new TokenRef{std::move(token), handle};
  if (EVP_PKEY_get_base_id(&public_key) == EVP_PKEY_RSA) {
    RSA* rsa = NewRsa(public_key);
    if (rsa == nullptr || RSA_set_method(rsa, m.rsa) != 1 ||
        RSA_set_ex_data(rsa, m.rsa_index, ref) != 1) {
      RSA_free(rsa);
      delete ref;
      DrainOpenSslErrors();
      return Fail(Error::Crypto("cannot make an RSA key for the token"));
    }
    if (EVP_PKEY_assign_RSA(out.get(), rsa) != 1) {
      RSA_free(rsa);  // frees ref through ex_data
      return Fail(Error::Crypto("EVP_PKEY_assign_RSA"));
    }
    return out;
  }
  if (EVP_PKEY_get_base_id(&public_key) == EVP_PKEY_EC) {
    EC_KEY* ec = NewEcKey(public_key);
    if (ec == nullptr || EC_KEY_set_method(ec, m.ec) != 1 ||
        EC_KEY_set_ex_data(ec, m.ec_index, ref) != 1) {
      EC_KEY_free(ec);
      delete ref;
      DrainOpenSslErrors();
      return Fail(Error::Crypto("cannot make an EC key for the token"));
    }
    if (EVP_PKEY_assign_EC_KEY(out.get(), ec) != 1) {
      EC_KEY_free(ec);
      return Fail(Error::Crypto("EVP_PKEY_assign_EC_KEY"));
    }
    return out;
  }
  delete ref;
  return Fail(Error::InvalidArgument("a token key must be RSA or EC"));
}

bool IsTokenKey(const EVP_PKEY& key) {
  const Methods& m = GetMethods();
  if (EVP_PKEY_get_base_id(&key) == EVP_PKEY_RSA) {
    const RSA* rsa = EVP_PKEY_get0_RSA(&key);
    return rsa != nullptr && RSA_get_method(rsa) == m.rsa;
  }
  if (EVP_PKEY_get_base_id(&key) == EVP_PKEY_EC) {
    const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(&key);
    return ec != nullptr && EC_KEY_get_method(ec) == m.ec;
  }
  return false;
}

}  // namespace scepgate::pkcs11

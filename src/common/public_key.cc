#include "common/public_key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <climits>
#include <optional>

namespace scepgate {
namespace {

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, both positive.
std::optional<EvpPkeyPtr> RsaKeyFromBits(const unsigned char* der, int len) {
  const unsigned char* p = der;
  AnyStackPtr seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, len));
  if (!seq || p != der + len || sk_ASN1_TYPE_num(seq.get()) != 2) return std::nullopt;
  const ASN1_TYPE* n = sk_ASN1_TYPE_value(seq.get(), 0);
  const ASN1_TYPE* e = sk_ASN1_TYPE_value(seq.get(), 1);
  if (ASN1_TYPE_get(n) != V_ASN1_INTEGER || ASN1_TYPE_get(e) != V_ASN1_INTEGER) return std::nullopt;
  BignumPtr bn_n(ASN1_INTEGER_to_BN(n->value.integer, nullptr));
  BignumPtr bn_e(ASN1_INTEGER_to_BN(e->value.integer, nullptr));
  if (!bn_n || !bn_e || BN_is_negative(bn_n.get()) || BN_is_negative(bn_e.get()) ||
      BN_is_zero(bn_n.get()) || BN_is_zero(bn_e.get()))
    return std::nullopt;
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return std::nullopt;
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return std::nullopt;
  return EvpPkeyPtr(key);
}

// The RSA fast path; nullopt for any other algorithm or encoding.
std::optional<EvpPkeyPtr> FastKey(const X509_PUBKEY& spki) {
  ASN1_OBJECT* alg = nullptr;
  const unsigned char* bits = nullptr;
  int len = 0;
  X509_ALGOR* algor = nullptr;
  if (X509_PUBKEY_get0_param(&alg, &bits, &len, &algor, &spki) != 1 || alg == nullptr ||
      bits == nullptr || len <= 0 || OBJ_obj2nid(alg) != NID_rsaEncryption)
    return std::nullopt;
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(nullptr, &param_type, nullptr, algor);
  if (param_type != V_ASN1_NULL && param_type != V_ASN1_UNDEF) return std::nullopt;
  return RsaKeyFromBits(bits, len);
}

}  // namespace

Result<EvpPkeyPtr> PublicKeyFromSpki(const X509_PUBKEY& spki) {
  if (std::optional<EvpPkeyPtr> fast = FastKey(spki)) return std::move(*fast);
  ERR_clear_error();
  Bytes der = SpkiDer(&spki);
  const uint8_t* p = der.data();
  EvpPkeyPtr key(der.empty() || der.size() > static_cast<size_t>(LONG_MAX)
                     ? nullptr
                     : d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("not a public key OpenSSL can use"));
  }
  return key;
}

}  // namespace scepgate

#include "common/hostile_keys.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

namespace scepgate::hostile {
namespace {

Result<EvpPkeyPtr> FromData(const char* type, int selection, OSSL_PARAM_BLD& bld) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(&bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1)
    return Fail(CryptoError("cannot build the key"));
  return EvpPkeyPtr(key);
}

BignumPtr New() { return BignumPtr(BN_new()); }

}  // namespace

BignumPtr OddNumber(int bits) {
  BignumPtr n = New();
  if (!n || BN_rand(n.get(), bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD) != 1) return nullptr;
  return n;
}

Result<EvpPkeyPtr> RsaKeyWithExponent(int bits, const BIGNUM& e) {
  if (!BN_is_odd(&e)) return Fail(Error::InvalidArgument("an RSA key pair needs an odd exponent"));
  BnCtxPtr ctx(BN_CTX_new());
  BignumPtr p = New(), q = New(), n = New(), p1 = New(), q1 = New(), phi = New(), d = New(),
            dp = New(), dq = New(), qinv = New(), g = New();
  if (!ctx || !p || !q || !n || !p1 || !q1 || !phi || !d || !dp || !dq || !qinv || !g)
    return Fail(CryptoError("BN_new"));
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (BN_generate_prime_ex(p.get(), bits / 2, 0, nullptr, nullptr, nullptr) != 1 ||
        BN_generate_prime_ex(q.get(), bits - bits / 2, 0, nullptr, nullptr, nullptr) != 1)
      return Fail(CryptoError("BN_generate_prime_ex"));
    if (BN_cmp(p.get(), q.get()) == 0) continue;
    BN_mul(n.get(), p.get(), q.get(), ctx.get());
    if (BN_num_bits(n.get()) != bits) continue;
    BN_sub(p1.get(), p.get(), BN_value_one());
    BN_sub(q1.get(), q.get(), BN_value_one());
    BN_mul(phi.get(), p1.get(), q1.get(), ctx.get());
    BN_gcd(g.get(), &e, phi.get(), ctx.get());
    if (!BN_is_one(g.get())) continue;
    // d = e^-1 mod phi (also an inverse mod lambda); for e = 1, d = 1.
    if (BN_mod_inverse(d.get(), &e, phi.get(), ctx.get()) == nullptr) continue;
    BN_mod(dp.get(), d.get(), p1.get(), ctx.get());
    BN_mod(dq.get(), d.get(), q1.get(), ctx.get());
    if (BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get()) == nullptr) continue;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get()) != 1)
      return Fail(CryptoError("OSSL_PARAM_BLD"));
    return FromData("RSA", EVP_PKEY_KEYPAIR, *bld);
  }
  return Fail(Error::Crypto("no primes found for that exponent"));
}

Result<EvpPkeyPtr> RsaPublicKey(const BIGNUM& n, const BIGNUM& e) {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, &e) != 1)
    return Fail(CryptoError("OSSL_PARAM_BLD"));
  return FromData("RSA", EVP_PKEY_PUBLIC_KEY, *bld);
}

Result<EvpPkeyPtr> EcKeyWithExplicitParameters(const char* curve) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(curve), 0),
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING,
                                       const_cast<char*>(OSSL_PKEY_EC_ENCODING_EXPLICIT), 0),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_params(ctx.get(), params) != 1 || EVP_PKEY_generate(ctx.get(), &key) != 1)
    return Fail(CryptoError("EC key generation with explicit parameters"));
  return EvpPkeyPtr(key);
}

Result<EvpPkeyPtr> EcKeyOn(const char* curve) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  if (!key) return Fail(CryptoError(std::string("EC key generation on ") + curve));
  return key;
}

}  // namespace scepgate::hostile

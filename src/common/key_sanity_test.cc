#include "common/key_sanity.h"

#include <gtest/gtest.h>

#include "common/hostile_keys.h"

namespace scepgate {
namespace {

BignumPtr Number(unsigned long v) {
  BignumPtr n(BN_new());
  BN_set_word(n.get(), v);
  return n;
}

// An RSA public key over a fresh 2048-bit modulus with exponent `e`.
EvpPkeyPtr RsaWith(const BIGNUM& e) {
  static BIGNUM* n = [] {
    EvpPkeyPtr k(EVP_RSA_gen(2048));
    BIGNUM* out = nullptr;
    EVP_PKEY_get_bn_param(k.get(), "n", &out);
    return out;
  }();
  return std::move(*hostile::RsaPublicKey(*n, e));
}

std::string Message(const Status& s) { return s ? "" : s.error().message; }

TEST(KeySanity, AcceptsOrdinaryKeys) {
  EvpPkeyPtr rsa(EVP_RSA_gen(2048));
  EXPECT_TRUE(CheckKeyCost(*rsa, "the key's"));
  EXPECT_TRUE(CheckKeyCost(*RsaWith(*Number(3)), "the key's"));
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EXPECT_TRUE(CheckKeyCost(*ec, "the key's"));
  EXPECT_FALSE(HasExplicitEcParameters(*ec));
  EXPECT_EQ(EcCurveNid(*ec), NID_X9_62_prime256v1);
  EXPECT_EQ(BN_get_word(RsaPublicExponent(*rsa).get()), 65537u);
}

TEST(KeySanity, RefusesExponentsThatAreEvenOneOrHuge) {
  for (unsigned long e : {1ul, 2ul, 65536ul}) {
    Status s = CheckKeyCost(*RsaWith(*Number(e)), "the CSR's key:");
    ASSERT_FALSE(s) << e;
    EXPECT_EQ(s.error().code, ErrorCode::kBadRequest);
    EXPECT_TRUE(Message(s).starts_with("KeyParametersRejected: the CSR's key:")) << Message(s);
  }
  BignumPtr edge = hostile::OddNumber(256);  // 2^255 <= e < 2^256: still allowed
  EXPECT_TRUE(CheckKeyCost(*RsaWith(*edge), "k"));
  BignumPtr huge = hostile::OddNumber(257);
  EXPECT_NE(Message(CheckKeyCost(*RsaWith(*huge), "k")).find("2^256"), std::string::npos);
  BignumPtr giant = hostile::OddNumber(2048);
  EXPECT_FALSE(CheckKeyCost(*RsaWith(*giant), "k"));
}

TEST(KeySanity, RefusesAModulusAboveTheCeiling) {
  BignumPtr n = hostile::OddNumber(kMaxRsaModulusBits + 8);
  auto key = hostile::RsaPublicKey(*n, *Number(65537));
  ASSERT_TRUE(key);
  EXPECT_NE(Message(CheckKeyCost(**key, "k")).find("ceiling"), std::string::npos);
}

TEST(KeySanity, RefusesExplicitEcParametersDecodedOrEncoded) {
  auto key = hostile::EcKeyWithExplicitParameters("P-256");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_TRUE(HasExplicitEcParameters(**key));
  EXPECT_EQ(EcCurveNid(**key), NID_undef);
  EXPECT_FALSE(CheckKeyCost(**key, "k"));
  // As a client would send it: encoded, then decoded by the gateway.
  Bytes der = *PublicKeyDer(**key);
  const unsigned char* p = der.data();
  X509PubkeyPtr spki(d2i_X509_PUBKEY(nullptr, &p, long(der.size())));
  ASSERT_TRUE(spki);
  Status s = CheckSpkiCost(*spki, "the signer's key");
  ASSERT_FALSE(s);
  EXPECT_NE(Message(s).find("explicit"), std::string::npos);
  EVP_PKEY* decoded = X509_PUBKEY_get0(spki.get());
  ASSERT_NE(decoded, nullptr);
  EXPECT_FALSE(CheckKeyCost(*decoded, "k"));
  // A named curve's encoding passes.
  EvpPkeyPtr named(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  Bytes named_der = *PublicKeyDer(*named);
  p = named_der.data();
  spki.reset(d2i_X509_PUBKEY(nullptr, &p, long(named_der.size())));
  EXPECT_TRUE(CheckSpkiCost(*spki, "k"));
}

TEST(KeySanity, NamesCurvesTheNistWayOrOpenSslsWay) {
  EXPECT_EQ(CurveNidByName("P-256"), NID_X9_62_prime256v1);
  EXPECT_EQ(CurveNidByName("prime256v1"), NID_X9_62_prime256v1);
  EXPECT_EQ(CurveNidByName("P-521"), NID_secp521r1);
  EXPECT_EQ(CurveNidByName("secp256k1"), NID_secp256k1);
  EXPECT_EQ(CurveNidByName("P-999"), NID_undef);
  EXPECT_EQ(CurveNidByName("sha256"), NID_undef);
  EXPECT_EQ(CurveNidByName(""), NID_undef);
}

TEST(HostileKeys, RsaKeyWithAChosenExponentSignsAndVerifies) {
  BignumPtr e = hostile::OddNumber(512);
  auto key = hostile::RsaKeyWithExponent(1024, *e);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(BN_cmp(RsaPublicExponent(**key).get(), e.get()), 0);
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr));
  EXPECT_EQ(EVP_PKEY_pairwise_check(ctx.get()), 1);
  EXPECT_FALSE(hostile::RsaKeyWithExponent(1024, *Number(4)));
}

}  // namespace
}  // namespace scepgate

#include "policy/key_rules.h"

#include <gtest/gtest.h>

#include "common/hostile_keys.h"

namespace scepgate::policy {
namespace {

std::string Code(const Status& s) {
  return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
}

BignumPtr Number(unsigned long v) {
  BignumPtr n(BN_new());
  BN_set_word(n.get(), v);
  return n;
}

// An RSA public key of `bits` with exponent `e` (any value: nothing is signed with it).
EvpPkeyPtr Rsa(int bits, const BIGNUM& e) {
  BignumPtr n = hostile::OddNumber(bits);
  return std::move(*hostile::RsaPublicKey(*n, e));
}

TEST(KeyRules, AcceptsTheUsualKeys) {
  KeyRules rules;
  EvpPkeyPtr rsa(EVP_RSA_gen(2048));
  EXPECT_TRUE(CheckRequestKey(rsa.get(), rules));
  EXPECT_TRUE(CheckRequestKey(Rsa(4096, *Number(65537)).get(), rules));
  for (const char* curve : {"P-256", "P-384", "P-521"}) {
    auto ec = hostile::EcKeyOn(curve);
    ASSERT_TRUE(ec);
    EXPECT_TRUE(CheckRequestKey(ec->get(), rules)) << curve;
  }
}

TEST(KeyRules, RefusesRsaExponentsOutsideTheRules) {
  KeyRules rules;
  for (unsigned long e : {1ul, 2ul, 3ul, 17ul, 65536ul, 65535ul}) {
    Status s = CheckRequestKey(Rsa(2048, *Number(e)).get(), rules);
    EXPECT_EQ(Code(s), "KeyParametersRejected") << e;
    EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied) << e;
  }
  EXPECT_EQ(Code(CheckRequestKey(Rsa(2048, *hostile::OddNumber(257)).get(), rules)),
            "KeyParametersRejected");
  EXPECT_EQ(Code(CheckRequestKey(Rsa(2048, *hostile::OddNumber(2048)).get(), rules)),
            "KeyParametersRejected");
  EXPECT_TRUE(CheckRequestKey(Rsa(2048, *hostile::OddNumber(256)).get(), rules));
  rules.rsa_min_exponent = 3;
  EXPECT_TRUE(CheckRequestKey(Rsa(2048, *Number(3)).get(), rules));
  EXPECT_EQ(Code(CheckRequestKey(Rsa(2048, *Number(1)).get(), rules)), "KeyParametersRejected");
}

TEST(KeyRules, RefusesRsaOutsideTheSizeLimits) {
  KeyRules rules;
  EXPECT_EQ(Code(CheckRequestKey(Rsa(1024, *Number(65537)).get(), rules)), "KeyLengthMismatch");
  Status big = CheckRequestKey(Rsa(4104, *Number(65537)).get(), rules);
  EXPECT_EQ(Code(big), "KeyLengthMismatch");
  EXPECT_NE(big.error().message.find("above the maximum of 4096"), std::string::npos);
  // Above the hard ceiling whatever the configuration says.
  rules.max_rsa_bits = 1 << 20;
  EXPECT_EQ(Code(CheckRequestKey(Rsa(16392, *Number(65537)).get(), rules)),
            "KeyParametersRejected");
}

TEST(KeyRules, RefusesEcCurvesNotConfiguredAndExplicitParameters) {
  KeyRules rules;
  auto k1 = hostile::EcKeyOn("secp256k1");
  ASSERT_TRUE(k1);
  EXPECT_EQ(Code(CheckRequestKey(k1->get(), rules)), "KeyParametersRejected");
  auto explicit_key = hostile::EcKeyWithExplicitParameters("P-256");
  ASSERT_TRUE(explicit_key);
  Status s = CheckRequestKey(explicit_key->get(), rules);
  EXPECT_EQ(Code(s), "KeyParametersRejected");
  EXPECT_NE(s.error().message.find("explicit"), std::string::npos) << s.error().message;
  rules.ec_curves = {"P-384"};
  auto p256 = hostile::EcKeyOn("P-256");
  EXPECT_EQ(Code(CheckRequestKey(p256->get(), rules)), "KeyParametersRejected");
  rules.ec_curves = {"secp256k1"};
  EXPECT_TRUE(CheckRequestKey(k1->get(), rules));
}

TEST(KeyRules, RefusesOtherKeyTypesAndNoKey) {
  KeyRules rules;
  EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  Status s = CheckRequestKey(ed.get(), rules);
  EXPECT_EQ(Code(s), "KeyTypeUnsupported");
  EXPECT_EQ(s.error().code, ErrorCode::kBadAlg);
  EXPECT_EQ(CheckRequestKey(nullptr, rules).error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace scepgate::policy

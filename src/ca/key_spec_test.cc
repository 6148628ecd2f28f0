#include "ca/key_spec.h"

#include <gtest/gtest.h>

#include "ca/cert_template.h"
#include "ca/issuer.h"
#include "ca/revocation.h"

namespace scepgate::ca {
namespace {

TEST(KeySpec, ParsesTheSupportedTypesAndNamesThem) {
  for (const char* text : {"rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384"}) {
    auto spec = ParseKeySpec(text);
    ASSERT_TRUE(spec) << text;
    EXPECT_EQ(KeySpecName(*spec), text);
  }
  EXPECT_EQ(ParseKeySpec("ec:p384")->kind, KeySpec::Kind::kEc);
  EXPECT_EQ(ParseKeySpec("ec:p384")->bits, 384);
  EXPECT_EQ(ParseKeySpec("rsa:3072")->kind, KeySpec::Kind::kRsa);
  EXPECT_EQ(ParseKeySpec("rsa:3072")->bits, 3072);
}

TEST(KeySpec, RejectsEverythingElse) {
  for (const char* text : {"", "rsa", "rsa:1024", "rsa:2047", "ec:p521", "ec:p192", "dsa:2048",
                           "ed25519", "rsa:2048 ", "ec:256"}) {
    auto spec = ParseKeySpec(text);
    ASSERT_FALSE(spec) << text;
    EXPECT_EQ(spec.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(KeySpec, GeneratesKeysOfTheRequestedTypeAndSize) {
  auto ec = GenerateKey(*ParseKeySpec("ec:p256"));
  ASSERT_TRUE(ec);
  EXPECT_FALSE(IsRsa(**ec));
  EXPECT_EQ(KeyBits(**ec), 256);
  auto ec384 = GenerateKey(*ParseKeySpec("ec:p384"));
  ASSERT_TRUE(ec384);
  EXPECT_EQ(KeyBits(**ec384), 384);
  auto rsa = GenerateKey(*ParseKeySpec("rsa:2048"));
  ASSERT_TRUE(rsa);
  EXPECT_TRUE(IsRsa(**rsa));
  EXPECT_EQ(KeyBits(**rsa), 2048);
}

TEST(KeySpec, KeyBitsIsZeroForOtherKeyTypes) {
  EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_TRUE(ed);
  EXPECT_EQ(KeyBits(*ed), 0);
  EXPECT_FALSE(IsRsa(*ed));
}

TEST(Purpose, ParsesAndNames) {
  for (Purpose p : {Purpose::kSignature, Purpose::kEncryption, Purpose::kGeneral})
    EXPECT_EQ(*ParsePurpose(PurposeName(p)), p);
  EXPECT_EQ(PurposeName(Purpose::kEncryption), "encryption");
  EXPECT_EQ(ParsePurpose("both").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ParsePurpose(""));
}

TEST(RevocationReason, ParsesCaseInsensitivelyAndNames) {
  EXPECT_EQ(*ParseRevocationReason("keyCompromise"), RevocationReason::kKeyCompromise);
  EXPECT_EQ(*ParseRevocationReason("SUPERSEDED"), RevocationReason::kSuperseded);
  EXPECT_EQ(*ParseRevocationReason("caCompromise"), RevocationReason::kCaCompromise);
  EXPECT_EQ(*ParseRevocationReason("privilegeWithdrawn"), RevocationReason::kPrivilegeWithdrawn);
  EXPECT_EQ(RevocationReasonName(RevocationReason::kCessationOfOperation), "cessationOfOperation");
  EXPECT_EQ(RevocationReasonName(RevocationReason::kCertificateHold), "certificateHold");
  EXPECT_EQ(ParseRevocationReason("stolen").error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ParseRevocationReason("removeFromCRL"));
}

TEST(RandomSerial, IsSixteenPositiveBytesWithoutLeadingZero) {
  FakeRandom zero(0x00);  // first byte 0x00 must become 0x01
  EXPECT_EQ((*RandomSerial(zero))[0], 0x01);
  FakeRandom high(0x80);  // 0x80 has the sign bit: masked to 0x00, then 0x01
  EXPECT_EQ((*RandomSerial(high))[0], 0x01);
  FakeRandom ff(0xff);
  Bytes s = *RandomSerial(ff);
  EXPECT_EQ(s[0], 0x7f);
  EXPECT_EQ(s[1], 0x00);  // the rest is untouched
  SystemRandom random;
  for (int i = 0; i < 200; ++i) {
    auto serial = RandomSerial(random);
    ASSERT_TRUE(serial);
    ASSERT_EQ(serial->size(), 16u);
    EXPECT_GE((*serial)[0], 0x01);
    EXPECT_LE((*serial)[0], 0x7f);
  }
}

}  // namespace
}  // namespace scepgate::ca

#include "policy/static_policy.h"

#include <gtest/gtest.h>

#include "ca/key_spec.h"
#include "client/request_builder.h"
#include "common/hostile_keys.h"
#include "policy/csr_info.h"

namespace scepgate::policy {
namespace {

EvpPkeyPtr Key(const char* spec) { return std::move(*ca::GenerateKey(*ca::ParseKeySpec(spec))); }

X509ReqPtr Csr(const EVP_PKEY& key, const std::string& challenge,
               const std::string& subject = "/CN=dev") {
  client::CsrOptions o;
  o.subject = subject;
  o.challenge = challenge;
  return std::move(*client::MakeCsr(key, o));
}

class StaticPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = Key("rsa:2048").release();
    signer_ = client::MakeSelfSignedSigner(*rsa_, "dev")->release();
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_);
    X509_free(signer_);
  }
  Status Verify(const X509_REQ& csr, bool renewal = false) {
    Grant grant;
    return policy_.Verify({csr, *signer_, renewal, "tid", "", nullptr}, grant);
  }
  std::string Code(const Status& s) {
    return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
  }

  StaticPolicy policy_{{"open sesame", false, false, 2048, 256}};
  static EVP_PKEY* rsa_;
  static X509* signer_;
};
EVP_PKEY* StaticPolicyTest::rsa_ = nullptr;
X509* StaticPolicyTest::signer_ = nullptr;

TEST_F(StaticPolicyTest, AcceptsTheRightChallenge) {
  EXPECT_TRUE(Verify(*Csr(*rsa_, "open sesame")));
}

TEST_F(StaticPolicyTest, NamesEachRefusal) {
  EXPECT_EQ(Code(Verify(*Csr(*rsa_, ""))), "ChallengePasswordMissing");
  EXPECT_EQ(Code(Verify(*Csr(*rsa_, "open sesamE"))), "ChallengeInvalid");
  EXPECT_EQ(Code(Verify(*Csr(*rsa_, "open sesame "))), "ChallengeInvalid");
  EXPECT_EQ(Verify(*Csr(*rsa_, "wrong")).error().code, ErrorCode::kPolicyDenied);
  EvpPkeyPtr small(EVP_RSA_gen(1024));
  EXPECT_EQ(Code(Verify(*Csr(*small, "open sesame"))), "KeyLengthMismatch");
}

TEST_F(StaticPolicyTest, EcKeysAreMeasuredAgainstTheEcMinimum) {
  EvpPkeyPtr p256 = Key("ec:p256");
  EXPECT_TRUE(Verify(*Csr(*p256, "open sesame")));
  StaticPolicy strict({"open sesame", false, false, 2048, 384});
  Grant grant;
  EXPECT_FALSE(
      strict.Verify({*Csr(*p256, "open sesame"), *signer_, false, "t", "", nullptr}, grant));
}

TEST_F(StaticPolicyTest, CsrSignatureIsProofOfPossession) {
  X509ReqPtr csr = Csr(*rsa_, "open sesame");
  Bytes der = *CsrToDer(*csr);
  der[der.size() - 2] ^= 0x40;
  X509ReqPtr broken = std::move(*CsrFromDer(der));
  EXPECT_FALSE(CsrSignatureValid(*broken));
  auto st = Verify(*broken);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kBadMessageCheck);
  EXPECT_EQ(Code(st), "CsrSignatureInvalid");
}

TEST_F(StaticPolicyTest, RenewalNeedsNoChallengeButKeepsTheSubject) {
  EXPECT_TRUE(Verify(*Csr(*rsa_, "", "/CN=dev"), /*renewal=*/true));
  EXPECT_EQ(Code(Verify(*Csr(*rsa_, "", "/CN=other"), true)), "SubjectNameMismatch");
  StaticPolicy strict({"open sesame", false, true, 2048, 256});
  Grant grant;
  EXPECT_FALSE(
      strict.Verify({*Csr(*rsa_, "", "/CN=dev"), *signer_, true, "t", "", nullptr}, grant));
}

TEST_F(StaticPolicyTest, RenewalKeepsOrNarrowsTheSignersSansNeverWidens) {
  client::CsrOptions o;
  o.subject = "/CN=dev";
  o.sans = {"DNS:dc01.corp.example"};
  X509ReqPtr wider = std::move(*client::MakeCsr(*rsa_, o));
  EXPECT_EQ(Code(Verify(*wider, /*renewal=*/true)), "SubjectAltNameMismatch");
  o.sans = {"UPN:administrator@corp.example"};
  EXPECT_EQ(Code(Verify(**client::MakeCsr(*rsa_, o), true)), "SubjectAltNameMismatch");
}

TEST_F(StaticPolicyTest, AHostileKeyIsRefusedBeforeTheCsrSignatureIsVerified) {
  // A CSR over an RSA key with exponent 1, "signed" by another key: refused for the key.
  BIGNUM* n = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(rsa_, "n", &n), 1);
  BignumPtr owned(n);
  BignumPtr one(BN_new());
  BN_one(one.get());
  EvpPkeyPtr bad = std::move(*hostile::RsaPublicKey(*n, *one));
  X509ReqPtr csr = Csr(*rsa_, "open sesame");
  X509_REQ_set_pubkey(csr.get(), bad.get());
  X509_REQ_sign(csr.get(), rsa_, EVP_sha256());
  Status s = Verify(*csr);
  EXPECT_EQ(Code(s), "KeyParametersRejected");
  EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied);
}

TEST_F(StaticPolicyTest, OpenEnrollmentLetsARequestWithoutChallengeIn) {
  Grant grant;
  StaticPolicy open({"", true, false, 2048, 256});
  EXPECT_TRUE(open.Verify({*Csr(*rsa_, ""), *signer_, false, "t", "", nullptr}, grant));
  StaticPolicy closed({"", false, false, 2048, 256});
  auto refused = closed.Verify({*Csr(*rsa_, ""), *signer_, false, "t", "", nullptr}, grant);
  EXPECT_EQ(Code(refused), "ChallengePasswordMissing");
  // With no static challenge configured, no challenge is the static one.
  EXPECT_FALSE(closed.IsStaticChallenge(""));
  EXPECT_EQ(Code(closed.Verify({*Csr(*rsa_, "x"), *signer_, false, "t", "", nullptr}, grant)),
            "ChallengeInvalid");
}

TEST(CsrInfo, ReadsChallengeKeyUsageAndKeyHash) {
  EvpPkeyPtr key = Key("ec:p256");
  client::CsrOptions o;
  o.challenge = "päss";
  o.key_usage = KU_DIGITAL_SIGNATURE;
  X509ReqPtr csr = std::move(*client::MakeCsr(*key, o));
  EXPECT_EQ(**ChallengePassword(*csr), "päss");
  EXPECT_EQ(*RequestedKeyUsage(*csr), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  auto spki = PublicKeyDer(*key);
  EXPECT_EQ(*CsrPublicKeySha256(*csr), HexEncode(*Digest("SHA256", *spki)));
  X509ReqPtr bare = std::move(*client::MakeCsr(*key, {}));
  EXPECT_FALSE(*ChallengePassword(*bare));
  EXPECT_FALSE(RequestedKeyUsage(*bare));
}

}  // namespace
}  // namespace scepgate::policy

#include <gtest/gtest.h>

#include <tuple>

#include "codec/pki_message.h"
#include "codec/signed_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::ClientKey;
using testing::RaCert;
using testing::RaKey;

struct Issued {
  X509Ptr cert = testing::MakeCert("device-7", ClientKey(), 4242, &RaCert(), RaKey());
};

CertRepParams BaseParams() {
  CertRepParams p;
  p.transaction_id = "77-digit-transaction";
  p.recipient_nonce = testing::Nonce(0x10);
  p.sender_nonce = testing::Nonce(0x80);
  return p;
}

CertRepParams SuccessParams(const X509& issued) {
  CertRepParams p = BaseParams();
  p.status = PkiStatus::kSuccess;
  p.recipient = &ClientCert();
  p.certs = {&issued, &RaCert()};
  return p;
}

class CertRepAlgorithms : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(CertRepAlgorithms, SuccessUsesTheClientsCipherAndDigest) {
  auto [cipher, digest] = GetParam();
  Issued issued;
  CertRepParams p = SuccessParams(*issued.cert);
  p.cipher_nid = cipher;
  p.digest_nid = digest;
  auto der = EncodeCertRep(p, RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;

  auto outer = ReadSignedMessage(*der);
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->digest_nid, digest);
  ASSERT_TRUE(outer->content);
  EXPECT_EQ(EnvelopeCipher(*outer->content).value(), cipher);

  auto rep = DecodeCertRep(*der, ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, PkiStatus::kSuccess);
  EXPECT_TRUE(rep->signature_valid);
  EXPECT_EQ(rep->transaction_id, p.transaction_id);
  EXPECT_EQ(rep->recipient_nonce, p.recipient_nonce);
  EXPECT_EQ(rep->sender_nonce, p.sender_nonce);
  EXPECT_FALSE(rep->fail_info);
  ASSERT_TRUE(rep->signer);
  EXPECT_EQ(X509_cmp(rep->signer.get(), &RaCert()), 0);
  ASSERT_EQ(rep->content.certs.size(), 2u);
  EXPECT_EQ(X509_cmp(rep->content.certs[0].get(), issued.cert.get()), 0);  // issued first
  EXPECT_EQ(X509_cmp(rep->content.certs[1].get(), &RaCert()), 0);
}

INSTANTIATE_TEST_SUITE_P(CiphersAndDigests, CertRepAlgorithms,
                         ::testing::Combine(::testing::Values(NID_des_ede3_cbc, NID_aes_128_cbc,
                                                              NID_aes_192_cbc, NID_aes_256_cbc),
                                            ::testing::Values(NID_sha1, NID_sha256, NID_sha512)));

TEST(CertRepTest, FailureCarriesFailInfoAndTextAndNoEnvelope) {
  CertRepParams p = BaseParams();
  p.status = PkiStatus::kFailure;
  p.fail_info = FailInfo::kBadCertId;
  p.fail_info_text = "challenge refusé";
  p.digest_nid = NID_sha512;
  auto der = EncodeCertRep(p, RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;

  auto outer = ReadSignedMessage(*der);
  ASSERT_TRUE(outer);
  ASSERT_TRUE(outer->content) << "eContent must be present (not detached)";
  EXPECT_TRUE(outer->content->empty());
  EXPECT_TRUE(outer->signature_valid);
  EXPECT_EQ(outer->digest_nid, NID_sha512);

  auto rep = DecodeCertRep(*der, ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, PkiStatus::kFailure);
  EXPECT_EQ(rep->fail_info, FailInfo::kBadCertId);
  EXPECT_EQ(rep->fail_info_text, "challenge refusé");
  EXPECT_EQ(rep->transaction_id, p.transaction_id);
  EXPECT_EQ(rep->recipient_nonce, p.recipient_nonce);
  EXPECT_EQ(rep->sender_nonce, p.sender_nonce);
  EXPECT_TRUE(rep->signature_valid);
  EXPECT_TRUE(rep->content.certs.empty());
}

TEST(CertRepTest, FailureWithoutTextHasNoFailInfoText) {
  CertRepParams p = BaseParams();
  p.status = PkiStatus::kFailure;
  p.fail_info = FailInfo::kBadMessageCheck;
  auto rep = DecodeCertRep(EncodeCertRep(p, RaCert(), RaKey()).value(), ClientCert(), ClientKey());
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->fail_info, FailInfo::kBadMessageCheck);
  EXPECT_EQ(rep->fail_info_text, "");
}

TEST(CertRepTest, PendingRoundTrip) {
  CertRepParams p = BaseParams();
  p.status = PkiStatus::kPending;
  auto der = EncodeCertRep(p, RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;
  auto rep = DecodeCertRep(*der, ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, PkiStatus::kPending);
  EXPECT_FALSE(rep->fail_info);
  EXPECT_EQ(rep->transaction_id, p.transaction_id);
  EXPECT_EQ(rep->recipient_nonce, p.recipient_nonce);
  EXPECT_TRUE(rep->signature_valid);
  auto outer = ReadSignedMessage(*der);
  ASSERT_TRUE(outer && outer->content);
  EXPECT_TRUE(outer->content->empty());
}

TEST(CertRepTest, GetCrlSuccessCarriesTheCrl) {
  X509CrlPtr crl = testing::MakeCrl(RaCert(), RaKey());
  CertRepParams p = BaseParams();
  p.recipient = &ClientCert();
  p.crls = {crl.get()};
  auto rep = DecodeCertRep(EncodeCertRep(p, RaCert(), RaKey()).value(), ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_TRUE(rep->content.certs.empty());
  ASSERT_EQ(rep->content.crls.size(), 1u);
  EXPECT_EQ(X509_CRL_cmp(rep->content.crls[0].get(), crl.get()), 0);
}

TEST(CertRepTest, InconsistentParamsAreInvalidArgument) {
  Issued issued;
  CertRepParams no_recipient = SuccessParams(*issued.cert);
  no_recipient.recipient = nullptr;
  CertRepParams no_certs = SuccessParams(*issued.cert);
  no_certs.certs.clear();
  CertRepParams no_fail_info = BaseParams();
  no_fail_info.status = PkiStatus::kFailure;
  for (const CertRepParams* p : {&no_recipient, &no_certs, &no_fail_info}) {
    auto r = EncodeCertRep(*p, RaCert(), RaKey());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(CertRepTest, UnknownDigestFallsBackToSha256) {
  CertRepParams p = BaseParams();
  p.status = PkiStatus::kPending;
  p.digest_nid = NID_undef;
  auto outer = ReadSignedMessage(EncodeCertRep(p, RaCert(), RaKey()).value());
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->digest_nid, NID_sha256);
}

TEST(CertRepTest, TamperedSignatureIsReported) {
  Issued issued;
  Bytes der = EncodeCertRep(SuccessParams(*issued.cert), RaCert(), RaKey()).value();
  auto rep = DecodeCertRep(testing::FlipSignatureByte(der), ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_FALSE(rep->signature_valid);
}

TEST(CertRepTest, WrongRecipientKeyIsBadMessageCheck) {
  Issued issued;
  Bytes der = EncodeCertRep(SuccessParams(*issued.cert), RaCert(), RaKey()).value();
  auto rep = DecodeCertRep(der, RaCert(), RaKey());
  ASSERT_FALSE(rep);
  EXPECT_EQ(rep.error().code, ErrorCode::kBadMessageCheck);
}

TEST(CertRepTest, RequestsAndGarbageAreNotCertReps) {
  RequestParams rp;
  rp.transaction_id = "t";
  rp.sender_nonce = testing::Nonce(1);
  rp.content = {0x30, 0x00};
  rp.recipients = {&RaCert()};
  Bytes request = EncodeRequest(rp, ClientCert(), ClientKey()).value();
  for (const Bytes& bad : {request, Bytes(), Bytes{0x30, 0x03, 0x02, 0x01, 0x00}}) {
    auto rep = DecodeCertRep(bad, ClientCert(), ClientKey());
    ASSERT_FALSE(rep);
    EXPECT_EQ(rep.error().code, ErrorCode::kBadRequest);
  }
}

}  // namespace
}  // namespace scepgate::codec

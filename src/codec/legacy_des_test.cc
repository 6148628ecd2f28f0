// Single DES (micromdm scepclient, old Cisco) with OpenSSL's legacy provider loaded. A binary of
// its own: providers are process-global, and codec_test checks that DES is refused without it.
#include <gtest/gtest.h>

#include "codec/pki_message.h"
#include "codec/test_util.h"
#include "common/providers.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::ClientKey;
using testing::RaCert;
using testing::RaKey;

class LegacyDesTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    auto loaded = LoadProviders(true);
    if (!loaded) GTEST_SKIP() << "legacy provider unavailable: " << loaded.error().message;
  }
};

TEST_P(LegacyDesTest, RequestRoundTrip) {
  RequestParams p;
  p.type = MessageType::kPKCSReq;
  p.transaction_id = "micromdm-style";
  p.sender_nonce = testing::Nonce(5);
  p.cipher_nid = NID_des_cbc;
  p.digest_nid = GetParam();
  p.content = testing::MakeCsrDer("des-device", ClientKey(), "pw");
  p.recipients = {&RaCert()};
  auto der = EncodeRequest(p, ClientCert(), ClientKey());
  ASSERT_TRUE(der) << der.error().message;
  auto req = ParseRequest(*der);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(req->digest_nid, GetParam());
  auto opened = OpenEnvelope(req->enveloped, RaCert(), RaKey());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->cipher_nid, NID_des_cbc);
  EXPECT_EQ(opened->content, p.content);
}

TEST_P(LegacyDesTest, CertRepRoundTrip) {
  X509Ptr issued = testing::MakeCert("des-device", ClientKey(), 99, &RaCert(), RaKey());
  CertRepParams p;
  p.transaction_id = "micromdm-style";
  p.recipient_nonce = testing::Nonce(5);
  p.sender_nonce = testing::Nonce(50);
  p.status = PkiStatus::kSuccess;
  p.cipher_nid = NID_des_cbc;
  p.digest_nid = GetParam();
  p.recipient = &ClientCert();
  p.certs = {issued.get()};
  auto der = EncodeCertRep(p, RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;
  auto rep = DecodeCertRep(*der, ClientCert(), ClientKey());
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_TRUE(rep->signature_valid);
  ASSERT_EQ(rep->content.certs.size(), 1u);
  EXPECT_EQ(X509_cmp(rep->content.certs[0].get(), issued.get()), 0);
}

INSTANTIATE_TEST_SUITE_P(Digests, LegacyDesTest,
                         ::testing::Values(NID_sha1, NID_sha256, NID_sha512));

}  // namespace
}  // namespace scepgate::codec

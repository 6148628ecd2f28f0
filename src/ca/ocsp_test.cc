// OCSP as the responder speaks it, checked with OpenSSL's own client side: requests made with
// OCSP_request_add0_id / OCSP_request_add1_nonce parse, CertIDs name the right CA, and signed
// answers verify with OCSP_basic_verify against the CA and match the request's CertIDs, nonce and
// statuses; the delegated responder certificate carries what RFC 6960 asks.
#include "ca/ocsp.h"

#include <gtest/gtest.h>

#include "ca/issuer.h"
#include "ca/test_util.h"

namespace scepgate::ca {
namespace {

using testutil::MakeTestCa;
using testutil::Now;
using testutil::SharedKey;

Bytes Der(OCSP_REQUEST* req) {
  unsigned char* out = nullptr;
  int len = i2d_OCSP_REQUEST(req, &out);
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// A request as `openssl ocsp -issuer CA -serial S` makes it (SHA-1 CertIDs).
OcspRequestPtr Request(const X509& ca, const std::vector<Bytes>& serials, bool nonce,
                       const EVP_MD* md = EVP_sha1()) {
  OcspRequestPtr req(OCSP_REQUEST_new());
  for (const Bytes& s : serials) {
    Asn1IntegerPtr serial(ASN1_INTEGER_new());
    BignumPtr bn(BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr));
    BN_to_ASN1_INTEGER(bn.get(), serial.get());
    OCSP_CERTID* id = OCSP_cert_id_new(md, X509_get_subject_name(&ca), X509_get0_pubkey_bitstr(&ca),
                                       serial.get());
    EXPECT_NE(OCSP_request_add0_id(req.get(), id), nullptr);
  }
  if (nonce) {
    EXPECT_EQ(OCSP_request_add1_nonce(req.get(), nullptr, 16), 1);
  }
  return req;
}

class OcspTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeTestCa("ec:p256", Now());
    // An Issuer over the test CA's certificate and key signs as that CA.
    EVP_PKEY_up_ref(ca_.issuing_key.get());
    issuer_ = std::make_unique<Issuer>(X509Ptr(X509_dup(ca_.issuing.get())),
                                       EvpPkeyPtr(ca_.issuing_key.get()), IssuerOptions{});
    responder_key_ = SharedKey("ec:p256");
    auto cert = issuer_->IssueOcspResponder(*responder_key_, Bytes{0x42, 0x01}, Now(), 86400);
    ASSERT_TRUE(cert) << cert.error().message;
    responder_ = std::move(*cert);
  }

  testutil::TestCa ca_;
  std::unique_ptr<Issuer> issuer_;
  EvpPkeyPtr responder_key_;
  X509Ptr responder_;
};

TEST_F(OcspTest, TheResponderCertificateIsDelegatedAsRfc6960Asks) {
  EXPECT_EQ(testutil::EkuOids(*responder_), std::vector<std::string>{"1.3.6.1.5.5.7.3.9"});
  EXPECT_GE(X509_get_ext_by_NID(responder_.get(), NID_id_pkix_OCSP_noCheck, -1), 0);
  EXPECT_EQ(testutil::Criticality(*responder_, NID_key_usage), 1);
  EXPECT_EQ(X509_get_key_usage(responder_.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_TRUE(X509_check_ca(responder_.get()) == 0);
  EXPECT_EQ(X509_verify(responder_.get(), X509_get0_pubkey(ca_.issuing.get())), 1);
  EXPECT_EQ(testutil::NotAfterOf(*responder_) - testutil::NotBefore(*responder_), 86400 + 300);
  EXPECT_EQ(testutil::AuthorityKeyId(*responder_), testutil::SubjectKeyId(*ca_.issuing));
  Issuer keyless(X509Ptr(X509_dup(ca_.issuing.get())), nullptr, IssuerOptions{});
  EXPECT_EQ(keyless.IssueOcspResponder(*responder_key_, Bytes{1}, Now(), 60).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST_F(OcspTest, RequestsParseAndTheirCertIdsNameTheIssuer) {
  OcspRequestPtr req = Request(*ca_.issuing, {Bytes{0x0a, 0x0b}, Bytes{0x00, 0xff}}, true);
  auto info = ParseOcspRequest(Der(req.get()));
  ASSERT_TRUE(info) << info.error().message;
  ASSERT_EQ(info->ids.size(), 2u);
  EXPECT_EQ(info->ids[0].serial_hex, "a0b");
  EXPECT_EQ(info->ids[1].serial_hex, "ff");
  EXPECT_EQ(info->ids[0].hash_nid, NID_sha1);
  ASSERT_TRUE(info->nonce);
  auto hashes = OcspHashesOf(*ca_.issuing);
  ASSERT_TRUE(hashes);
  EXPECT_TRUE(NamesIssuer(*hashes, info->ids[0]));
  EXPECT_FALSE(NamesIssuer(*OcspHashesOf(*ca_.root), info->ids[0]));
  // SHA-256 CertIDs name it too.
  auto sha256 = ParseOcspRequest(Der(Request(*ca_.issuing, {Bytes{1}}, false, EVP_sha256()).get()));
  ASSERT_TRUE(sha256);
  EXPECT_EQ(sha256->ids[0].hash_nid, NID_sha256);
  EXPECT_TRUE(NamesIssuer(*hashes, sha256->ids[0]));
  EXPECT_FALSE(sha256->nonce);
}

TEST_F(OcspTest, WhatIsNotARequestIsRefused) {
  for (const Bytes& bad :
       {Bytes{}, Bytes{0x30, 0x00}, Bytes{0x30, 0x03, 0x02, 0x01, 0x01}, Bytes(4096, 0x30)}) {
    auto parsed = ParseOcspRequest(bad);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest);
  }
  Bytes good = Der(Request(*ca_.issuing, {Bytes{1}}, false).get());
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(ParseOcspRequest(trailing));
  std::vector<Bytes> many(33, Bytes{7});
  auto too_many = ParseOcspRequest(Der(Request(*ca_.issuing, many, false).get()));
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("at most 32"), std::string::npos);
  auto md5 = ParseOcspRequest(Der(Request(*ca_.issuing, {Bytes{1}}, false, EVP_md5()).get()));
  EXPECT_FALSE(md5);
}

TEST_F(OcspTest, SignedAnswersVerifyAndCarryTheStatusesAndTheNonce) {
  OcspRequestPtr req = Request(*ca_.issuing, {Bytes{0x01}, Bytes{0x02}, Bytes{0x03}}, true);
  auto info = ParseOcspRequest(Der(req.get()));
  ASSERT_TRUE(info);
  const int64_t now = Now();
  std::vector<OcspAnswer> answers(3);
  for (size_t i = 0; i < 3; ++i) {
    answers[i].id = &info->ids[i];
    answers[i].this_update = now;
    answers[i].next_update = now + 3600;
  }
  answers[0].status = OcspAnswer::Status::kGood;
  answers[1].status = OcspAnswer::Status::kRevoked;
  answers[1].revoked_at = now - 60;
  answers[1].reason = 1;  // keyCompromise
  answers[2].status = OcspAnswer::Status::kUnknown;
  auto der = SignOcspResponse(*responder_, *responder_key_, answers, info->nonce);
  ASSERT_TRUE(der) << der.error().message;

  const unsigned char* p = der->data();
  OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der->size())));
  ASSERT_TRUE(resp);
  EXPECT_EQ(OCSP_response_status(resp.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
  OcspBasicRespPtr basic(OCSP_response_get1_basic(resp.get()));
  ASSERT_TRUE(basic);
  EXPECT_EQ(OCSP_check_nonce(req.get(), basic.get()), 1);
  // As a relying party checks it: the CA trusted, the responder delegated by it.
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca_.root.get());
  X509StackPtr untrusted(sk_X509_new_null());
  X509_up_ref(ca_.issuing.get());
  sk_X509_push(untrusted.get(), ca_.issuing.get());
  EXPECT_EQ(OCSP_basic_verify(basic.get(), untrusted.get(), store.get(), 0), 1);
  for (int i = 0; i < 3; ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    int status = -1, reason = -1;
    ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    ASSERT_EQ(OCSP_resp_find_status(basic.get(), id, &status, &reason, &rev, &thisupd, &nextupd), 1)
        << i;
    EXPECT_EQ(OCSP_check_validity(thisupd, nextupd, 300, -1), 1);
    if (i == 0) {
      EXPECT_EQ(status, V_OCSP_CERTSTATUS_GOOD);
    }
    if (i == 1) {
      EXPECT_EQ(status, V_OCSP_CERTSTATUS_REVOKED);
      EXPECT_EQ(reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
      ASSERT_NE(rev, nullptr);
    }
    if (i == 2) {
      EXPECT_EQ(status, V_OCSP_CERTSTATUS_UNKNOWN);
    }
  }
  // A response to a request without a nonce carries none.
  auto plain = SignOcspResponse(*responder_, *responder_key_, {answers.data(), 1}, std::nullopt);
  ASSERT_TRUE(plain);
  p = plain->data();
  OcspResponsePtr plain_resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(plain->size())));
  OcspBasicRespPtr plain_basic(OCSP_response_get1_basic(plain_resp.get()));
  EXPECT_LT(OCSP_BASICRESP_get_ext_by_NID(plain_basic.get(), NID_id_pkix_OCSP_Nonce, -1), 0);
}

TEST_F(OcspTest, ErrorResponsesCarryOnlyTheirStatus) {
  for (OcspError e : {OcspError::kMalformedRequest, OcspError::kInternalError, OcspError::kTryLater,
                      OcspError::kUnauthorized}) {
    Bytes der = OcspErrorResponse(e);
    const unsigned char* p = der.data();
    OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(resp);
    EXPECT_EQ(OCSP_response_status(resp.get()), static_cast<int>(e));
    EXPECT_EQ(OCSP_response_get1_basic(resp.get()), nullptr);
  }
}

}  // namespace
}  // namespace scepgate::ca

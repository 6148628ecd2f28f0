#include "codec/request_der.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <optional>

#include "codec/pki_message.h"
#include "codec/signed_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::ClientKey;
using testing::RaCert;

RequestParams Params(int digest_nid) {
  RequestParams p;
  p.type = MessageType::kPKCSReq;
  p.transaction_id = "fast-path-7";
  p.sender_nonce = testing::Nonce(0x20);
  p.cipher_nid = NID_aes_128_cbc;
  p.digest_nid = digest_nid;
  p.content = testing::MakeCsrDer("device-9", ClientKey(), "challenge");
  p.recipients = {&RaCert()};
  return p;
}

Bytes Request(int digest_nid = NID_sha256) {
  auto der = EncodeRequest(Params(digest_nid), ClientCert(), ClientKey());
  EXPECT_TRUE(der) << der.error().message;
  return der.value_or(Bytes());
}

// Checks that the fast path declines `der` without leaving an OpenSSL error, and returns what
// the CMS layer makes of it: nullopt, with a test failure, when that refuses it too.
std::optional<PkiRequest> DeclinedThenParsed(ByteView der) {
  EXPECT_FALSE(ParseRequestDer(der));
  EXPECT_EQ(ERR_peek_error(), 0u);
  auto req = ParseRequest(der);
  EXPECT_TRUE(req) << req.error().message;
  if (!req) return std::nullopt;
  return std::move(*req);
}

// One BER/DER header: its length and the body's length (nullopt for the indefinite form).
struct Header {
  size_t size = 0;
  size_t body = 0;
};

Header ReadHeader(ByteView der) {
  EXPECT_GE(der.size(), 2u);
  if ((der[1] & 0x80) == 0) return {2, der[1]};
  size_t n = der[1] & 0x7f;
  size_t len = 0;
  for (size_t i = 0; i < n; ++i) len = (len << 8) | der[2 + i];
  return {2 + n, len};
}

// The same message with ContentInfo, its [0] and the SignedData in BER's indefinite-length form,
// as some Java clients send it.
Bytes Indefinite(ByteView der) {
  Header ci = ReadHeader(der);
  ByteView ci_body = der.subspan(ci.size, ci.body);
  Header oid = ReadHeader(ci_body);
  ByteView oid_whole = ci_body.first(oid.size + oid.body);
  ByteView wrap = ci_body.subspan(oid_whole.size());
  Header w = ReadHeader(wrap);
  ByteView sd = wrap.subspan(w.size, w.body);
  Header s = ReadHeader(sd);
  ByteView sd_body = sd.subspan(s.size, s.body);
  EXPECT_EQ(der[0], 0x30);
  EXPECT_EQ(wrap[0], 0xa0);
  EXPECT_EQ(sd[0], 0x30);
  EXPECT_EQ(ci.size + ci.body, der.size());

  Bytes out = {0x30, 0x80};
  out.insert(out.end(), oid_whole.begin(), oid_whole.end());
  out.insert(out.end(), {0xa0, 0x80, 0x30, 0x80});
  out.insert(out.end(), sd_body.begin(), sd_body.end());
  out.insert(out.end(), 6, 0x00);  // three end-of-contents
  return out;
}

Bytes CertDer(const X509& cert) { return CertToDer(cert).value(); }

class RequestDerDigest : public ::testing::TestWithParam<int> {};

TEST_P(RequestDerDigest, ParsesWhatTheCmsLayerParses) {
  int digest = GetParam();
  RequestParams p = Params(digest);
  Bytes der = EncodeRequest(p, ClientCert(), ClientKey()).value();

  std::optional<PkiRequest> fast = ParseRequestDer(der);
  ASSERT_TRUE(fast);
  EXPECT_EQ(ERR_peek_error(), 0u);
  auto cms = ReadSignedMessage(der);
  ASSERT_TRUE(cms) << cms.error().message;

  EXPECT_EQ(fast->type, MessageType::kPKCSReq);
  EXPECT_EQ(fast->transaction_id, p.transaction_id);
  EXPECT_EQ(fast->sender_nonce, p.sender_nonce);
  EXPECT_EQ(fast->digest_nid, digest);
  EXPECT_EQ(fast->digest_nid, cms->digest_nid);
  EXPECT_TRUE(fast->signature_valid);
  EXPECT_TRUE(cms->signature_valid);
  ASSERT_TRUE(cms->content);
  EXPECT_EQ(fast->enveloped, *cms->content);
  EXPECT_EQ(EnvelopeCipher(fast->enveloped).value(), NID_aes_128_cbc);
}

TEST_P(RequestDerDigest, SignerIsParsedWithoutItsKeyAndTheKeyIsSeparate) {
  std::optional<PkiRequest> fast = ParseRequestDer(Request(GetParam()));
  ASSERT_TRUE(fast);
  ASSERT_TRUE(fast->signer);
  EXPECT_EQ(CertDer(*fast->signer), CertDer(ClientCert()));
  EXPECT_EQ(X509_get0_pubkey(fast->signer.get()), nullptr);
  ERR_clear_error();  // the retried key decode queues an error
  ASSERT_TRUE(fast->signer_key);
  EXPECT_EQ(EVP_PKEY_eq(fast->signer_key.get(), &ClientKey()), 1);
}

INSTANTIATE_TEST_SUITE_P(Digests, RequestDerDigest,
                         ::testing::Values(NID_sha1, NID_sha256, NID_sha512));

TEST(RequestDerTest, ParseRequestTakesTheFastPath) {
  Bytes der = Request();
  auto req = ParseRequest(der);
  ASSERT_TRUE(req) << req.error().message;
  // Only the fast path leaves the signer without a decoded key.
  EXPECT_EQ(X509_get0_pubkey(req->signer.get()), nullptr);
  ERR_clear_error();
  EXPECT_EQ(req->enveloped, ParseRequestDer(der)->enveloped);
}

TEST(RequestDerTest, EveryMessageTypeIsRecognised) {
  for (MessageType t : {MessageType::kPKCSReq, MessageType::kRenewalReq, MessageType::kUpdateReq,
                        MessageType::kCertPoll, MessageType::kGetCert, MessageType::kGetCRL}) {
    RequestParams p = Params(NID_sha256);
    p.type = t;
    auto fast = ParseRequestDer(EncodeRequest(p, ClientCert(), ClientKey()).value());
    ASSERT_TRUE(fast) << MessageTypeName(t);
    EXPECT_EQ(fast->type, t);
  }
}

// A SignedData built with CMS_sign: the RA certificate is included before the signer's, and
// messageType and transactionID are UTF8Strings.
Bytes SignedWithExtraCertFirst() {
  Bytes content = {0x30, 0x00};
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY));
  EXPECT_EQ(CMS_add1_cert(cms.get(), const_cast<X509*>(&RaCert())), 1);
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), const_cast<X509*>(&ClientCert()),
                                       const_cast<EVP_PKEY*>(&ClientKey()), EVP_sha256(), 0);
  EXPECT_NE(si, nullptr);
  Asn1ObjectPtr mt(OBJ_txt2obj("2.16.840.1.113733.1.9.2", 1));
  Asn1ObjectPtr tid(OBJ_txt2obj("2.16.840.1.113733.1.9.7", 1));
  Asn1ObjectPtr nonce(OBJ_txt2obj("2.16.840.1.113733.1.9.5", 1));
  Bytes n = testing::Nonce(3);
  EXPECT_EQ(CMS_signed_add1_attr_by_OBJ(si, mt.get(), V_ASN1_UTF8STRING, "17", 2), 1);
  EXPECT_EQ(CMS_signed_add1_attr_by_OBJ(si, tid.get(), V_ASN1_UTF8STRING, "t-1", 3), 1);
  EXPECT_EQ(CMS_signed_add1_attr_by_OBJ(si, nonce.get(), V_ASN1_OCTET_STRING, n.data(), 16), 1);
  EXPECT_EQ(CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY), 1);
  return CmsToDer(*cms).value();
}

TEST(RequestDerTest, FindsTheSignerAmongSeveralCertificates) {
  std::optional<PkiRequest> fast = ParseRequestDer(SignedWithExtraCertFirst());
  ASSERT_TRUE(fast);
  EXPECT_EQ(CertDer(*fast->signer), CertDer(ClientCert()));
  EXPECT_EQ(fast->type, MessageType::kRenewalReq);
  EXPECT_EQ(fast->transaction_id, "t-1");
  EXPECT_EQ(fast->sender_nonce, testing::Nonce(3));
  EXPECT_EQ(fast->enveloped, (Bytes{0x30, 0x00}));
  EXPECT_TRUE(fast->signature_valid);
}

TEST(RequestDerTest, DeclinesBerAndTheCmsLayerParsesIt) {
  Bytes der = Request();
  Bytes ber = Indefinite(der);
  ASSERT_NE(ber, der);
  auto req = DeclinedThenParsed(ber);
  ASSERT_TRUE(req);
  std::optional<PkiRequest> fast = ParseRequestDer(der);
  ASSERT_TRUE(fast);
  EXPECT_EQ(req->type, fast->type);
  EXPECT_EQ(req->transaction_id, fast->transaction_id);
  EXPECT_EQ(req->sender_nonce, fast->sender_nonce);
  EXPECT_EQ(req->digest_nid, fast->digest_nid);
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(req->enveloped, fast->enveloped);
  EXPECT_EQ(CertDer(*req->signer), CertDer(ClientCert()));
  ASSERT_TRUE(req->signer_key);
  EXPECT_EQ(EVP_PKEY_eq(req->signer_key.get(), &ClientKey()), 1);
}

TEST(RequestDerTest, DeclinesABadSignatureAndTheCmsLayerReportsIt) {
  Bytes tampered = testing::FlipSignatureByte(Request());
  auto req = DeclinedThenParsed(tampered);
  ASSERT_TRUE(req);
  EXPECT_FALSE(req->signature_valid);
  EXPECT_EQ(req->transaction_id, "fast-path-7");
  EXPECT_EQ(req->sender_nonce, testing::Nonce(0x20));
}

TEST(RequestDerTest, DeclinesAnEcSignerAndTheCmsLayerParsesIt) {
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  X509Ptr cert = testing::MakeCert("ec signer", *ec, 31, nullptr, *ec);
  Bytes der = EncodeRequest(Params(NID_sha256), *cert, *ec).value();
  auto req = DeclinedThenParsed(der);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(req->transaction_id, "fast-path-7");
  EXPECT_EQ(CertDer(*req->signer), CertDer(*cert));
  ASSERT_TRUE(req->signer_key);
  EXPECT_EQ(EVP_PKEY_eq(req->signer_key.get(), ec.get()), 1);
}

TEST(RequestDerTest, DeclinesTrailingBytes) {
  Bytes der = Request();
  der.insert(der.end(), {0xde, 0xad, 0xbe, 0xef});
  // OpenSSL's d2i stops at the end of the first structure: the CMS layer ignores the tail.
  auto req = DeclinedThenParsed(der);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(req->transaction_id, "fast-path-7");
}

TEST(RequestDerTest, DeclinesAnUnknownMessageTypeAndParseRequestRefusesIt) {
  ScepAttributes a;
  a.message_type = "99";
  a.transaction_id = "tid";
  a.sender_nonce = testing::Nonce(1);
  Bytes der = SignMessage(Bytes{0x30, 0x00}, ClientCert(), ClientKey(), NID_sha256, a).value();
  EXPECT_FALSE(ParseRequestDer(der));
  auto req = ParseRequest(der);
  ASSERT_FALSE(req);
  EXPECT_EQ(req.error().code, ErrorCode::kBadRequest);
}

TEST(RequestDerTest, DeclinesAMissingSenderNonce) {
  ScepAttributes a;
  a.message_type = "19";
  a.transaction_id = "tid";
  Bytes der = SignMessage(Bytes{0x30, 0x00}, ClientCert(), ClientKey(), NID_sha256, a).value();
  EXPECT_FALSE(ParseRequestDer(der));
  a.sender_nonce = testing::Nonce(1);
  EXPECT_TRUE(  // the same message with the nonce is taken
      ParseRequestDer(
          SignMessage(Bytes{0x30, 0x00}, ClientCert(), ClientKey(), NID_sha256, a).value()));
}

TEST(RequestDerTest, GarbageAndTruncationsAreDeclinedCleanly) {
  EXPECT_FALSE(ParseRequestDer(Bytes()));
  EXPECT_FALSE(ParseRequestDer(Bytes{0x30}));
  EXPECT_FALSE(ParseRequestDer(Bytes{0x30, 0x80, 0x00, 0x00}));
  EXPECT_FALSE(ParseRequestDer(Bytes{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_FALSE(ParseRequestDer(Bytes{0x13, 0x37, 0xc0, 0xff, 0xee}));
  EXPECT_FALSE(ParseRequestDer(Bytes(1000, 0x41)));
  EXPECT_EQ(ERR_peek_error(), 0u);

  Bytes der = Request();
  ASSERT_TRUE(ParseRequestDer(der));
  for (size_t i = 0; i < 50; ++i) {
    size_t n = i * (der.size() - 1) / 49;  // 0 .. size-1
    EXPECT_FALSE(ParseRequestDer(ByteView(der).first(n))) << n;
    EXPECT_EQ(ERR_peek_error(), 0u) << n;
  }
}

TEST(RequestDerTest, FlippedBytesNeverYieldOtherContent) {
  // Flipping a bit anywhere must never give a request whose signature is taken as valid with
  // content other than what was signed.
  Bytes der = Request();
  Bytes enveloped = ParseRequestDer(der)->enveloped;
  for (size_t i = 0; i < der.size(); i += 7) {
    Bytes bad = der;
    bad[i] ^= 0x04;
    std::optional<PkiRequest> fast = ParseRequestDer(bad);
    EXPECT_EQ(ERR_peek_error(), 0u) << i;
    if (fast) {
      EXPECT_EQ(fast->enveloped, enveloped) << i;
    }
  }
}

}  // namespace
}  // namespace scepgate::codec

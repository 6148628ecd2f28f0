#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "codec/pki_message.h"
#include "codec/signed_message.h"
#include "codec/test_util.h"
#include "common/hostile_keys.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::ClientKey;
using testing::RaCert;
using testing::RaKey;

RequestParams Params(int cipher_nid, int digest_nid) {
  RequestParams p;
  p.type = MessageType::kPKCSReq;
  p.transaction_id = "a1b2c3+/=";
  p.sender_nonce = testing::Nonce(0x10);
  p.cipher_nid = cipher_nid;
  p.digest_nid = digest_nid;
  p.content = testing::MakeCsrDer("device-7", ClientKey(), "challenge");
  p.recipients = {&RaCert()};
  return p;
}

void ExpectBadRequest(ByteView der, const char* what) {
  auto r = ParseRequest(der);
  ASSERT_FALSE(r) << what;
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << what << ": " << r.error().message;
}

class RequestRoundTrip : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(RequestRoundTrip, ParsesAndOpens) {
  auto [cipher, digest] = GetParam();
  RequestParams p = Params(cipher, digest);
  auto der = EncodeRequest(p, ClientCert(), ClientKey());
  ASSERT_TRUE(der) << der.error().message;

  auto req = ParseRequest(*der);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->type, MessageType::kPKCSReq);
  EXPECT_EQ(req->transaction_id, p.transaction_id);
  EXPECT_EQ(req->sender_nonce, p.sender_nonce);
  EXPECT_EQ(req->digest_nid, digest);
  EXPECT_TRUE(req->signature_valid);
  ASSERT_TRUE(req->signer);
  EXPECT_EQ(X509_cmp(req->signer.get(), &ClientCert()), 0);

  EXPECT_EQ(EnvelopeCipher(req->enveloped).value(), cipher);
  auto opened = OpenEnvelope(req->enveloped, RaCert(), RaKey());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->cipher_nid, cipher);
  EXPECT_EQ(opened->content, p.content);
  EXPECT_TRUE(ParseCsr(opened->content));
}

INSTANTIATE_TEST_SUITE_P(CiphersAndDigests, RequestRoundTrip,
                         ::testing::Combine(::testing::Values(NID_des_ede3_cbc, NID_aes_128_cbc,
                                                              NID_aes_192_cbc, NID_aes_256_cbc),
                                            ::testing::Values(NID_sha1, NID_sha256, NID_sha512)));

TEST(RequestTest, EveryMessageTypeRoundTrips) {
  for (MessageType t : {MessageType::kPKCSReq, MessageType::kRenewalReq, MessageType::kUpdateReq,
                        MessageType::kCertPoll, MessageType::kGetCert, MessageType::kGetCRL}) {
    RequestParams p = Params(NID_aes_128_cbc, NID_sha256);
    p.type = t;
    auto req = ParseRequest(EncodeRequest(p, ClientCert(), ClientKey()).value());
    ASSERT_TRUE(req) << MessageTypeName(t) << ": " << req.error().message;
    EXPECT_EQ(req->type, t);
  }
}

TEST(RequestTest, TamperedSignatureIsReportedNotRejected) {
  Bytes der = EncodeRequest(Params(NID_aes_256_cbc, NID_sha256), ClientCert(), ClientKey()).value();
  auto req = ParseRequest(testing::FlipSignatureByte(der));
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_FALSE(req->signature_valid);
  EXPECT_EQ(req->transaction_id, "a1b2c3+/=");
}

// A signer key that would make verifying the signature the attack (a huge RSA exponent costs
// milliseconds per verification), or that no CA should trust (explicit EC parameters), is refused
// before any signature is verified with it, on both parsing paths.
TEST(RequestTest, SignerKeysTooCostlyToVerifyWithAreRefusedUnverified) {
  std::vector<EvpPkeyPtr> keys;
  keys.push_back(std::move(*hostile::RsaKeyWithExponent(1024, *hostile::OddNumber(1000))));
  BignumPtr one(BN_new());
  BN_one(one.get());
  keys.push_back(std::move(*hostile::RsaKeyWithExponent(1024, *one)));
  keys.push_back(std::move(*hostile::EcKeyWithExplicitParameters("P-256")));
  for (const EvpPkeyPtr& key : keys) {
    X509Ptr cert = testing::MakeCert("hostile", *key, 7, nullptr, *key);
    RequestParams p = Params(NID_aes_256_cbc, NID_sha256);
    auto der = EncodeRequest(p, *cert, *key);
    ASSERT_TRUE(der) << der.error().message;
    auto req = ParseRequest(*der);
    ASSERT_TRUE(req) << req.error().message;
    EXPECT_FALSE(req->signature_valid);
    EXPECT_TRUE(req->signer_refusal.starts_with("KeyParametersRejected: the message signer's key"))
        << req->signer_refusal;
  }
  // An ordinary signer is verified, and nothing is refused.
  auto der = EncodeRequest(Params(NID_aes_256_cbc, NID_sha256), ClientCert(), ClientKey());
  auto req = ParseRequest(*der);
  ASSERT_TRUE(req);
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(req->signer_refusal, "");
}

TEST(RequestTest, TamperedContentFailsSignature) {
  Bytes der = EncodeRequest(Params(NID_aes_256_cbc, NID_sha256), ClientCert(), ClientKey()).value();
  Bytes enveloped = ParseRequest(der).value().enveloped;
  auto at = std::search(der.begin(), der.end(), enveloped.begin(), enveloped.end());
  ASSERT_NE(at, der.end());
  at[static_cast<long>(enveloped.size()) - 5] ^= 0x40;  // inside the encrypted content
  auto req = ParseRequest(der);
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_FALSE(req->signature_valid);
}

TEST(RequestTest, SignerWithCriticalAkiIsAccepted) {
  // Windows' self-signed signer carries a critical AuthorityKeyIdentifier.
  X509Ptr windows = testing::MakeCert("windows signer", ClientKey(), 77, nullptr, ClientKey(),
                                      {{NID_subject_key_identifier, "hash"},
                                       {NID_authority_key_identifier, "critical,keyid:always"}});
  auto req = ParseRequest(
      EncodeRequest(Params(NID_aes_128_cbc, NID_sha256), *windows, ClientKey()).value());
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_TRUE(req->signature_valid);
  EXPECT_EQ(X509_cmp(req->signer.get(), windows.get()), 0);
}

TEST(RequestTest, GarbageTruncatedAndEmptyAreBadRequest) {
  Bytes der = EncodeRequest(Params(NID_aes_128_cbc, NID_sha256), ClientCert(), ClientKey()).value();
  ExpectBadRequest(Bytes(), "empty");
  ExpectBadRequest(Bytes(1000, 0x41), "garbage");
  ExpectBadRequest(Bytes{0x30, 0x80, 0x00, 0x00}, "empty indefinite sequence");
  for (size_t n = 1; n < der.size(); n += 37) {
    ExpectBadRequest(ByteView(der.data(), n), "truncated");
  }
  ExpectBadRequest(EncodeCertsOnly({&RaCert()}, {}).value(), "degenerate, no signer");
  ExpectBadRequest(ParseRequest(der).value().enveloped, "an EnvelopedData, not a SignedData");
}

// Signs `content` with CMS_sign and `flags`, adding no SCEP attributes.
Bytes PlainSignedData(unsigned flags) {
  Bytes content = {1, 2, 3};
  BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  CmsPtr cms(CMS_sign(const_cast<X509*>(&ClientCert()), const_cast<EVP_PKEY*>(&ClientKey()),
                      nullptr, in.get(), CMS_BINARY | flags));
  EXPECT_TRUE(cms);
  return CmsToDer(*cms).value();
}

TEST(RequestTest, SignedDataWithoutScepAttributesIsBadRequest) {
  ExpectBadRequest(PlainSignedData(CMS_NOATTR), "no signed attributes at all");
  ExpectBadRequest(PlainSignedData(0), "only CMS attributes");
}

ScepAttributes GoodAttributes() {
  ScepAttributes a;
  a.message_type = "19";
  a.transaction_id = "tid";
  a.sender_nonce = testing::Nonce(1);
  return a;
}

Bytes Signed(const ScepAttributes& a, ByteView content = Bytes{0x30, 0x00}) {
  return SignMessage(content, ClientCert(), ClientKey(), NID_sha256, a).value();
}

TEST(RequestTest, MissingOrUnknownAttributesAreBadRequest) {
  ASSERT_TRUE(ParseRequest(Signed(GoodAttributes())));
  ScepAttributes a = GoodAttributes();
  a.message_type = "99";
  ExpectBadRequest(Signed(a), "unknown messageType");
  a.message_type = "nineteen";
  ExpectBadRequest(Signed(a), "non-numeric messageType");
  a = GoodAttributes();
  a.transaction_id.reset();
  ExpectBadRequest(Signed(a), "no transactionID");
  a = GoodAttributes();
  a.sender_nonce.reset();
  ExpectBadRequest(Signed(a), "no senderNonce");
  ExpectBadRequest(Signed(GoodAttributes(), Bytes()), "empty content");
}

TEST(RequestTest, MessageTypeAsUtf8OrIa5StringIsAccepted) {
  for (int type : {V_ASN1_UTF8STRING, V_ASN1_IA5STRING}) {
    Bytes content = {0x30, 0x00};
    BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY));
    CMS_SignerInfo* si = CMS_add1_signer(cms.get(), const_cast<X509*>(&ClientCert()),
                                         const_cast<EVP_PKEY*>(&ClientKey()), EVP_sha256(), 0);
    ASSERT_NE(si, nullptr);
    Asn1ObjectPtr mt(OBJ_txt2obj("2.16.840.1.113733.1.9.2", 1));
    Asn1ObjectPtr tid(OBJ_txt2obj("2.16.840.1.113733.1.9.7", 1));
    Asn1ObjectPtr nonce(OBJ_txt2obj("2.16.840.1.113733.1.9.5", 1));
    Bytes n = testing::Nonce(3);
    ASSERT_EQ(CMS_signed_add1_attr_by_OBJ(si, mt.get(), type, "17", 2), 1);
    ASSERT_EQ(CMS_signed_add1_attr_by_OBJ(si, tid.get(), type, "t-1", 3), 1);
    ASSERT_EQ(CMS_signed_add1_attr_by_OBJ(si, nonce.get(), V_ASN1_OCTET_STRING, n.data(), 16), 1);
    ASSERT_EQ(CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY), 1);
    auto req = ParseRequest(CmsToDer(*cms).value());
    ASSERT_TRUE(req) << req.error().message;
    EXPECT_EQ(req->type, MessageType::kRenewalReq);
    EXPECT_EQ(req->transaction_id, "t-1");
    EXPECT_EQ(req->sender_nonce, n);
    EXPECT_TRUE(req->signature_valid);
  }
}

TEST(RequestTest, SignerCertificateMustBeIncluded) {
  ExpectBadRequest(PlainSignedData(CMS_NOCERTS), "no certificates");
}

TEST(RequestTest, EncodeRejectsUnknownCipherAndDigest) {
  auto cipher = EncodeRequest(Params(NID_undef, NID_sha256), ClientCert(), ClientKey());
  ASSERT_FALSE(cipher);
  EXPECT_EQ(cipher.error().code, ErrorCode::kBadAlg);
  auto digest = EncodeRequest(Params(NID_aes_128_cbc, NID_undef), ClientCert(), ClientKey());
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().code, ErrorCode::kBadAlg);
  RequestParams p = Params(NID_aes_128_cbc, NID_sha256);
  p.recipients.clear();
  auto none = EncodeRequest(p, ClientCert(), ClientKey());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
}

void WriteFile(const std::filesystem::path& path, ByteView data) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// Interop: the OpenSSL CLI verifies our request and decrypts its envelope with the RA key.
TEST(RequestTest, OpenSslCliVerifiesAndDecrypts) {
  RequestParams p = Params(NID_aes_256_cbc, NID_sha256);
  Bytes der = EncodeRequest(p, ClientCert(), ClientKey()).value();
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sg_codec_cli_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteFile(dir / "req.der", der);
  WriteFile(dir / "ra.pem", AsView(CertToPem(RaCert()).value()));
  WriteFile(dir / "ra.key", AsView(KeyToPem(RaKey()).value()));
  std::string d = dir.string();
  auto verified = testing::RunCommand(
      "openssl cms -verify -noverify -binary -inform DER -in " + d + "/req.der -out " + d +
      "/env.der 2>/dev/null && openssl cms "
      "-decrypt -binary -inform DER -in " +
      d + "/env.der -recip " + d + "/ra.pem -inkey " + d + "/ra.key -out " + d +
      "/csr.der 2>/dev/null && od -An -v -tx1 " + d + "/csr.der");
  std::filesystem::remove_all(dir);
  if (!verified) GTEST_SKIP() << "openssl CLI not available or failed";
  std::string expected;
  for (uint8_t b : p.content) expected += HexEncode(Bytes{b});
  std::string seen;
  for (char c : *verified) {
    if (std::isxdigit(static_cast<unsigned char>(c))) seen += c;
  }
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace scepgate::codec

#include <gtest/gtest.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>

#include "codec/envelope.h"
#include "codec/pki_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::RaCert;
using testing::RaKey;

const Bytes kContent = {0x30, 0x03, 0x02, 0x01, 0x07, 0x00, 0xff};

Bytes EnvelopeFor(const X509& recipient, int cipher_nid) {
  const X509* r[] = {&recipient};
  auto der = EncryptEnvelope(kContent, r, cipher_nid);
  EXPECT_TRUE(der) << der.error().message;
  return der.value_or(Bytes());
}

class EnvelopeCipherTest : public ::testing::TestWithParam<int> {};

TEST_P(EnvelopeCipherTest, ReportsCipherAndOpens) {
  Bytes env = EnvelopeFor(RaCert(), GetParam());
  EXPECT_EQ(EnvelopeCipher(env).value(), GetParam());
  auto opened = OpenEnvelope(env, RaCert(), RaKey());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->cipher_nid, GetParam());
  EXPECT_EQ(opened->content, kContent);
}

INSTANTIATE_TEST_SUITE_P(AcceptedCiphers, EnvelopeCipherTest,
                         ::testing::Values(NID_des_ede3_cbc, NID_aes_128_cbc, NID_aes_192_cbc,
                                           NID_aes_256_cbc));

TEST(EnvelopeTest, NotAddressedToRaIsBadMessageCheck) {
  auto r = OpenEnvelope(EnvelopeFor(ClientCert(), NID_aes_256_cbc), RaCert(), RaKey());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadMessageCheck);
}

// With the wrong key, RSA PKCS#1 v1.5 key transport fails; OpenSSL then decrypts with a random
// key instead of saying so (its countermeasure against padding oracles), and about one time in
// 256 the CBC padding of that garbage happens to be valid. Either way the content never comes out:
// mostly badMessageCheck, sometimes bytes that the pkiMessage parser then refuses.
TEST(EnvelopeTest, WrongKeyIsBadMessageCheck) {
  int refused = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = OpenEnvelope(EnvelopeFor(RaCert(), NID_aes_128_cbc), RaCert(), testing::ClientKey());
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kBadMessageCheck);
      ++refused;
    } else {
      EXPECT_NE(r->content, kContent);
    }
  }
  EXPECT_GE(refused, 15) << "nearly every attempt is refused outright";
}

TEST(EnvelopeTest, OtherCiphersAreBadAlg) {
  Bytes camellia = EnvelopeFor(RaCert(), NID_camellia_128_cbc);
  EXPECT_EQ(EnvelopeCipher(camellia).value(), NID_camellia_128_cbc);
  auto r = OpenEnvelope(camellia, RaCert(), RaKey());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadAlg);
}

TEST(EnvelopeTest, AesGcmAuthEnvelopedDataIsBadAlg) {
  Bytes gcm = EnvelopeFor(RaCert(), NID_aes_256_gcm);
  EXPECT_EQ(EnvelopeCipher(gcm).value(), NID_aes_256_gcm);
  auto r = OpenEnvelope(gcm, RaCert(), RaKey());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadAlg);
}

// codec_test never loads the legacy provider (codec_legacy_test does), so DES must be refused.
TEST(EnvelopeTest, SingleDesWithoutLegacyProviderIsBadAlg) {
  const X509* r[] = {&RaCert()};
  auto encrypt = EncryptEnvelope(kContent, r, NID_des_cbc);
  ASSERT_FALSE(encrypt);
  EXPECT_EQ(encrypt.error().code, ErrorCode::kBadAlg);

  // Make a DES envelope in a private library context that has the legacy provider.
  LibCtxPtr ctx(OSSL_LIB_CTX_new());
  ASSERT_TRUE(ctx);
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(ctx.get(), "legacy");
  OSSL_PROVIDER* deflt = OSSL_PROVIDER_load(ctx.get(), "default");
  if (legacy == nullptr || deflt == nullptr) GTEST_SKIP() << "no legacy provider on this system";
  EvpCipherPtr des(EVP_CIPHER_fetch(ctx.get(), "DES-CBC", nullptr));
  ASSERT_TRUE(des);
  X509StackPtr certs(sk_X509_new_null());
  sk_X509_push(certs.get(), CertDup(RaCert()).release());
  BioPtr in(BIO_new_mem_buf(kContent.data(), static_cast<int>(kContent.size())));
  CmsPtr cms(CMS_encrypt_ex(certs.get(), in.get(), des.get(), CMS_BINARY, ctx.get(), nullptr));
  ASSERT_TRUE(cms);
  unsigned char* buf = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &buf);
  ASSERT_GT(len, 0);
  Bytes env(buf, buf + len);
  OPENSSL_free(buf);
  cms.reset();
  OSSL_PROVIDER_unload(legacy);
  OSSL_PROVIDER_unload(deflt);

  EXPECT_EQ(EnvelopeCipher(env).value(), NID_des_cbc);
  auto r2 = OpenEnvelope(env, RaCert(), RaKey());
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kBadAlg);
  EXPECT_NE(r2.error().message.find("single DES"), std::string::npos);
}

TEST(EnvelopeTest, AcceptsRsaOaepKeyTransport) {
  Bytes env = testing::OaepEnvelope(kContent, RaCert());
  ASSERT_FALSE(env.empty());
  auto opened = OpenEnvelope(env, RaCert(), RaKey());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->content, kContent);
}

TEST(EnvelopeTest, AcceptsBerIndefiniteLengths) {
  Bytes ber = testing::StreamedEnvelope(kContent, RaCert(), *EVP_aes_256_cbc());
  ASSERT_GT(ber.size(), 2u);
  ASSERT_EQ(ber[1], 0x80) << "expected an indefinite-length encoding";
  EXPECT_EQ(EnvelopeCipher(ber).value(), NID_aes_256_cbc);
  auto opened = OpenEnvelope(ber, RaCert(), RaKey());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->content, kContent);
}

TEST(EnvelopeTest, RejectsNonEnvelopes) {
  Bytes env = EnvelopeFor(RaCert(), NID_aes_128_cbc);
  Bytes certs_only = EncodeCertsOnly({&RaCert()}, {}).value();
  for (const Bytes& bad : {Bytes(), Bytes{0x30, 0x00}, Bytes(env.begin(), env.end() - 10),
                           Bytes(env.begin(), env.begin() + 30), certs_only, Bytes(64, 0x30)}) {
    auto cipher = EnvelopeCipher(bad);
    ASSERT_FALSE(cipher);
    EXPECT_EQ(cipher.error().code, ErrorCode::kBadRequest);
    auto opened = OpenEnvelope(bad, RaCert(), RaKey());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, ErrorCode::kBadRequest);
  }
}

TEST(EnvelopeTest, EncryptNeedsRecipients) {
  auto r = EncryptEnvelope(kContent, {}, NID_aes_128_cbc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::codec

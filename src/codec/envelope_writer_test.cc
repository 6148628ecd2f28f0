#include <gtest/gtest.h>
#include <openssl/err.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

#include "codec/der_writer.h"
#include "codec/envelope.h"
#include "codec/pki_message.h"
#include "codec/signed_message.h"
#include "codec/test_util.h"
#include "common/public_key.h"

namespace scepgate::codec {
namespace {

using testing::ClientCert;
using testing::ClientKey;
using testing::RaCert;
using testing::RaKey;

Bytes Content(size_t n) { return testing::PatternBytes(n); }

Bytes Envelope(ByteView content, int cipher_nid) {
  auto der = EncryptEnvelopeTo(content, ClientCert(), ClientKey(), cipher_nid);
  EXPECT_TRUE(der) << der.error().message;
  return der.value_or(Bytes());
}

// ClientCert() parsed without its key, and its key built from the certificate's SPKI.
struct KeylessClient {
  X509Ptr cert = CertFromDerWithoutKey(CertToDer(ClientCert()).value()).value();
  EvpPkeyPtr key = PublicKeyFromSpki(*X509_get_X509_PUBKEY(cert.get())).value();
};

class EnvelopeWriterRoundTrip : public ::testing::TestWithParam<std::tuple<int, size_t>> {};

TEST_P(EnvelopeWriterRoundTrip, CmsDecryptsItBackToTheContent) {
  auto [cipher, size] = GetParam();
  Bytes content = Content(size);
  Bytes env = Envelope(content, cipher);
  EXPECT_EQ(ERR_peek_error(), 0u);
  EXPECT_EQ(EnvelopeCipher(env).value(), cipher);
  auto plain = DecryptEnvelope(env, ClientCert(), ClientKey());
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*plain, content);
}

INSTANTIATE_TEST_SUITE_P(CiphersAndSizes, EnvelopeWriterRoundTrip,
                         ::testing::Combine(::testing::Values(NID_aes_128_cbc, NID_aes_192_cbc,
                                                              NID_aes_256_cbc, NID_des_ede3_cbc),
                                            ::testing::Values(0, 1, 15, 16, 17, 5000)));

TEST(EnvelopeWriterTest, OutputIsDer) {
  Bytes env = Envelope(Content(100), NID_aes_256_cbc);
  auto cms = ParseCms(env);
  ASSERT_TRUE(cms);
  EXPECT_EQ(OBJ_obj2nid(CMS_get0_type(cms->get())), NID_pkcs7_enveloped);
  EXPECT_EQ(CmsToDer(**cms).value(), env);  // re-encoding changes nothing
}

TEST(EnvelopeWriterTest, RecipientIsNamedByIssuerAndSerial) {
  Bytes env = Envelope(Content(20), NID_aes_128_cbc);
  auto cms = ParseCms(env);
  ASSERT_TRUE(cms);
  STACK_OF(CMS_RecipientInfo)* ris = CMS_get0_RecipientInfos(cms->get());
  ASSERT_EQ(sk_CMS_RecipientInfo_num(ris), 1);
  CMS_RecipientInfo* ri = sk_CMS_RecipientInfo_value(ris, 0);
  ASSERT_EQ(CMS_RecipientInfo_type(ri), CMS_RECIPINFO_TRANS);
  ASSERT_EQ(CMS_RecipientInfo_ktri_cert_cmp(ri, const_cast<X509*>(&ClientCert())), 0);

  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  ASSERT_EQ(CMS_RecipientInfo_ktri_get0_signer_id(ri, &keyid, &issuer, &serial), 1);
  EXPECT_EQ(keyid, nullptr);
  ASSERT_NE(issuer, nullptr);
  ASSERT_NE(serial, nullptr);
  EXPECT_EQ(X509_NAME_cmp(issuer, X509_get_issuer_name(&ClientCert())), 0);
  EXPECT_EQ(ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(&ClientCert())), 0);

  X509_ALGOR* key_alg = nullptr;
  ASSERT_EQ(CMS_RecipientInfo_ktri_get0_algs(ri, nullptr, nullptr, &key_alg), 1);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, key_alg);
  EXPECT_EQ(OBJ_obj2nid(oid), NID_rsaEncryption);
}

TEST(EnvelopeWriterTest, AnotherCertificateWithTheSameKeyDoesNotDecrypt) {
  Bytes env = Envelope(Content(20), NID_aes_128_cbc);
  X509Ptr other = testing::MakeCert("same key, other name", ClientKey(), 99, nullptr, ClientKey());
  auto plain = DecryptEnvelope(env, *other, ClientKey());
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, ErrorCode::kBadMessageCheck);
}

TEST(EnvelopeWriterTest, TheWrongKeyDoesNotDecrypt) {
  Bytes env = Envelope(Content(20), NID_aes_256_cbc);
  auto plain = DecryptEnvelope(env, ClientCert(), RaKey());
  EXPECT_FALSE(plain && *plain == Content(20));
}

// The IV: the OCTET STRING that follows the content-encryption algorithm's OID.
Bytes IvOf(ByteView env, int cipher_nid) {
  Bytes oid = DerOid(cipher_nid);
  auto at = std::search(env.begin(), env.end(), oid.begin(), oid.end());
  EXPECT_NE(at, env.end());
  if (at == env.end()) return {};
  ByteView rest = env.subspan(static_cast<size_t>(at - env.begin()) + oid.size());
  EXPECT_GE(rest.size(), 2u);
  EXPECT_EQ(rest[0], 0x04);
  EXPECT_GE(rest.size(), 2u + rest[1]);
  return Bytes(rest.begin() + 2, rest.begin() + 2 + rest[1]);
}

TEST(EnvelopeWriterTest, EachEnvelopeHasAFreshKeyAndIv) {
  Bytes content = Content(64);
  Bytes a = Envelope(content, NID_aes_256_cbc);
  Bytes b = Envelope(content, NID_aes_256_cbc);
  EXPECT_NE(a, b);
  Bytes iv_a = IvOf(a, NID_aes_256_cbc);
  EXPECT_EQ(iv_a.size(), 16u);
  EXPECT_NE(iv_a, IvOf(b, NID_aes_256_cbc));
  EXPECT_NE(Bytes(a.end() - 80, a.end()), Bytes(b.end() - 80, b.end()));  // the ciphertexts
  EXPECT_EQ(DecryptEnvelope(a, ClientCert(), ClientKey()).value(), content);
  EXPECT_EQ(DecryptEnvelope(b, ClientCert(), ClientKey()).value(), content);
}

TEST(EnvelopeWriterTest, IvLengthIsTheCiphersBlockSize) {
  EXPECT_EQ(IvOf(Envelope(Content(1), NID_aes_128_cbc), NID_aes_128_cbc).size(), 16u);
  EXPECT_EQ(IvOf(Envelope(Content(1), NID_des_ede3_cbc), NID_des_ede3_cbc).size(), 8u);
}

TEST(EnvelopeWriterTest, RefusesNonRsaKeysAndOtherCiphers) {
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  X509Ptr ec_cert = testing::MakeCert("ec", *ec, 5, nullptr, *ec);
  EXPECT_TRUE(EnvelopeWriterHandles(NID_aes_128_cbc, ClientKey()));
  EXPECT_TRUE(EnvelopeWriterHandles(NID_des_ede3_cbc, ClientKey()));
  EXPECT_FALSE(EnvelopeWriterHandles(NID_aes_128_cbc, *ec));
  EXPECT_FALSE(EnvelopeWriterHandles(NID_aes_256_gcm, ClientKey()));
  EXPECT_FALSE(EnvelopeWriterHandles(NID_rc2_cbc, ClientKey()));
  EXPECT_FALSE(EnvelopeWriterHandles(NID_undef, ClientKey()));

  auto with_ec = EncryptEnvelopeTo(Content(4), *ec_cert, *ec, NID_aes_128_cbc);
  ASSERT_FALSE(with_ec);
  EXPECT_EQ(with_ec.error().code, ErrorCode::kInvalidArgument);
  for (int cipher : {NID_aes_256_gcm, NID_rc2_cbc, NID_undef}) {
    auto r = EncryptEnvelopeTo(Content(4), ClientCert(), ClientKey(), cipher);
    ASSERT_FALSE(r) << cipher;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << cipher;
  }
}

TEST(EnvelopeWriterTest, SingleDesWithoutTheLegacyProviderIsBadAlg) {
  auto r = EncryptEnvelopeTo(Content(4), ClientCert(), ClientKey(), NID_des_cbc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadAlg);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(EnvelopeWriterTest, WorksWithAKeylessCertificateAndASeparateKey) {
  KeylessClient client;
  Bytes content = Content(33);
  auto env = EncryptEnvelopeTo(content, *client.cert, *client.key, NID_aes_256_cbc);
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(ERR_peek_error(), 0u);
  auto plain = DecryptEnvelope(*env, ClientCert(), ClientKey());
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(*plain, content);
}

void WriteFile(const std::filesystem::path& path, ByteView data) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Interop: the OpenSSL CLI decrypts what the writer produces.
TEST(EnvelopeWriterTest, OpenSslCliDecrypts) {
  if (!testing::RunCommand("openssl version >/dev/null 2>&1")) GTEST_SKIP() << "no openssl CLI";
  Bytes content = Content(1000);
  Bytes env = Envelope(content, NID_aes_256_cbc);
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sg_envelope_writer_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  WriteFile(dir / "env.der", env);
  WriteFile(dir / "cert.pem", AsView(CertToPem(ClientCert()).value()));
  WriteFile(dir / "key.pem", AsView(KeyToPem(ClientKey()).value()));
  std::string d = dir.string();
  auto ran = testing::RunCommand("openssl cms -decrypt -binary -inform DER -in " + d +
                                 "/env.der -recip " + d + "/cert.pem -inkey " + d +
                                 "/key.pem -out " + d + "/out.bin 2>/dev/null");
  Bytes out = ReadFile(dir / "out.bin");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(ran) << "openssl cms -decrypt failed";
  EXPECT_EQ(out, content);
}

struct Issued {
  X509Ptr cert = testing::MakeCert("device-7", ClientKey(), 4242, &RaCert(), RaKey());
};

CertRepParams SuccessTo(const X509& recipient, const EVP_PKEY* recipient_key, const X509& issued) {
  CertRepParams p;
  p.transaction_id = "writer-tid";
  p.recipient_nonce = testing::Nonce(0x10);
  p.sender_nonce = testing::Nonce(0x80);
  p.status = PkiStatus::kSuccess;
  p.recipient = &recipient;
  p.recipient_key = recipient_key;
  p.certs = {&issued, &RaCert()};
  return p;
}

void ExpectIssuedCerts(const Result<CertRep>& rep, const X509& issued) {
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, PkiStatus::kSuccess);
  EXPECT_TRUE(rep->signature_valid);
  ASSERT_EQ(rep->content.certs.size(), 2u);
  EXPECT_EQ(X509_cmp(rep->content.certs[0].get(), &issued), 0);
  EXPECT_EQ(X509_cmp(rep->content.certs[1].get(), &RaCert()), 0);
}

TEST(EnvelopeWriterCertRep, KeylessRecipientWithItsKeyDecodes) {
  Issued issued;
  KeylessClient client;
  for (int cipher : {NID_aes_128_cbc, NID_aes_256_cbc, NID_des_ede3_cbc}) {
    CertRepParams p = SuccessTo(*client.cert, client.key.get(), *issued.cert);
    p.cipher_nid = cipher;
    auto der = EncodeCertRep(p, RaCert(), RaKey());
    ASSERT_TRUE(der) << der.error().message;
    auto outer = ReadSignedMessage(*der);
    ASSERT_TRUE(outer && outer->content);
    EXPECT_EQ(EnvelopeCipher(*outer->content).value(), cipher);
    ExpectIssuedCerts(DecodeCertRep(*der, ClientCert(), ClientKey()), *issued.cert);
  }
}

TEST(EnvelopeWriterCertRep, KeylessRecipientWithoutAKeyFallsBackToCms) {
  Issued issued;
  KeylessClient client;
  auto der = EncodeCertRep(SuccessTo(*client.cert, nullptr, *issued.cert), RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;
  ExpectIssuedCerts(DecodeCertRep(*der, ClientCert(), ClientKey()), *issued.cert);
}

TEST(EnvelopeWriterCertRep, KeylessEcRecipientFallsBackToCms) {
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  X509Ptr ec_cert = testing::MakeCert("ec client", *ec, 12, nullptr, *ec);
  X509Ptr keyless = CertFromDerWithoutKey(CertToDer(*ec_cert).value()).value();
  Issued issued;
  auto der = EncodeCertRep(SuccessTo(*keyless, ec.get(), *issued.cert), RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;
  ExpectIssuedCerts(DecodeCertRep(*der, *ec_cert, *ec), *issued.cert);
}

TEST(EnvelopeWriterCertRep, LeavesOpenSslErrorQueueEmpty) {
  Issued issued;
  KeylessClient client;
  ERR_clear_error();
  ASSERT_TRUE(
      EncodeCertRep(SuccessTo(*client.cert, client.key.get(), *issued.cert), RaCert(), RaKey()));
  EXPECT_EQ(ERR_peek_error(), 0u) << "with the key";
  ASSERT_TRUE(EncodeCertRep(SuccessTo(*client.cert, nullptr, *issued.cert), RaCert(), RaKey()));
  EXPECT_EQ(ERR_peek_error(), 0u) << "without the key: " << DrainOpenSslErrors();
}

}  // namespace
}  // namespace scepgate::codec

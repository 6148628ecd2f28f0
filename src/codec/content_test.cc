#include <algorithm>

#include <gtest/gtest.h>

#include "codec/pki_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::MakeName;

TEST(IssuerAndSubjectTest, RoundTrip) {
  X509NamePtr issuer = MakeName("scepgate CA");
  X509NamePtr subject = MakeName("device-42");
  auto der = EncodeIssuerAndSubject(*issuer, *subject);
  ASSERT_TRUE(der) << der.error().message;
  auto parsed = ParseIssuerAndSubject(*der);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(X509_NAME_cmp(parsed->issuer.get(), issuer.get()), 0);
  EXPECT_EQ(X509_NAME_cmp(parsed->subject.get(), subject.get()), 0);
}

TEST(IssuerAndSubjectTest, RejectsMalformed) {
  X509NamePtr name = MakeName("x");
  Bytes good = EncodeIssuerAndSubject(*name, *name).value();
  Bytes trailing = good;
  trailing.push_back(0);
  Bytes truncated(good.begin(), good.end() - 1);
  Bytes one_name = good;  // SEQUENCE { Name }: drop the second name, fix the length
  one_name.resize(2 + (good.size() - 2) / 2);
  one_name[1] = static_cast<uint8_t>(one_name.size() - 2);
  const Bytes not_names = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02};
  for (const Bytes& bad :
       {Bytes(), Bytes{0x30}, Bytes{0x30, 0x00}, trailing, truncated, one_name, not_names}) {
    auto r = ParseIssuerAndSubject(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  }
}

TEST(IssuerAndSerialTest, RoundTripWithLargeSerial) {
  X509NamePtr issuer = MakeName("scepgate CA");
  BignumPtr bn;
  BIGNUM* raw = nullptr;
  ASSERT_GT(BN_hex2bn(&raw, "7f0123456789abcdef0123456789abcd"), 0);
  bn.reset(raw);
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  auto der = EncodeIssuerAndSerial(*issuer, *serial);
  ASSERT_TRUE(der) << der.error().message;
  auto parsed = ParseIssuerAndSerial(*der);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(X509_NAME_cmp(parsed->issuer.get(), issuer.get()), 0);
  EXPECT_EQ(SerialHex(*parsed->serial), "7f0123456789abcdef0123456789abcd");
}

TEST(IssuerAndSerialTest, RejectsMalformed) {
  X509NamePtr name = MakeName("x");
  Asn1IntegerPtr serial(ASN1_INTEGER_new());
  ASN1_INTEGER_set(serial.get(), 5);
  Bytes good = EncodeIssuerAndSerial(*name, *serial).value();
  Bytes trailing = good;
  trailing.push_back(0);
  for (const Bytes& bad : {Bytes(), Bytes{0x30, 0x00}, Bytes(good.begin(), good.end() - 1),
                           trailing, Bytes{0x02, 0x01, 0x01}}) {
    auto r = ParseIssuerAndSerial(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  }
}

TEST(CsrTest, ParsesCsrAndRejectsGarbage) {
  Bytes der = testing::MakeCsrDer("device-1", testing::ClientKey(), "secret");
  auto csr = ParseCsr(der);
  ASSERT_TRUE(csr) << csr.error().message;
  EXPECT_EQ(NameToString(*X509_REQ_get_subject_name(csr->req.get())), "CN=device-1");
  ASSERT_TRUE(csr->key);
  EXPECT_EQ(EVP_PKEY_eq(csr->key.get(), &testing::ClientKey()), 1);
  // The request object itself carries no decoded key; its signature checks with `key`.
  EXPECT_EQ(X509_REQ_get0_pubkey(csr->req.get()), nullptr);
  EXPECT_EQ(X509_REQ_verify_ex(csr->req.get(), csr->key.get(), nullptr, nullptr), 1);
  auto bad = ParseCsr(Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
  EXPECT_FALSE(ParseCsr(Bytes()));
}

TEST(CsrTest, AKeyNoProviderKnowsIsBadRequest) {
  Bytes der = testing::MakeCsrDer("device-1", testing::ClientKey(), "secret");
  const Bytes rsa_oid = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
  auto at = std::search(der.begin(), der.end(), rsa_oid.begin(), rsa_oid.end());
  ASSERT_NE(at, der.end());
  *(at + static_cast<std::ptrdiff_t>(rsa_oid.size()) - 1) = 0x7f;  // 1.2.840.113549.1.1.127
  for (const X509* signer : {static_cast<const X509*>(nullptr), &testing::ClientCert()}) {
    auto r = ParseCsr(der, signer, signer != nullptr ? X509_get0_pubkey(signer) : nullptr);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_NE(r.error().message.find("no usable public key"), std::string::npos);
  }
}

TEST(CsrTest, TakesTheKeyOfASignerWithTheSameKeyAndDecodesAnyOther) {
  Bytes der = testing::MakeCsrDer("device-1", testing::ClientKey(), "secret");
  const X509& same = testing::ClientCert();  // self-signed with the client key
  auto shared = ParseCsr(der, &same, X509_get0_pubkey(&same));
  ASSERT_TRUE(shared) << shared.error().message;
  EXPECT_EQ(shared->key.get(), X509_get0_pubkey(&same));

  const X509& other = testing::RaCert();
  auto decoded = ParseCsr(der, &other, X509_get0_pubkey(&other));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_NE(decoded->key.get(), X509_get0_pubkey(&other));
  EXPECT_EQ(EVP_PKEY_eq(decoded->key.get(), &testing::ClientKey()), 1);
}

}  // namespace
}  // namespace scepgate::codec

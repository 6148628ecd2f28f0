#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "common/ossl.h"
#include "codec/pki_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::ClientKey;
using testing::MakeCert;
using testing::RaCert;
using testing::RaKey;

// Three certificates listed in DESCENDING order of their DER, so that any DER SET OF sort would
// reverse them.
std::vector<X509Ptr> ThreeCertsAgainstDerOrder() {
  std::vector<X509Ptr> certs;
  certs.push_back(MakeCert("issued device", ClientKey(), 1001, &RaCert(), RaKey()));
  certs.push_back(
      MakeCert("intermediate CA with a longer name", ClientKey(), 2, &RaCert(), RaKey()));
  certs.push_back(MakeCert("root", ClientKey(), 3, nullptr, ClientKey()));
  std::sort(certs.begin(), certs.end(), [](const X509Ptr& a, const X509Ptr& b) {
    return CertToDer(*a).value() > CertToDer(*b).value();
  });
  return certs;
}

std::vector<const X509*> Raw(const std::vector<X509Ptr>& certs) {
  std::vector<const X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

TEST(CertsOnlyTest, KeepsCertificateOrder) {
  std::vector<X509Ptr> certs = ThreeCertsAgainstDerOrder();
  // Precondition: the DER order is not the insertion order.
  ASSERT_GT(CertToDer(*certs[0]).value(), CertToDer(*certs[1]).value());
  ASSERT_GT(CertToDer(*certs[1]).value(), CertToDer(*certs[2]).value());

  auto der = EncodeCertsOnly(Raw(certs), {});
  ASSERT_TRUE(der) << der.error().message;
  auto decoded = DecodeCertsOnly(*der);
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->certs.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(X509_cmp(decoded->certs[i].get(), certs[i].get()), 0) << i;
  EXPECT_TRUE(decoded->crls.empty());

  // Degenerate: no signers and no encapsulated content, like `openssl crl2pkcs7`.
  const unsigned char* p = der->data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der->size())));
  ASSERT_TRUE(p7);
  EXPECT_EQ(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info), 0);
  EXPECT_EQ(OBJ_obj2nid(p7->d.sign->contents->type), NID_pkcs7_data);
  EXPECT_EQ(p7->d.sign->contents->d.data, nullptr);
}

TEST(CertsOnlyTest, CmsWouldHaveSortedThem) {
  // Documents why the encoder uses PKCS#7: CMS sorts the certificates SET OF.
  std::vector<X509Ptr> certs = ThreeCertsAgainstDerOrder();
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL));
  ASSERT_TRUE(cms);
  for (const auto& c : certs) ASSERT_EQ(CMS_add1_cert(cms.get(), c.get()), 1);
  int len = i2d_CMS_ContentInfo(cms.get(), nullptr);
  ASSERT_GT(len, 0);
  Bytes der(static_cast<size_t>(len));
  unsigned char* p = der.data();
  i2d_CMS_ContentInfo(cms.get(), &p);
  auto decoded = DecodeCertsOnly(der);  // the decoder accepts CMS encodings too
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->certs.size(), 3u);
  EXPECT_NE(X509_cmp(decoded->certs[0].get(), certs[0].get()), 0);
}

TEST(CertsOnlyTest, CarriesCrls) {
  X509CrlPtr crl = testing::MakeCrl(RaCert(), RaKey());
  auto der = EncodeCertsOnly({}, {crl.get()});
  ASSERT_TRUE(der) << der.error().message;
  auto decoded = DecodeCertsOnly(*der);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->certs.empty());
  ASSERT_EQ(decoded->crls.size(), 1u);
  EXPECT_EQ(X509_CRL_cmp(decoded->crls[0].get(), crl.get()), 0);
}

TEST(CertsOnlyTest, OpenSslCliSeesTheSameOrder) {
  std::vector<X509Ptr> certs = ThreeCertsAgainstDerOrder();
  Bytes der = EncodeCertsOnly(Raw(certs), {}).value();
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("sg_codec_p7_" + std::to_string(getpid()) + ".der");
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  auto out = testing::RunCommand("openssl pkcs7 -inform DER -print_certs -noout -in " +
                                 path.string() + " 2>/dev/null");
  std::filesystem::remove(path);
  if (!out) GTEST_SKIP() << "openssl CLI not available";
  std::string expected;
  for (const auto& c : certs) {
    expected += NameToString(*X509_get_subject_name(c.get())).substr(3) + "|";
  }
  std::string seen;
  for (size_t pos = out->find("subject="); pos != std::string::npos;
       pos = out->find("subject=", pos + 1)) {
    size_t cn = out->find("CN = ", pos) + 5;
    seen += out->substr(cn, out->find('\n', cn) - cn) + "|";
  }
  EXPECT_EQ(seen, expected);
}

TEST(CertsOnlyTest, RejectsGarbage) {
  Bytes der = EncodeCertsOnly({&RaCert()}, {}).value();
  for (const Bytes& bad : {Bytes(), Bytes{0x30, 0x00}, Bytes(der.begin(), der.begin() + 20),
                           Bytes(der.begin(), der.end() - 1), Bytes(100, 0xff)}) {
    auto r = DecodeCertsOnly(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  }
}

TEST(NextCaCertTest, RoundTripKeepsOrder) {
  std::vector<X509Ptr> next = ThreeCertsAgainstDerOrder();
  auto der = EncodeNextCaCert(Raw(next), RaCert(), RaKey());
  ASSERT_TRUE(der) << der.error().message;
  auto decoded = DecodeNextCaCert(*der, RaCert());
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->certs.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(X509_cmp(decoded->certs[i].get(), next[i].get()), 0);
}

TEST(NextCaCertTest, BadSignatureIsBadMessageCheck) {
  X509Ptr next = MakeCert("next CA", ClientKey(), 9, nullptr, ClientKey());
  Bytes der = EncodeNextCaCert({next.get()}, RaCert(), RaKey()).value();

  auto tampered = DecodeNextCaCert(testing::FlipSignatureByte(der), RaCert());
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, ErrorCode::kBadMessageCheck);

  // Signed by someone else, who includes their own certificate.
  Bytes other = EncodeNextCaCert({next.get()}, testing::ClientCert(), ClientKey()).value();
  auto wrong_signer = DecodeNextCaCert(other, RaCert());
  ASSERT_FALSE(wrong_signer);
  EXPECT_EQ(wrong_signer.error().code, ErrorCode::kBadMessageCheck);
}

TEST(NextCaCertTest, RejectsGarbageAndUnsigned) {
  auto garbage = DecodeNextCaCert(Bytes{1, 2, 3}, RaCert());
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kBadRequest);
  Bytes degenerate = EncodeCertsOnly({&RaCert()}, {}).value();
  auto unsigned_reply = DecodeNextCaCert(degenerate, RaCert());
  ASSERT_FALSE(unsigned_reply);
  EXPECT_EQ(unsigned_reply.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace scepgate::codec

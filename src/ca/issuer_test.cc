#include "ca/issuer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "ca/hierarchy.h"
#include "ca/test_util.h"

namespace scepgate::ca {
namespace {

using namespace testutil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kStrongMapping[] =
    "tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-1001";
const Bytes kSerial = {0x3a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

class IssuerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    now_ = Now();
    ca_ = std::make_unique<TestCa>(MakeTestCa("ec:p256", now_));
  }
  static void TearDownTestSuite() { ca_.reset(); }

  static Issuer MakeIssuer(IssuerOptions options = {}) {
    return Issuer(CertDup(*ca_->issuing), SharedIssuingKey(), std::move(options));
  }
  static EvpPkeyPtr SharedIssuingKey() {
    EVP_PKEY_up_ref(ca_->issuing_key.get());
    return EvpPkeyPtr(ca_->issuing_key.get());
  }
  static X509Ptr IssueOrDie(const Issuer& issuer, const X509_REQ& csr, const CertTemplate& tmpl) {
    auto cert = issuer.Issue(csr, tmpl, kSerial, now_);
    EXPECT_TRUE(cert) << cert.error().message;
    if (!cert) return nullptr;
    // As a relying party reads it (Issue hands back an object with no decoded key).
    auto der = CertToDer(**cert);
    auto parsed = der ? CertFromDer(*der) : Result<X509Ptr>(Fail(der.error()));
    EXPECT_TRUE(parsed);
    return parsed ? std::move(*parsed) : nullptr;
  }
  static unsigned KeyUsage(const X509& cert) {
    return X509_get_key_usage(const_cast<X509*>(&cert));
  }

  static inline int64_t now_ = 0;
  static inline std::unique_ptr<TestCa> ca_;  // built once: key generation is slow
};

TEST_F(IssuerTest, CopiesSubjectAndExactlyTheRequestedSans) {
  EvpPkeyPtr key = SharedKey("rsa:2048");
  std::vector<GeneralNamePtr> sans;
  sans.push_back(Dns("device1.example.com"));
  sans.push_back(Email("alice@example.com"));
  sans.push_back(Ip({192, 0, 2, 7}));
  sans.push_back(Ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  sans.push_back(Uri(kStrongMapping));
  sans.push_back(Upn("alice@corp.example.com"));
  X509ReqPtr csr = MakeCsr(*key, "device-1", std::move(sans));
  Issuer issuer = MakeIssuer();
  X509Ptr cert = IssueOrDie(issuer, *csr, CertTemplate{});
  ASSERT_TRUE(cert);

  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_REQ_get_subject_name(csr.get())),
            0);
  EXPECT_EQ(NameToString(*X509_get_subject_name(cert.get())), "CN=device-1,O=Example Corp");
  EXPECT_EQ(
      X509_NAME_cmp(X509_get_issuer_name(cert.get()), X509_get_subject_name(ca_->issuing.get())),
      0);
  EXPECT_THAT(SanStrings(*cert),
              ElementsAre("DNS:device1.example.com", "email:alice@example.com", "IP:c0000207",
                          "IP:20010db8000000000000000000000001",
                          std::string("URI:") + kStrongMapping, "UPN:alice@corp.example.com"));
  EXPECT_EQ(Criticality(*cert, NID_subject_alt_name), 0);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key.get()), 1);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(SerialBytes(*cert), kSerial);
  EXPECT_EQ(VerifyChain(*cert, *ca_->root, {ca_->issuing.get()}), "");
}

TEST_F(IssuerTest, WritesOnlyItsOwnExtensions) {
  X509ReqPtr csr = MakeCsr(*SharedKey("rsa:2048"), "device-2", {}, /*extra=*/true);
  X509Ptr cert = IssueOrDie(MakeIssuer(), *csr, CertTemplate{});
  ASSERT_TRUE(cert);
  std::multiset<int> nids;
  for (int i = 0; i < X509_get_ext_count(cert.get()); ++i)
    nids.insert(OBJ_obj2nid(X509_EXTENSION_get_object(X509_get_ext(cert.get(), i))));
  EXPECT_EQ(nids, (std::multiset<int>{NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
                                      NID_subject_key_identifier, NID_authority_key_identifier}));
  EXPECT_EQ(X509_get_extension_flags(cert.get()) & EXFLAG_CA, 0u);
  EXPECT_EQ(Criticality(*cert, NID_basic_constraints), 1);
  EXPECT_EQ(KeyUsage(*cert), static_cast<unsigned>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_THAT(SanStrings(*cert), IsEmpty());
}

TEST_F(IssuerTest, LinksSkiAndAkiToTheCa) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "device-3", {});
  X509Ptr cert = IssueOrDie(MakeIssuer(), *csr, CertTemplate{});
  ASSERT_TRUE(cert);
  Bytes expected_ski(20);
  unsigned int len = 0;
  X509_pubkey_digest(cert.get(), EVP_sha1(), expected_ski.data(), &len);
  EXPECT_EQ(SubjectKeyId(*cert), expected_ski);
  EXPECT_EQ(AuthorityKeyId(*cert), SubjectKeyId(*ca_->issuing));
  EXPECT_FALSE(SubjectKeyId(*ca_->issuing).empty());
  EXPECT_TRUE(IsIssuedBy(*cert, *ca_->issuing));
  EXPECT_FALSE(IsIssuedBy(*cert, *ca_->root));
}

TEST_F(IssuerTest, KeyUsageFollowsPurposeForRsaKeys) {
  X509ReqPtr csr = MakeCsr(*SharedKey("rsa:2048"), "rsa-device", {});
  Issuer issuer = MakeIssuer();
  const std::pair<Purpose, unsigned> cases[] = {
      {Purpose::kSignature, KU_DIGITAL_SIGNATURE},
      {Purpose::kEncryption, KU_KEY_ENCIPHERMENT},
      {Purpose::kGeneral, KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT},
  };
  for (const auto& [purpose, bits] : cases) {
    CertTemplate tmpl;
    tmpl.purpose = purpose;
    X509Ptr cert = IssueOrDie(issuer, *csr, tmpl);
    ASSERT_TRUE(cert);
    EXPECT_EQ(KeyUsage(*cert), bits) << PurposeName(purpose);
    EXPECT_EQ(Criticality(*cert, NID_key_usage), 1);
  }
}

TEST_F(IssuerTest, KeyUsageForEcKeysNeverSaysKeyEncipherment) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "ec-device", {});
  Issuer issuer = MakeIssuer();
  const std::pair<Purpose, unsigned> cases[] = {
      {Purpose::kSignature, KU_DIGITAL_SIGNATURE},
      {Purpose::kEncryption, KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT},
      {Purpose::kGeneral, KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT},
  };
  for (const auto& [purpose, bits] : cases) {
    CertTemplate tmpl;
    tmpl.purpose = purpose;
    X509Ptr cert = IssueOrDie(issuer, *csr, tmpl);
    ASSERT_TRUE(cert);
    EXPECT_EQ(KeyUsage(*cert), bits) << PurposeName(purpose);
  }
}

TEST_F(IssuerTest, ExtendedKeyUsagesFromTheTemplate) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "eku-device", {});
  Issuer issuer = MakeIssuer();
  CertTemplate tmpl;
  tmpl.ekus = {"clientAuth",  "serverAuth",   "emailProtection",  "codeSigning",
               "OCSPSigning", "timeStamping", "msSmartcardLogin", "1.2.3.4.5"};
  X509Ptr cert = IssueOrDie(issuer, *csr, tmpl);
  ASSERT_TRUE(cert);
  EXPECT_THAT(EkuOids(*cert),
              ElementsAre("1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.4",
                          "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.9", "1.3.6.1.5.5.7.3.8",
                          "1.3.6.1.4.1.311.20.2.2", "1.2.3.4.5"));
  EXPECT_EQ(Criticality(*cert, NID_ext_key_usage), 0);

  tmpl.ekus.clear();
  cert = IssueOrDie(issuer, *csr, tmpl);
  ASSERT_TRUE(cert);
  EXPECT_EQ(Criticality(*cert, NID_ext_key_usage), -1);

  for (const char* bad : {"fooAuth", "clientauth ", "1.2..3", "anyExtendedKeyUsage"}) {
    tmpl.ekus = {bad};
    auto r = issuer.Issue(*csr, tmpl, kSerial, now_);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST_F(IssuerTest, CdpAndAiaOnlyWhenConfigured) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "cdp-device", {});
  X509Ptr plain = IssueOrDie(MakeIssuer(), *csr, CertTemplate{});
  ASSERT_TRUE(plain);
  EXPECT_EQ(Criticality(*plain, NID_crl_distribution_points), -1);
  EXPECT_EQ(Criticality(*plain, NID_info_access), -1);

  IssuerOptions options;
  options.crl_url = "http://pki.example.com/crl/abc,1.crl";
  options.aia_url = "http://pki.example.com/ca.crt";
  X509Ptr cert = IssueOrDie(MakeIssuer(options), *csr, CertTemplate{});
  ASSERT_TRUE(cert);
  CrlDistPointsPtr cdp(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, nullptr, nullptr)));
  ASSERT_TRUE(cdp);
  ASSERT_EQ(sk_DIST_POINT_num(cdp.get()), 1);
  const DIST_POINT* dp = sk_DIST_POINT_value(cdp.get(), 0);
  ASSERT_EQ(dp->distpoint->type, 0);
  const GENERAL_NAME* uri = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
  ASSERT_EQ(uri->type, GEN_URI);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri->d.ia5))),
            options.crl_url);
  AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert.get(), NID_info_access, nullptr, nullptr)));
  ASSERT_TRUE(aia);
  ASSERT_EQ(sk_ACCESS_DESCRIPTION_num(aia.get()), 1);
  const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), 0);
  EXPECT_EQ(OBJ_obj2nid(ad->method), NID_ad_ca_issuers);
  ASSERT_EQ(ad->location->type, GEN_URI);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ad->location->d.ia5))),
            options.aia_url);
  EXPECT_EQ(VerifyChain(*cert, *ca_->root, {ca_->issuing.get()}), "");
}

TEST_F(IssuerTest, AnOcspUrlGoesIntoTheAuthorityInfoAccessFirst) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "ocsp-device", {});
  IssuerOptions options;
  options.ocsp_url = "http://pki.example.com/ocsp";
  options.aia_url = "http://pki.example.com/ca.crt";
  X509Ptr cert = IssueOrDie(MakeIssuer(options), *csr, CertTemplate{});
  ASSERT_TRUE(cert);
  AuthorityInfoAccessPtr aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert.get(), NID_info_access, nullptr, nullptr)));
  ASSERT_TRUE(aia);
  ASSERT_EQ(sk_ACCESS_DESCRIPTION_num(aia.get()), 2);
  const ACCESS_DESCRIPTION* ocsp = sk_ACCESS_DESCRIPTION_value(aia.get(), 0);
  EXPECT_EQ(OBJ_obj2nid(ocsp->method), NID_ad_OCSP);
  EXPECT_EQ(
      std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ocsp->location->d.ia5))),
      options.ocsp_url);
  EXPECT_EQ(OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia.get(), 1)->method), NID_ad_ca_issuers);
  // What `openssl ocsp` and nginx's ssl_ocsp read from a certificate.
  std::unique_ptr<STACK_OF(OPENSSL_STRING), decltype(&X509_email_free)> urls(
      X509_get1_ocsp(cert.get()), &X509_email_free);
  ASSERT_EQ(sk_OPENSSL_STRING_num(urls.get()), 1);
  EXPECT_STREQ(sk_OPENSSL_STRING_value(urls.get(), 0), "http://pki.example.com/ocsp");
}

TEST_F(IssuerTest, ValidityIsBackdatedAndCappedAtTheCa) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "time-device", {});
  IssuerOptions options;
  options.backdate_seconds = 600;
  Issuer issuer = MakeIssuer(options);
  CertTemplate tmpl;
  tmpl.validity_days = 30;
  X509Ptr cert = IssueOrDie(issuer, *csr, tmpl);
  ASSERT_TRUE(cert);
  EXPECT_EQ(NotBefore(*cert), now_ - 600);
  EXPECT_EQ(NotAfterOf(*cert), now_ + 30 * 86400);

  tmpl.validity_days = 20000;  // beyond the issuing CA's 3650 days
  cert = IssueOrDie(issuer, *csr, tmpl);
  ASSERT_TRUE(cert);
  EXPECT_EQ(NotAfterOf(*cert), NotAfterOf(*ca_->issuing));
  EXPECT_LT(NotAfterOf(*cert), now_ + int64_t{20000} * 86400);
}

TEST_F(IssuerTest, RejectsUnsupportedSanTypes) {
  EvpPkeyPtr key = SharedKey("ec:p256");
  Issuer issuer = MakeIssuer();
  auto expect_rejected = [&](GeneralNamePtr bad, const std::string& name) {
    std::vector<GeneralNamePtr> sans;
    sans.push_back(Dns("ok.example.com"));
    sans.push_back(std::move(bad));
    X509ReqPtr csr = MakeCsr(*key, "bad-san", std::move(sans));
    auto r = issuer.Issue(*csr, CertTemplate{}, kSerial, now_);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << name;
    EXPECT_THAT(r.error().message, HasSubstr(name));
  };
  expect_rejected(RegisteredId("1.2.3.4"), "registeredID");
  expect_rejected(DirName("Evil CA"), "directoryName");
  expect_rejected(OtherName("1.3.6.1.5.5.7.8.9", "smtp@example.com"), "1.3.6.1.5.5.7.8.9");
  expect_rejected(Ip({1, 2, 3}), "iPAddress");
}

TEST_F(IssuerTest, EmptySubjectMakesTheSanCritical) {
  std::vector<GeneralNamePtr> sans;
  sans.push_back(Dns("nosubject.example.com"));
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "", std::move(sans), false);
  X509Ptr cert = IssueOrDie(MakeIssuer(), *csr, CertTemplate{});
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(cert.get())), 0);
  EXPECT_EQ(Criticality(*cert, NID_subject_alt_name), 1);
}

TEST_F(IssuerTest, RejectsZeroSerial) {
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "zero", {});
  const Bytes zero = {0, 0};
  auto r = MakeIssuer().Issue(*csr, CertTemplate{}, zero, now_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(IssuerTest, IssuesFromSeveralThreadsAtOnce) {
  const Issuer issuer = MakeIssuer();
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "threads", {});
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::vector<X509Ptr>> issued(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SystemRandom random;
      for (int i = 0; i < kEach; ++i) {
        auto cert = issuer.Issue(*csr, CertTemplate{}, *RandomSerial(random), now_);
        if (cert) issued[t].push_back(std::move(*cert));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<Bytes> serials;
  for (const auto& certs : issued) {
    ASSERT_EQ(certs.size(), static_cast<size_t>(kEach));
    for (const auto& c : certs) {
      EXPECT_EQ(VerifyChain(*c, *ca_->root, {ca_->issuing.get()}), "");
      serials.insert(SerialBytes(*c));
    }
  }
  EXPECT_EQ(serials.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(IssuerDigest, P384CaSignsWithSha384AndRsaCaWithSha256) {
  const int64_t now = Now();
  X509ReqPtr csr = MakeCsr(*SharedKey("ec:p256"), "digest", {});
  const Bytes serial = {0x01};
  TestCa p384 = MakeTestCa("ec:p384", now);
  EXPECT_EQ(X509_get_signature_nid(p384.issuing.get()), NID_ecdsa_with_SHA384);
  Issuer issuer(std::move(p384.issuing), std::move(p384.issuing_key), {});
  X509Ptr cert = *issuer.Issue(*csr, CertTemplate{}, serial, now);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA384);
  EXPECT_EQ(VerifyChain(*cert, *p384.root, {&issuer.cert()}), "");

  TestCa rsa = MakeTestCa("rsa:2048", now);
  Issuer rsa_issuer(std::move(rsa.issuing), std::move(rsa.issuing_key), {});
  X509Ptr rsa_cert = *rsa_issuer.Issue(*csr, CertTemplate{}, serial, now);
  EXPECT_EQ(X509_get_signature_nid(rsa_cert.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(VerifyChain(*rsa_cert, *rsa.root, {&rsa_issuer.cert()}), "");
}

}  // namespace
}  // namespace scepgate::ca

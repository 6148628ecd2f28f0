// The "Hardening" findings, each reproduced against a real gateway: keys the CA must not certify,
// keys that would make verifying the request itself the attack, names it must refuse, a first
// enrollment signed by another key or an expired certificate, and renewals that would widen the
// names. Each is refused with its code, and the gateway enrolls normally afterwards.
#include <algorithm>
#include <chrono>
#include <vector>

#include "codec/pki_message.h"
#include "common/hostile_keys.h"
#include "common/san_text.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kChallenge[] = "hardening-challenge";
constexpr char kSidUrl[] =
    "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-500";

BignumPtr Number(unsigned long v) {
  BignumPtr n(BN_new());
  BN_set_word(n.get(), v);
  return n;
}

// An identity over `key` with a self-signed signer.
Identity IdentityOver(EvpPkeyPtr key) {
  Identity id;
  id.key = std::move(key);
  auto signer = client::MakeSelfSignedSigner(*id.key, "SCEP SIGNER");
  EXPECT_TRUE(signer) << signer.error().message;
  if (signer) id.signer = std::move(*signer);
  return id;
}

// The DER of a CSR whose public key is `pub` (any key, even one nobody holds the private half
// of), signed with `signing_key`: its signature verifies only when the two are the same key.
Bytes CsrOver(const EVP_PKEY& pub, const EVP_PKEY& signing_key, client::CsrOptions o) {
  auto req = client::MakeCsr(signing_key, o);
  EXPECT_TRUE(req) << req.error().message;
  if (!req) return {};
  EXPECT_EQ(X509_REQ_set_pubkey(req->get(), const_cast<EVP_PKEY*>(&pub)), 1);
  EXPECT_GT(X509_REQ_sign(req->get(), const_cast<EVP_PKEY*>(&signing_key), EVP_sha256()), 0);
  return *CsrToDer(**req);
}

class HardeningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Bodies up to 4 MiB, so that 20,000 SANs reach the policy (with the default 128 KiB such a
    // request gets 413 from its head).
    auto s =
        ServerProcess::Start({{"--challenge", kChallenge}, {{"server.max_scep_body", "4194304"}}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { gw_ = std::make_unique<GatewayClient>(server_->Url()); }
  // Whatever happened, the gateway still enrolls.
  void TearDown() override { ExpectEnrolls(server_->Url(), kChallenge); }

  static client::CsrOptions Csr(const std::string& cn, std::vector<std::string> sans = {},
                                const std::string& challenge = kChallenge) {
    client::CsrOptions o;
    o.subject = "/CN=" + cn;
    o.challenge = challenge;
    o.sans = std::move(sans);
    return o;
  }
  // Sends `csr_der` signed by `id` (a PKCSReq) and returns the decoded reply.
  Result<codec::CertRep> Send(const Identity& id, const Bytes& csr_der) {
    client::MessageOptions m;
    m.transaction_id = "hardening-" + std::to_string(++sequence_);
    return gw_->Send(id, csr_der, m);
  }
  // Expects a FAILURE with `info` whose failInfoText starts with `code`.
  static void ExpectRefused(const Result<codec::CertRep>& rep, codec::FailInfo info,
                            const std::string& code) {
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_TRUE(rep->signature_valid);
    EXPECT_EQ(rep->status, codec::PkiStatus::kFailure) << code;
    ASSERT_TRUE(rep->fail_info.has_value()) << code;
    EXPECT_EQ(*rep->fail_info, info) << rep->fail_info_text;
    EXPECT_TRUE(rep->fail_info_text.starts_with(code + ":")) << rep->fail_info_text;
  }
  static X509Ptr Issued(const Result<codec::CertRep>& rep) {
    EXPECT_TRUE(rep) << rep.error().message;
    if (!rep || rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty()) {
      ADD_FAILURE() << "not issued: " << (rep ? rep->fail_info_text : "");
      return nullptr;
    }
    return CertDup(*rep->content.certs.front());
  }
  // A first enrollment with the static challenge; the identity that renews its certificate.
  Identity Enrolled(const std::string& cn, std::vector<std::string> sans = {}) {
    Identity id = NewIdentity();
    X509Ptr cert = Issued(Send(id, *CsrToDer(**client::MakeCsr(*id.key, Csr(cn, sans)))));
    return Identity{std::move(id.key), std::move(cert)};
  }
  // A renewal signed by `holder`'s certificate, for a fresh key, asking for `cn` and `sans`.
  Result<codec::CertRep> Renew(const Identity& holder, const std::string& cn,
                               std::vector<std::string> sans) {
    EvpPkeyPtr next(EVP_RSA_gen(2048));
    return Send(holder, *CsrToDer(**client::MakeCsr(*next, Csr(cn, std::move(sans), ""))));
  }

  static std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GatewayClient> gw_;
  int sequence_ = 0;
};
std::unique_ptr<ServerProcess> HardeningTest::server_;

// Finding 1: keys the CA certified and must refuse, on a first enrollment.
TEST_F(HardeningTest, FirstEnrollmentKeysOutsideTheLimitsAreRefused) {
  Identity e3 = IdentityOver(std::move(*hostile::RsaKeyWithExponent(2048, *Number(3))));
  ExpectRefused(Send(e3, *CsrToDer(**client::MakeCsr(*e3.key, Csr("e3")))),
                codec::FailInfo::kBadRequest, "KeyParametersRejected");
  Identity big = IdentityOver(std::move(*hostile::RsaKeyWithExponent(4160, *Number(65537))));
  ExpectRefused(Send(big, *CsrToDer(**client::MakeCsr(*big.key, Csr("big")))),
                codec::FailInfo::kBadRequest, "KeyLengthMismatch");
  Identity k1 = IdentityOver(std::move(*hostile::EcKeyOn("secp256k1")));
  ExpectRefused(Send(k1, *CsrToDer(**client::MakeCsr(*k1.key, Csr("k1")))),
                codec::FailInfo::kBadRequest, "KeyParametersRejected");
  Identity p256 = NewIdentity(256);
  EXPECT_EQ(Issued(Send(p256, *CsrToDer(**client::MakeCsr(*p256.key, Csr("p256"))))) != nullptr,
            true);
}

// Findings 1 and 2: a signer key with explicit EC parameters, or an RSA exponent that is 1, even
// or huge, is refused before any signature is verified with it.
TEST_F(HardeningTest, SignerKeysTooCostlyOrUnsafeToVerifyWithAreRefusedUnverified) {
  std::vector<Identity> hostile;
  hostile.push_back(IdentityOver(std::move(*hostile::EcKeyWithExplicitParameters("P-256"))));
  hostile.push_back(IdentityOver(std::move(*hostile::RsaKeyWithExponent(2048, *Number(1)))));
  hostile.push_back(
      IdentityOver(std::move(*hostile::RsaKeyWithExponent(2048, *hostile::OddNumber(2040)))));
  for (const Identity& id : hostile) {
    ASSERT_TRUE(id.key && id.signer);
    for (const char* challenge : {kChallenge, "wrong"}) {
      auto rep = Send(id, *CsrToDer(**client::MakeCsr(*id.key, Csr("hostile", {}, challenge))));
      ExpectRefused(rep, codec::FailInfo::kBadRequest, "KeyParametersRejected");
      if (rep) {
        EXPECT_NE(rep->fail_info_text.find("signer"), std::string::npos);
      }
    }
  }
}

// Finding 2, measured: a huge exponent, even with the right challenge, costs no more than an
// ordinary request with a wrong one.
TEST_F(HardeningTest, AHugeExponentCostsNoMoreThanAWrongChallenge) {
  Identity normal = NewIdentity();
  Identity huge =
      IdentityOver(std::move(*hostile::RsaKeyWithExponent(2048, *hostile::OddNumber(2040))));
  // The round trip alone: the messages are built (and signed, which costs the client a lot with
  // such a key) before the clock starts.
  auto median_ms = [&](const Identity& id, const std::string& challenge) {
    std::vector<double> ms;
    for (int i = 0; i < 9; ++i) {
      Bytes csr = *CsrToDer(**client::MakeCsr(*id.key, Csr("timed", {}, challenge)));
      client::MessageOptions m;
      m.transaction_id = "timed-" + std::to_string(++sequence_);
      auto msg = client::BuildMessage(gw_->ca(), csr, *id.signer, *id.key, m);
      EXPECT_TRUE(msg);
      if (!msg) return 0.0;
      auto start = std::chrono::steady_clock::now();
      auto reply = gw_->scep().PkiOperation(msg->der, false);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      EXPECT_TRUE(reply);
      if (!reply) continue;
      auto rep = codec::DecodeCertRep(*reply, *id.signer, *id.key);
      EXPECT_TRUE(rep && rep->status == codec::PkiStatus::kFailure);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  };
  double normal_ms = median_ms(normal, "wrong");
  double huge_ms = median_ms(huge, kChallenge);
  // Before the fix the huge exponent was verified three times and the certificate encrypted with
  // it: 6 to 9 times a wrong challenge's cost. Now it is refused as cheaply.
  EXPECT_LT(huge_ms, 2 * normal_ms + 1) << "normal " << normal_ms << " ms, huge " << huge_ms;
}

// Findings 1 and 2 on the renewal path: the CSR's key (signed by a valid certificate of ours) is
// checked before the CSR's signature is verified with it.
TEST_F(HardeningTest, RenewalCsrKeysOutsideTheLimitsAreRefused) {
  Identity holder = Enrolled("renews-hostile");
  ASSERT_TRUE(holder.signer);
  EvpPkeyPtr modulus_source(EVP_RSA_gen(2048));
  BIGNUM* n = nullptr;
  ASSERT_EQ(EVP_PKEY_get_bn_param(modulus_source.get(), "n", &n), 1);
  BignumPtr owned_n(n);
  std::vector<EvpPkeyPtr> keys;
  std::vector<BignumPtr> exponents;
  exponents.push_back(Number(1));
  exponents.push_back(Number(2));
  exponents.push_back(Number(65536));
  exponents.push_back(hostile::OddNumber(2040));
  for (const BignumPtr& e : exponents) keys.push_back(std::move(*hostile::RsaPublicKey(*n, *e)));
  keys.push_back(std::move(*hostile::EcKeyWithExplicitParameters("P-256")));
  for (const EvpPkeyPtr& key : keys) {
    Bytes csr = CsrOver(*key, *holder.key, Csr("renews-hostile", {}, ""));
    ExpectRefused(Send(holder, csr), codec::FailInfo::kBadRequest, "KeyParametersRejected");
  }
}

// Finding 3: names the CA must refuse, whatever the static challenge allows.
TEST_F(HardeningTest, NamesTheCaMustNotCertifyAreRefused) {
  const std::vector<std::vector<std::string>> bad = {
      {std::string("DNS:evil.example\0.good.example", 29)},
      {"DNS:*.corp.example"},
      {"DNS:under_score.corp.example"},
      {"DNS:" + std::string(64, 'a') + ".corp.example"},
      {"URI:no-scheme-here"},
      {"URI:https://a b.example"},
      {"email:a@b@corp.example"},
      {"UPN:admin\x01istrator@corp.example"},
      {"UPN:bad\xff@corp.example"}};
  for (const auto& sans : bad) {
    Identity id = NewIdentity();
    ExpectRefused(Send(id, *CsrToDer(**client::MakeCsr(*id.key, Csr("names", sans)))),
                  codec::FailInfo::kBadRequest, "NameRejected");
  }
  Identity id = NewIdentity();
  ExpectRefused(
      Send(id, *CsrToDer(**client::MakeCsr(*id.key, Csr("line\nbreak", {"DNS:ok.corp.example"})))),
      codec::FailInfo::kBadRequest, "NameRejected");
}

TEST_F(HardeningTest, TwentyThousandSansAreRefusedQuickly) {
  std::vector<std::string> sans;
  for (int i = 0; i < 20000; ++i) sans.push_back("DNS:h" + std::to_string(i) + ".corp.example");
  Identity id = NewIdentity();
  Bytes csr = *CsrToDer(**client::MakeCsr(*id.key, Csr("many", sans)));
  auto start = std::chrono::steady_clock::now();
  auto rep = Send(id, csr);
  auto took = std::chrono::steady_clock::now() - start;
  ExpectRefused(rep, codec::FailInfo::kBadRequest, "NameRejected");
  EXPECT_LT(took, std::chrono::seconds(2));
}

// Finding 4: RFC 8894 3.3.1, a first enrollment is signed with the key it asks to certify, by a
// certificate valid now.
TEST_F(HardeningTest, FirstEnrollmentSignedByAnotherKeyOrAnExpiredSignerIsRefused) {
  Identity signer = NewIdentity();
  EvpPkeyPtr other(EVP_RSA_gen(2048));
  ExpectRefused(Send(signer, *CsrToDer(**client::MakeCsr(*other, Csr("other-key")))),
                codec::FailInfo::kBadMessageCheck, "SignerKeyMismatch");

  Identity expired = NewIdentity();
  X509_gmtime_adj(X509_getm_notBefore(expired.signer.get()), -30 * 86400);
  X509_gmtime_adj(X509_getm_notAfter(expired.signer.get()), -86400);
  ASSERT_GT(X509_sign(expired.signer.get(), expired.key.get(), EVP_sha256()), 0);
  auto csr = *CsrToDer(**client::MakeCsr(*expired.key, Csr("expired-signer")));
  ExpectRefused(Send(expired, csr), codec::FailInfo::kBadTime, "SignerCertificateExpired");

  // Within the clock-skew tolerance (300 s): accepted.
  Identity skewed = NewIdentity();
  X509_gmtime_adj(X509_getm_notBefore(skewed.signer.get()), 120);
  ASSERT_GT(X509_sign(skewed.signer.get(), skewed.key.get(), EVP_sha256()), 0);
  EXPECT_TRUE(Issued(Send(skewed, *CsrToDer(**client::MakeCsr(*skewed.key, Csr("skewed"))))));

  // Not an enrollment: a GetCert signed by the expired signer is answered as before.
  client::MessageOptions m;
  m.type = codec::MessageType::kGetCert;
  m.transaction_id = "getcert-expired-signer";
  Asn1IntegerPtr serial(ASN1_INTEGER_new());
  ASN1_INTEGER_set(serial.get(), 12345);
  auto content = codec::EncodeIssuerAndSerial(*X509_get_subject_name(gw_->ca().issuing), *serial);
  ASSERT_TRUE(content);
  auto rep = gw_->Send(expired, *content, m);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->fail_info_text.find("SignerCertificateExpired"), std::string::npos);
  EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadCertId) << rep->fail_info_text;
}

// Finding 5: a renewal of a certificate issued on the static challenge keeps or narrows its
// names, never widens them: the escalation into Active Directory is refused.
TEST_F(HardeningTest, RenewalCannotWidenTheNamesIntoAnAdministrator) {
  Identity plain = Enrolled("laptop-7");
  ASSERT_TRUE(plain.signer);
  ExpectRefused(Renew(plain, "laptop-7", {"DNS:dc01.corp.example"}), codec::FailInfo::kBadRequest,
                "SubjectAltNameMismatch");
  ExpectRefused(Renew(plain, "laptop-7", {"UPN:administrator@corp.example"}),
                codec::FailInfo::kBadRequest, "SubjectAltNameMismatch");
  ExpectRefused(Renew(plain, "laptop-7", {kSidUrl}), codec::FailInfo::kBadRequest,
                "SubjectAltNameMismatch");
  ExpectRefused(Renew(plain, "administrator", {}), codec::FailInfo::kBadRequest,
                "SubjectNameMismatch");
  // The same names renew.
  X509Ptr same = Issued(Renew(plain, "laptop-7", {}));
  ASSERT_TRUE(same);
  EXPECT_EQ(X509_get_ext_by_NID(same.get(), NID_subject_alt_name, -1), -1);

  // Narrowing renews; widening again does not.
  Identity named = Enrolled("web-1", {"DNS:web-1.corp.example", "DNS:www.corp.example"});
  ASSERT_TRUE(named.signer);
  X509Ptr narrowed = Issued(Renew(named, "web-1", {"DNS:web-1.corp.example"}));
  ASSERT_TRUE(narrowed);
  EXPECT_EQ(CertSans(*narrowed), std::vector<std::string>{"DNS:web-1.corp.example"});
  EXPECT_TRUE(Issued(Renew(named, "web-1", {"DNS:www.corp.example", "DNS:web-1.corp.example"})));
  ExpectRefused(Renew(named, "web-1", {"DNS:web-1.corp.example", "DNS:dc01.corp.example"}),
                codec::FailInfo::kBadRequest, "SubjectAltNameMismatch");
}

}  // namespace
}  // namespace scepgate::testing

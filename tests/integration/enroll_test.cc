// Enrollment against a real `scepgate serve` on loopback: operations, algorithms, GET/POST,
// renewal, resend, CertPoll / GetCert / GetCRL.
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include "codec/pki_message.h"
#include "common/files.h"
#include "common/percent.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kChallenge[] = "s3cret-challenge";

class EnrollTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = ServerProcess::Start(
        {{"--challenge", kChallenge, "--name", "IT"},
         // GetWithUrlOver40KbIsServed asks for 1100 SANs (the default limit is 32).
         {{"scep.legacy_algorithms", "true"}, {"policy.max_sans", "1100"}}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { gw_ = std::make_unique<GatewayClient>(server_->Url()); }

  EnrollOptions Options(const std::string& cn) {
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn + "/O=scepgate tests";
    o.csr.challenge = kChallenge;
    return o;
  }
  // Asserts SUCCESS and returns the issued certificate.
  X509Ptr ExpectIssued(const Result<codec::CertRep>& rep) {
    EXPECT_TRUE(rep) << (rep ? "" : rep.error().message);
    if (!rep) return nullptr;
    EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
    if (rep->content.certs.empty()) return nullptr;
    return CertDup(*rep->content.certs.front());
  }
  bool ChainsToRoot(const X509& cert) {
    X509StorePtr store(X509_STORE_new());
    X509StackPtr untrusted(sk_X509_new_null());
    for (const auto& c : gw_->ca().all) {
      if (X509_check_issued(c.get(), c.get()) == X509_V_OK)
        X509_STORE_add_cert(store.get(), c.get());
      else
        sk_X509_push(untrusted.get(), c.get());
    }
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(&cert), untrusted.get());
    bool ok = X509_verify_cert(ctx.get()) == 1;
    // The stack borrowed the certificates: empty it before it is freed.
    while (sk_X509_num(untrusted.get()) > 0) sk_X509_pop(untrusted.get());
    return ok;
  }

  static std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GatewayClient> gw_;
};
std::unique_ptr<ServerProcess> EnrollTest::server_;

TEST_F(EnrollTest, CapsAdvertiseWhatIsImplemented) {
  auto caps = gw_->scep().GetCaCaps();
  ASSERT_TRUE(caps);
  std::vector<std::string> want = {"AES",     "DES3",    "POSTPKIOperation", "Renewal",     "SHA-1",
                                   "SHA-256", "SHA-384", "SHA-512",          "SCEPStandard"};
  EXPECT_EQ(*caps, want);  // no GetNextCACert while nothing is staged
}

TEST_F(EnrollTest, GetCaCertReturnsRaIssuingAndRoot) {
  ASSERT_EQ(gw_->ca().all.size(), 3u);
  ASSERT_EQ(gw_->ca().recipients.size(), 1u);
  const X509* ra = gw_->ca().recipients.front();
  EXPECT_EQ(X509_check_ca(const_cast<X509*>(ra)), 0);
  EXPECT_TRUE(X509_get_key_usage(const_cast<X509*>(ra)) & KU_KEY_ENCIPHERMENT);
  EXPECT_NE(NameToString(*X509_get_subject_name(ra)).find("IT RA"), std::string::npos);
}

TEST_F(EnrollTest, EnrollsOverPostAndGetWithSansAndChain) {
  for (bool get : {false, true}) {
    Identity id = NewIdentity();
    EnrollOptions o = Options(get ? "get-device" : "post-device");
    o.use_get = get;
    o.csr.sans = {"DNS:device.example.com", "email:dev@example.com", "IP:192.0.2.7",
                  "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-1001",
                  "UPN:dev@example.com"};
    X509Ptr cert = ExpectIssued(gw_->Enroll(id, o));
    ASSERT_TRUE(cert);
    EXPECT_EQ(NameToString(*X509_get_subject_name(cert.get())),
              get ? "O=scepgate tests,CN=get-device" : "O=scepgate tests,CN=post-device");
    EXPECT_EQ(X509_cmp_time(X509_get0_notBefore(cert.get()), nullptr), -1);
    EXPECT_TRUE(ChainsToRoot(*cert));
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), id.key.get()), 1);
    GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
    ASSERT_TRUE(sans);
    EXPECT_EQ(sk_GENERAL_NAME_num(sans.get()), 5);
  }
}

TEST_F(EnrollTest, EveryCipherAndDigestPairIsAnsweredInKind) {
  const int ciphers[] = {NID_des_cbc, NID_des_ede3_cbc, NID_aes_128_cbc, NID_aes_192_cbc,
                         NID_aes_256_cbc};
  const int digests[] = {NID_sha1, NID_sha256, NID_sha384, NID_sha512};
  Identity id = NewIdentity();
  int n = 0;
  for (int cipher : ciphers) {
    for (int digest : digests) {
      EnrollOptions o = Options("algo-" + std::to_string(n));
      o.msg.cipher_nid = cipher;
      o.msg.digest_nid = digest;
      o.msg.transaction_id = "algo-" + std::to_string(n++);
      auto csr = client::MakeCsr(*id.key, o.csr);
      ASSERT_TRUE(csr);
      auto out = client::BuildMessage(gw_->ca(), *CsrToDer(**csr), *id.signer, *id.key, o.msg);
      ASSERT_TRUE(out) << OBJ_nid2sn(cipher) << ": " << out.error().message;
      auto reply = gw_->scep().PkiOperation(out->der, false);
      ASSERT_TRUE(reply);
      // The reply is signed with our digest and encrypted with our cipher.
      auto outer = codec::ParseRequest(*reply);
      ASSERT_TRUE(outer) << outer.error().message;
      EXPECT_EQ(outer->digest_nid, digest) << OBJ_nid2sn(cipher) << "/" << OBJ_nid2sn(digest);
      auto used = codec::EnvelopeCipher(outer->enveloped);
      ASSERT_TRUE(used);
      EXPECT_EQ(*used, cipher) << OBJ_nid2sn(cipher) << "/" << OBJ_nid2sn(digest);
      ExpectIssued(client::ReadReply(*reply, *out, gw_->ca(), *id.signer, *id.key));
    }
  }
}

TEST_F(EnrollTest, GetWithUrlOver40KbIsServed) {
  Identity id = NewIdentity();
  EnrollOptions o = Options("long-url");
  o.use_get = true;
  for (int i = 0; i < 1100; ++i)
    o.csr.sans.push_back("DNS:host-" + std::to_string(i) + ".long.example.com");
  auto csr = client::MakeCsr(*id.key, o.csr);
  ASSERT_TRUE(csr);
  auto der = CsrToDer(**csr);
  o.msg.transaction_id = *client::TransactionIdFor(*id.key);
  auto out = client::BuildMessage(gw_->ca(), *der, *id.signer, *id.key, o.msg);
  ASSERT_TRUE(out);
  size_t url_len = PercentEncode(Base64Encode(out->der)).size();
  ASSERT_GT(url_len, 40u * 1024) << "message too small to prove the point";
  ASSERT_LT(url_len, 64u * 1024);
  auto reply = gw_->scep().PkiOperation(out->der, true);
  ASSERT_TRUE(reply) << reply.error().message;
  ExpectIssued(client::ReadReply(*reply, *out, gw_->ca(), *id.signer, *id.key));
}

TEST_F(EnrollTest, ResendOfSameTransactionGetsSameCertificate) {
  Identity id = NewIdentity();
  EnrollOptions o = Options("resend");
  X509Ptr first = ExpectIssued(gw_->Enroll(id, o));
  X509Ptr second = ExpectIssued(gw_->Enroll(id, o));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(X509_cmp(first.get(), second.get()), 0);
}

TEST_F(EnrollTest, ResendAfterRevocationIsRefusedNotAnsweredWithTheRevokedCertificate) {
  Identity id = NewIdentity();
  EnrollOptions o = Options("resend-revoked");
  X509Ptr first = ExpectIssued(gw_->Enroll(id, o));
  ASSERT_TRUE(first);
  std::string serial = SerialHex(*X509_get0_serialNumber(first.get()));
  ASSERT_EQ(server_->Cli({"cert", "revoke", serial, "--reason", "keyCompromise"}), 0);
  auto rep = gw_->Enroll(id, o);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
  ASSERT_TRUE(rep->fail_info.has_value());
  EXPECT_EQ(*rep->fail_info, codec::FailInfo::kBadRequest);
  EXPECT_NE(rep->fail_info_text.find("CertificateRevoked"), std::string::npos)
      << rep->fail_info_text;
  EXPECT_NE(rep->fail_info_text.find(serial), std::string::npos) << rep->fail_info_text;
}

TEST_F(EnrollTest, RenewalSignedWithIssuedCertificateNeedsNoChallenge) {
  Identity id = NewIdentity();
  X509Ptr cert = ExpectIssued(gw_->Enroll(id, Options("renew-me")));
  ASSERT_TRUE(cert);
  Identity renewing{std::move(id.key), std::move(cert)};
  for (auto type : {codec::MessageType::kPKCSReq, codec::MessageType::kRenewalReq}) {
    Identity next = NewIdentity();
    EnrollOptions o = Options("renew-me");
    o.csr.challenge.clear();
    o.msg.type = type;
    auto csr = client::MakeCsr(*next.key, o.csr);
    ASSERT_TRUE(csr);
    o.msg.transaction_id = *client::TransactionIdFor(*next.key);
    // Signed with the existing certificate and its key; the CSR carries the new key.
    X509Ptr renewed = ExpectIssued(gw_->Send(renewing, *CsrToDer(**csr), o.msg));
    ASSERT_TRUE(renewed);
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(renewed.get()), next.key.get()), 1);
  }
  // A renewal that changes the subject is refused.
  Identity other = NewIdentity();
  EnrollOptions o = Options("someone-else");
  o.csr.challenge.clear();
  auto csr = client::MakeCsr(*other.key, o.csr);
  o.msg.transaction_id = "subject-change";
  auto rep = gw_->Send(renewing, *CsrToDer(**csr), o.msg);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
  EXPECT_NE(rep->fail_info_text.find("SubjectNameMismatch"), std::string::npos);
}

TEST_F(EnrollTest, RevokedSignerCannotRenew) {
  Identity id = NewIdentity();
  X509Ptr cert = ExpectIssued(gw_->Enroll(id, Options("revoked-renewer")));
  ASSERT_TRUE(cert);
  std::string serial = SerialHex(*X509_get0_serialNumber(cert.get()));
  ASSERT_EQ(server_->Cli({"cert", "revoke", serial, "--reason", "keyCompromise"}), 0);
  Identity renewing{std::move(id.key), std::move(cert)};
  EnrollOptions o = Options("revoked-renewer");
  o.csr.challenge.clear();
  o.msg.transaction_id = "renew-after-revoke";
  auto csr = client::MakeCsr(*renewing.key, o.csr);
  auto rep = gw_->Send(renewing, *CsrToDer(**csr), o.msg);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
  EXPECT_NE(rep->fail_info_text.find("SignerCertificateRevoked"), std::string::npos);
}

TEST_F(EnrollTest, CertPollGetCertAndGetCrl) {
  Identity id = NewIdentity();
  EnrollOptions o = Options("poll-me");
  X509Ptr cert = ExpectIssued(gw_->Enroll(id, o));
  ASSERT_TRUE(cert);
  const X509& issuing = *gw_->ca().issuing;
  std::string tid = *client::TransactionIdFor(*id.key);

  // CertPoll for the answered transaction returns the same certificate.
  auto subject = client::ParseSubject(o.csr.subject);
  auto ias = codec::EncodeIssuerAndSubject(*X509_get_subject_name(&issuing), **subject);
  client::MessageOptions poll{codec::MessageType::kCertPoll, tid, NID_aes_256_cbc, NID_sha256};
  X509Ptr polled = ExpectIssued(gw_->Send(id, *ias, poll));
  ASSERT_TRUE(polled);
  EXPECT_EQ(X509_cmp(polled.get(), cert.get()), 0);
  // ... and an unknown transaction is badCertId.
  poll.transaction_id = "never-seen";
  auto unknown = gw_->Send(id, *ias, poll);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, codec::PkiStatus::kFailure);
  EXPECT_EQ(unknown->fail_info, codec::FailInfo::kBadCertId);

  // GetCert by issuer and serial.
  auto iasn = codec::EncodeIssuerAndSerial(*X509_get_subject_name(&issuing),
                                           *X509_get0_serialNumber(cert.get()));
  client::MessageOptions get{codec::MessageType::kGetCert, "getcert-1", NID_aes_128_cbc,
                             NID_sha256};
  X509Ptr fetched = ExpectIssued(gw_->Send(id, *iasn, get));
  ASSERT_TRUE(fetched);
  EXPECT_EQ(X509_cmp(fetched.get(), cert.get()), 0);
  Asn1IntegerPtr bogus(ASN1_INTEGER_new());
  ASN1_INTEGER_set(bogus.get(), 12345);
  auto missing =
      gw_->Send(id, *codec::EncodeIssuerAndSerial(*X509_get_subject_name(&issuing), *bogus), get);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->fail_info, codec::FailInfo::kBadCertId);

  // Revoke it, then GetCRL lists it, signed by the issuing CA.
  std::string serial = SerialHex(*X509_get0_serialNumber(cert.get()));
  ASSERT_EQ(server_->Cli({"cert", "revoke", serial, "--reason", "superseded"}), 0);
  client::MessageOptions crlmsg{codec::MessageType::kGetCRL, "getcrl-1", NID_aes_256_cbc,
                                NID_sha512};
  auto rep = gw_->Send(id, *iasn, crlmsg);
  ASSERT_TRUE(rep) << rep.error().message;
  ASSERT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
  ASSERT_EQ(rep->content.crls.size(), 1u);
  X509_CRL* crl = rep->content.crls.front().get();
  EXPECT_EQ(X509_CRL_verify(crl, X509_get0_pubkey(&issuing)), 1);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert.get())), 1);
}

TEST_F(EnrollTest, CrlIsServedOverHttpAndListsRevocations) {
  Identity id = NewIdentity();
  X509Ptr cert = ExpectIssued(gw_->Enroll(id, Options("crl-http")));
  ASSERT_TRUE(cert);
  ASSERT_EQ(server_->Cli({"cert", "revoke", SerialHex(*X509_get0_serialNumber(cert.get())),
                          "--reason", "cessationOfOperation"}),
            0);
  auto http = client::MakeHttpClient();
  client::Url url{"127.0.0.1", server_->port(), "/crl/current.crl"};
  auto r = http->Get(url, url.path);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->content_type, "application/pkix-crl");
  auto crl = CrlFromDer(AsView(r->body));
  ASSERT_TRUE(crl);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(crl->get(), &entry, X509_get0_serialNumber(cert.get())), 1);
}

TEST_F(EnrollTest, EveryRequestIsRecordedAndListed) {
  Identity id = NewIdentity();
  X509Ptr cert = ExpectIssued(gw_->Enroll(id, Options("recorded")));
  ASSERT_TRUE(cert);
  std::string out;
  ASSERT_EQ(server_->Cli({"requests", "list", "--json"}, &out), 0);
  auto all = nlohmann::json::parse(out);
  std::string serial = SerialHex(*X509_get0_serialNumber(cert.get()));
  bool found = false;
  for (const auto& r : all) {
    if (r["serial"] == serial && r["state"] == "issued") {
      found = true;
      EXPECT_EQ(r["message_type"], "PKCSReq");
      EXPECT_EQ(r["remote_addr"], "127.0.0.1");
      EXPECT_FALSE(r["correlation_id"].get<std::string>().empty());
      EXPECT_EQ(r["signer"], "CN=SCEP SIGNER");
    }
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(server_->Cli({"cert", "show", serial}, &out), 0);
  auto shown = nlohmann::json::parse(out);
  EXPECT_EQ(shown["subject"], "O=scepgate tests,CN=recorded");
  EXPECT_EQ(shown["sha256"].get<std::string>().size(), 64u);
}

TEST_F(EnrollTest, KeysArePrivateAndInitRefusesToOverwrite) {
  for (const char* f : {"ca/root.key", "ca/issuing.key", "ca/ra.key"}) {
    struct stat st {};
    ASSERT_EQ(::stat((server_->dir() / f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
  }
  std::string err;
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", server_->dir().string()}, nullptr, &err),
            0);
  EXPECT_NE(err.find("--force"), std::string::npos) << err;
}

// `init --challenge-file`: the secret never on the command line; the file must be private.
TEST_F(EnrollTest, TheStaticChallengeComesFromAPrivateFile) {
  const std::filesystem::path work = server_->dir().parent_path() / "challenge-file";
  std::filesystem::create_directories(work);
  const std::filesystem::path secret = work / "challenge.txt";
  ASSERT_TRUE(WriteFile(secret, "from-a-file\nignored second line\n", 0644));
  std::string out, err;
  EXPECT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", (work / "open").string(),
                        "--challenge-file", secret.string()},
                       &out, &err),
            1);
  EXPECT_NE(err.find("mode"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(work / "open" / "scepgate.toml"));
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (work / "both").string(), "--challenge",
                        "x", "--challenge-file", secret.string()},
                       &out, &err),
            0);
  std::filesystem::permissions(
      secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", (work / "private").string(),
                        "--challenge-file", secret.string()},
                       &out, &err),
            0)
      << err;
  auto config = ReadFile(work / "private" / "scepgate.toml");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_NE(config->find("challenge = 'from-a-file'"), std::string::npos) << *config;
  EXPECT_EQ(config->find("ignored"), std::string::npos);
  std::filesystem::remove_all(work);
}

}  // namespace
}  // namespace scepgate::testing

// CA life cycle against a real gateway: single DES refused by default, GetNextCACert after a
// staged rollover, activation, and certificates of the old CA staying valid and revocable.
#include <nlohmann/json.hpp>

#include "codec/pki_message.h"
#include "common/files.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kChallenge[] = "lifecycle";

X509Ptr Issued(const Result<codec::CertRep>& rep) {
  EXPECT_TRUE(rep) << (rep ? "" : rep.error().message);
  if (!rep || rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty()) {
    ADD_FAILURE() << "not issued: " << (rep ? rep->fail_info_text : "");
    return nullptr;
  }
  return CertDup(*rep->content.certs.front());
}

EnrollOptions Options(const std::string& cn) {
  EnrollOptions o;
  o.csr.subject = "/CN=" + cn;
  o.csr.challenge = kChallenge;
  return o;
}

TEST(LifecycleTest, SingleDesIsRefusedUnlessEnabled) {
  auto server = ServerProcess::Start({{"--challenge", kChallenge}, {}});
  ASSERT_TRUE(server) << server.error().message;
  GatewayClient gw((*server)->Url());
  Identity id = NewIdentity();
  EnrollOptions o = Options("des");
  o.msg.cipher_nid = NID_des_cbc;  // this test process has the legacy provider (see main)
  auto rep = gw.Enroll(id, o);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
  ASSERT_TRUE(rep->fail_info);
  EXPECT_EQ(*rep->fail_info, codec::FailInfo::kBadAlg) << rep->fail_info_text;
}

TEST(LifecycleTest, RolloverIsServedThenActivatedAndOldCertificatesStayRevocable) {
  auto started = ServerProcess::Start({{"--challenge", kChallenge, "--key", "ec:p256"}, {}});
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  auto gw = std::make_unique<GatewayClient>(server.Url());
  EXPECT_EQ(gw->scep().GetNextCaCert().error().code, ErrorCode::kNotFound);
  X509Ptr old_issuing = CertDup(*gw->ca().issuing);

  Identity a = NewIdentity();
  X509Ptr cert_a = Issued(gw->Enroll(a, Options("device-a")));
  ASSERT_TRUE(cert_a);

  std::string out, err;
  ASSERT_EQ(server.Cli({"ca", "rollover"}, &out, &err), 0) << err;
  EXPECT_NE(server.Cli({"ca", "rollover"}, &out, &err), 0) << "a second stage must be refused";
  ASSERT_TRUE(server.Restart());
  gw = std::make_unique<GatewayClient>(server.Url());
  auto caps = gw->scep().GetCaCaps();
  ASSERT_TRUE(caps);
  EXPECT_NE(std::find(caps->begin(), caps->end(), "GetNextCACert"), caps->end());
  auto next_body = gw->scep().GetNextCaCert();
  ASSERT_TRUE(next_body) << next_body.error().message;
  auto next = codec::DecodeNextCaCert(*next_body, *old_issuing);
  ASSERT_TRUE(next) << next.error().message;
  ASSERT_FALSE(next->certs.empty());
  X509Ptr next_ca = std::move(next->certs.front());
  EXPECT_NE(X509_cmp(next_ca.get(), old_issuing.get()), 0);

  ASSERT_EQ(server.Cli({"ca", "activate"}, &out, &err), 0) << err;
  ASSERT_TRUE(server.Restart());
  gw = std::make_unique<GatewayClient>(server.Url());
  EXPECT_EQ(X509_cmp(gw->ca().issuing, next_ca.get()), 0) << "the staged CA is now current";
  Identity b = NewIdentity();
  X509Ptr cert_b = Issued(gw->Enroll(b, Options("device-b")));
  ASSERT_TRUE(cert_b);
  EXPECT_EQ(X509_verify(cert_b.get(), X509_get0_pubkey(next_ca.get())), 1);

  // A certificate of the old CA still renews (it is ours) and is still revocable on its own CRL.
  Identity renewing{std::move(a.key), CertDup(*cert_a)};
  EnrollOptions ro = Options("device-a");
  ro.csr.challenge.clear();
  ro.msg.transaction_id = "renew-across-rollover";
  auto csr = client::MakeCsr(*renewing.key, ro.csr);
  X509Ptr renewed = Issued(gw->Send(renewing, *CsrToDer(**csr), ro.msg));
  ASSERT_TRUE(renewed);
  EXPECT_EQ(X509_verify(renewed.get(), X509_get0_pubkey(next_ca.get())), 1);

  std::string serial_a = SerialHex(*X509_get0_serialNumber(cert_a.get()));
  ASSERT_EQ(server.Cli({"cert", "revoke", serial_a, "--reason", "superseded"}, &out, &err), 0)
      << err;
  ASSERT_EQ(server.Cli({"ca", "show", "--json"}, &out, &err), 0) << err;
  auto shown = nlohmann::json::parse(out);
  ASSERT_EQ(shown["previous"].size(), 1u);
  std::string old_id = shown["previous"][0]["id"];
  auto http = client::MakeHttpClient();
  auto r = http->Get({"127.0.0.1", server.port(), "/"}, "/crl/" + old_id + ".crl");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto crl = CrlFromDer(AsView(r->body));
  ASSERT_TRUE(crl);
  EXPECT_EQ(X509_CRL_verify(crl->get(), X509_get0_pubkey(old_issuing.get())), 1);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(crl->get(), &entry, X509_get0_serialNumber(cert_a.get())), 1);
  // The new CA's CRL does not carry the old CA's serial.
  auto cur = http->Get({"127.0.0.1", server.port(), "/"}, "/crl/current.crl");
  ASSERT_TRUE(cur);
  auto cur_crl = CrlFromDer(AsView(cur->body));
  ASSERT_TRUE(cur_crl);
  EXPECT_EQ(X509_CRL_verify(cur_crl->get(), X509_get0_pubkey(next_ca.get())), 1);
  EXPECT_NE(X509_CRL_get0_by_serial(cur_crl->get(), &entry, X509_get0_serialNumber(cert_a.get())),
            1);
}

}  // namespace
}  // namespace scepgate::testing

namespace scepgate::testing {
namespace {

// An administrator's existing issuing CA, made with the OpenSSL CLI, imported with --import-ca.
TEST(LifecycleTest, ImportedIssuingCaIssuesAndCannotStageARollover) {
  char tmpl[] = "/tmp/scepgate-import-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string d = tmpl;
  auto sh = [](const std::string& cmd) {
    return RunCommand({"bash", "-c", cmd}, nullptr, nullptr);
  };
  ASSERT_EQ(sh("cd " + d +
               " && openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.crt "
               "-subj '/CN=Corp Root' -days 3650 -addext basicConstraints=critical,CA:TRUE "
               "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null"),
            0);
  ASSERT_EQ(
      sh("cd " + d +
         " && openssl req -newkey rsa:2048 -nodes -keyout sub.key -out sub.csr "
         "-subj '/CN=Corp Issuing' 2>/dev/null && printf "
         "'basicConstraints=critical,CA:TRUE,pathlen:0\\n"
         "keyUsage=critical,keyCertSign,cRLSign,digitalSignature\\n' > ext.cnf && "
         "openssl x509 -req -in sub.csr -CA root.crt -CAkey root.key -CAcreateserial -days 1825 "
         "-extfile ext.cnf -out sub.crt 2>/dev/null && cat sub.crt root.crt > chain.pem"),
      0);
  auto started = ServerProcess::Start(
      {{"--challenge", kChallenge, "--import-ca", d + "/chain.pem", "--import-key", d + "/sub.key"},
       {}});
  ASSERT_TRUE(started) << started.error().message;
  GatewayClient gw((*started)->Url());
  EXPECT_NE(NameToString(*X509_get_subject_name(gw.ca().issuing)).find("Corp Issuing"),
            std::string::npos);
  Identity id = NewIdentity();
  X509Ptr cert = Issued(gw.Enroll(id, Options("imported-ca-device")));
  ASSERT_TRUE(cert);
  std::string pem = *CertToPem(*cert);
  ASSERT_TRUE(WriteFile(d + "/leaf.pem", pem));
  EXPECT_EQ(sh("openssl verify -CAfile " + d + "/root.crt -untrusted " + d + "/sub.crt " + d +
               "/leaf.pem >/dev/null 2>&1"),
            0);
  std::string out, err;
  EXPECT_NE((*started)->Cli({"ca", "rollover"}, &out, &err), 0);
  EXPECT_NE(err.find("import"), std::string::npos) << err;
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace scepgate::testing

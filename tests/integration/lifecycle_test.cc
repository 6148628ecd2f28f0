// CA life cycle against a real gateway: single DES refused by default, GetNextCACert after a
// staged rollover, activation (each picked up on SIGHUP, without a restart), and certificates of
// the old CA staying valid and revocable.
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "client/http_client.h"
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

  // No restart: the command has the running server (serve.pid) reload, and it offers the
  // staged CA at once.
  std::string out, err;
  size_t reloads = server.ReloadCount();
  ASSERT_EQ(server.Cli({"ca", "rollover"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("sent SIGHUP to `scepgate serve`"), std::string::npos) << out;
  auto reloaded = server.AwaitReload(reloads);
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  EXPECT_NE(server.Cli({"ca", "rollover"}, &out, &err), 0) << "a second stage must be refused";
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

  reloads = server.ReloadCount();
  ASSERT_EQ(server.Cli({"ca", "activate"}, &out, &err), 0) << err;
  reloaded = server.AwaitReload(reloads);
  ASSERT_TRUE(reloaded) << reloaded.error().message;
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

// `ca status` tells how long each CA and RA certificate has left; inside [ca]
// expiry_warning_days, `--check` exits 1, /healthz says "expiry: warning" (still 200) and serve
// logs it and queues a ca.expiring event.
TEST(LifecycleTest, ExpiryIsReportedByCaStatusHealthzTheLogAndAnEvent) {
  auto started = ServerProcess::Start({{"--challenge", kChallenge}, {}});
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  std::string out, err;
  ASSERT_EQ(server.Cli({"ca", "status", "--check", "--json"}, &out, &err), 0) << err << out;
  auto fresh = nlohmann::json::parse(out);
  EXPECT_EQ(fresh["state"], "ok");
  ASSERT_EQ(fresh["certificates"].size(), 3u);  // root, issuing, ra
  EXPECT_EQ(fresh["certificates"][2]["role"], "ra");
  EXPECT_GE(fresh["certificates"][2]["days_left"].get<int>(), 729);

  // A window longer than the RA's two years: the RA (and the ten-year issuing CA) are in it.
  ASSERT_TRUE(server.Configure({{"ca.expiry_warning_days", "3650"}}));
  EXPECT_EQ(server.Cli({"ca", "status", "--check"}, &out, &err), 1) << err << out;
  EXPECT_NE(out.find("ra: CN=scepgate RA"), std::string::npos) << out;
  EXPECT_NE(out.find("state: warning"), std::string::npos) << out;
  ASSERT_TRUE(server.Restart());
  auto http = client::MakeHttpClient();
  auto health = http->Get({"127.0.0.1", server.port(), "/"}, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find("expiry: warning"), std::string::npos) << health->body;
  std::string log;
  for (int i = 0; i < 50 && log.find("expires in") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log = server.Log();
  }
  EXPECT_NE(log.find("the ra certificate CN=scepgate RA expires in"), std::string::npos) << log;
  ASSERT_EQ(server.Cli({"events", "list", "--json"}, &out, &err), 0) << err;
  int expiring = 0;
  for (const auto& e : nlohmann::json::parse(out))
    if (e["type"] == "ca.expiring") ++expiring;
  EXPECT_EQ(expiring, 2) << out;  // the RA and the issuing CA, once each today
}

// Settings changed in scepgate.toml take effect on SIGHUP; a config that does not load leaves the
// running one in place, and enrollments in flight during reloads all succeed.
TEST(LifecycleTest, ReloadAppliesSettingsKeepsServingThroughABadOneAndLosesNothing) {
  auto started = ServerProcess::Start({{"--challenge", kChallenge}, {}});
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  GatewayClient gw(server.Url());
  ASSERT_TRUE(server.Configure({{"scep.challenge", "\"rotated\""}}));
  size_t reloads = server.ReloadCount();
  std::string out, err;
  ASSERT_EQ(server.Cli({"reload"}, &out, &err), 0) << err;  // finds the server by serve.pid
  ASSERT_TRUE(server.AwaitReload(reloads));
  auto old_secret = gw.Enroll(NewIdentity(), Options("old-secret"));
  ASSERT_TRUE(old_secret) << old_secret.error().message;
  EXPECT_EQ(old_secret->status, codec::PkiStatus::kFailure);
  EnrollOptions rotated = Options("rotated-secret");
  rotated.csr.challenge = "rotated";
  ASSERT_TRUE(Issued(gw.Enroll(NewIdentity(), rotated)));

  auto text = ReadFile(server.dir() / "scepgate.toml");
  ASSERT_TRUE(text);
  ASSERT_TRUE(WriteFile(server.dir() / "scepgate.toml", *text + "\n[nonsense]\n"));
  auto refused = server.Reload();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("nonsense"), std::string::npos);
  ASSERT_TRUE(Issued(gw.Enroll(NewIdentity(), rotated))) << "the running config stays";
  ASSERT_TRUE(WriteFile(server.dir() / "scepgate.toml", *text));

  // Four clients enroll while the server reloads three times.
  constexpr int kClients = 4, kEach = 15;
  std::atomic<int> issued = 0;
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t)
    clients.emplace_back([&, t] {
      GatewayClient own(server.Url());
      for (int i = 0; i < kEach; ++i) {
        EnrollOptions o = Options("during-reload-" + std::to_string(t) + "-" + std::to_string(i));
        o.csr.challenge = "rotated";
        auto rep = own.Enroll(NewIdentity(), o);
        if (rep && rep->status == codec::PkiStatus::kSuccess) ++issued;
      }
    });
  for (int r = 0; r < 3; ++r) EXPECT_TRUE(server.Reload());
  for (auto& c : clients) c.join();
  EXPECT_EQ(issued, kClients * kEach);
  ASSERT_EQ(server.Cli({"cert", "list", "--json"}, &out, &err), 0) << err;
  EXPECT_EQ(nlohmann::json::parse(out).size(), size_t{kClients * kEach + 2});

  // Once the server stops, its pid file goes, and `reload` says there is nothing to reload.
  server.Stop();
  EXPECT_FALSE(std::filesystem::exists(server.dir() / "serve.pid"));
  EXPECT_EQ(server.Cli({"reload"}, &out, &err), 1);
  EXPECT_NE(err.find("no `scepgate serve` runs on"), std::string::npos) << err;
  // A stale file naming another program (this test) is not signalled: SIGHUP would end us.
  ASSERT_TRUE(WriteFile(server.dir() / "serve.pid", std::to_string(::getpid()) + "\n"));
  EXPECT_EQ(server.Cli({"reload"}, &out, &err), 1);
  EXPECT_NE(err.find("no `scepgate serve` runs on"), std::string::npos) << err;
}

// An administrator's existing PKI, made with the OpenSSL CLI in a temporary directory.
class ExternalPki {
 public:
  ExternalPki() {
    char tmpl[] = "/tmp/scepgate-import-XXXXXX";
    EXPECT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  ~ExternalPki() { std::filesystem::remove_all(dir_); }
  ExternalPki(const ExternalPki&) = delete;
  ExternalPki& operator=(const ExternalPki&) = delete;

  // Runs a shell command in the directory; returns its exit code.
  int Sh(const std::string& cmd) const {
    return RunCommand({"bash", "-c", "cd " + dir_ + " && " + cmd}, nullptr, nullptr);
  }
  // NAME.key and NAME.crt: a self-signed root CA when `parent` is empty, else a CA that `parent`
  // signs, with the given path length. RSA-2048.
  bool Ca(const std::string& name, const std::string& cn, const std::string& parent = "",
          int pathlen = 0) const {
    const std::string key_usage = "keyUsage=critical,keyCertSign,cRLSign,digitalSignature";
    if (parent.empty())
      return Sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
                ".crt -subj '/CN=" + cn +
                "' -days 3650 -addext basicConstraints=critical,CA:TRUE " + "-addext " + key_usage +
                " 2>/dev/null") == 0;
    return Sh("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
              ".csr -subj '/CN=" + cn + "' 2>/dev/null && printf 'basicConstraints=critical," +
              "CA:TRUE,pathlen:" + std::to_string(pathlen) + "\\n" + key_usage + "\\n' > " + name +
              ".cnf && openssl x509 -req -in " + name + ".csr -CA " + parent + ".crt -CAkey " +
              parent + ".key -CAcreateserial -days 1825 -extfile " + name + ".cnf -out " + name +
              ".crt 2>/dev/null") == 0;
  }
  std::string Path(const std::string& file) const { return dir_ + "/" + file; }

 private:
  std::string dir_;
};

// Enrolls through `gw` and checks the certificate chains to root.crt with only what GetCACert
// sent as intermediates, as a client has to.
void ExpectChainsWithGetCaCert(const ExternalPki& pki, GatewayClient& gw, const std::string& cn) {
  Identity id = NewIdentity();
  X509Ptr cert = Issued(gw.Enroll(id, Options(cn)));
  ASSERT_TRUE(cert);
  ASSERT_TRUE(WriteFile(pki.Path("leaf.pem"), *CertToPem(*cert)));
  std::string sent;
  for (const X509Ptr& c : gw.ca().all) sent += *CertToPem(*c);
  ASSERT_TRUE(WriteFile(pki.Path("sent.pem"), sent));
  EXPECT_EQ(pki.Sh("openssl verify -CAfile root.crt -untrusted sent.pem leaf.pem >/dev/null"), 0);
}

TEST(LifecycleTest, ImportedIssuingCaIssuesAndCannotStageARollover) {
  ExternalPki pki;
  ASSERT_TRUE(pki.Ca("root", "Corp Root"));
  ASSERT_TRUE(pki.Ca("sub", "Corp Issuing", "root"));
  ASSERT_EQ(pki.Sh("cat sub.crt root.crt > chain.pem"), 0);
  auto started = ServerProcess::Start({{"--challenge", kChallenge, "--import-ca",
                                        pki.Path("chain.pem"), "--import-key", pki.Path("sub.key")},
                                       {}});
  ASSERT_TRUE(started) << started.error().message;
  GatewayClient gw((*started)->Url());
  EXPECT_NE(NameToString(*X509_get_subject_name(gw.ca().issuing)).find("Corp Issuing"),
            std::string::npos);
  ExpectChainsWithGetCaCert(pki, gw, "imported-ca-device");
  std::string out, err;
  EXPECT_NE((*started)->Cli({"ca", "rollover"}, &out, &err), 0);
  EXPECT_NE(err.find("import"), std::string::npos) << err;
}

// root -> policy CA -> issuing CA: GetCACert carries the policy CA, `ca show` lists it.
TEST(LifecycleTest, ImportedThreeTierChainIsServedWhole) {
  ExternalPki pki;
  ASSERT_TRUE(pki.Ca("root", "Corp Root"));
  ASSERT_TRUE(pki.Ca("policy", "Corp Policy CA", "root", 1));
  ASSERT_TRUE(pki.Ca("sub", "Corp Issuing", "policy"));
  // Out of order, the bundle is refused with the link that breaks.
  ASSERT_EQ(pki.Sh("cat sub.crt root.crt policy.crt > shuffled.pem"), 0);
  std::string out, err;
  std::string bad_dir = pki.Path("refused");
  EXPECT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", bad_dir, "--import-ca",
                        pki.Path("shuffled.pem"), "--import-key", pki.Path("sub.key")},
                       &out, &err),
            1);
  EXPECT_NE(err.find("did not issue"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(bad_dir + "/ca/issuing.crt"));

  ASSERT_EQ(pki.Sh("cat sub.crt policy.crt root.crt > chain.pem"), 0);
  auto started = ServerProcess::Start({{"--challenge", kChallenge, "--import-ca",
                                        pki.Path("chain.pem"), "--import-key", pki.Path("sub.key")},
                                       {}});
  ASSERT_TRUE(started) << started.error().message;
  GatewayClient gw((*started)->Url());
  std::vector<std::string> names;
  for (const X509Ptr& c : gw.ca().all)
    names.push_back(NameToString(*X509_get_subject_name(c.get())));
  EXPECT_EQ(names, (std::vector<std::string>{"CN=scepgate RA", "CN=Corp Issuing",
                                             "CN=Corp Policy CA", "CN=Corp Root"}));
  ExpectChainsWithGetCaCert(pki, gw, "three-tier-device");
  ASSERT_EQ((*started)->Cli({"ca", "show", "--json"}, &out, &err), 0) << err;
  auto shown = nlohmann::json::parse(out);
  ASSERT_EQ(shown["intermediates"].size(), 1u);
  EXPECT_NE(shown["intermediates"][0]["subject"].get<std::string>().find("Corp Policy CA"),
            std::string::npos);
}

}  // namespace
}  // namespace scepgate::testing

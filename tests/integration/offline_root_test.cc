// `init --offline-root` against a real gateway: the root key goes once to a file outside the data
// dir (0600), the gateway enrolls without it, and a rollover fails clearly without --root-key and
// works with it.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "codec/pki_message.h"
#include "common/files.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kChallenge[] = "offline-root";

// A temporary directory away from any data dir, removed with what it holds.
class KeyDir {
 public:
  KeyDir() {
    char tmpl[] = "/tmp/scepgate-rootkey-XXXXXX";
    EXPECT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  ~KeyDir() { fs::remove_all(dir_); }
  KeyDir(const KeyDir&) = delete;
  KeyDir& operator=(const KeyDir&) = delete;
  std::string Path(const std::string& file) const { return (dir_ / file).string(); }

 private:
  fs::path dir_;
};

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

// Enrolls a fresh identity and checks with the OpenSSL CLI that the certificate chains to the
// data dir's root.crt through what GetCACert sent.
void ExpectEnrollsAndChains(const ServerProcess& server, const KeyDir& tmp, const std::string& cn) {
  GatewayClient gw(server.Url());
  X509Ptr cert = Issued(gw.Enroll(NewIdentity(), Options(cn)));
  ASSERT_TRUE(cert);
  std::string sent;
  for (const X509Ptr& c : gw.ca().all) sent += *CertToPem(*c);
  ASSERT_TRUE(WriteFile(tmp.Path("sent.pem"), sent));
  ASSERT_TRUE(WriteFile(tmp.Path("leaf.pem"), *CertToPem(*cert)));
  std::string out, err;
  EXPECT_EQ(RunCommand({"openssl", "verify", "-CAfile", (server.dir() / "ca" / "root.crt").string(),
                        "-untrusted", tmp.Path("sent.pem"), tmp.Path("leaf.pem")},
                       &out, &err),
            0)
      << out << err;
}

// A gateway made by `init --offline-root ROOT_KEY`.
Result<std::unique_ptr<ServerProcess>> StartWithOfflineRoot(const std::string& root_key) {
  return ServerProcess::Start({{"--challenge", kChallenge, "--offline-root", root_key}, {}});
}

TEST(OfflineRootTest, TheGatewayServesWithoutTheRootKeyAndARolloverAsksForIt) {
  KeyDir keys;
  const std::string root_key = keys.Path("root.key");
  auto started = StartWithOfflineRoot(root_key);
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  struct stat st {};
  ASSERT_EQ(::stat(root_key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(server.dir() / "ca" / "root.key"));
  std::string out, err;
  ASSERT_EQ(server.Cli({"ca", "show", "--json"}, &out, &err), 0) << err;
  EXPECT_EQ(nlohmann::json::parse(out)["root"]["key_offline"], true) << out;

  // GetCACert still carries the root, and the file holds its key.
  GatewayClient gw(server.Url());
  ASSERT_EQ(gw.ca().all.size(), 3u);
  X509Ptr old_issuing = CertDup(*gw.ca().issuing);
  auto root = CertFromPem(*ReadFile(server.dir() / "ca" / "root.crt"));
  auto key = KeyFromPem(*ReadFile(root_key));
  ASSERT_TRUE(root && key);
  EXPECT_EQ(X509_check_private_key(root->get(), key->get()), 1);
  ExpectEnrollsAndChains(server, keys, "before-rollover");

  // Without the key, or with another one, a rollover fails and says what to give.
  EXPECT_EQ(server.Cli({"ca", "rollover"}, &out, &err), 1);
  EXPECT_NE(err.find("--root-key"), std::string::npos) << err;
  EXPECT_NE(err.find("offline"), std::string::npos) << err;
  const std::string other = (server.dir() / "ca" / "issuing.key").string();
  EXPECT_EQ(server.Cli({"ca", "rollover", "--root-key", other}, &out, &err), 1);
  EXPECT_NE(err.find("not the private key of the root CA"), std::string::npos) << err;
  EXPECT_EQ(server.Cli({"ca", "rollover", "--root-key", keys.Path("none.key")}, &out, &err), 1);
  EXPECT_NE(err.find("--root-key"), std::string::npos) << err;

  size_t reloads = server.ReloadCount();
  ASSERT_EQ(server.Cli({"ca", "rollover", "--root-key", root_key}, &out, &err), 0) << err;
  auto reloaded = server.AwaitReload(reloads);
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  GatewayClient staged(server.Url());
  auto next_body = staged.scep().GetNextCaCert();
  ASSERT_TRUE(next_body) << next_body.error().message;
  auto next = codec::DecodeNextCaCert(*next_body, *old_issuing);
  ASSERT_TRUE(next) << next.error().message;
  ASSERT_FALSE(next->certs.empty());
  EXPECT_EQ(X509_verify(next->certs.front().get(), X509_get0_pubkey(root->get())), 1);

  // Activation needs no root key; the new CA issues and chains to the same root.
  reloads = server.ReloadCount();
  ASSERT_EQ(server.Cli({"ca", "activate"}, &out, &err), 0) << err;
  reloaded = server.AwaitReload(reloads);
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  GatewayClient after(server.Url());
  EXPECT_EQ(X509_cmp(after.ca().issuing, next->certs.front().get()), 0);
  ExpectEnrollsAndChains(server, keys, "after-rollover");
  EXPECT_FALSE(fs::exists(server.dir() / "ca" / "root.key"));
}

TEST(OfflineRootTest, TheRootCrlIsSignedWithTheKeyFileAndServedOnceSigned) {
  KeyDir keys;
  const std::string root_key = keys.Path("root.key");
  auto started = StartWithOfflineRoot(root_key);
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  // Nothing can sign it yet: nothing is served, and `ca crl --root` asks for the key.
  auto none = server.ServedCrl("root");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("HTTP 503"), std::string::npos) << none.error().message;
  std::string out, err;
  EXPECT_EQ(server.Cli({"ca", "crl", "--root"}, &out, &err), 1);
  EXPECT_NE(err.find("--root-key"), std::string::npos) << err;
  EXPECT_EQ(server.Cli({"ca", "crl", "--root-key", root_key}, &out, &err), 1);
  EXPECT_NE(err.find("--root-key goes with --root"), std::string::npos) << err;

  const std::string file = keys.Path("root.crl");
  ASSERT_EQ(server.Cli({"ca", "crl", "--root", "--root-key", root_key, "--out", file}, &out, &err),
            0)
      << err;
  auto der = ReadFile(file);
  ASSERT_TRUE(der);
  auto signed_here = CrlFromDer(AsView(*der));
  ASSERT_TRUE(signed_here);
  auto served = server.ServedCrl("root");
  ASSERT_TRUE(served) << served.error().message;
  EXPECT_EQ(X509_CRL_cmp(served->get(), signed_here->get()), 0);
  auto root = CertFromPem(*ReadFile(server.dir() / "ca" / "root.crt"));
  ASSERT_TRUE(root);
  EXPECT_EQ(X509_CRL_verify(served->get(), X509_get0_pubkey(root->get())), 1);
  // nextUpdate: [ca] root_crl_validity_days (30) after thisUpdate.
  auto this_update = AsnTimeToUnix(*X509_CRL_get0_lastUpdate(served->get()));
  auto next_update = AsnTimeToUnix(*X509_CRL_get0_nextUpdate(served->get()));
  ASSERT_TRUE(this_update && next_update);
  EXPECT_EQ(*next_update - *this_update, 30 * 86400);
  EXPECT_FALSE(fs::exists(server.dir() / "ca" / "root.key"));
}

TEST(OfflineRootTest, InitRefusesAKeyFileInsideTheDataDirOrOneThatExists) {
  KeyDir tmp;
  const std::string dir = tmp.Path("data");
  std::string out, err;
  EXPECT_EQ(
      RunCommand({ScepgateBinary(), "init", "--dir", dir, "--offline-root", dir + "/root.key"},
                 &out, &err),
      1);
  EXPECT_NE(err.find("inside the data dir"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir + "/ca"));

  ASSERT_TRUE(WriteFile(tmp.Path("taken.key"), "keep me"));
  EXPECT_EQ(
      RunCommand({ScepgateBinary(), "init", "--dir", dir, "--offline-root", tmp.Path("taken.key")},
                 &out, &err),
      1);
  EXPECT_NE(err.find("already exists"), std::string::npos) << err;
  EXPECT_EQ(*ReadFile(tmp.Path("taken.key")), "keep me");

  // A refused key file is found out before --force removes the data dir there is.
  ASSERT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", dir}, &out, &err), 0) << err;
  EXPECT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", dir, "--force", "--offline-root",
                        dir + "/ca/new-root.key"},
                       &out, &err),
            1);
  EXPECT_NE(err.find("inside the data dir"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(dir + "/ca/root.key"));
}

}  // namespace
}  // namespace scepgate::testing

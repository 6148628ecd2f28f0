// The root's CRL through a real `scepgate serve` and the OpenSSL CLI as the relying party: a
// whole-chain CRL check (`openssl verify -crl_check_all`, as FreeRADIUS's check_all_crl does)
// passes for an enrolled certificate with the root's and the issuing CA's served CRLs, and an
// issuing CA revoked with `ca revoke-issuer` is on the root's CRL and fails that check.
#include <fstream>

#include "cli_fixture.h"
#include "common/files.h"
#include "race_helpers.h"

namespace scepgate::testing {
namespace {

class RootCrlTest : public CliTest {
 protected:
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    std::filesystem::path p = server_->dir() / name;
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path CrlPem(const std::string& issuer, const std::string& name) {
    auto crl = server_->ServedCrl(issuer);
    EXPECT_TRUE(crl) << (crl ? "" : crl.error().message);
    return crl ? Write(name, *CrlToPem(**crl)) : std::filesystem::path();
  }
  // `openssl verify ARGS...`: the exit code, and what it printed.
  int Verify(const std::vector<std::string>& args, std::string* said) {
    std::vector<std::string> argv = {"openssl", "verify"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out, err;
    int rc = RunCommand(argv, &out, &err);
    *said = out + err;
    return rc;
  }
};

TEST_F(RootCrlTest, AWholeChainCheckPassesAndARevokedIssuingCaFailsIt) {
  GatewayClient gw(server_->Url());
  EnrollOptions o;
  o.csr.subject = "/CN=wifi-laptop";
  o.csr.challenge = "x";
  auto rep = gw.Enroll(NewIdentity(256), o);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  auto leaf = Write("leaf.pem", *CertToPem(*rep->content.certs.front()));
  const std::filesystem::path root = server_->dir() / "ca" / "root.crt";
  const std::filesystem::path issuing = server_->dir() / "ca" / "issuing.crt";
  std::string said;

  // Served at /crl/root.crl, signed by the root, listing nothing yet.
  auto root_crl = server_->ServedCrl("root");
  ASSERT_TRUE(root_crl) << root_crl.error().message;
  EXPECT_TRUE(RevokedSerials(**root_crl).empty());
  auto root_pem = CrlPem("root", "root.crl");
  auto issuing_pem = CrlPem("current", "issuing.crl");
  EXPECT_EQ(Verify({"-crl_check_all", "-CAfile", root.string(), "-untrusted", issuing.string(),
                    "-CRLfile", root_pem.string(), "-CRLfile", issuing_pem.string(), leaf.string()},
                   &said),
            0)
      << said;
  // Without the root's CRL the same check fails, as it did for every scepgate certificate.
  EXPECT_NE(Verify({"-crl_check_all", "-CAfile", root.string(), "-untrusted", issuing.string(),
                    "-CRLfile", issuing_pem.string(), leaf.string()},
                   &said),
            0);
  EXPECT_NE(said.find("unable to get certificate CRL"), std::string::npos) << said;

  // A second issuing CA under the root, then revoked after a (pretend) compromise.
  std::filesystem::path other = server_->dir() / "issuer-b";
  Ok({"ca", "add-issuer", "--name", "Branch Issuing CA", "--out", other.string()});
  nlohmann::json issuers = Json({"ca", "list-issuers"});
  ASSERT_EQ(issuers.size(), 2u) << issuers.dump();
  std::string current_id = issuers[0]["id"], other_id = issuers[1]["id"];
  ASSERT_EQ(issuers[1]["subject"], "CN=Branch Issuing CA");
  Fails({"ca", "revoke-issuer", current_id}, "this node signs with that issuing CA");
  Fails({"ca", "revoke-issuer", "00ff"}, "no issuing CA 00ff");
  std::string out = Ok({"ca", "revoke-issuer", other_id});
  EXPECT_NE(out.find("is revoked (cACompromise)"), std::string::npos) << out;
  Fails({"ca", "revoke-issuer", other_id}, "revoked already");
  issuers = Json({"ca", "list-issuers"});
  EXPECT_EQ(issuers[1]["revoked"], true);
  EXPECT_EQ(issuers[1]["revocation_reason"], "cACompromise");
  EXPECT_EQ(issuers[1]["active"], false);

  root_pem = CrlPem("root", "root2.crl");
  const std::filesystem::path branch = other / "issuing.crt";
  EXPECT_NE(Verify({"-crl_check", "-CAfile", root.string(), "-CRLfile", root_pem.string(),
                    branch.string()},
                   &said),
            0);
  EXPECT_NE(said.find("certificate revoked"), std::string::npos) << said;
  // The enrolled certificate's chain is untouched.
  EXPECT_EQ(Verify({"-crl_check_all", "-CAfile", root.string(), "-untrusted", issuing.string(),
                    "-CRLfile", root_pem.string(), "-CRLfile", issuing_pem.string(), leaf.string()},
                   &said),
            0)
      << said;
}

// The URI of a certificate's first CRL distribution point ("" when it has none).
std::string CdpOf(const X509& cert) {
  CrlDistPointsPtr cdp(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(&cert, NID_crl_distribution_points, nullptr, nullptr)));
  if (!cdp || sk_DIST_POINT_num(cdp.get()) == 0) return "";
  const DIST_POINT* dp = sk_DIST_POINT_value(cdp.get(), 0);
  if (dp->distpoint == nullptr || dp->distpoint->type != 0) return "";
  const GENERAL_NAME* name = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
  if (name == nullptr || name->type != GEN_URI) return "";
  return std::string(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.uniformResourceIdentifier)),
      static_cast<size_t>(ASN1_STRING_length(name->d.uniformResourceIdentifier)));
}

TEST(RootCrlUrlTest, InitWithACrlBaseUrlNamesTheRootCrlInTheIssuingCas) {
  auto started = ServerProcess::Start(
      {{"--challenge", "x", "--crl-base-url", "http://pki.example.com/crl/"}, {}});
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& server = **started;
  auto root = CertFromPem(*ReadFile(server.dir() / "ca" / "root.crt"));
  auto issuing = CertFromPem(*ReadFile(server.dir() / "ca" / "issuing.crt"));
  ASSERT_TRUE(root && issuing);
  const std::string root_id = HexEncode(*Digest("SHA256", *CertToDer(**root)));
  const std::string issuing_id = HexEncode(*Digest("SHA256", *CertToDer(**issuing)));
  EXPECT_EQ(CdpOf(**issuing), "http://pki.example.com/crl/" + root_id + ".crl");
  EXPECT_EQ(CdpOf(**root), "") << "a root names no CRL of its own";
  // The config says it too, so enrolled certificates name their issuing CA's CRL.
  GatewayClient gw(server.Url());
  EnrollOptions o;
  o.csr.subject = "/CN=cdp";
  o.csr.challenge = "x";
  auto rep = gw.Enroll(NewIdentity(256), o);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  EXPECT_EQ(CdpOf(*rep->content.certs.front()),
            "http://pki.example.com/crl/" + issuing_id + ".crl");
  // Both are served where they say.
  EXPECT_TRUE(server.ServedCrl(root_id));
  EXPECT_TRUE(server.ServedCrl(issuing_id));
  // Issuing CAs made later (add-issuer, rollover) name it as well.
  std::filesystem::path other = server.dir() / "issuer-b";
  std::string out, err;
  ASSERT_EQ(server.Cli({"ca", "add-issuer", "--name", "B", "--out", other.string()}, &out, &err), 0)
      << err;
  auto b = CertFromPem(*ReadFile(other / "issuing.crt"));
  ASSERT_TRUE(b);
  EXPECT_EQ(CdpOf(**b), "http://pki.example.com/crl/" + root_id + ".crl");
  ASSERT_EQ(server.Cli({"ca", "rollover"}, &out, &err), 0) << err;
  auto next = CertFromPem(*ReadFile(server.dir() / "ca" / "next" / "issuing.crt"));
  ASSERT_TRUE(next);
  EXPECT_EQ(CdpOf(**next), "http://pki.example.com/crl/" + root_id + ".crl");
}

}  // namespace
}  // namespace scepgate::testing

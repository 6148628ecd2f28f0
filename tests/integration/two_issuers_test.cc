// Option 2 of docs/high-availability.md end to end: node A signs with the first issuing CA,
// node B (made with `ca add-issuer` on A and `init --join --issuer`) with a second one under the
// same root, both on one PostgreSQL database. Each node offers both CAs in GetCACert; a
// certificate of either is renewed and revoked through the other node and shows on its own
// issuer's CRL, which only the key's holder signs and both nodes serve.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ca/issuer.h"
#include "client/http_client.h"
#include "codec/pki_message.h"
#include "common/config.h"
#include "common/files.h"
#include "gateway_fixture.h"
#include "race_helpers.h"
#include "server_process.h"
#include "store/postgres/test_server.h"

namespace scepgate::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecond = "scepgate Issuing CA 2";

// Polls `done` (every 200 ms, at most 30 s): the nodes read the issuer registry every second.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 150; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return done();
}

// The subjects of GetCACert's certificates, in the order served.
std::vector<std::string> CaCertSubjects(const ServerProcess& node) {
  auto got = client::MakeHttpClient(10)->Get(client::Url{"127.0.0.1", node.port(), "/"},
                                             "/scep?operation=GetCACert");
  if (!got || got->status != 200) return {};
  auto certs = codec::DecodeCertsOnly(AsView(got->body));
  if (!certs) return {};
  std::vector<std::string> out;
  for (const X509Ptr& c : certs->certs)
    out.push_back(NameToString(*X509_get_subject_name(c.get())));
  return out;
}

bool Lists(const std::vector<std::string>& subjects, const std::string& cn) {
  return std::ranges::find(subjects, "CN=" + cn) != subjects.end();
}

using ca::CrlNumber;

std::string IssuerOf(const X509& cert) { return NameToString(*X509_get_issuer_name(&cert)); }

class TwoIssuersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dsn = store::pg::NewSharedDatabase();
    ASSERT_TRUE(dsn) << dsn.error().message;
    ServerOptions first;
    first.init_args = {"--challenge", "x"};
    first.config = {{"store.backend", "\"postgres\""},
                    {"store.dsn", "\"" + *dsn + "\""},
                    {"ca.issuer_poll_seconds", "1"}};
    auto a = ServerProcess::Start(first);
    ASSERT_TRUE(a) << a.error().message;
    a_ = std::move(*a);
    issuer_dir_ = a_->dir().parent_path() / "issuer-2";
    std::string out, err;
    ASSERT_EQ(
        a_->Cli({"ca", "add-issuer", "--name", kSecond, "--out", issuer_dir_.string()}, &out, &err),
        0)
        << err;
    EXPECT_EQ(fs::status(issuer_dir_ / "issuing.key").permissions() & fs::perms::mask,
              fs::perms::owner_read | fs::perms::owner_write);
    ServerOptions second;
    second.join_from = a_->dir();
    second.join_issuer = issuer_dir_;
    second.config = {{"ca.issuer_poll_seconds", "1"}};
    auto b = ServerProcess::Start(second);
    ASSERT_TRUE(b) << b.error().message;
    b_ = std::move(*b);
    id1_ = IssuerId(*a_);
    id2_ = IssuerId(*b_);
    ASSERT_FALSE(id1_.empty());
    ASSERT_FALSE(id2_.empty());
    ASSERT_NE(id1_, id2_);
  }

  // The id of the issuing CA `node` signs with, from `ca list-issuers`.
  std::string IssuerId(ServerProcess& node) {
    std::string out, err;
    EXPECT_EQ(node.Cli({"ca", "list-issuers", "--json"}, &out, &err), 0) << err;
    auto list = nlohmann::json::parse(out, nullptr, false);
    for (const auto& i : list)
      if (i.value("current_here", false)) return i["id"];
    return "";
  }

  X509Ptr Enroll(ServerProcess& node, Identity& id, const std::string& cn) {
    GatewayClient client(node.Url());
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    o.csr.challenge = "x";
    auto rep = client.Enroll(id, o);
    EXPECT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess)
        << (rep ? rep->fail_info_text : rep.error().message);
    if (!rep || rep->status != codec::PkiStatus::kSuccess) return nullptr;
    return X509Ptr(X509_dup(rep->content.certs.front().get()));
  }

  // A renewal signed with `old` (and its key) through `node`, for a new key: what it was issued.
  X509Ptr Renew(ServerProcess& node, const EVP_PKEY& old_key, const X509& old,
                const std::string& cn) {
    GatewayClient client(node.Url());
    Identity signer;
    EVP_PKEY_up_ref(const_cast<EVP_PKEY*>(&old_key));
    signer.key.reset(const_cast<EVP_PKEY*>(&old_key));
    signer.signer.reset(X509_dup(const_cast<X509*>(&old)));
    Identity next = NewIdentity();
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    auto csr = client::MakeCsr(*next.key, o.csr);
    EXPECT_TRUE(csr);
    o.msg.transaction_id = *client::TransactionIdFor(*next.key);
    auto rep = client.Send(signer, *CsrToDer(**csr), o.msg);
    EXPECT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess)
        << (rep ? rep->fail_info_text : rep.error().message);
    if (!rep || rep->status != codec::PkiStatus::kSuccess) return nullptr;
    return X509Ptr(X509_dup(rep->content.certs.front().get()));
  }

  std::unique_ptr<ServerProcess> a_, b_;
  fs::path issuer_dir_;
  std::string id1_, id2_;
};

TEST_F(TwoIssuersTest, EachIssuersCertificateIsRenewedAndRevokedThroughTheOtherNode) {
  // The joined node holds issuing CA 2 and neither the key of CA 1 nor A's archive.
  EXPECT_FALSE(fs::exists(b_->dir() / "ca" / "archive"));
  EXPECT_FALSE(fs::exists(b_->dir() / "ca" / "root.key"));
  // Both nodes offer both issuing CAs, own first after the RA; A saw CA 2 appear by itself.
  ASSERT_TRUE(Eventually([&] { return Lists(CaCertSubjects(*a_), kSecond); }))
      << "node A never listed the issuing CA added after it started";
  for (ServerProcess* node : {a_.get(), b_.get()}) {
    auto subjects = CaCertSubjects(*node);
    ASSERT_GE(subjects.size(), 3u);
    EXPECT_EQ(subjects[1],
              node == a_.get() ? "CN=scepgate Issuing CA" : std::string("CN=") + kSecond);
    EXPECT_TRUE(Lists(subjects, "scepgate Issuing CA") && Lists(subjects, kSecond));
  }

  Identity dev_a = NewIdentity();
  Identity dev_b = NewIdentity();
  X509Ptr cert_a = Enroll(*a_, dev_a, "dev-a");
  X509Ptr cert_b = Enroll(*b_, dev_b, "dev-b");
  ASSERT_TRUE(cert_a && cert_b);
  EXPECT_EQ(IssuerOf(*cert_a), "CN=scepgate Issuing CA");
  EXPECT_EQ(IssuerOf(*cert_b), std::string("CN=") + kSecond);

  // Renewed through the other node, which signs with its own issuing CA.
  X509Ptr renewed_a = Renew(*b_, *dev_a.key, *cert_a, "dev-a");
  X509Ptr renewed_b = Renew(*a_, *dev_b.key, *cert_b, "dev-b");
  ASSERT_TRUE(renewed_a && renewed_b);
  EXPECT_EQ(IssuerOf(*renewed_a), std::string("CN=") + kSecond);
  EXPECT_EQ(IssuerOf(*renewed_b), "CN=scepgate Issuing CA");

  auto crl1 = a_->ServedCrl(id1_);
  auto crl2 = b_->ServedCrl(id2_);
  ASSERT_TRUE(crl1 && crl2);
  const int64_t number1 = CrlNumber(**crl1), number2 = CrlNumber(**crl2);

  // Revoked through the other node, which holds no key to sign its issuer's CRL with.
  const std::string serial_a = SerialHex(*X509_get0_serialNumber(cert_a.get()));
  const std::string serial_b = SerialHex(*X509_get0_serialNumber(cert_b.get()));
  std::string err;
  ASSERT_EQ(b_->Cli({"cert", "revoke", serial_a, "--reason", "superseded"}, nullptr, &err), 0)
      << err;
  ASSERT_EQ(a_->Cli({"cert", "revoke", serial_b, "--reason", "superseded"}, nullptr, &err), 0)
      << err;

  // Each serial shows on its own issuer's CRL, signed by that issuer, served by both nodes.
  struct Want {
    std::string id, serial, other_serial;
    const X509* issuer;
    int64_t before;
  };
  auto issuer1 = CertFromPem(*ReadFile(a_->dir() / "ca" / "issuing.crt"));
  auto issuer2 = CertFromPem(*ReadFile(b_->dir() / "ca" / "issuing.crt"));
  ASSERT_TRUE(issuer1 && issuer2);
  for (const Want& w : {Want{id1_, serial_a, serial_b, issuer1->get(), number1},
                        Want{id2_, serial_b, serial_a, issuer2->get(), number2}}) {
    for (ServerProcess* node : {a_.get(), b_.get()}) {
      X509CrlPtr seen;
      bool listed = Eventually([&] {
        auto crl = node->ServedCrl(w.id);
        if (!crl || !RevokedSerials(**crl).contains(w.serial)) return false;
        seen = std::move(*crl);
        return true;
      });
      ASSERT_TRUE(listed) << "serial " << w.serial << " never reached the CRL of " << w.id
                          << " served on port " << node->port();
      EXPECT_FALSE(RevokedSerials(*seen).contains(w.other_serial)) << "listed by the wrong CA";
      EXPECT_EQ(X509_CRL_verify(seen.get(), X509_get0_pubkey(w.issuer)), 1);
      EXPECT_GT(CrlNumber(*seen), w.before) << "CRL numbers only rise";
    }
  }
  // The renewed certificates stay good.
  for (ServerProcess* node : {a_.get(), b_.get()}) {
    auto crl = node->ServedCrl(id2_);
    ASSERT_TRUE(crl);
    EXPECT_FALSE(
        RevokedSerials(**crl).contains(SerialHex(*X509_get0_serialNumber(renewed_a.get()))));
  }
}

TEST_F(TwoIssuersTest, ARetiredIssuerLeavesGetCaCertEverywhereButItsCrlIsStillServed) {
  ASSERT_TRUE(Eventually([&] { return Lists(CaCertSubjects(*a_), kSecond); }));
  std::string err;
  // A node cannot retire the issuing CA it signs with.
  EXPECT_NE(b_->Cli({"ca", "retire-issuer", id2_}, nullptr, &err), 0);
  EXPECT_NE(err.find("signs with"), std::string::npos) << err;
  ASSERT_EQ(b_->Cli({"ca", "retire-issuer", id1_}, nullptr, &err), 0) << err;
  EXPECT_TRUE(Eventually([&] { return !Lists(CaCertSubjects(*b_), "scepgate Issuing CA"); }));
  // Node A still signs with it and offers it; its CRL is served by both.
  EXPECT_TRUE(Lists(CaCertSubjects(*a_), "scepgate Issuing CA"));
  EXPECT_TRUE(b_->ServedCrl(id1_)) << "a retired issuer's CRL stays served";
  ASSERT_EQ(a_->Cli({"ca", "reinstate-issuer", id1_}, nullptr, &err), 0) << err;
  EXPECT_TRUE(Eventually([&] { return Lists(CaCertSubjects(*b_), "scepgate Issuing CA"); }));
}

TEST_F(TwoIssuersTest, JoinRefusesAnIssuerOfAnotherRoot) {
  fs::path tmp = a_->dir().parent_path();
  std::string out, err;
  fs::path stranger = tmp / "stranger";
  ASSERT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", stranger.string()}, &out, &err), 0)
      << err;
  ASSERT_EQ(RunCommand({ScepgateBinary(), "ca", "add-issuer", "--dir", stranger.string(), "--name",
                        "stranger 2", "--out", (tmp / "stranger-issuer").string()},
                       &out, &err),
            0)
      << err;
  auto source = LoadConfig(a_->dir() / "scepgate.toml");
  ASSERT_TRUE(source);
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (tmp / "n").string(), "--join",
                        source->store_dsn, "--from", a_->dir().string(), "--issuer",
                        (tmp / "stranger-issuer").string()},
                       &out, &err),
            0);
  EXPECT_NE(err.find("root did not issue"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(tmp / "n"));
  // A name the deployment has already is refused before anything is written.
  EXPECT_NE(a_->Cli({"ca", "add-issuer", "--name", kSecond, "--out", (tmp / "dup").string()},
                    nullptr, &err),
            0);
  EXPECT_FALSE(fs::exists(tmp / "dup"));
}

}  // namespace
}  // namespace scepgate::testing

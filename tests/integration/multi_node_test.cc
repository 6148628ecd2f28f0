// Two gateway nodes on one PostgreSQL database, each a `scepgate serve` of its own data dir (the
// second made from the first with `scepgate init --join`): any node answers
// any part of an enrollment, and the exactly-once rules hold across them. The database is a real
// PostgreSQL server started for this binary on a loopback port (store/postgres/test_server.h).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ca/issuer.h"
#include "client/enrollment.h"
#include "client/http_client.h"
#include "common/text.h"
#include "gateway_fixture.h"
#include "race_helpers.h"
#include "server_process.h"
#include "store/postgres/test_server.h"

namespace scepgate::testing {
namespace {

// Node A from `scepgate init` on the database `dsn` (static challenge "x"), node B joined to it
// with `scepgate init --join`; both serving. Returns the first failure to start.
Status StartTwoNodes(const std::string& dsn, std::unique_ptr<ServerProcess>& a,
                     std::unique_ptr<ServerProcess>& b) {
  ServerOptions first;
  first.init_args = {"--challenge", "x"};
  first.config = {{"store.backend", "\"postgres\""}, {"store.dsn", "\"" + dsn + "\""}};
  SG_ASSIGN_OR_RETURN(a, ServerProcess::Start(first));
  ServerOptions second;
  second.join_from = a->dir();
  SG_ASSIGN_OR_RETURN(b, ServerProcess::Start(second));
  return {};
}

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dsn = store::pg::NewSharedDatabase();
    ASSERT_TRUE(dsn) << dsn.error().message;
    auto started = StartTwoNodes(*dsn, a_, b_);
    ASSERT_TRUE(started) << started.error().message;
  }

  nlohmann::json Json(ServerProcess& node, std::vector<std::string> args) {
    args.push_back("--json");
    std::string out, err;
    EXPECT_EQ(node.Cli(args, &out, &err), 0) << err;
    return nlohmann::json::parse(out, nullptr, false);
  }

  std::unique_ptr<ServerProcess> a_, b_;
};

TEST_F(MultiNodeTest, EachPartOfAnEnrollmentMayLandOnEitherNode) {
  // GetCACaps and GetCACert from node A, the PKIOperation to node B.
  GatewayClient via_a(a_->Url());
  GatewayClient via_b(b_->Url());
  ASSERT_EQ(X509_cmp(via_a.ca().recipients.front(), via_b.ca().recipients.front()), 0)
      << "the nodes must share the RA certificate";
  Identity id = NewIdentity();
  EnrollOptions o;
  o.csr.subject = "/CN=split-enrollment";
  o.csr.challenge = "x";
  auto issued = via_b.Enroll(id, o);
  ASSERT_TRUE(issued && issued->status == codec::PkiStatus::kSuccess)
      << (issued ? issued->fail_info_text : issued.error().message);
  std::string serial = SerialOf(*issued);
  // A resend to node A, signed by a fresh signer over the same key, gets that certificate.
  auto resent = via_a.Enroll(CopyOf(id), o);
  ASSERT_TRUE(resent && resent->status == codec::PkiStatus::kSuccess);
  EXPECT_EQ(SerialOf(*resent), serial);
  // Both nodes' CLIs see one certificate.
  EXPECT_EQ(Json(*a_, {"cert", "list"}).size(), 1u);
  EXPECT_EQ(Json(*b_, {"cert", "list"}).size(), 1u);
  // Revoked through node A's CLI: node B serves the CRL that lists it.
  ASSERT_EQ(a_->Cli({"cert", "revoke", serial, "--reason", "keyCompromise"}), 0);
  auto crl = b_->ServedCrl();
  ASSERT_TRUE(crl) << crl.error().message;
  EXPECT_TRUE(RevokedSerials(**crl).contains(serial));
}

TEST_F(MultiNodeTest, AJoinedNodeHoldsWhatItNeedsWithTheRightModesAndNoRootKey) {
  namespace fs = std::filesystem;
  const fs::path& dir = b_->dir();
  auto mode = [](const fs::path& p) {
    return static_cast<unsigned>(fs::status(p).permissions() & fs::perms::mask);
  };
  EXPECT_EQ(mode(dir), 0700u);
  EXPECT_EQ(mode(dir / "scepgate.toml"), 0600u);
  for (const char* key : {"ca/issuing.key", "ca/ra.key"}) EXPECT_EQ(mode(dir / key), 0600u) << key;
  for (const char* cert : {"ca/issuing.crt", "ca/ra.crt", "ca/root.crt"})
    EXPECT_EQ(mode(dir / cert), 0644u) << cert;
  EXPECT_TRUE(fs::exists(a_->dir() / "ca/root.key"));
  EXPECT_FALSE(fs::exists(dir / "ca/root.key")) << "the root key must stay on the first node";
  EXPECT_TRUE(fs::exists(dir / "ca/root.offline"));
  EXPECT_FALSE(fs::exists(dir / "scepgate.db"));
  // Rollover on the joined node asks for the root key instead of failing on a missing file.
  std::string err;
  EXPECT_NE(b_->Cli({"ca", "rollover"}, nullptr, &err), 0);
  EXPECT_NE(err.find("--root-key"), std::string::npos) << err;
}

TEST_F(MultiNodeTest, JoinRefusesASqliteSourceANonEmptyDirAndAnotherCasDatabase) {
  namespace fs = std::filesystem;
  auto pg = store::pg::SharedPostgres();
  ASSERT_TRUE(pg);
  std::string dsn = (*pg)->Dsn(*(*pg)->CreateDatabase());
  fs::path tmp = fs::path(b_->dir()).parent_path();
  std::string out, err;
  // A node on SQLite cannot be the source: its records are not in the database.
  fs::path sqlite_node = tmp / "sqlite-node";
  ASSERT_EQ(RunCommand({ScepgateBinary(), "init", "--dir", sqlite_node.string()}, &out, &err), 0)
      << err;
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (tmp / "n1").string(), "--join", dsn,
                        "--from", sqlite_node.string()},
                       &out, &err),
            0);
  EXPECT_NE(err.find("migrate --from-sqlite"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(tmp / "n1"));
  // Not over a directory that holds anything.
  fs::create_directories(tmp / "busy");
  { std::ofstream(tmp / "busy" / "x") << "x"; }
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (tmp / "busy").string(), "--join", dsn,
                        "--from", a_->dir().string()},
                       &out, &err),
            0);
  EXPECT_NE(err.find("not empty"), std::string::npos) << err;
  // A database that holds another CA's certificates: node A's records against a new CA.
  ServerOptions other;
  other.init_args = {"--challenge", "x"};
  other.config = {{"store.backend", "\"postgres\""}, {"store.dsn", "\"" + dsn + "\""}};
  auto c = ServerProcess::Start(other);
  ASSERT_TRUE(c) << c.error().message;
  GatewayClient via_c((*c)->Url());
  EnrollOptions o;
  o.csr.subject = "/CN=other-ca";
  o.csr.challenge = "x";
  ASSERT_TRUE(via_c.Enroll(NewIdentity(), o));
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (tmp / "n2").string(), "--join", dsn,
                        "--from", a_->dir().string()},
                       &out, &err),
            0);
  EXPECT_NE(err.find("another CA"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(tmp / "n2"));
  // A DSN carrying a password is refused before anything is written.
  EXPECT_NE(RunCommand({ScepgateBinary(), "init", "--dir", (tmp / "n3").string(), "--join",
                        "postgresql://u:secret@127.0.0.1:1/db", "--from", a_->dir().string()},
                       &out, &err),
            0);
  EXPECT_FALSE(fs::exists(tmp / "n3"));
}

TEST_F(MultiNodeTest, CopiesOfOneTransactionSplitAcrossNodesGetOneCertificate) {
  constexpr int kCopies = 12;
  const int rounds = Rounds(5);
  for (int round = 0; round < rounds; ++round) {
    Identity id = NewIdentity();
    std::vector<std::string> urls;
    for (int i = 0; i < kCopies; ++i) urls.push_back(i % 2 ? a_->Url() : b_->Url());
    auto [serials, failures] =
        SendCopiesAtOnce(id, urls, "/CN=copies-" + std::to_string(round), "x");
    EXPECT_TRUE(failures.empty()) << "round " << round << ": " << failures.front();
    ASSERT_EQ(serials.size(), 1u) << "round " << round << ": copies got different certificates";
  }
  EXPECT_EQ(Json(*b_, {"cert", "list", "--limit", "0"}).size(), static_cast<size_t>(rounds));
}

TEST_F(MultiNodeTest, AOneTimeChallengeIsSpentOnceAcrossNodes) {
  constexpr int kRequests = 16;
  ASSERT_EQ(a_->Cli({"group", "add", "wifi"}), 0);
  std::string device;
  ASSERT_EQ(a_->Cli({"device", "add", "--name", "dev-1", "--platform", "windows"}, &device), 0);
  while (!device.empty() && device.back() == '\n') device.pop_back();
  ASSERT_EQ(b_->Cli({"group", "add-member", "wifi", "--device", device}), 0);
  ASSERT_EQ(b_->Cli({"profile", "create", "wifi", "--type", "device", "--subject",
                     "CN={{DeviceName}}", "--url", a_->Url(), "--url", b_->Url()}),
            0);
  ASSERT_EQ(a_->Cli({"assign", "wifi", "--group", "wifi"}), 0);
  const int rounds = Rounds(5);
  for (int round = 0; round < rounds; ++round) {
    std::string challenge;
    ASSERT_EQ(a_->Cli({"challenge", "issue", "--device", device, "--profile", "wifi"}, &challenge),
              0);
    while (!challenge.empty() && challenge.back() == '\n') challenge.pop_back();
    std::vector<std::unique_ptr<GatewayClient>> connections;
    std::vector<Identity> ids;
    for (int i = 0; i < kRequests; ++i) {
      connections.push_back(std::make_unique<GatewayClient>(i % 2 ? a_->Url() : b_->Url()));
      ids.push_back(NewIdentity());
    }
    std::atomic<int> issued{0}, spent{0};
    std::mutex mu;
    std::vector<std::string> other;
    AllAtOnce(kRequests, [&](int i) {
      EnrollOptions o;
      o.csr.subject = "/CN=dev-1";
      o.csr.challenge = challenge;
      auto rep = connections[i]->Enroll(ids[i], o);
      if (rep && rep->status == codec::PkiStatus::kSuccess) {
        ++issued;
      } else if (rep && rep->fail_info_text.find("ChallengeAlreadyUsed") != std::string::npos) {
        ++spent;
      } else {
        std::lock_guard lock(mu);
        other.push_back(rep ? rep->fail_info_text : rep.error().message);
      }
    });
    EXPECT_TRUE(other.empty()) << "round " << round << ": " << other.front();
    EXPECT_EQ(issued.load(), 1) << "round " << round;
    EXPECT_EQ(spent.load(), kRequests - 1) << "round " << round;
  }
}

// The shared RA certificate renewed for the same key while both nodes serve: of eight
// `ca renew-ra` at once one publishes, both nodes load the renewal and then serve it, and a
// client that fetched the old certificate before still enrolls through either node.
TEST_F(MultiNodeTest, TheRaCertificateIsRenewedOnceAndBothNodesServeTheRenewal) {
  for (ServerProcess* node : {a_.get(), b_.get()}) {
    ASSERT_TRUE(node->Configure({{"ca.issuer_poll_seconds", "1"}}));
    ASSERT_TRUE(node->Restart());
  }
  GatewayClient before(b_->Url());
  ASSERT_FALSE(before.ca().recipients.empty());
  X509Ptr old_ra = CertDup(*before.ca().recipients.front());
  const int rounds = Rounds(2);
  for (int round = 0; round < rounds; ++round) {
    // Clients that fetched the certificates before this round's renewal.
    std::vector<std::unique_ptr<GatewayClient>> cached;
    for (ServerProcess* node : {a_.get(), b_.get()})
      cached.push_back(std::make_unique<GatewayClient>(node->Url()));
    X509Ptr served = CertDup(*cached[0]->ca().recipients.front());
    std::atomic<int> published{0}, refused{0};
    AllAtOnce(8, [&](int i) {
      std::string out, err;
      int code = (i % 2 ? a_ : b_)->Cli({"ca", "renew-ra"}, &out, &err);
      if (code == 0)
        ++published;
      else if (err.find("renewed already") != std::string::npos)
        ++refused;
    });
    EXPECT_EQ(published.load(), 1) << "round " << round;
    EXPECT_EQ(refused.load(), 7) << "round " << round;

    // Both nodes load it, then serve it (each polls every second).
    X509Ptr on_a, on_b;
    for (int i = 0; i < 200; ++i) {
      GatewayClient ga(a_->Url()), gb(b_->Url());
      on_a = CertDup(*ga.ca().recipients.front());
      on_b = CertDup(*gb.ca().recipients.front());
      if (X509_cmp(on_a.get(), served.get()) != 0 && X509_cmp(on_b.get(), served.get()) != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_NE(X509_cmp(on_a.get(), served.get()), 0) << "round " << round << ": node A\n"
                                                     << a_->Log();
    ASSERT_EQ(X509_cmp(on_a.get(), on_b.get()), 0) << "round " << round;
    EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(on_a.get()), X509_get0_pubkey(old_ra.get())), 1);
    EXPECT_GT(*AsnTimeToUnix(*X509_get0_notAfter(on_a.get())),
              *AsnTimeToUnix(*X509_get0_notAfter(served.get())));

    // Through either node: a client that cached the certificate served before this round, and
    // one that fetches the renewal.
    for (size_t n = 0; n < cached.size(); ++n) {
      EnrollOptions o;
      o.csr.subject = "/CN=ra-round-" + std::to_string(round);
      o.csr.challenge = "x";
      auto rep = cached[n]->Enroll(NewIdentity(), o);
      ASSERT_TRUE(rep) << rep.error().message;
      EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess)
          << "node " << n << ": " << rep->fail_info_text;
      GatewayClient fresh_client(n == 0 ? a_->Url() : b_->Url());
      auto fresh = fresh_client.Enroll(NewIdentity(), o);
      ASSERT_TRUE(fresh) << fresh.error().message;
      EXPECT_EQ(fresh->status, codec::PkiStatus::kSuccess) << fresh->fail_info_text;
    }
  }
  std::string status;
  ASSERT_EQ(a_->Cli({"ca", "status"}, &status), 0);
  EXPECT_NE(status.find("RA certificate served by each node"), std::string::npos) << status;
}

// A single machine on SQLite moved onto PostgreSQL with `scepgate migrate --from-sqlite`: every
// record reads back the same, and the node goes on where it stopped (resends, CRL numbers, ids).
TEST(MigrateTest, ASqliteNodesRecordsMoveToPostgresAndItGoesOnWhereItStopped) {
  auto pg = store::pg::SharedPostgres();
  ASSERT_TRUE(pg) << pg.error().message;
  auto db = (*pg)->CreateDatabase();
  ASSERT_TRUE(db);
  ServerOptions options;
  options.init_args = {"--challenge", "x"};
  auto started = ServerProcess::Start(options);
  ASSERT_TRUE(started) << started.error().message;
  ServerProcess& node = **started;

  // Records of every kind on SQLite.
  GatewayClient via(node.Url());
  EnrollOptions o;
  o.csr.challenge = "x";
  std::vector<Identity> ids;
  std::vector<std::string> serials;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(NewIdentity());
    o.csr.subject = "/CN=before-" + std::to_string(i);
    auto rep = via.Enroll(ids.back(), o);
    ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
    serials.push_back(SerialOf(*rep));
  }
  o.csr.challenge = "wrong";
  ASSERT_TRUE(via.Enroll(NewIdentity(), o));  // a failed request
  ASSERT_EQ(node.Cli({"cert", "revoke", serials[0], "--reason", "keyCompromise"}), 0);
  ASSERT_EQ(node.Cli({"group", "add", "wifi"}), 0);
  std::string device;
  ASSERT_EQ(node.Cli({"device", "add", "--name", "laptop-1", "--platform", "macos"}, &device), 0);
  while (!device.empty() && device.back() == '\n') device.pop_back();
  ASSERT_EQ(node.Cli({"group", "add-member", "wifi", "--device", device}), 0);
  ASSERT_EQ(node.Cli({"profile", "create", "wifi", "--type", "device", "--subject",
                      "CN={{DeviceName}}", "--url", node.Url()}),
            0);
  ASSERT_EQ(node.Cli({"assign", "wifi", "--group", "wifi"}), 0);
  std::string challenge;
  ASSERT_EQ(node.Cli({"challenge", "issue", "--device", device, "--profile", "wifi"}, &challenge),
            0);
  while (!challenge.empty() && challenge.back() == '\n') challenge.pop_back();
  ASSERT_EQ(node.Cli({"token", "create", "--role", "auditor", "--name", "reports"}), 0);
  auto crl_before = node.ServedCrl();
  ASSERT_TRUE(crl_before);
  const int64_t crl_number_before = ca::CrlNumber(**crl_before);

  const std::vector<std::vector<std::string>> views = {{"cert", "list", "--limit", "0"},
                                                       {"requests", "list", "--limit", "0"},
                                                       {"device", "list", "--all"},
                                                       {"group", "list"},
                                                       {"profile", "list"},
                                                       {"token", "list"},
                                                       {"audit", "list", "--limit", "0"},
                                                       {"events", "list", "--limit", "0"}};
  auto snapshot = [&] {
    std::vector<nlohmann::json> out;
    for (auto args : views) {
      args.push_back("--json");
      std::string text, err;
      EXPECT_EQ(node.Cli(args, &text, &err), 0) << args[0] << ": " << err;
      out.push_back(nlohmann::json::parse(text, nullptr, false));
    }
    return out;
  };
  node.Stop();
  const auto before = snapshot();

  // Point the node at the empty PostgreSQL database and move the records.
  ASSERT_TRUE(node.Configure(
      {{"store.backend", "\"postgres\""}, {"store.dsn", "\"" + (*pg)->Dsn(*db) + "\""}}));
  std::string out, err;
  ASSERT_EQ(
      node.Cli({"migrate", "--from-sqlite", (node.dir() / "scepgate.db").string()}, &out, &err), 0)
      << err;
  EXPECT_NE(out.find("certificates: 3"), std::string::npos) << out;
  const auto after = snapshot();
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i)
    EXPECT_EQ(before[i], after[i]) << views[i][0] << " differs after the migration";

  // A second run finds the target holding records and writes nothing.
  EXPECT_NE(
      node.Cli({"migrate", "--from-sqlite", (node.dir() / "scepgate.db").string()}, &out, &err), 0);
  EXPECT_NE(err.find("already holds records"), std::string::npos) << err;

  // Serving from PostgreSQL: a resend gets its certificate, the one-time challenge still works
  // once, a new enrollment gets a new request id, and the CRL number goes on.
  ASSERT_TRUE(node.Restart());
  GatewayClient again(node.Url());
  o.csr.challenge = "x";
  o.csr.subject = "/CN=before-1";
  auto resent = again.Enroll(CopyOf(ids[1]), o);
  ASSERT_TRUE(resent && resent->status == codec::PkiStatus::kSuccess);
  EXPECT_EQ(SerialOf(*resent), serials[1]);
  o.csr.subject = "/CN=laptop-1";
  o.csr.challenge = challenge;
  auto onetime = again.Enroll(NewIdentity(), o);
  ASSERT_TRUE(onetime && onetime->status == codec::PkiStatus::kSuccess)
      << (onetime ? onetime->fail_info_text : onetime.error().message);
  auto replay = again.Enroll(NewIdentity(), o);
  ASSERT_TRUE(replay);
  EXPECT_NE(replay->fail_info_text.find("ChallengeAlreadyUsed"), std::string::npos);
  ASSERT_EQ(node.Cli({"cert", "revoke", SerialOf(*onetime), "--reason", "superseded"}), 0);
  auto crl_after = node.ServedCrl();
  ASSERT_TRUE(crl_after);
  EXPECT_GT(ca::CrlNumber(**crl_after), crl_number_before);
  EXPECT_TRUE(RevokedSerials(**crl_after).contains(serials[0]));
  auto requests = nlohmann::json::parse(
      [&] {
        std::string text;
        node.Cli({"requests", "list", "--limit", "0", "--json"}, &text);
        return text;
      }(),
      nullptr, false);
  std::set<int64_t> request_ids;
  for (const auto& r : requests) request_ids.insert(r["id"].get<int64_t>());
  EXPECT_EQ(request_ids.size(), requests.size()) << "a request id was handed out twice";
}

// Two nodes on a PostgreSQL server of their own, which the tests stop and start under them.
class DatabaseOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = store::pg::PostgresTestServer::Start();
    ASSERT_TRUE(pg) << pg.error().message;
    pg_ = std::move(*pg);
    auto db = pg_->CreateDatabase();
    ASSERT_TRUE(db) << db.error().message;
    auto started = StartTwoNodes(pg_->Dsn(*db), a_, b_);
    ASSERT_TRUE(started) << started.error().message;
  }

  // GET /healthz of `node`: the status, and the body in `body`.
  static int Health(const ServerProcess& node, std::string* body = nullptr) {
    auto http = client::MakeHttpClient(5);
    auto r = http->Get({"127.0.0.1", node.port(), "/healthz"}, "/healthz");
    if (!r) return -1;
    if (body != nullptr) *body = r->body;
    return r->status;
  }

  // Waits (at most 30 s) until both nodes say they are healthy again.
  bool AwaitHealthy() {
    for (int i = 0; i < 300; ++i) {
      if (Health(*a_) == 200 && Health(*b_) == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  static EnrollOptions Options(const std::string& cn) {
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    o.csr.challenge = "x";
    return o;
  }

  std::unique_ptr<store::pg::PostgresTestServer> pg_;
  std::unique_ptr<ServerProcess> a_, b_;
};

TEST_F(DatabaseOutageTest, WhileTheDatabaseIsDownEnrollmentsGet503AndHealthzSaysWhy) {
  GatewayClient via_a(a_->Url());
  auto first = via_a.Enroll(NewIdentity(), Options("before"));
  ASSERT_TRUE(first && first->status == codec::PkiStatus::kSuccess);
  std::string body;
  EXPECT_EQ(Health(*a_, &body), 200);
  EXPECT_NE(body.find("database: ok"), std::string::npos) << body;
  EXPECT_NE(body.find("signing: ok"), std::string::npos) << body;

  ASSERT_TRUE(pg_->Stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the cached probe
  EXPECT_EQ(Health(*a_, &body), 503);
  EXPECT_NE(body.find("database: unavailable"), std::string::npos) << body;
  EXPECT_NE(body.find("signing: ok"), std::string::npos) << body;
  // What needs no database is still served.
  EXPECT_EQ(client::MakeHttpClient(5)
                ->Get({"127.0.0.1", a_->port(), "/scep"}, "/scep?operation=GetCACaps")
                ->status,
            200);
  // An enrollment is not refused (a CertRep FAILURE would end it): 503 with Retry-After.
  Identity id = NewIdentity();
  for (auto* node : {a_.get(), b_.get()}) {
    GatewayClient via(node->Url());
    auto rep = via.Enroll(id, Options("during"));
    ASSERT_FALSE(rep) << "answered while the database is down";
    EXPECT_NE(rep.error().message.find("503"), std::string::npos) << rep.error().message;
  }
  auto csr = client::MakeCsr(*id.key, Options("during").csr);
  ASSERT_TRUE(csr);
  client::MessageOptions m;
  m.transaction_id = "raw-during-outage";
  auto msg = client::BuildMessage(via_a.ca(), *CsrToDer(**csr), *id.signer, *id.key, m);
  ASSERT_TRUE(msg);
  client::HttpRequest post;
  post.method = "POST";
  post.target = "/scep?operation=PKIOperation";
  post.content_type = "application/x-pki-message";
  post.body = AsString(msg->der);
  auto raw = client::MakeHttpClient(5)->Send({"127.0.0.1", a_->port(), "/scep"}, post);
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(raw->status, 503) << raw->body;
  bool retry_after = false;
  for (const auto& [name, value] : raw->headers)
    if (AsciiLower(name) == "retry-after" && !value.empty()) retry_after = true;
  EXPECT_TRUE(retry_after);

  // Back up: both nodes recover without a restart of their own, and the device's retry of the
  // same transaction is issued once.
  ASSERT_TRUE(pg_->Restart());
  ASSERT_TRUE(AwaitHealthy());
  GatewayClient via_b(b_->Url());
  auto retried = via_b.Enroll(CopyOf(id), Options("during"));
  ASSERT_TRUE(retried && retried->status == codec::PkiStatus::kSuccess)
      << (retried ? retried->fail_info_text : retried.error().message);
  auto again = via_a.Enroll(CopyOf(id), Options("during"));
  ASSERT_TRUE(again && again->status == codec::PkiStatus::kSuccess);
  EXPECT_EQ(SerialOf(*again), SerialOf(*retried));
  std::string out, err;
  ASSERT_EQ(a_->Cli({"cert", "list", "--json"}, &out, &err), 0) << err;
  EXPECT_EQ(nlohmann::json::parse(out).size(), 2u);
}

TEST_F(DatabaseOutageTest, ARestartUnderLightLoadLosesNothingAndNeedsNoNodeRestart) {
  // Four devices enroll one after another through alternating nodes while the database restarts.
  // A device that gets a 503 retries its own transaction (what certmonger, the agent or an MDM
  // client does); nothing else may go wrong, and each device ends with exactly one certificate.
  constexpr int kDevices = 4;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> unexpected;
  std::vector<std::set<std::string>> serials(kDevices);
  std::atomic<int> unavailable{0}, issued{0};
  std::vector<std::thread> devices;
  for (int d = 0; d < kDevices; ++d) {
    devices.emplace_back([&, d] {
      int n = 0;
      while (!stop.load() && n < 200) {
        Identity id = NewIdentity();
        std::string cn = "load-" + std::to_string(d) + "-" + std::to_string(n);
        for (int attempt = 0; attempt < 100; ++attempt) {
          GatewayClient via((n + attempt) % 2 ? a_->Url() : b_->Url());
          Identity copy = CopyOf(id);  // a retry is the same transaction from the same key
          auto rep = via.Enroll(attempt == 0 ? id : copy, Options(cn));
          if (rep && rep->status == codec::PkiStatus::kSuccess) {
            std::lock_guard lock(mu);
            serials[static_cast<size_t>(d)].insert(cn + "=" + SerialOf(*rep));
            ++issued;
            break;
          }
          if (!rep && rep.error().message.find("503") != std::string::npos) {
            ++unavailable;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
          }
          std::lock_guard lock(mu);
          unexpected.push_back(cn + ": " + (rep ? rep->fail_info_text : rep.error().message));
          break;
        }
        ++n;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(pg_->Restart());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(pg_->Restart());  // twice: the pool's fresh connections must survive a second loss
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop = true;
  for (auto& t : devices) t.join();
  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  ASSERT_TRUE(AwaitHealthy());
  // Each device's certificates are its own and one per transaction; the database holds exactly
  // what the devices were given.
  std::set<std::string> all;
  for (const auto& s : serials) all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(issued.load()));
  std::string out, err;
  ASSERT_EQ(b_->Cli({"cert", "list", "--limit", "0", "--json"}, &out, &err), 0) << err;
  auto listed = nlohmann::json::parse(out);
  std::set<std::string> stored;
  for (const auto& c : listed) stored.insert(c["serial"].get<std::string>());
  EXPECT_EQ(stored.size(), static_cast<size_t>(issued.load()));
  for (const auto& entry : all) EXPECT_TRUE(stored.contains(entry.substr(entry.find('=') + 1)));
  RecordProperty("issued", issued.load());
  RecordProperty("unavailable_answers", unavailable.load());
  std::cout << "issued " << issued.load() << ", answered 503 " << unavailable.load() << "\n";
}

}  // namespace
}  // namespace scepgate::testing

// Two gateway nodes on one PostgreSQL database, each a `scepgate serve` of its own data dir (the
// second a copy of the first's keys and config, as docs/multi-node.md makes one): any node answers
// any part of an enrollment, and the exactly-once rules hold across them. The database is a real
// PostgreSQL server started for this binary on a loopback port (store/postgres/test_server.h).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway_fixture.h"
#include "race_helpers.h"
#include "server_process.h"
#include "store/postgres/test_server.h"

namespace scepgate::testing {
namespace {

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = store::pg::SharedPostgres();
    ASSERT_TRUE(pg) << pg.error().message;
    auto db = (*pg)->CreateDatabase();
    ASSERT_TRUE(db) << db.error().message;
    ServerOptions first;
    first.init_args = {"--challenge", "x"};
    first.config = {{"store.backend", "\"postgres\""},
                    {"store.dsn", "\"" + (*pg)->Dsn(*db) + "\""}};
    auto a = ServerProcess::Start(first);
    ASSERT_TRUE(a) << a.error().message;
    a_ = std::move(*a);
    ServerOptions second;
    second.copy_from = a_->dir();
    auto b = ServerProcess::Start(second);
    ASSERT_TRUE(b) << b.error().message;
    b_ = std::move(*b);
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

}  // namespace
}  // namespace scepgate::testing

// The exactly-once rules of docs/consistency.md, proved against a real `scepgate serve` with many
// parallel attempts over real connections and processes, each repeated in a loop:
// - copies of one transaction (same key, same transactionID, each with its own self-signed
//   signer, as strongSwan's pki makes them) get one certificate, and a later resend gets it too;
// - a one-time challenge carried by many requests at once is spent by exactly one;
// - an approve and a reject racing decide a held request once; racing CertPolls of an approved
//   request collect one certificate;
// - forty `scepgate cert revoke` processes at once all reach the served CRL.
// The rounds are bounded; set SCEPGATE_RACE_ROUNDS to loop longer when hunting a race.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli_fixture.h"
#include "gateway_fixture.h"
#include "race_helpers.h"

namespace scepgate::testing {
namespace {

class ExactlyOnceTest : public CliTest {
 protected:
  size_t CertificateCount() { return Json({"cert", "list", "--limit", "0"}).size(); }
};

TEST_F(ExactlyOnceTest, CopiesOfOneTransactionGetOneCertificate) {
  constexpr int kCopies = 12;
  const int rounds = Rounds(5);
  for (int round = 0; round < rounds; ++round) {
    Identity id = NewIdentity();
    auto [serials, failures] =
        SendCopiesAtOnce(id, std::vector<std::string>(kCopies, server_->Url()),
                         "/CN=copies-" + std::to_string(round), "x");
    EXPECT_TRUE(failures.empty()) << "round " << round << ": " << failures.front();
    ASSERT_EQ(serials.size(), 1u) << "round " << round << ": copies got different certificates";
    // A resend later, signed by yet another fresh signer over the same key, gets it too.
    EnrollOptions o;
    o.csr.subject = "/CN=copies-" + std::to_string(round);
    o.csr.challenge = "x";
    auto later = GatewayClient(server_->Url()).Enroll(CopyOf(id), o);
    ASSERT_TRUE(later && later->status == codec::PkiStatus::kSuccess);
    EXPECT_EQ(SerialOf(*later), *serials.begin());
    EXPECT_EQ(CertificateCount(), static_cast<size_t>(round + 1));
  }
}

TEST_F(ExactlyOnceTest, AnotherKeyUnderTheSameTransactionIdIsRefused) {
  GatewayClient gw(server_->Url());
  Identity first = NewIdentity(), second = NewIdentity();
  EnrollOptions o;
  o.csr.subject = "/CN=reused";
  o.csr.challenge = "x";
  o.msg.transaction_id = "one-transaction";
  auto rep = gw.Enroll(first, o);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  auto other = gw.Enroll(second, o);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, codec::PkiStatus::kFailure);
  EXPECT_NE(other->fail_info_text.find("TransactionIdReused"), std::string::npos)
      << other->fail_info_text;
  EXPECT_EQ(CertificateCount(), 1u);
}

// Directory, profile and assignment for one device; challenges minted for it.
class OneTimeChallengeTest : public ExactlyOnceTest {
 protected:
  void SetUp() override {
    ExactlyOnceTest::SetUp();
    if (HasFatalFailure()) return;
    Ok({"group", "add", "wifi"});
    device_ = AddDevice({"--name", "dev-1", "--platform", "windows"});
    Ok({"group", "add-member", "wifi", "--device", device_});
  }
  void CreateProfile(bool approval) {
    Args args = {
        "profile",           "create", "wifi",         "--type",          "device", "--subject",
        "CN={{DeviceName}}", "--url",  server_->Url(), "--validity-days", "30"};
    if (approval) args.push_back("--require-approval");
    Ok(args);
    Ok({"assign", "wifi", "--group", "wifi"});
  }
  std::string Challenge() {
    std::string out = Ok({"challenge", "issue", "--device", device_, "--profile", "wifi"});
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string device_;
};

TEST_F(OneTimeChallengeTest, SpentByExactlyOneOfSixteenRequests) {
  constexpr int kRequests = 16;
  CreateProfile(false);
  const int rounds = Rounds(5);
  for (int round = 0; round < rounds; ++round) {
    std::string challenge = Challenge();
    std::vector<std::unique_ptr<GatewayClient>> connections;
    std::vector<Identity> ids;
    for (int i = 0; i < kRequests; ++i) {
      connections.push_back(std::make_unique<GatewayClient>(server_->Url()));
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
    EXPECT_TRUE(other.empty()) << other.front();
    EXPECT_EQ(issued.load(), 1) << "round " << round;
    EXPECT_EQ(spent.load(), kRequests - 1) << "round " << round;
  }
  EXPECT_EQ(CertificateCount(), static_cast<size_t>(rounds));
}

TEST_F(OneTimeChallengeTest, AHeldRequestIsDecidedOnceAndIssuedOnce) {
  constexpr int kPolls = 8;
  CreateProfile(true);
  const int rounds = Rounds(3);
  for (int round = 0; round < rounds; ++round) {
    GatewayClient gw(server_->Url());
    Identity id = NewIdentity();
    EnrollOptions o;
    o.csr.subject = "/CN=dev-1";
    o.csr.challenge = Challenge();
    auto held = gw.Enroll(id, o);
    ASSERT_TRUE(held && held->status == codec::PkiStatus::kPending);
    nlohmann::json pending = Json({"requests", "list", "--state", "pending"});
    ASSERT_EQ(pending.size(), 1u);
    std::string request = std::to_string(pending[0]["id"].get<int64_t>());

    const size_t failed_before = Json({"requests", "list", "--state", "failed"}).size();
    // An approve and a reject at once, as two processes: exactly one wins.
    std::atomic<int> won{0}, lost{0};
    std::string dir = server_->dir().string();
    AllAtOnce(2, [&](int i) {
      std::vector<std::string> argv = {ScepgateBinary(), "requests"};
      if (i == 0) {
        argv.insert(argv.end(), {"approve", request});
      } else {
        argv.insert(argv.end(), {"reject", request, "--reason", "raced"});
      }
      argv.insert(argv.end(), {"--dir", dir});
      std::string out, err;
      int rc = RunCommand(argv, &out, &err);
      if (rc == 0) {
        ++won;
      } else if (err.find("already") != std::string::npos) {
        ++lost;
      }
    });
    ASSERT_EQ(won.load(), 1) << "round " << round;
    ASSERT_EQ(lost.load(), 1) << "round " << round;
    bool approved = Json({"requests", "list", "--state", "failed"}).size() == failed_before;
    // Racing CertPolls (resends of the PKCSReq) on their own connections: one certificate, or
    // the same refusal, for all.
    std::vector<std::unique_ptr<GatewayClient>> connections;
    std::vector<Identity> copies;
    for (int i = 0; i < kPolls; ++i) {
      connections.push_back(std::make_unique<GatewayClient>(server_->Url()));
      copies.push_back(CopyOf(id));
    }
    std::mutex mu;
    std::set<std::string> answers;
    AllAtOnce(kPolls, [&](int i) {
      auto rep = connections[i]->Enroll(copies[i], o);
      std::lock_guard lock(mu);
      if (!rep)
        answers.insert("error: " + rep.error().message);
      else if (rep->status == codec::PkiStatus::kSuccess)
        answers.insert("cert " + SerialOf(*rep));
      else
        answers.insert("status " + std::to_string(static_cast<int>(rep->status)) + " " +
                       rep->fail_info_text);
    });
    ASSERT_EQ(answers.size(), 1u) << "round " << round << ": " << *answers.begin() << " / "
                                  << *answers.rbegin();
    EXPECT_EQ(answers.begin()->starts_with("cert "), approved) << *answers.begin();
  }
}

TEST_F(ExactlyOnceTest, FortyConcurrentCliRevocationsAllReachTheServedCrl) {
  constexpr int kRevocations = 40;
  const int rounds = Rounds(3);
  GatewayClient gw(server_->Url());
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::string> serials;
    for (int i = 0; i < kRevocations; ++i) {
      EnrollOptions o;
      o.csr.subject = "/CN=revoke-" + std::to_string(round) + "-" + std::to_string(i);
      o.csr.challenge = "x";
      auto rep = gw.Enroll(NewIdentity(256), o);  // EC: quick to make, the CRL is the point
      ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
      serials.push_back(SerialOf(*rep));
    }
    std::atomic<int> failed{0};
    std::string dir = server_->dir().string();
    AllAtOnce(kRevocations, [&](int i) {
      std::string out, err;
      int rc = RunCommand({ScepgateBinary(), "cert", "revoke", serials[i], "--reason",
                           "keyCompromise", "--dir", dir},
                          &out, &err);
      if (rc != 0) {
        ++failed;
        ADD_FAILURE() << "revoke " << serials[i] << ": " << err;
      }
    });
    ASSERT_EQ(failed.load(), 0);
    // Each revocation re-signed the CRL before its command returned: the served one lists all.
    auto crl = server_->ServedCrl();
    ASSERT_TRUE(crl) << crl.error().message;
    std::set<std::string> listed = RevokedSerials(**crl);
    for (const std::string& serial : serials)
      EXPECT_TRUE(listed.contains(serial)) << "round " << round << ": " << serial << " not listed";
    EXPECT_EQ(listed.size(), static_cast<size_t>(kRevocations * (round + 1)));
  }
}

}  // namespace
}  // namespace scepgate::testing

// Webhooks through the real binary to a real HTTP receiver on loopback: signed events for an
// issuance, a refusal and a revocation; retries after a failing endpoint; events queued while the
// gateway is down are delivered after it restarts; issued requests end "notified".
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <thread>

#include "gateway_fixture.h"
#include "notify/webhook.h"
#include "webhook_receiver.h"

namespace scepgate::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kChallenge[] = "hook-challenge";
constexpr char kSecret[] = "webhook secret";

std::vector<nlohmann::json> OfType(const std::vector<ReceivedHook>& hooks,
                                   const std::string& type) {
  std::vector<nlohmann::json> out;
  for (const auto& h : hooks) {
    auto j = nlohmann::json::parse(h.body, nullptr, false);
    if (!j.is_discarded() && j["type"] == type) out.push_back(j);
  }
  return out;
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({{"--challenge", kChallenge},
                                   {{"webhooks.urls", "[\"" + receiver_.Url() + "\"]"},
                                    {"webhooks.secret", std::string("\"") + kSecret + "\""},
                                    {"webhooks.poll_ms", "100"},
                                    {"webhooks.backoff_seconds", "1"}}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  Result<codec::CertRep> Enroll(const std::string& cn, const std::string& challenge) {
    GatewayClient gw(server_->Url());
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    o.csr.challenge = challenge;
    return gw.Enroll(NewIdentity(), o);
  }
  nlohmann::json CliJson(const std::vector<std::string>& args) {
    std::string out, err;
    EXPECT_EQ(server_->Cli(args, &out, &err), 0) << err;
    return nlohmann::json::parse(out, nullptr, false);
  }
  bool WaitForType(const std::string& type, size_t count) {
    return receiver_.WaitFor([&](const auto& hooks) { return OfType(hooks, type).size() >= count; },
                             15s);
  }

  WebhookReceiver receiver_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(WebhookTest, IssuanceAndRefusalArriveSignedAndTheRequestIsNotified) {
  auto rep = Enroll("hooked", kChallenge);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  auto bad = Enroll("refused", "wrong");
  ASSERT_TRUE(bad && bad->status == codec::PkiStatus::kFailure);
  ASSERT_TRUE(WaitForType("certificate.issued", 1));
  ASSERT_TRUE(WaitForType("request.failed", 1));

  for (const ReceivedHook& hook : receiver_.Received()) {
    EXPECT_EQ(hook.target, "/hook");
    EXPECT_EQ(hook.headers.at("content-type"), "application/json");
    // Recompute the signature as a receiver would: t from the header, HMAC over "t.body".
    const std::string& sig = hook.headers.at("x-scepgate-signature");
    ASSERT_TRUE(sig.starts_with("t=")) << sig;
    int64_t t = std::stoll(sig.substr(2, sig.find(',') - 2));
    EXPECT_EQ(sig, *notify::SignatureHeader(kSecret, t, hook.body));
    EXPECT_NE(*notify::SignatureHeader("another secret", t, hook.body), sig);
  }
  auto issued = OfType(receiver_.Received(), "certificate.issued").front();
  EXPECT_EQ(issued["data"]["subject"], "CN=hooked");
  auto failed = OfType(receiver_.Received(), "request.failed").front();
  EXPECT_TRUE(failed["data"]["reason"].get<std::string>().starts_with("ChallengeInvalid"));
  EXPECT_EQ(failed["data"]["reason"].get<std::string>().find("wrong"), std::string::npos);

  // The issued request moves to "notified" once its event is delivered.
  bool notified = false;
  for (int i = 0; i < 50 && !notified; ++i) {
    for (const auto& r : CliJson({"requests", "list", "--json"}))
      if (r["state"] == "notified") notified = true;
    if (!notified) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(notified);
  auto events = CliJson({"events", "list", "--json"});
  ASSERT_EQ(events.size(), 2u);
  for (const auto& e : events) EXPECT_EQ(e["state"], "delivered") << e.dump();
}

TEST_F(WebhookTest, AFailingEndpointIsRetriedUntilItAnswers) {
  receiver_.SetStatus(500);
  auto rep = Enroll("retried", kChallenge);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  ASSERT_TRUE(WaitForType("certificate.issued", 1));
  auto events = CliJson({"events", "list", "--state", "pending", "--json"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0]["last_error"].get<std::string>().find("HTTP 500"), std::string::npos);
  receiver_.SetStatus(200);
  ASSERT_TRUE(WaitForType("certificate.issued", 2));
  auto hooks = OfType(receiver_.Received(), "certificate.issued");
  EXPECT_EQ(hooks[0]["id"], hooks[1]["id"]);  // the same event, delivered again
  bool delivered = false;
  for (int i = 0; i < 50 && !delivered; ++i) {
    auto all = CliJson({"events", "list", "--json"});
    delivered = all.size() == 1 && all[0]["state"] == "delivered";
    if (!delivered) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(delivered);
}

TEST_F(WebhookTest, EventsQueuedWhileTheGatewayIsDownAreDeliveredAfterARestart) {
  auto rep = Enroll("revoked-later", kChallenge);
  ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  ASSERT_TRUE(WaitForType("certificate.issued", 1));
  std::string serial = OfType(receiver_.Received(), "certificate.issued")[0]["data"]["serial"];

  server_->Stop();
  std::string out, err;
  ASSERT_EQ(server_->Cli({"cert", "revoke", serial, "--reason", "keyCompromise"}, &out, &err), 0)
      << err;
  auto pending = CliJson({"events", "list", "--state", "pending", "--json"});
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]["type"], "certificate.revoked");
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(OfType(receiver_.Received(), "certificate.revoked").empty());

  ASSERT_TRUE(server_->Restart());
  ASSERT_TRUE(WaitForType("certificate.revoked", 1));
  auto revoked = OfType(receiver_.Received(), "certificate.revoked")[0];
  EXPECT_EQ(revoked["data"]["serial"], serial);
  EXPECT_EQ(revoked["data"]["reason"], "keyCompromise");
}

// A delivery worker of its own: `scepgate events deliver --for SECONDS` on the server's data dir.
pid_t SpawnWorker(const ServerProcess& server, int seconds) {
  std::vector<std::string> argv = {
      ScepgateBinary(),     "events", "deliver", "--for", std::to_string(seconds), "--dir",
      server.dir().string()};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// The server's worker and two `events deliver` processes share the outbox while a slow receiver
// takes the events; one process is killed mid-way. Every event arrives; none twice, except at
// most the one the killed worker had sent but not yet recorded (its lease runs out, and a
// receiver deduplicates by X-Scepgate-Delivery).
TEST_F(WebhookTest, WorkersInSeveralProcessesDeliverEachEventOnceAndAKilledOneLosesNothing) {
  constexpr int kEvents = 24;
  ASSERT_TRUE(server_->Configure({{"webhooks.lease_seconds", "3"}}));
  ASSERT_TRUE(server_->Restart());
  receiver_.SetReply(200, "ok", 100ms);  // slow enough that the workers overlap
  for (int i = 0; i < kEvents; ++i) {
    auto rep = Enroll("several-" + std::to_string(i), kChallenge);
    ASSERT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
  }
  pid_t steady = SpawnWorker(*server_, 15);
  pid_t killed = SpawnWorker(*server_, 15);
  std::this_thread::sleep_for(700ms);
  ::kill(killed, SIGKILL);
  int status = 0;
  ::waitpid(killed, &status, 0);
  auto distinct = [](const std::vector<ReceivedHook>& hooks) {
    std::map<std::string, int> seen;
    for (const auto& h : hooks) {
      auto id = h.headers.find("x-scepgate-delivery");
      if (id != h.headers.end()) ++seen[id->second];
    }
    return seen;
  };
  EXPECT_TRUE(receiver_.WaitFor(
      [&](const auto& hooks) { return distinct(hooks).size() >= static_cast<size_t>(kEvents); },
      30s));
  ::kill(steady, SIGTERM);
  ::waitpid(steady, &status, 0);
  auto seen = distinct(receiver_.Received());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEvents));
  int repeats = 0;
  for (const auto& [id, n] : seen) repeats += n - 1;
  EXPECT_LE(repeats, 1) << "events sent more than once beyond the killed worker's one";
  nlohmann::json pending = CliJson({"events", "list", "--state", "pending", "--json"});
  EXPECT_TRUE(pending.empty()) << pending.dump();
}

}  // namespace
}  // namespace scepgate::testing

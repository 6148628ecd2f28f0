// The outbox worker against an in-memory store, a fake clock and a fake webhook endpoint.
#include "notify/notifier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <deque>

#include "notify/events.h"
#include "notify/webhook_sink.h"
#include "store/memory_store.h"

namespace scepgate::notify {
namespace {

struct Call {
  std::string url;
  std::string body;
  Headers headers;
};

// Answers each POST with the next scripted status (200 when the script is used up); a status of
// 0 stands for an unreachable endpoint.
class FakeSender final : public WebhookSender {
 public:
  Result<WebhookReply> Post(const std::string& url, const std::string& body,
                            const Headers& headers) override {
    calls.push_back({url, body, headers});
    int status = script.empty() ? 200 : script.front();
    if (!script.empty()) script.erase(script.begin());
    if (status == 0) return Fail(Error::Io("connection refused"));
    return WebhookReply{status, ""};
  }
  std::vector<int> script;
  std::vector<Call> calls;
};

std::string Header(const Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "";
}

class NotifierTest : public ::testing::Test {
 protected:
  void Issue(const std::string& serial) {
    store::Issuance is;
    is.cert.serial = serial;
    is.cert.issuer_id = "ca";
    is.cert.subject = "CN=dev";
    is.cert.device_id = "dev-1";
    is.cert.created_at = clock_.Now();
    is.request.state = "issued";
    is.request.transaction_id = "tx-" + serial;
    is.request.created_at = clock_.Now();
    is.events.push_back(IssuedEvent(is.cert, is.request, clock_.Now()));
    ASSERT_TRUE(store_.RecordIssuance(is));
  }
  Notifier Make(std::vector<std::string> urls, int max_attempts = 3,
                int64_t retention_seconds = 0) {
    NotifierOptions o;
    o.retention_seconds = retention_seconds;
    o.max_attempts = max_attempts;
    o.backoff_seconds = 10;
    o.max_backoff_seconds = 25;
    return Notifier(store_, Sink(std::move(urls)), clock_, o);
  }
  WebhookSink& Sink(std::vector<std::string> urls) {
    return sinks_.emplace_back(sender_, clock_, std::move(urls), "hook-secret");
  }

  store::MemoryStore store_;
  FakeClock clock_{1'000'000};
  FakeSender sender_;
  std::deque<WebhookSink> sinks_;  // each notifier's, kept as long as it
};

TEST_F(NotifierTest, DeliversSignedEventsToEveryUrlAndMarksTheRequestNotified) {
  Issue("aa");
  Notifier n = Make({"http://a.example/hook", "https://b.example/hook"});
  auto delivered = n.DeliverDue();
  ASSERT_TRUE(delivered) << delivered.error().message;
  EXPECT_EQ(*delivered, 1);
  ASSERT_EQ(sender_.calls.size(), 2u);
  const Call& call = sender_.calls[0];
  EXPECT_EQ(call.url, "http://a.example/hook");
  auto body = nlohmann::json::parse(call.body);
  EXPECT_EQ(body["type"], "certificate.issued");
  EXPECT_EQ(body["data"]["serial"], "aa");
  EXPECT_EQ(body["data"]["device_id"], "dev-1");
  EXPECT_EQ(Header(call.headers, "X-Scepgate-Event"), "certificate.issued");
  EXPECT_EQ(Header(call.headers, "X-Scepgate-Delivery"), std::to_string(body["id"].get<int>()));
  // The receiver can recompute the signature from the secret, the timestamp and the body.
  EXPECT_EQ(Header(call.headers, "X-Scepgate-Signature"),
            *SignatureHeader("hook-secret", clock_.Now(), call.body));
  EXPECT_EQ(store_.ListRequests({})->front().state, "notified");
  EXPECT_EQ(*n.DeliverDue(), 0);  // nothing left
  EXPECT_EQ(sender_.calls.size(), 2u);
}

TEST_F(NotifierTest, SignatureIsHmacSha256OfTimestampDotBody) {
  // Checked against an HMAC computed independently with the OpenSSL CLI:
  // printf '%s' '1700000000.{}' | openssl dgst -sha256 -hmac key
  EXPECT_EQ(*SignatureHeader("key", 1700000000, "{}"),
            "t=1700000000,v1=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
}

TEST_F(NotifierTest, FailuresBackOffExponentiallyThenGiveUp) {
  Issue("aa");
  sender_.script = {500, 0, 503};
  Notifier n = Make({"http://a.example/hook"}, 3);
  EXPECT_EQ(*n.DeliverDue(), 0);
  auto pending = store_.ListEvents({})->front();
  EXPECT_EQ(pending.attempts, 1);
  EXPECT_EQ(pending.last_error, "http://a.example/hook: HTTP 500");
  EXPECT_EQ(pending.next_attempt_at, clock_.Now() + 10);
  EXPECT_EQ(*n.DeliverDue(), 0);  // not due yet: no call
  EXPECT_EQ(sender_.calls.size(), 1u);
  clock_.Advance(10);
  EXPECT_EQ(*n.DeliverDue(), 0);
  pending = store_.ListEvents({})->front();
  EXPECT_EQ(pending.attempts, 2);
  EXPECT_EQ(pending.next_attempt_at, clock_.Now() + 20);
  EXPECT_NE(pending.last_error.find("connection refused"), std::string::npos);
  clock_.Advance(20);
  EXPECT_EQ(*n.DeliverDue(), 0);
  auto dead = store_.ListEvents({})->front();
  EXPECT_EQ(dead.state, "dead");
  EXPECT_EQ(dead.attempts, 3);
  EXPECT_EQ(store_.ListRequests({})->front().state, "issued");  // never notified
  EXPECT_EQ(n.Backoff(1), 10);
  EXPECT_EQ(n.Backoff(2), 20);
  EXPECT_EQ(n.Backoff(3), 25);  // capped
}

TEST_F(NotifierTest, EachAttemptIsReportedDeliveredFailedOrDead) {
  Issue("aa");
  Issue("bb");
  sender_.script = {200, 500, 500};
  std::vector<std::string> results;
  NotifierOptions o;
  o.max_attempts = 2;
  o.backoff_seconds = 10;
  o.on_attempt = [&](std::string_view r) { results.emplace_back(r); };
  Notifier n(store_, Sink({"http://a.example/hook"}), clock_, o);
  EXPECT_EQ(*n.DeliverDue(), 1);
  clock_.Advance(10);
  EXPECT_EQ(*n.DeliverDue(), 0);
  EXPECT_EQ(results, (std::vector<std::string>{"delivered", "failed", "dead"}));
}

TEST_F(NotifierTest, APartialFailureRetriesTheWholeEvent) {
  Issue("aa");
  sender_.script = {200, 500};
  Notifier n = Make({"http://a.example/hook", "http://b.example/hook"});
  EXPECT_EQ(*n.DeliverDue(), 0);
  clock_.Advance(10);
  EXPECT_EQ(*n.DeliverDue(), 1);
  ASSERT_EQ(sender_.calls.size(), 4u);
  EXPECT_EQ(sender_.calls[2].body, sender_.calls[0].body);  // same id: receivers deduplicate
}

TEST_F(NotifierTest, WithoutUrlsEventsStayQueued) {
  Issue("aa");
  Notifier n = Make({});
  EXPECT_EQ(*n.DeliverDue(), 0);
  EXPECT_TRUE(sender_.calls.empty());
  EXPECT_EQ(store_.ListEvents({})->front().state, "pending");
}

TEST_F(NotifierTest, WebhooksLeaveIntuneNotificationsToTheirOwnNotifier) {
  store::OutboxEvent intune;
  intune.type = kIntuneSuccess;
  intune.payload = "{}";
  intune.created_at = clock_.Now();
  intune.next_attempt_at = clock_.Now();
  ASSERT_TRUE(store_.EnqueueEvent(intune));
  Issue("aa");
  Notifier n = Make({"http://a.example/hook"});
  EXPECT_EQ(*n.DeliverDue(), 1);
  ASSERT_EQ(sender_.calls.size(), 1u);
  EXPECT_EQ(Header(sender_.calls[0].headers, "X-Scepgate-Event"), "certificate.issued");
  auto pending = store_.ListEvents(
      {.state = "pending", .limit = 0, .type = "", .before_id = 0, .request_id = 0});
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().type, kIntuneSuccess);
}

TEST_F(NotifierTest, EventsPastTheRetentionArePrunedDeliveredOrNotAtMostOnceAMinute) {
  Issue("aa");
  Notifier hooks = Make({"http://a.example/hook"});
  ASSERT_EQ(*hooks.DeliverDue(), 1);
  clock_.Advance(100);
  Issue("bb");  // these two stay pending: no URL takes them
  Issue("cc");
  clock_.Advance(1000);  // aa is 1100 s old, bb and cc 1000 s
  Notifier n = Make({}, 3, 1050);
  auto pruned = n.PruneExpired();
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);
  auto left = store_.ListEvents({});
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(left->back().state, "pending");
  clock_.Advance(59);  // bb and cc are past 1050 s now, but the last pass was 59 s ago
  EXPECT_EQ(*n.PruneExpired(), 0);
  clock_.Advance(1);
  EXPECT_EQ(*n.PruneExpired(), 2);
  EXPECT_TRUE(store_.ListEvents({})->empty());
  // A retention of 0 keeps everything.
  Issue("dd");
  clock_.Advance(1'000'000);
  Notifier keep = Make({});
  EXPECT_EQ(*keep.PruneExpired(), 0);
  EXPECT_EQ(store_.ListEvents({})->size(), 1u);
}

TEST(Events, FailedAndRevokedCarryWhatAReceiverNeeds) {
  store::RequestRecord r;
  r.transaction_id = "tx";
  r.reason = "SubjectNameMismatch: ...";
  r.device_id = "dev-1";
  r.stage = "verify";
  auto failed = nlohmann::json::parse(FailedEvent(r, 5).payload);
  EXPECT_EQ(failed["reason"], "SubjectNameMismatch: ...");
  EXPECT_EQ(failed["stage"], "verify");
  store::CertificateRecord c;
  c.serial = "ab";
  c.profile = "wifi";
  store::OutboxEvent revoked = RevokedEvent(c, 5, 7);
  EXPECT_EQ(revoked.type, "certificate.revoked");
  EXPECT_EQ(nlohmann::json::parse(revoked.payload)["reason"], "cessationOfOperation");
  EXPECT_EQ(revoked.next_attempt_at, 7);
}

}  // namespace
}  // namespace scepgate::notify

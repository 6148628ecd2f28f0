// Intune mode's outbox side against an in-memory store and a fake Intune: the notifications the
// Notifier hands to IntuneSink, and the revocation poller.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "ca/test_util.h"
#include "intune/fake_intune_api.h"
#include "notify/events.h"
#include "notify/intune_revocations.h"
#include "notify/intune_sink.h"
#include "notify/notifier.h"
#include "store/memory_store.h"

namespace scepgate::notify {
namespace {

using intune::RevocationErrorCode;
using intune::ValidationCode;

constexpr int64_t kNow = 1'800'000'000;

// Revokes serials it knows, once each, as CrlPublisher does (without the CRL).
class FakeRevoker final : public ca::Revoker {
 public:
  Result<ca::RevokeReport> RevokeMany(std::span<const std::string> serials,
                                      ca::RevocationReason reason) override {
    if (failure) return Fail(*failure);
    ca::RevokeReport report;
    for (const std::string& s : serials) {
      if (!known.contains(s)) {
        report.not_found.push_back(s);
      } else if (revoked.insert(s).second) {
        report.revoked.push_back(s);
        reasons.push_back(reason);
      } else {
        report.already_revoked.push_back(s);
      }
    }
    return report;
  }
  std::set<std::string> known;
  std::set<std::string> revoked;
  std::vector<ca::RevocationReason> reasons;
  std::optional<Error> failure;
};

class IntuneNotifyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ca_ = ca::testutil::MakeTestCa("ec:p256", kNow); }
  static void TearDownTestSuite() { ca_ = {}; }

  // Issues (records) the test's issuing CA certificate as if it were a device's, with the
  // intune.success event the service queues.
  store::CertificateRecord IssueWithSuccessEvent() {
    store::Issuance is;
    is.cert.serial = SerialHex(*X509_get0_serialNumber(ca_.issuing.get()));
    is.cert.issuer_id = "ca";
    is.cert.der = *CertToDer(*ca_.issuing);
    is.cert.created_at = kNow;
    is.request.state = "issued";
    is.request.transaction_id = "tx-1";
    is.request.created_at = kNow;
    is.events.push_back(IntuneSuccessEvent(is.cert, is.request, csr_, kNow));
    EXPECT_TRUE(store_.RecordIssuance(is));
    return is.cert;
  }
  void RecordFailure(const std::string& reason, const std::string& fail_info) {
    store::RequestRecord r;
    r.transaction_id = "tx-2";
    r.state = "failed";
    r.reason = reason;
    r.fail_info = fail_info;
    r.stage = "verify";
    r.created_at = kNow;
    EXPECT_TRUE(store_.RecordRequest(r, {IntuneFailureEvent(r, csr_, kNow)}));
  }
  Notifier MakeNotifier(int max_attempts = 5) {
    NotifierOptions o;
    o.max_attempts = max_attempts;
    o.backoff_seconds = 10;
    o.prune = false;
    return Notifier(store_, sink_, clock_, o);
  }
  std::string StateOf(const std::string& type) {
    auto events = store_.ListEvents({});
    for (const store::OutboxEvent& e : *events)
      if (e.type == type) return e.state;
    return "";
  }

  static inline ca::testutil::TestCa ca_;
  Bytes csr_ = {0x30, 0x03, 0x02, 0x01, 0x07};
  store::MemoryStore store_;
  FakeClock clock_{kNow};
  intune::FakeIntuneApi api_;
  IntuneSink sink_{store_, api_};
};

TEST_F(IntuneNotifyTest, AnIssuanceBecomesOneSuccessNotification) {
  store::CertificateRecord cert = IssueWithSuccessEvent();
  Notifier n = MakeNotifier();
  EXPECT_EQ(*n.DeliverDue(), 1);
  EXPECT_EQ(*n.DeliverDue(), 0);
  auto sent = api_.successes();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].transaction_id, "tx-1");
  EXPECT_EQ(sent[0].csr_der, csr_);
  EXPECT_EQ(SerialOfRequest(sent[0].serial_number), cert.serial);
  EXPECT_EQ(sent[0].serial_number.size() % 2, 0u);  // whole bytes, as Windows shows it
  EXPECT_EQ(sent[0].thumbprint, HexEncode(*Digest("SHA1", cert.der)));
  EXPECT_EQ(sent[0].not_after, ca::testutil::NotAfterOf(*ca_.issuing));
  EXPECT_EQ(sent[0].issuing_ca, NameToString(*X509_get_issuer_name(ca_.issuing.get())));
  EXPECT_EQ(StateOf(kIntuneSuccess), "delivered");
  EXPECT_EQ(StateOf(kCertificateIssued), "");  // the test queued none
}

TEST_F(IntuneNotifyTest, ARefusalBecomesOneFailureNotificationWithItsHresult) {
  RecordFailure("SubjectNameMismatch: Intune answered SubjectNameMismatch", "badRequest");
  Notifier n = MakeNotifier();
  EXPECT_EQ(*n.DeliverDue(), 1);
  auto sent = api_.failures();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].transaction_id, "tx-2");
  EXPECT_EQ(sent[0].csr_der, csr_);
  EXPECT_EQ(sent[0].hresult, int64_t{static_cast<int32_t>(0x80094012)});
  EXPECT_EQ(sent[0].description, "SubjectNameMismatch: Intune answered SubjectNameMismatch");
}

TEST_F(IntuneNotifyTest, HresultsFollowWhyTheRequestFailed) {
  store::RequestRecord r;
  r.reason = "ValidationUnavailable: Intune could not be asked";
  EXPECT_EQ(HResultFor(r), int64_t{static_cast<int32_t>(0x800706BA)});
  r.reason = "CsrSignatureInvalid: ...";
  r.fail_info = "badMessageCheck";
  EXPECT_EQ(HResultFor(r), int64_t{static_cast<int32_t>(0x80090006)});
  r.fail_info = "badRequest";
  r.reason = "InternalError: ...";
  r.stage = "issue";
  EXPECT_EQ(HResultFor(r), -2147418113);  // 0x8000FFFF, as Microsoft's Java example sends it
}

TEST_F(IntuneNotifyTest, AnUnreachableIntuneIsRetriedAndARefusedNotificationGivenUp) {
  IssueWithSuccessEvent();
  api_.FailNext(Error::Unavailable("503 from the service"));
  Notifier n = MakeNotifier();
  EXPECT_EQ(*n.DeliverDue(), 0);
  EXPECT_EQ(StateOf(kIntuneSuccess), "pending");
  clock_.Advance(10);
  EXPECT_EQ(*n.DeliverDue(), 1);
  EXPECT_EQ(api_.successes().size(), 1u);

  RecordFailure("ChallengeExpired: ...", "badRequest");
  api_.SetAnswer(ValidationCode::kChallengeDeserializationError, "unknown transaction");
  EXPECT_EQ(*n.DeliverDue(), 0);
  EXPECT_EQ(StateOf(kIntuneFailure), "dead");  // at once: Intune will refuse it again
  auto events = store_.ListEvents({});
  EXPECT_NE(events->front().last_error.find("unknown transaction"), std::string::npos);
}

TEST_F(IntuneNotifyTest, IntuneEventsAreNotTheWebhooksAndTheWebhooksNotIntunes) {
  store::OutboxEvent hook;
  hook.type = kCertificateRevoked;
  hook.payload = "{}";
  hook.created_at = kNow;
  hook.next_attempt_at = kNow;
  ASSERT_TRUE(store_.EnqueueEvent(hook));
  Notifier n = MakeNotifier();
  EXPECT_EQ(*n.DeliverDue(), 0);
  EXPECT_EQ(StateOf(kCertificateRevoked), "pending");
  EXPECT_TRUE(api_.successes().empty());
  EXPECT_TRUE(api_.failures().empty());
}

class IntuneRevocationsTest : public IntuneNotifyTest {
 protected:
  void SetUp() override {
    store::IssuerRecord issuer;
    issuer.id = "issuing";
    issuer.cert_der = *CertToDer(*ca_.issuing);
    ASSERT_TRUE(store_.RegisterIssuer(issuer));
    issuer_name_ = NameToString(*X509_get_subject_name(ca_.issuing.get()));
    revoker_.known = {"a1b", "c2d", "e3f"};
  }
  void Queue(const std::string& context, const std::string& serial) {
    api_.QueueRevocation({context, serial, issuer_name_, ""});
  }
  IntuneRevocations Make(std::string owner = "node-1") {
    IntuneRevocationOptions o;
    o.owner = std::move(owner);
    o.lease_seconds = 60;
    return IntuneRevocations(store_, revoker_, api_, clock_, o);
  }
  // The uploaded result for `context`.
  intune::RevocationResult ResultOf(const std::string& context) {
    for (const intune::RevocationResult& r : api_.uploaded())
      if (r.request_context == context) return r;
    ADD_FAILURE() << "no result for " << context;
    return {};
  }

  FakeRevoker revoker_;
  std::string issuer_name_;
};

TEST_F(IntuneRevocationsTest, EachRequestIsCarriedOutAndAnswered) {
  Queue("ctx-1", "0A1B");     // ours, as Intune sends it: upper-case
  Queue("ctx-2", "0c:2d");    // ours, with separators
  Queue("ctx-3", "99");       // not ours
  Queue("ctx-4", "not-hex");  // not a serial
  Queue("ctx-5", "0A1B");     // the same certificate twice
  api_.QueueRevocation({"ctx-6", "0e3f", "CN=Another CA", ""});  // another issuer's
  revoker_.revoked.insert("e3f");
  IntuneRevocations poller = Make();
  auto poll = poller.PollOnce();
  ASSERT_TRUE(poll) << poll.error().message;
  EXPECT_TRUE(poll->leased);
  EXPECT_EQ(poll->requests, 5);
  EXPECT_EQ(poll->revoked, 2);
  EXPECT_EQ(poll->refused, 3);
  EXPECT_EQ(revoker_.revoked, (std::set<std::string>{"a1b", "c2d", "e3f"}));
  EXPECT_EQ(revoker_.reasons,
            (std::vector<ca::RevocationReason>(2, ca::RevocationReason::kCessationOfOperation)));
  EXPECT_TRUE(ResultOf("ctx-1").succeeded);
  EXPECT_EQ(ResultOf("ctx-1").error_code, RevocationErrorCode::kNone);
  EXPECT_TRUE(ResultOf("ctx-2").succeeded);
  EXPECT_EQ(ResultOf("ctx-3").error_code, RevocationErrorCode::kCertificateNotFoundError);
  EXPECT_EQ(ResultOf("ctx-4").error_code, RevocationErrorCode::kParameterDataInvalidError);
  EXPECT_EQ(ResultOf("ctx-5").error_code, RevocationErrorCode::kConflictError);
  EXPECT_EQ(api_.uploaded().size(), 5u);  // ctx-6 waits for its own issuer's CA
  // Asked again for what is already revoked: ConflictError.
  Queue("ctx-7", "0a1b");
  ASSERT_TRUE(poller.PollOnce());
  EXPECT_EQ(ResultOf("ctx-7").error_code, RevocationErrorCode::kConflictError);
}

TEST_F(IntuneRevocationsTest, AStoreThatFailsIsAnsweredRetryable) {
  Queue("ctx-1", "0a1b");
  revoker_.failure = Error::Database("disk I/O error");
  ASSERT_TRUE(Make().PollOnce());
  EXPECT_EQ(ResultOf("ctx-1").error_code, RevocationErrorCode::kServiceUnavailableException);
  EXPECT_FALSE(ResultOf("ctx-1").succeeded);
}

TEST_F(IntuneRevocationsTest, ResultsIntuneDidNotTakeAreSentAgainNotDecidedAgain) {
  Queue("ctx-1", "0a1b");
  IntuneRevocations poller = Make();
  api_.FailNextUpload(Error::Unavailable("upload: 503"));
  auto first = poller.PollOnce();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(revoker_.revoked, std::set<std::string>{"a1b"});
  EXPECT_TRUE(api_.uploaded().empty());
  // The next poll (here, after a restart: a new poller) sends the result kept in the store
  // first, so Intune never hands the request out again to be answered ConflictError.
  IntuneRevocations restarted = Make();
  auto second = restarted.PollOnce();
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_EQ(api_.uploaded().size(), 1u);
  EXPECT_TRUE(ResultOf("ctx-1").succeeded);
  EXPECT_EQ(second->requests, 0);
}

TEST_F(IntuneRevocationsTest, OneNodeAtATimePolls) {
  Queue("ctx-1", "0a1b");
  IntuneRevocations one = Make("node-1");
  IntuneRevocations two = Make("node-2");
  ASSERT_TRUE(one.PollOnce()->leased);
  Queue("ctx-2", "0c2d");
  auto other = two.PollOnce();
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->leased);
  EXPECT_EQ(revoker_.revoked.size(), 1u);
  ASSERT_TRUE(two.Release());  // not its lease: nothing changes
  EXPECT_FALSE(two.PollOnce()->leased);
  clock_.Advance(60);  // node-1's lease runs out
  ASSERT_TRUE(two.PollOnce()->leased);
  EXPECT_EQ(revoker_.revoked.size(), 2u);
  // A poller that stops gives its lease up: the next one need not wait for it to run out.
  ASSERT_TRUE(two.Release());
  ASSERT_TRUE(Make("node-1-restarted").PollOnce()->leased);
}

TEST(IntuneSerials, AreReadAsScepgateStoresThem) {
  EXPECT_EQ(SerialOfRequest("0A:1b 2C-3d"), "a1b2c3d");
  EXPECT_EQ(SerialOfRequest("00"), "0");
  EXPECT_EQ(SerialOfRequest("xyz"), "");
  EXPECT_EQ(SerialOfRequest(""), "");
}

}  // namespace
}  // namespace scepgate::notify

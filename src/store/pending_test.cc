// Behavioural tests of requests held for approval, run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class PendingStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(PendingStoreTest, Backends, BackendNames);

PendingRecord MakePending(const std::string& transaction_id) {
  PendingRecord p;
  p.transaction_id = transaction_id;
  p.public_key_sha256 = "pk-" + transaction_id;
  p.signer_sha256 = "signer-" + transaction_id;
  p.csr = {0x30, 0x01, 0x00};
  p.grant_json = R"({"profile":"wifi"})";
  return p;
}

ChallengeUse MakeUse(const std::string& challenge_id, const std::string& transaction_id) {
  ChallengeUse u;
  u.challenge_id = challenge_id;
  u.transaction_id = transaction_id;
  u.public_key_sha256 = "pk-" + transaction_id;
  u.used_at = 10;
  return u;
}

TransactionClaim ClaimOn(const std::string& transaction_id) {
  TransactionClaim c;
  c.transaction_id = transaction_id;
  c.public_key_sha256 = "pk-" + transaction_id;
  c.created_at = 10;
  return c;
}

Decision Decide(const std::string& decision, const std::string& reason, int64_t at,
                std::optional<OutboxEvent> event = std::nullopt) {
  Decision d;
  d.decision = decision;
  d.reason = reason;
  d.at = at;
  bool rejected = decision == "rejected";
  d.request_state = rejected ? "failed" : "verified";
  d.request_reason = rejected ? reason : "approved";
  d.request_stage = rejected ? "approval" : "";
  d.request_fail_info = rejected ? "badRequest" : "";
  d.event = std::move(event);
  return d;
}

OutboxEvent RejectedEvent() {
  OutboxEvent e;
  e.type = "request.failed";
  e.payload = R"({"code":"Rejected"})";
  e.created_at = 20;
  e.next_attempt_at = 20;
  return e;
}

TYPED_TEST(PendingStoreTest, APendingRequestIsStoredWithItsChallengeUse) {
  Store& s = this->store();
  auto id = s.RecordPending(MakeRequest("c1", 10, "received", "tx-1"), MakePending("tx-1"),
                            MakeUse("ch-1", "tx-1"), ClaimOn("tx-1"));
  ASSERT_TRUE(id) << id.error().message;
  auto requests = s.ListRequests({});
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ(requests->front().id, *id);
  EXPECT_EQ(requests->front().state, "pending");  // whatever state the caller passed

  auto byTx = s.FindPendingByTransaction("tx-1");
  ASSERT_TRUE(byTx && *byTx);
  EXPECT_EQ((*byTx)->request_id, *id);
  EXPECT_EQ((*byTx)->public_key_sha256, "pk-tx-1");
  EXPECT_EQ((*byTx)->signer_sha256, "signer-tx-1");
  EXPECT_EQ((*byTx)->csr, (Bytes{0x30, 0x01, 0x00}));
  EXPECT_EQ((*byTx)->grant_json, R"({"profile":"wifi"})");
  EXPECT_EQ((*byTx)->decision, "pending");
  EXPECT_EQ((*s.FindPending(*id))->transaction_id, "tx-1");
  EXPECT_FALSE(*s.FindPending(*id + 100));
  EXPECT_FALSE(*s.FindPendingByTransaction("tx-unknown"));

  auto use = s.FindChallengeUse("ch-1");
  ASSERT_TRUE(use && *use);
  EXPECT_EQ((*use)->transaction_id, "tx-1");
  // The challenge is spent: a second request with it is refused and nothing is written.
  ExpectCode(s.RecordPending(MakeRequest("c2", 11, "received", "tx-2"), MakePending("tx-2"),
                             MakeUse("ch-1", "tx-2"), ClaimOn("tx-2")),
             ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.ListRequests({})->size(), 1u);
  EXPECT_FALSE(*s.FindPendingByTransaction("tx-2"));
}

TYPED_TEST(PendingStoreTest, RejectionFailsTheRequestAndQueuesItsEvent) {
  Store& s = this->store();
  auto id = s.RecordPending(MakeRequest("c1", 10, "received", "tx-1"), MakePending("tx-1"),
                            std::nullopt, ClaimOn("tx-1"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(s.DecidePending(*id, Decide("rejected", "not our laptop", 20, RejectedEvent())));
  auto p = s.FindPending(*id);
  EXPECT_EQ((*p)->decision, "rejected");
  EXPECT_EQ((*p)->reason, "not our laptop");
  EXPECT_EQ((*p)->decided_at, 20);
  auto r = s.ListRequests({})->front();
  EXPECT_EQ(r.state, "failed");
  EXPECT_EQ(r.stage, "approval");
  EXPECT_EQ(r.reason, "not our laptop");
  EXPECT_EQ(r.fail_info, "badRequest");
  auto events = s.DueEvents(20, 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().type, "request.failed");
  EXPECT_EQ(events->front().request_id, *id);
  // Decided once only; an unknown request is not found.
  ExpectCode(s.DecidePending(*id, Decide("approved", "", 21)), ErrorCode::kFailedPrecondition);
  ExpectCode(s.DecidePending(*id + 100, Decide("approved", "", 21)), ErrorCode::kNotFound);
}

TYPED_TEST(PendingStoreTest, AnApprovedRequestIsIssuedOnceAndLinkedToItsCertificate) {
  Store& s = this->store();
  auto id = s.RecordPending(MakeRequest("c1", 10, "received", "tx-1"), MakePending("tx-1"),
                            std::nullopt, ClaimOn("tx-1"));
  ASSERT_TRUE(id);
  // Not approved yet: the issuance is refused, and nothing of it is stored.
  Issuance early = MakeIssuance(MakeCert("c0", 15, "tx-1"), MakeRequest("poll0", 15));
  early.completes_pending = *id;
  ExpectCode(s.RecordIssuance(early), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(*s.FindCertificate("c0"));

  ASSERT_TRUE(s.DecidePending(*id, Decide("approved", "", 20)));
  EXPECT_EQ(s.ListRequests({})->front().state, "verified");

  Issuance is = MakeIssuance(MakeCert("c1", 30, "tx-1"), MakeRequest("poll", 30));
  is.completes_pending = *id;
  ASSERT_TRUE(s.RecordIssuance(is));
  EXPECT_EQ((*s.FindPending(*id))->decision, "issued");
  auto cert = s.FindCertificate("c1");
  ASSERT_TRUE(cert && *cert);
  EXPECT_EQ((*cert)->request_id, *id);
  auto held = s.ListRequests(Requests(std::nullopt, std::string("tx-1")));
  bool found = false;
  for (const auto& r : *held) {
    if (r.id != *id) continue;
    found = true;
    EXPECT_EQ(r.state, "issued");
    EXPECT_EQ(r.cert_serial, "c1");
  }
  EXPECT_TRUE(found);
  // A second issuance for the same approval is refused.
  Issuance again = MakeIssuance(MakeCert("c2", 31, "tx-1"), MakeRequest("poll2", 31));
  again.completes_pending = *id;
  ExpectCode(s.RecordIssuance(again), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(*s.FindCertificate("c2"));
}

TYPED_TEST(PendingStoreTest, AHeldTransactionIsClaimedAndItsIssuanceFillsTheClaim) {
  Store& s = this->store();
  auto id = s.RecordPending(MakeRequest("c1", 10, "received", "tx-1"), MakePending("tx-1"),
                            std::nullopt, ClaimOn("tx-1"));
  ASSERT_TRUE(id);
  auto claim = s.FindTransaction("tx-1", "");
  ASSERT_TRUE(claim && *claim);
  EXPECT_EQ((*claim)->request_id, *id);
  EXPECT_EQ((*claim)->serial, "");
  EXPECT_EQ((*claim)->public_key_sha256, "pk-tx-1");
  // A second copy of the transaction is not held again.
  ExpectCode(s.RecordPending(MakeRequest("c2", 11, "received", "tx-1"), MakePending("tx-1"),
                             std::nullopt, ClaimOn("tx-1")),
             ErrorCode::kConflict);
  EXPECT_EQ(s.ListRequests({})->size(), 1u);
  ASSERT_TRUE(s.DecidePending(*id, Decide("approved", "", 20)));
  Issuance is = MakeIssuance(MakeCert("c1", 30, "tx-1"), MakeRequest("poll", 30));
  is.completes_pending = *id;
  ASSERT_TRUE(s.RecordIssuance(is));
  EXPECT_EQ((*s.FindTransaction("tx-1", ""))->serial, "c1");
}

}  // namespace
}  // namespace scepgate::store

// Behavioural tests of the notification outbox, run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class OutboxStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(OutboxStoreTest, Backends, BackendNames);

OutboxEvent MakeEvent(const std::string& type, int64_t at) {
  OutboxEvent e;
  e.type = type;
  e.payload = R"({"serial":"ab"})";
  e.created_at = at;
  e.next_attempt_at = at;
  return e;
}

TYPED_TEST(OutboxStoreTest, EventsQueuedWithAnIssuanceCarryItsRequestAndAreDueInOrder) {
  Store& s = this->store();
  Issuance is = MakeIssuance(MakeCert("c1", 10), MakeRequest("corr", 10));
  is.events.push_back(MakeEvent("certificate.issued", 10));
  auto request_id = s.RecordIssuance(is);
  ASSERT_TRUE(request_id);
  auto second = s.EnqueueEvent(MakeEvent("certificate.revoked", 20));
  ASSERT_TRUE(second);
  auto due = s.DueEvents(15, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);  // the second is not due yet
  EXPECT_EQ(due->front().type, "certificate.issued");
  EXPECT_EQ(due->front().request_id, *request_id);
  EXPECT_EQ(due->front().payload, R"({"serial":"ab"})");
  EXPECT_EQ(due->front().state, "pending");
  EXPECT_EQ(s.DueEvents(20, 10)->size(), 2u);
  EXPECT_EQ(s.DueEvents(20, 1)->size(), 1u);
  EventFilter of_request;
  of_request.request_id = *request_id;
  auto listed = s.ListEvents(of_request);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().type, "certificate.issued");
  of_request.request_id = *request_id + 1000;
  EXPECT_TRUE(s.ListEvents(of_request)->empty());
}

TYPED_TEST(OutboxStoreTest, AWorkerTakesOnlyTheEventsOfItsScope) {
  Store& s = this->store();
  ASSERT_TRUE(s.EnqueueEvent(MakeEvent("certificate.issued", 10)));
  ASSERT_TRUE(s.EnqueueEvent(MakeEvent("intune.success", 10)));
  ASSERT_TRUE(s.EnqueueEvent(MakeEvent("request.failed", 10)));
  ASSERT_TRUE(s.EnqueueEvent(MakeEvent("intune.failure", 10)));
  ASSERT_TRUE(s.EnqueueEvent(MakeEvent("intune", 10)));  // no dot: not the prefix
  auto intune = s.ClaimEvents(10, 10, 60, "intune", EventScope{"intune.", false});
  ASSERT_TRUE(intune) << intune.error().message;
  ASSERT_EQ(intune->size(), 2u);
  EXPECT_EQ((*intune)[0].type, "intune.success");
  EXPECT_EQ((*intune)[1].type, "intune.failure");
  auto hooks = s.ClaimEvents(10, 10, 60, "hooks", EventScope{"intune.", true});
  ASSERT_TRUE(hooks) << hooks.error().message;
  ASSERT_EQ(hooks->size(), 3u);
  EXPECT_EQ((*hooks)[0].type, "certificate.issued");
  EXPECT_EQ((*hooks)[1].type, "request.failed");
  EXPECT_EQ((*hooks)[2].type, "intune");
  EXPECT_TRUE(s.ClaimEvents(10, 10, 60, "any", {})->empty());  // all leased now
}

TYPED_TEST(OutboxStoreTest, DeliveryOfAnIssuedEventMarksTheRequestNotified) {
  Store& s = this->store();
  Issuance is = MakeIssuance(MakeCert("c1", 10), MakeRequest("corr", 10));
  is.events.push_back(MakeEvent("certificate.issued", 10));
  ASSERT_TRUE(s.RecordIssuance(is));
  auto taken = s.ClaimEvents(10, 10, 60, "w1", {});
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 1u);
  int64_t id = taken->front().id;
  ASSERT_TRUE(s.MarkEventDelivered(id, "w1", 12, RequestTransition{"issued", "notified"}));
  EXPECT_TRUE(s.DueEvents(100, 10)->empty());
  auto events = s.ListEvents({});
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().state, "delivered");
  EXPECT_EQ(events->front().delivered_at, 12);
  EXPECT_EQ(events->front().attempts, 1);
  EXPECT_EQ(s.ListRequests({})->front().state, "notified");
  ExpectCode(s.MarkEventDelivered(999, "w1", 1, std::nullopt), ErrorCode::kConflict);
  ExpectCode(s.MarkEventDelivered(id, "w1", 13, std::nullopt), ErrorCode::kConflict);
}

TYPED_TEST(OutboxStoreTest, FailedAttemptsBackOffThenGiveUp) {
  Store& s = this->store();
  auto id = s.EnqueueEvent(MakeEvent("request.failed", 10));
  ASSERT_TRUE(id);
  ASSERT_EQ(s.ClaimEvents(10, 10, 60, "w1", {})->size(), 1u);
  ASSERT_TRUE(s.MarkEventFailed(*id, "w1", "HTTP 500", 40, false));
  EXPECT_TRUE(s.DueEvents(39, 10)->empty());
  auto due = s.DueEvents(40, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().attempts, 1);
  EXPECT_EQ(due->front().last_error, "HTTP 500");
  ASSERT_EQ(s.ClaimEvents(40, 10, 60, "w1", {})->size(), 1u);
  ASSERT_TRUE(s.MarkEventFailed(*id, "w1", "connection refused", 100, true));
  EXPECT_TRUE(s.DueEvents(1000, 10)->empty());
  EventFilter dead;
  dead.state = "dead";
  auto listed = s.ListEvents(dead);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().attempts, 2);
  // A dead event takes no more attempts.
  EXPECT_TRUE(s.ClaimEvents(1000, 10, 60, "w1", {})->empty());
  ExpectCode(s.MarkEventFailed(*id, "w1", "x", 1, false), ErrorCode::kConflict);
}

TYPED_TEST(OutboxStoreTest, EventsAreCountedByState) {
  Store& s = this->store();
  EXPECT_TRUE(s.CountEvents()->empty());
  for (int64_t at : {10, 11, 12, 13}) ASSERT_TRUE(s.EnqueueEvent(MakeEvent("request.failed", at)));
  auto taken = s.ClaimEvents(100, 2, 60, "w1", {});
  ASSERT_EQ(taken->size(), 2u);
  ASSERT_TRUE(s.MarkEventDelivered((*taken)[0].id, "w1", 20, std::nullopt));
  ASSERT_TRUE(s.MarkEventFailed((*taken)[1].id, "w1", "HTTP 500", 20, true));
  auto counts = s.CountEvents();
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(*counts,
            (std::map<std::string, int64_t>{{"dead", 1}, {"delivered", 1}, {"pending", 2}}));
}

TYPED_TEST(OutboxStoreTest, PruningTakesTheOldestUpToTheFirstYoungerAndNeverReusesIds) {
  Store& s = this->store();
  for (int64_t at : {10, 20, 30, 25, 40})
    ASSERT_TRUE(s.EnqueueEvent(MakeEvent("request.failed", at)));
  auto id = s.ClaimEvents(100, 1, 60, "w1", {})->front().id;
  ASSERT_TRUE(s.MarkEventDelivered(id, "w1", 11, std::nullopt));
  // The limit bounds one call; pruning stops at the first event young enough to keep (30),
  // even though an older one (25) follows it.
  auto pruned = s.PruneEvents(28, 1);
  ASSERT_TRUE(pruned) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(*s.PruneEvents(28, 100), 1);
  EXPECT_EQ(*s.PruneEvents(28, 100), 0);
  EXPECT_EQ(*s.PruneEvents(0, 100), 0);
  auto left = s.ListEvents({});
  ASSERT_EQ(left->size(), 3u);
  EXPECT_EQ(left->back().created_at, 30);
  EXPECT_EQ(left->back().id, id + 2);
  EXPECT_EQ(*s.PruneEvents(1000, 100), 3);
  EXPECT_TRUE(s.ListEvents({})->empty());
  auto next = s.EnqueueEvent(MakeEvent("request.failed", 50));
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, id + 5);  // a receiver deduplicates by id: a pruned id never comes back
}

TYPED_TEST(OutboxStoreTest, AnEventIsLeasedToOneWorkerUntilTheLeaseRunsOut) {
  Store& s = this->store();
  for (int64_t at : {10, 11, 12}) ASSERT_TRUE(s.EnqueueEvent(MakeEvent("request.failed", at)));
  auto first = s.ClaimEvents(20, 2, 30, "w1", {});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_LT(first->at(0).id, first->at(1).id);  // oldest first
  auto second = s.ClaimEvents(20, 10, 30, "w2", {});
  ASSERT_EQ(second->size(), 1u);  // only the one w1 did not take
  EXPECT_GT(second->front().id, first->at(1).id);
  EXPECT_TRUE(s.ClaimEvents(49, 10, 30, "w3", {})->empty());
  ASSERT_TRUE(s.MarkEventDelivered(second->front().id, "w2", 30, std::nullopt));
  // w1 died: at 50 its leases have run out and w3 takes both; w1's late answer changes nothing.
  auto retaken = s.ClaimEvents(50, 10, 30, "w3", {});
  ASSERT_EQ(retaken->size(), 2u);
  ExpectCode(s.MarkEventDelivered(first->at(0).id, "w1", 51, std::nullopt), ErrorCode::kConflict);
  ASSERT_TRUE(s.MarkEventDelivered(first->at(0).id, "w3", 52, std::nullopt));
  ASSERT_TRUE(s.MarkEventFailed(first->at(1).id, "w3", "HTTP 503", 60, false));
  // A failed attempt ends the lease: due again at its next attempt, for any worker.
  EXPECT_TRUE(s.ClaimEvents(59, 10, 30, "w4", {})->empty());
  EXPECT_EQ(s.ClaimEvents(60, 10, 30, "w4", {})->size(), 1u);
}

TYPED_TEST(OutboxStoreTest, RequestAndRevocationQueueTheirEventsAtomically) {
  Store& s = this->store();
  auto request_id =
      s.RecordRequest(MakeRequest("corr", 10, "failed"), {MakeEvent("request.failed", 10)});
  ASSERT_TRUE(request_id);
  EXPECT_EQ(s.DueEvents(10, 10)->front().request_id, *request_id);
  ASSERT_TRUE(s.InsertCertificate(MakeCert("c1", 10)));
  ASSERT_TRUE(s.RevokeAndNotify("c1", 5, 30, MakeEvent("certificate.revoked", 30)));
  EXPECT_EQ(s.ListEvents({})->size(), 2u);
  // A revocation that fails queues nothing.
  ExpectCode(s.RevokeAndNotify("c1", 5, 31, MakeEvent("certificate.revoked", 31)),
             ErrorCode::kAlreadyExists);
  ExpectCode(s.RevokeAndNotify("nope", 5, 31, MakeEvent("certificate.revoked", 31)),
             ErrorCode::kNotFound);
  EXPECT_EQ(s.ListEvents({})->size(), 2u);
}

}  // namespace
}  // namespace scepgate::store

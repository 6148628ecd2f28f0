// mgmt::Approvals over a MemoryStore: each decision once, a reason for a rejection, the event.
#include "mgmt/approvals.h"

#include <gtest/gtest.h>

#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

class ApprovalsTest : public ::testing::Test {
 protected:
  int64_t Hold(const std::string& transaction_id) {
    store::RequestRecord r;
    r.transaction_id = transaction_id;
    r.message_type = "PKCSReq";
    r.device_id = "dev-1";
    r.profile = "wifi";
    store::PendingRecord p;
    p.transaction_id = transaction_id;
    p.public_key_sha256 = "pk";
    p.grant_json = "{}";
    store::TransactionClaim claim;
    claim.transaction_id = transaction_id;
    claim.public_key_sha256 = "pk";
    auto id = store_.RecordPending(r, p, std::nullopt, claim);
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  store::MemoryStore store_;
  FakeClock clock_{1'800'000'000};
  Approvals approvals_{store_, clock_};
};

TEST_F(ApprovalsTest, ApprovalIsRecordedOnce) {
  int64_t id = Hold("tx-1");
  ASSERT_TRUE(approvals_.Approve(id));
  EXPECT_EQ((*store_.FindPending(id))->decision, "approved");
  EXPECT_EQ(store_.ListRequests({})->front().state, "verified");
  EXPECT_TRUE(store_.DueEvents(clock_.Now(), 10)->empty());
  auto again = approvals_.Approve(id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  auto reject = approvals_.Reject(id, "too late");
  ASSERT_FALSE(reject);
  EXPECT_EQ(reject.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(ApprovalsTest, RejectionFailsTheRequestWithItsReasonAndQueuesAnEvent) {
  int64_t id = Hold("tx-1");
  auto empty = approvals_.Reject(id, "  ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(approvals_.Reject(id, "unknown laptop"));
  auto r = store_.ListRequests({})->front();
  EXPECT_EQ(r.state, "failed");
  EXPECT_EQ(r.stage, "approval");
  EXPECT_EQ(r.reason, "RequestRejected: unknown laptop");
  EXPECT_EQ((*store_.FindPending(id))->reason, "RequestRejected: unknown laptop");
  auto events = store_.DueEvents(clock_.Now(), 10);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().type, "request.failed");
  EXPECT_NE(events->front().payload.find("RequestRejected: unknown laptop"), std::string::npos);
  EXPECT_NE(events->front().payload.find("dev-1"), std::string::npos);
}

TEST_F(ApprovalsTest, UnknownRequestsAreNotFound) {
  int64_t id = Hold("tx-1");
  for (int64_t bad : {id + 1, int64_t{0}, int64_t{-3}}) {
    auto a = approvals_.Approve(bad);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::kNotFound);
    auto r = approvals_.Reject(bad, "x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace scepgate::mgmt

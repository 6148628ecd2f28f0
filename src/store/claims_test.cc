// The exactly-once guarantees of store.h, run against every Store with real threads racing:
// one claim per transaction, one use per challenge, one decision per held request, CRLs never
// replaced by older ones, one lease per outbox event. (sqlite/processes_test.cc races processes.)
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class ClaimsStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(ClaimsStoreTest, Backends, BackendNames);

constexpr int kThreads = 16;
constexpr int kRounds = 20;

// Runs `body(i)` on kThreads threads released together.
template <class Body>
void Race(Body body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      body(i);
    });
  go = true;
  for (auto& t : threads) t.join();
}

TransactionClaim ClaimOn(const std::string& transaction_id, const std::string& renews = "") {
  TransactionClaim c;
  c.transaction_id = transaction_id;
  c.renews = renews;
  c.public_key_sha256 = "pk-" + transaction_id;
  c.created_at = 10;
  return c;
}

TYPED_TEST(ClaimsStoreTest, CopiesOfATransactionRaceAndOneIssuanceWins) {
  Store& s = this->store();
  for (int round = 0; round < kRounds; ++round) {
    std::string tid = "tx-" + std::to_string(round);
    std::atomic<int> won{0}, conflicts{0}, other{0};
    std::string winner;
    std::mutex mu;
    Race([&](int i) {
      std::string serial = "r" + std::to_string(round) + "c" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(serial, 10, tid), MakeRequest(serial, 10, "issued", tid));
      is.claim = ClaimOn(tid);
      auto id = s.RecordIssuance(is);
      if (id) {
        ++won;
        std::lock_guard lock(mu);
        winner = serial;
      } else if (id.error().code == ErrorCode::kConflict) {
        ++conflicts;
      } else {
        ++other;
      }
    });
    ASSERT_EQ(won.load(), 1) << "round " << round;
    ASSERT_EQ(conflicts.load(), kThreads - 1);
    ASSERT_EQ(other.load(), 0);
    auto claim = s.FindTransaction(tid, "");
    ASSERT_TRUE(claim && *claim);
    EXPECT_EQ((*claim)->serial, winner);
    EXPECT_EQ((*claim)->public_key_sha256, "pk-" + tid);
    EXPECT_EQ(s.FindByTransaction(tid)->size(), 1u);  // the losers stored nothing
  }
  EXPECT_EQ(s.ListRequests({})->size(), static_cast<size_t>(kRounds));
}

TYPED_TEST(ClaimsStoreTest, ARenewalIsATransactionOfItsOwn) {
  Store& s = this->store();
  Issuance first = MakeIssuance(MakeCert("s1", 10, "tx"), MakeRequest("a", 10, "issued", "tx"));
  first.claim = ClaimOn("tx");
  ASSERT_TRUE(s.RecordIssuance(first));
  Issuance renewal = MakeIssuance(MakeCert("s2", 20, "tx"), MakeRequest("b", 20, "issued", "tx"));
  renewal.claim = ClaimOn("tx", "s1");
  ASSERT_TRUE(s.RecordIssuance(renewal));
  EXPECT_EQ((*s.FindTransaction("tx", "s1"))->serial, "s2");
  EXPECT_EQ((*s.FindTransaction("tx", ""))->serial, "s1");
  EXPECT_FALSE(*s.FindTransaction("tx", "s2"));
  Issuance again = MakeIssuance(MakeCert("s3", 30, "tx"), MakeRequest("c", 30, "issued", "tx"));
  again.claim = ClaimOn("tx", "s1");
  ExpectCode(s.RecordIssuance(again), ErrorCode::kConflict);
  EXPECT_FALSE(*s.FindCertificate("s3"));
}

TYPED_TEST(ClaimsStoreTest, AChallengeIsSpentByOneOfManyRacingTransactions) {
  Store& s = this->store();
  for (int round = 0; round < kRounds; ++round) {
    std::string challenge = "ch-" + std::to_string(round);
    std::atomic<int> won{0}, spent{0};
    Race([&](int i) {
      std::string tid = "r" + std::to_string(round) + "t" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(tid, 10, tid), MakeRequest(tid, 10, "issued", tid));
      is.claim = ClaimOn(tid);
      is.challenge_use = ChallengeUse{challenge, tid, "pk-" + tid, "", 10};
      auto id = s.RecordIssuance(is);
      if (id) ++won;
      if (!id && id.error().code == ErrorCode::kFailedPrecondition) ++spent;
    });
    ASSERT_EQ(won.load(), 1) << "round " << round;
    ASSERT_EQ(spent.load(), kThreads - 1);
  }
}

TYPED_TEST(ClaimsStoreTest, AHeldRequestIsDecidedOnceWhateverRaces) {
  Store& s = this->store();
  for (int round = 0; round < kRounds; ++round) {
    std::string tid = "held-" + std::to_string(round);
    PendingRecord p;
    p.transaction_id = tid;
    p.public_key_sha256 = "pk-" + tid;
    p.grant_json = "{}";
    auto id = s.RecordPending(MakeRequest(tid, 10, "pending", tid), p, std::nullopt, ClaimOn(tid));
    ASSERT_TRUE(id);
    std::atomic<int> won{0}, refused{0};
    Race([&](int i) {
      Decision d;
      d.decision = i % 2 == 0 ? "approved" : "rejected";
      d.reason = i % 2 == 0 ? "" : "no";
      d.at = 20;
      d.request_state = i % 2 == 0 ? "verified" : "failed";
      auto decided = s.DecidePending(*id, d);
      if (decided) ++won;
      if (!decided && decided.error().code == ErrorCode::kFailedPrecondition) ++refused;
    });
    ASSERT_EQ(won.load(), 1) << "round " << round;
    ASSERT_EQ(refused.load(), kThreads - 1);
  }
}

TYPED_TEST(ClaimsStoreTest, ACrlIsNeverReplacedByAnOlderOne) {
  Store& s = this->store();
  EXPECT_FALSE(*s.FindCrl("issuer-a"));
  ASSERT_TRUE(*s.StoreCrl({"issuer-a", 2, 20, {0x30, 0x02}}));
  EXPECT_FALSE(*s.StoreCrl({"issuer-a", 1, 30, {0x30, 0x01}}));
  EXPECT_FALSE(*s.StoreCrl({"issuer-a", 2, 30, {0x30, 0x09}}));
  ASSERT_TRUE(*s.StoreCrl({"issuer-b", 1, 30, {0x30, 0x0b}}));
  auto a = s.FindCrl("issuer-a");
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->number, 2);
  EXPECT_EQ((*a)->der, (Bytes{0x30, 0x02}));
  EXPECT_EQ((*a)->this_update, 20);
  // Publishers finishing in any order: the highest number stays.
  for (int round = 0; round < kRounds; ++round) {
    Race([&](int i) {
      int64_t number = 100 * (round + 1) + (i * 7) % kThreads;
      auto stored = s.StoreCrl({"issuer-a", number, number, {0x30, static_cast<uint8_t>(i)}});
      EXPECT_TRUE(stored);
    });
    EXPECT_EQ((*s.FindCrl("issuer-a"))->number, 100 * (round + 1) + kThreads - 1);
  }
}

TYPED_TEST(ClaimsStoreTest, ANamedLeaseHasOneHolderAtATime) {
  Store& s = this->store();
  for (int round = 0; round < kRounds; ++round) {
    // Each round the lease is free again (the last holder's time ran out at 100 * round + 50).
    const int64_t now = 100 * (round + 1);
    std::atomic<int> holders = 0;
    std::vector<std::string> winners(kThreads);
    Race([&](int i) {
      std::string owner = "node-" + std::to_string(i);
      auto held = s.TakeLease("intune.revocations", owner, now, now + 50);
      ASSERT_TRUE(held) << held.error().message;
      if (*held) {
        holders++;
        winners[static_cast<size_t>(i)] = owner;
      }
    });
    ASSERT_EQ(holders.load(), 1) << "round " << round;
    std::string winner;
    for (const std::string& w : winners)
      if (!w.empty()) winner = w;
    // The holder renews it; nobody else gets it before it runs out; then anyone may.
    EXPECT_TRUE(*s.TakeLease("intune.revocations", winner, now + 10, now + 50));
    EXPECT_FALSE(*s.TakeLease("intune.revocations", winner + "x", now + 49, now + 99));
    EXPECT_TRUE(*s.TakeLease("other", winner + "x", now + 49, now + 99));  // another name
  }
}

TYPED_TEST(ClaimsStoreTest, RacingWorkersLeaseEachEventOnce) {
  Store& s = this->store();
  constexpr int kEvents = 200;
  for (int i = 0; i < kEvents; ++i) {
    OutboxEvent e;
    e.type = "request.failed";
    e.payload = "{}";
    e.created_at = 10;
    e.next_attempt_at = 10;
    ASSERT_TRUE(s.EnqueueEvent(e));
  }
  std::mutex mu;
  std::vector<int64_t> taken;
  Race([&](int i) {
    std::string owner = "w" + std::to_string(i);
    while (true) {
      auto got = s.ClaimEvents(20, 3, 60, owner, {});
      ASSERT_TRUE(got);
      if (got->empty()) return;
      for (const OutboxEvent& e : *got) {
        ASSERT_TRUE(s.MarkEventDelivered(e.id, owner, 21, std::nullopt));
        std::lock_guard lock(mu);
        taken.push_back(e.id);
      }
    }
  });
  std::set<int64_t> unique(taken.begin(), taken.end());
  EXPECT_EQ(taken.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kEvents));
  EventFilter delivered;
  delivered.state = "delivered";
  EXPECT_EQ(s.ListEvents(delivered)->size(), static_cast<size_t>(kEvents));
}

}  // namespace
}  // namespace scepgate::store

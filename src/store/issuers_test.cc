// The registry of issuing CAs (store/issuers.h) against every Store: registered once, listed in
// registration order, and the CRL counters never lose a request for a new CRL.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class IssuersStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(IssuersStoreTest, Backends, BackendNames);

IssuerRecord Issuer(const std::string& id, int64_t created_at) {
  return {id, Bytes{0x30, 0x03, 0x02, 0x01, 0x00}, "CA " + id, true, created_at, 0, 0};
}

TYPED_TEST(IssuersStoreTest, AnIssuerIsRegisteredOnceAndListedInOrder) {
  auto& s = this->store();
  ASSERT_TRUE(s.RegisterIssuer(Issuer("b", 20)));
  ASSERT_TRUE(s.RegisterIssuer(Issuer("a", 10)));
  auto again = s.RegisterIssuer(Issuer("a", 30));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  auto list = s.ListIssuers();
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "a");
  EXPECT_EQ((*list)[0].created_at, 10);
  EXPECT_EQ((*list)[0].cert_der, (Bytes{0x30, 0x03, 0x02, 0x01, 0x00}));
  EXPECT_EQ((*list)[1].id, "b");
  ASSERT_TRUE(s.SetIssuerActive("b", false));
  EXPECT_FALSE((*s.ListIssuers())[1].active);
  EXPECT_EQ(s.SetIssuerActive("nope", false).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s.WantCrl("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s.CrlPublished("nope", 1).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(IssuersStoreTest, AnIssuerIsRevokedOnceAndRetiredWithIt) {
  auto& s = this->store();
  ASSERT_TRUE(s.RegisterIssuer(Issuer("a", 10)));
  ASSERT_TRUE(s.RegisterIssuer(Issuer("b", 20)));
  EXPECT_EQ((*s.ListIssuers())[0].revoked_at, 0);
  ASSERT_TRUE(s.RevokeIssuer("a", 2, 500));
  auto list = *s.ListIssuers();
  EXPECT_EQ(list[0].revoked_at, 500);
  EXPECT_EQ(list[0].revocation_reason, 2);
  EXPECT_FALSE(list[0].active);
  EXPECT_TRUE(list[1].active);
  EXPECT_EQ(list[1].revoked_at, 0);
  auto again = s.RevokeIssuer("a", 1, 600);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists) << again.error().message;
  EXPECT_EQ((*s.ListIssuers())[0].revoked_at, 500);
  EXPECT_EQ(s.RevokeIssuer("nope", 1, 600).error().code, ErrorCode::kNotFound);
  // Reinstating a revoked CA lists it again in no GetCACert: CaState leaves revoked ones out.
  ASSERT_TRUE(s.SetIssuerActive("a", true));
  EXPECT_EQ((*s.ListIssuers())[0].revoked_at, 500);
}

// Revoking an issuing CA is a conditional write: of many threads revoking it at once, exactly one
// succeeds, and the time and reason recorded are that one's.
TYPED_TEST(IssuersStoreTest, OfParallelRevocationsOfAnIssuerExactlyOneWins) {
  auto& s = this->store();
  constexpr int kRounds = 10, kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = "ca-" + std::to_string(round);
    ASSERT_TRUE(s.RegisterIssuer(Issuer(id, round)));
    std::atomic<bool> go{false};
    std::atomic<int> won{-1};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        auto r = s.RevokeIssuer(id, 1 + t % 6, 1000 + t);
        if (r) {
          int none = -1;
          EXPECT_TRUE(won.compare_exchange_strong(none, t)) << "two revocations won";
        } else {
          EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists) << r.error().message;
          refused.fetch_add(1);
        }
      });
    go = true;
    for (auto& t : threads) t.join();
    ASSERT_GE(won.load(), 0) << "no revocation won in round " << round;
    EXPECT_EQ(refused.load(), kThreads - 1);
    auto list = *s.ListIssuers();
    auto it = std::ranges::find(list, id, &IssuerRecord::id);
    ASSERT_NE(it, list.end());
    EXPECT_EQ(it->revoked_at, 1000 + won.load());
    EXPECT_EQ(it->revocation_reason, 1 + won.load() % 6);
    EXPECT_FALSE(it->active);
  }
}

TYPED_TEST(IssuersStoreTest, ARequestForANewCrlIsNeverLostToAPublisher) {
  auto& s = this->store();
  ASSERT_TRUE(s.RegisterIssuer(Issuer("x", 1)));
  constexpr int kThreads = 8, kEach = 10;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) EXPECT_TRUE(s.WantCrl("x"));
    });
  go = true;
  // A publisher reads what is wanted, "signs", and records it, while the requests go on.
  for (int i = 0; i < 5; ++i) {
    int64_t wanted = (*s.ListIssuers())[0].crl_wanted;
    ASSERT_TRUE(s.CrlPublished("x", wanted));
  }
  for (auto& t : threads) t.join();
  auto after = (*s.ListIssuers())[0];
  EXPECT_EQ(after.crl_wanted, kThreads * kEach);
  EXPECT_LE(after.crl_published, after.crl_wanted);
  ASSERT_TRUE(s.CrlPublished("x", 3));  // an older publisher never moves it back
  EXPECT_GE((*s.ListIssuers())[0].crl_published, after.crl_published);
}

}  // namespace
}  // namespace scepgate::store

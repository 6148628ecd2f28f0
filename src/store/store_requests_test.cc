// Behavioural tests of request records, counters, settings and concurrent use, run against every
// Store implementation.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

using Strings = std::vector<std::string>;

template <class Backend>
class RequestStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(RequestStoreTest, Backends, BackendNames);

TYPED_TEST(RequestStoreTest, InsertRequestRoundTripsAndAssignsIncreasingIds) {
  Store& s = this->store();
  RequestRecord failed = MakeRequest("corr-ü,\"1\"", 100, "failed");
  failed.renewal = false;
  failed.message_type = "";
  auto id1 = s.InsertRequest(failed);
  auto id2 = s.InsertRequest(MakeRequest("corr-2", 100));
  ASSERT_TRUE(id1 && id2);
  EXPECT_GT(*id1, 0);
  EXPECT_GT(*id2, *id1);

  auto all = s.ListRequests({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].id, *id1);
  ExpectSameRequest(failed, (*all)[1]);
  ExpectSameRequest(MakeRequest("corr-2", 100), (*all)[0]);
}

TYPED_TEST(RequestStoreTest, ListRequestsFiltersLimitsAndOrdersNewestFirst) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertRequest(MakeRequest("r1", 100, "issued", "tx-a")));
  ASSERT_TRUE(s.InsertRequest(MakeRequest("r2", 300, "failed", "tx-a")));
  ASSERT_TRUE(s.InsertRequest(MakeRequest("r3", 200, "issued", "tx-b")));
  ASSERT_TRUE(s.InsertRequest(MakeRequest("r4", 200, "pending", "tx-a")));
  ASSERT_TRUE(s.InsertRequest(MakeRequest("r5", 50, "issued", "tx-a")));

  EXPECT_EQ(CorrelationIdsOf(*s.ListRequests({})), (Strings{"r2", "r4", "r3", "r1", "r5"}));
  EXPECT_EQ(CorrelationIdsOf(*s.ListRequests(Requests({}, {}, 3))), (Strings{"r2", "r4", "r3"}));
  EXPECT_EQ(CorrelationIdsOf(*s.ListRequests(Requests("issued", {}))), (Strings{"r3", "r1", "r5"}));
  EXPECT_EQ(CorrelationIdsOf(*s.ListRequests(Requests({}, "tx-a"))),
            (Strings{"r2", "r4", "r1", "r5"}));
  RequestFilter both = Requests("issued", "tx-a", 1);
  EXPECT_EQ(CorrelationIdsOf(*s.ListRequests(both)), (Strings{"r1"}));
  EXPECT_TRUE(s.ListRequests(Requests("notified", {}))->empty());
}

TYPED_TEST(RequestStoreTest, NextCounterCountsFromOnePerName) {
  Store& s = this->store();
  EXPECT_EQ(*s.NextCounter("crl"), 1);
  EXPECT_EQ(*s.NextCounter("crl"), 2);
  EXPECT_EQ(*s.NextCounter("crl"), 3);
  EXPECT_EQ(*s.NextCounter("other"), 1);
  EXPECT_EQ(*s.NextCounter("crl"), 4);
}

TYPED_TEST(RequestStoreTest, SettingsGetSetAndOverwrite) {
  Store& s = this->store();
  auto missing = s.GetSetting("last_crl");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());

  ASSERT_TRUE(s.SetSetting("last_crl", "1700000000"));
  ASSERT_TRUE(s.SetSetting("other", ""));
  EXPECT_EQ(**s.GetSetting("last_crl"), "1700000000");
  ASSERT_TRUE(s.SetSetting("last_crl", "1700003600 ü"));
  EXPECT_EQ(**s.GetSetting("last_crl"), "1700003600 ü");
  auto empty = s.GetSetting("other");
  ASSERT_TRUE(empty && empty->has_value());
  EXPECT_EQ(**empty, "");
}

TYPED_TEST(RequestStoreTest, ConcurrentIssuanceLosesNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  Store& s = this->store();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string serial = std::to_string(t) + "-" + std::to_string(i);
        if (!s.RecordIssuance(
                MakeIssuance(MakeCert(serial, i, "tx-" + serial), MakeRequest(serial, i))))
          ++failures;
        if (!s.NextCounter("issued")) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  auto certs = s.ListCertificates({});
  auto requests = s.ListRequests({});
  ASSERT_TRUE(certs && requests);
  EXPECT_EQ(certs->size(), size_t{kThreads * kPerThread});
  ASSERT_EQ(requests->size(), size_t{kThreads * kPerThread});
  Strings serial_list = SerialsOf(*certs);
  std::set<std::string> serials(serial_list.begin(), serial_list.end());
  std::set<int64_t> ids;
  for (const auto& r : *requests) {
    EXPECT_EQ(r.cert_serial, r.correlation_id);
    EXPECT_TRUE(serials.contains(r.cert_serial)) << r.cert_serial;
    ids.insert(r.id);
  }
  EXPECT_EQ(serials.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(ids.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(*s.NextCounter("issued"), kThreads * kPerThread + 1);
}

}  // namespace
}  // namespace scepgate::store

// RA certificate renewals (store/ra_certs.h) against every Store: one renewal per certificate
// whatever the number of nodes publishing at once, the latest by notAfter per key, and what each
// node serves replaced on each report.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class RaCertificatesStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(RaCertificatesStoreTest, Backends, BackendNames);

RaCertificateRecord Ra(const std::string& id, const std::string& replaces, int64_t not_after,
                       const std::string& key = "key-1") {
  return {id,        key, replaces,    Bytes{0x30, 0x01, static_cast<uint8_t>(id.size())},
          not_after, 5,   "node-" + id};
}

TYPED_TEST(RaCertificatesStoreTest, ACertificateIsRenewedOnceAndTheLatestIsFoundByKey) {
  auto& s = this->store();
  auto none = s.LatestRaCertificate("key-1");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);
  ASSERT_TRUE(s.PublishRaCertificate(Ra("b", "a", 200)));
  auto twice = s.PublishRaCertificate(Ra("b2", "a", 300));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(s.PublishRaCertificate(Ra("b", "x", 300)).error().code, ErrorCode::kAlreadyExists);
  ASSERT_TRUE(s.PublishRaCertificate(Ra("c", "b", 400)));
  ASSERT_TRUE(s.PublishRaCertificate(Ra("z", "y", 900, "key-2")));
  auto latest = s.LatestRaCertificate("key-1");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->id, "c");
  EXPECT_EQ((*latest)->replaces, "b");
  EXPECT_EQ((*latest)->key_id, "key-1");
  EXPECT_EQ((*latest)->not_after, 400);
  EXPECT_EQ((*latest)->created_at, 5);
  EXPECT_EQ((*latest)->created_by, "node-c");
  EXPECT_EQ((*latest)->cert_der, (Bytes{0x30, 0x01, 0x01}));
}

TYPED_TEST(RaCertificatesStoreTest, OfManyNodesPublishingARenewalAtOnceOneWins) {
  auto& s = this->store();
  for (int round = 0; round < 5; ++round) {
    const std::string old = "old-" + std::to_string(round);
    std::atomic<int> won{0};
    std::atomic<int> lost{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        auto published =
            s.PublishRaCertificate(Ra(old + "-new-" + std::to_string(i), old, 1000 + round));
        if (published)
          ++won;
        else if (published.error().code == ErrorCode::kAlreadyExists)
          ++lost;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 1) << "round " << round;
    EXPECT_EQ(lost.load(), 7) << "round " << round;
  }
}

TYPED_TEST(RaCertificatesStoreTest, EachNodeReportsWhatItServesAndLoaded) {
  auto& s = this->store();
  ASSERT_TRUE(s.ReportNodeRa({"node-b", "key-1", "a", "", 10}));
  ASSERT_TRUE(s.ReportNodeRa({"node-a", "key-1", "a", "b", 11}));
  ASSERT_TRUE(s.ReportNodeRa({"node-b", "key-2", "a", "b", 12}));
  auto nodes = s.ListNodeRa();
  ASSERT_TRUE(nodes) << nodes.error().message;
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[0].node, "node-a");
  EXPECT_EQ((*nodes)[1].node, "node-b");
  EXPECT_EQ((*nodes)[0].key_id, "key-1");
  EXPECT_EQ((*nodes)[1].key_id, "key-2");
  EXPECT_EQ((*nodes)[1].serving, "a");
  EXPECT_EQ((*nodes)[1].loaded, "b");
  EXPECT_EQ((*nodes)[1].seen_at, 12);
}

}  // namespace
}  // namespace scepgate::store

// ExpiryOf, ExpiryWatch and /healthz's expiry over a CA whose RA lives 10 days, with a fake clock:
// ok far from the end, warning inside the window (a log line and one ca.expiring event a day),
// expired after it, and an expired RA makes the node unhealthy.
#include "scep/expiry.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "notify/events.h"
#include "scep/health.h"
#include "store/memory_store.h"

namespace scepgate::scep {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kDay = 86400;

class ExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SystemRandom r;
    auto spec = *ca::ParseKeySpec("ec:p256");
    ca::CaSet set;
    auto root_key = std::move(*ca::GenerateKey(spec));
    set.root = std::move(*ca::MakeRootCa(*root_key, "R", 3650, kNow, r));
    set.issuing.key = std::move(*ca::GenerateKey(spec));
    set.issuing.cert =
        std::move(*ca::MakeIssuingCa(*set.issuing.key, "I", 400, *set.root, *root_key, kNow, r));
    set.ra.key = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
    set.ra.cert = std::move(
        *ca::MakeRaCert(*set.ra.key, "RA", 10, *set.issuing.cert, *set.issuing.key, kNow, r));
    cas_ = std::move(*CaState::Build(std::move(set), Config{}));
  }
  // The state ExpiryOf gives `role` at the clock's time, with a 30-day window.
  ExpiryState StateOf(const std::string& role) {
    for (const auto& i : ExpiryOf(*cas_, clock_.Now(), 30 * kDay))
      if (i.role == role) return i.state;
    ADD_FAILURE() << "no " << role;
    return ExpiryState::kOk;
  }
  std::vector<store::OutboxEvent> Events() {
    auto events = store_.ListEvents({});
    EXPECT_TRUE(events);
    return events ? *events : std::vector<store::OutboxEvent>{};
  }

  FakeClock clock_{kNow};
  store::MemoryStore store_;
  std::unique_ptr<CaState> cas_;
};

TEST_F(ExpiryTest, StatesFollowTheClockAndTheWindow) {
  auto items = ExpiryOf(*cas_, kNow, 30 * kDay);
  ASSERT_EQ(items.size(), 3u);  // root, issuing, ra
  EXPECT_EQ(StateOf("root"), ExpiryState::kOk);
  EXPECT_EQ(StateOf("issuing"), ExpiryState::kOk);
  EXPECT_EQ(StateOf("ra"), ExpiryState::kWarning);  // 10 days left
  EXPECT_EQ(WorstOf(items), ExpiryState::kWarning);
  clock_.Advance(11 * kDay);
  EXPECT_EQ(StateOf("ra"), ExpiryState::kExpired);
  clock_.Set(kNow + 380 * kDay);
  EXPECT_EQ(StateOf("issuing"), ExpiryState::kWarning);
  EXPECT_EQ(WorstOf(ExpiryOf(*cas_, clock_.Now(), 30 * kDay)), ExpiryState::kExpired);
  EXPECT_EQ(WorstOf({}), ExpiryState::kOk);
}

TEST_F(ExpiryTest, TheWatchWarnsOnceADayWithAnEvent) {
  ExpiryWatch watch(*cas_, store_, clock_, 30 * kDay);
  EXPECT_EQ(watch.Check(), 1);  // the RA
  EXPECT_EQ(watch.Check(), 0);  // told today already
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, notify::kCaExpiring);
  auto data = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(data["role"], "ra");
  EXPECT_EQ(data["state"], "warning");
  EXPECT_EQ(data["days_left"], 10);
  EXPECT_EQ(data["sha256"], CertSha256(cas_->ra_cert()));
  clock_.Advance(kDay);
  EXPECT_EQ(watch.Check(), 1);  // a new day
  clock_.Advance(10 * kDay);
  EXPECT_EQ(watch.Check(), 1);
  events = Events();
  ASSERT_EQ(events.size(), 3u);
  bool expired = false;
  for (const auto& e : events) expired |= nlohmann::json::parse(e.payload)["state"] == "expired";
  EXPECT_TRUE(expired);
}

TEST_F(ExpiryTest, HealthzSaysWarningThenUnhealthyOnceTheRaExpired) {
  HealthCheck health(store_, *cas_, clock_, 30 * kDay);
  HealthReport r = health.Check();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.expiry, "warning");
  clock_.Advance(11 * kDay);
  r = health.Check();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.expiry, "expired");
  HealthCheck wide(store_, *cas_, clock_, 1);
  clock_.Set(kNow);
  EXPECT_EQ(wide.Check().expiry, "ok");
}

}  // namespace
}  // namespace scepgate::scep

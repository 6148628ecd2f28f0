// The status report's view of many devices (store/report_states.h) against every Store: per
// device the newest valid certificate and the newest request of the profile, whatever other
// profiles, revocations, expiry and devices outside the list hold.
#include <gtest/gtest.h>

#include <map>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class ReportStatesStoreTest : public StoreTest<Backend> {
 protected:
  void Cert(const std::string& serial, const std::string& device, const std::string& profile,
            int64_t created_at, int64_t not_after, bool revoked = false) {
    CertificateRecord c = MakeCert(serial, created_at, "tid-" + serial);
    c.device_id = device;
    c.profile = profile;
    c.not_after = not_after;
    ASSERT_TRUE(this->store().InsertCertificate(c));
    if (revoked) {
      ASSERT_TRUE(this->store().Revoke(serial, 1, created_at + 1));
    }
  }
  int64_t Request(const std::string& name, const std::string& device, const std::string& profile,
                  int64_t created_at, const std::string& state) {
    RequestRecord r = MakeRequest(name, created_at, state, "tid-" + name);
    r.device_id = device;
    r.profile = profile;
    auto id = this->store().InsertRequest(r);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  std::map<std::string, ProfileDeviceState> States(std::vector<std::string> ids, int64_t now) {
    auto states = this->store().ProfileDeviceStates("wifi", ids, now);
    EXPECT_TRUE(states) << states.error().message;
    std::map<std::string, ProfileDeviceState> out;
    if (states)
      for (auto& s : *states) out[s.device_id] = s;
    return out;
  }
};
TYPED_TEST_SUITE(ReportStatesStoreTest, Backends, BackendNames);

TYPED_TEST(ReportStatesStoreTest, TheNewestValidCertificateAndTheNewestRequestOfTheProfile) {
  // Device a: the newest valid WiFi certificate is a2; a3 is revoked, a4 expired, a5 of
  // another profile.
  this->Cert("a1", "dev-a", "WiFi", 100, 10'000);
  this->Cert("a2", "dev-a", "wifi", 200, 10'000);
  this->Cert("a3", "dev-a", "wifi", 300, 10'000, true);
  this->Cert("a4", "dev-a", "wifi", 400, 900);
  this->Cert("a5", "dev-a", "vpn", 500, 10'000);
  this->Request("ra1", "dev-a", "wifi", 200, "issued");
  int64_t ra2 = this->Request("ra2", "dev-a", "wifi", 600, "failed");
  this->Request("ra3", "dev-a", "vpn", 700, "pending");
  // Device b: two requests in the same second; the later one recorded wins. No certificate.
  this->Request("rb1", "dev-b", "WIFI", 300, "failed");
  int64_t rb2 = this->Request("rb2", "dev-b", "wifi", 300, "pending");
  // Device c: only another profile. Device d: not asked about.
  this->Cert("c1", "dev-c", "vpn", 100, 10'000);
  this->Cert("d1", "dev-d", "wifi", 100, 10'000);

  auto states = this->States({"dev-a", "dev-b", "dev-c", "dev-none"}, 1000);
  ASSERT_EQ(states.size(), 2u);
  const ProfileDeviceState& a = states["dev-a"];
  EXPECT_EQ(a.serial, "a2");
  EXPECT_EQ(a.cert_not_after, 10'000);
  EXPECT_EQ(a.request_id, ra2);
  EXPECT_EQ(a.request_created_at, 600);
  EXPECT_EQ(a.request_state, "failed");
  EXPECT_EQ(a.request_reason, "reason of ra2");
  const ProfileDeviceState& b = states["dev-b"];
  EXPECT_EQ(b.serial, "");
  EXPECT_EQ(b.request_id, rb2);
  EXPECT_EQ(b.request_state, "pending");

  // Later, a2 has expired too: only the request is left of device a.
  states = this->States({"dev-a"}, 20'000);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states["dev-a"].serial, "");
  EXPECT_EQ(states["dev-a"].request_id, ra2);
  EXPECT_TRUE(this->States({}, 1000).empty());
}

}  // namespace
}  // namespace scepgate::store

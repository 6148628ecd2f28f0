// The per-profile status report over an in-memory store: every status, the precedence between a
// valid certificate and newer requests, what does not count (expired, revoked, other profiles),
// and which devices get a row.
#include "mgmt/report.h"

#include <gtest/gtest.h>

#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

constexpr int64_t kNow = 1700000000;
constexpr int64_t kDay = 86400;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NewUser u;
    u.upn = "alice@example.com";
    ASSERT_TRUE(dir_.AddUser(u, Role::kAdmin));
    laptop_ = AddDevice("laptop", "alice@example.com");
    kiosk_ = AddDevice("kiosk");
    outsider_ = AddDevice("outsider");
    ASSERT_TRUE(dir_.AddGroup("staff", ""));
    ASSERT_TRUE(dir_.AddGroup("others", ""));
    Join("staff", laptop_);
    Join("staff", kiosk_);
    Join("others", outsider_);
    for (const char* name : {"Wifi", "vpn"}) {
      ProfileSpec s;
      s.cert_type = "device";
      s.subject = "CN={{DeviceName}}";
      s.urls = std::vector<std::string>{"https://scep.example/scep"};
      s.trusted_ca = std::string(64, 'a');
      ASSERT_TRUE(profiles_.Create(name, s));
    }
    ASSERT_TRUE(profiles_.Assign("Wifi", "staff"));
    ASSERT_TRUE(profiles_.Assign("vpn", "others"));
  }
  std::string AddDevice(const std::string& name, const std::string& owner = "") {
    NewDevice d;
    d.name = name;
    d.platform = "windows";
    d.owner = owner;
    auto added = dir_.AddDevice(d);
    EXPECT_TRUE(added) << added.error().message;
    return added ? added->id : "";
  }
  void Join(const std::string& group, const std::string& device) {
    store::GroupMember m;
    m.id = device;
    ASSERT_TRUE(dir_.AddMember(group, m));
  }
  // A certificate for the device and profile, issued at `at`, valid for `days`.
  void AddCert(const std::string& serial, const std::string& device, const std::string& profile,
               int64_t at, int64_t days = 365) {
    store::CertificateRecord c;
    c.serial = serial;
    c.issuer_id = "ca";
    c.subject = "CN=x";
    c.device_id = device;
    c.profile = profile;
    c.not_before = at;
    c.not_after = at + days * kDay;
    c.created_at = at;
    ASSERT_TRUE(store_.InsertCertificate(c));
  }
  void AddRequest(const std::string& device, const std::string& profile, int64_t at,
                  const std::string& state, const std::string& reason = "") {
    store::RequestRecord r;
    r.transaction_id = "t" + std::to_string(at);
    r.message_type = "PKCSReq";
    r.state = state;
    r.reason = reason;
    r.device_id = device;
    r.profile = profile;
    r.created_at = at;
    ASSERT_TRUE(store_.InsertRequest(r));
  }
  // The report's row for the device (profile "wifi"); fails the test when there is none.
  DeviceStatus Row(const std::string& device) {
    auto rows = report_.ForProfile("wifi");
    EXPECT_TRUE(rows) << rows.error().message;
    if (rows)
      for (const DeviceStatus& r : *rows)
        if (r.device_id == device) return r;
    ADD_FAILURE() << "no row for " << device;
    return {};
  }

  store::MemoryStore store_;
  FakeClock clock_{kNow};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
  Profiles profiles_{store_, clock_};
  Report report_{store_, clock_};
  std::string laptop_, kiosk_, outsider_;
};

TEST_F(ReportTest, OneRowPerTargetedDeviceWithItsDetails) {
  auto rows = report_.ForProfile("WIFI");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);  // the outsider is not targeted
  EXPECT_EQ((*rows)[0].device_id, laptop_);
  EXPECT_EQ((*rows)[0].name, "laptop");
  EXPECT_EQ((*rows)[0].platform, "windows");
  EXPECT_EQ((*rows)[0].owner, "alice@example.com");
  EXPECT_EQ((*rows)[1].device_id, kiosk_);
  EXPECT_EQ((*rows)[1].owner, "");
}

TEST_F(ReportTest, UnknownProfileIsNotFound) {
  auto rows = report_.ForProfile("nope");
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, ErrorCode::kNotFound);
}

TEST_F(ReportTest, NoRequestIsNotAttempted) {
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kNotAttempted);
  EXPECT_FALSE(row.last_request);
  EXPECT_FALSE(row.certificate);
  EXPECT_STREQ(DeploymentStatusName(row.status), "Not attempted");
}

TEST_F(ReportTest, ValidCertificateIsSucceeded) {
  AddRequest(laptop_, "Wifi", kNow - 10, "issued");
  AddCert("a1", laptop_, "Wifi", kNow - 10);
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kSucceeded);
  ASSERT_TRUE(row.certificate);
  EXPECT_EQ(row.certificate->serial, "a1");
  EXPECT_EQ(row.certificate->not_after, kNow - 10 + 365 * kDay);
  ASSERT_TRUE(row.last_request);
  EXPECT_EQ(row.last_request->state, "issued");
  EXPECT_EQ(row.last_request->created_at, kNow - 10);
  EXPECT_EQ(Row(kiosk_).status, DeploymentStatus::kNotAttempted);
}

TEST_F(ReportTest, PendingRequestIsPending) {
  AddRequest(kiosk_, "Wifi", kNow - 20, "failed", "ChallengeExpired: late");
  AddRequest(kiosk_, "Wifi", kNow - 10, "pending");
  DeviceStatus row = Row(kiosk_);
  EXPECT_EQ(row.status, DeploymentStatus::kPending);
  EXPECT_EQ(row.last_request->state, "pending");
  EXPECT_FALSE(row.certificate);
}

TEST_F(ReportTest, FailedRequestIsFailedWithItsReason) {
  AddRequest(kiosk_, "Wifi", kNow - 20, "failed", "KeyLengthMismatch: too small");
  AddRequest(kiosk_, "Wifi", kNow - 10, "failed", "SubjectNameMismatch: wrong CN");
  DeviceStatus row = Row(kiosk_);
  EXPECT_EQ(row.status, DeploymentStatus::kFailed);
  EXPECT_EQ(row.last_request->reason, "SubjectNameMismatch: wrong CN");
  EXPECT_EQ(row.last_request->created_at, kNow - 10);
}

TEST_F(ReportTest, NewerFailureKeepsSucceededAndShowsTheFailure) {
  AddRequest(laptop_, "Wifi", kNow - 100, "issued");
  AddCert("a1", laptop_, "Wifi", kNow - 100);
  AddRequest(laptop_, "Wifi", kNow - 10, "failed", "KeyLengthMismatch: renewal key too small");
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kSucceeded);
  EXPECT_EQ(row.certificate->serial, "a1");
  EXPECT_EQ(row.last_request->state, "failed");
  EXPECT_EQ(row.last_request->reason, "KeyLengthMismatch: renewal key too small");
}

TEST_F(ReportTest, NewerPendingKeepsSucceeded) {
  AddCert("a1", laptop_, "Wifi", kNow - 100);
  AddRequest(laptop_, "Wifi", kNow - 10, "pending");
  EXPECT_EQ(Row(laptop_).status, DeploymentStatus::kSucceeded);
}

TEST_F(ReportTest, SuccessAfterFailureIsSucceeded) {
  AddRequest(laptop_, "Wifi", kNow - 100, "failed", "ChallengeInvalid: no");
  AddRequest(laptop_, "Wifi", kNow - 10, "issued");
  AddCert("a2", laptop_, "Wifi", kNow - 10);
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kSucceeded);
  EXPECT_EQ(row.last_request->state, "issued");
  EXPECT_EQ(row.last_request->reason, "");
}

TEST_F(ReportTest, NewestValidCertificateIsShown) {
  AddCert("a1", laptop_, "Wifi", kNow - 200);
  AddCert("a2", laptop_, "Wifi", kNow - 100);
  EXPECT_EQ(Row(laptop_).certificate->serial, "a2");
}

TEST_F(ReportTest, ExpiredCertificateIsNotSucceeded) {
  AddRequest(laptop_, "Wifi", kNow - 40 * kDay, "issued");
  AddCert("a1", laptop_, "Wifi", kNow - 40 * kDay, 30);
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kNotAttempted);
  EXPECT_FALSE(row.certificate);
  ASSERT_TRUE(row.last_request);  // what happened before is still shown
  EXPECT_EQ(row.last_request->state, "issued");

  // Valid through its last second, expired after it.
  AddCert("b1", kiosk_, "Wifi", kNow - 30 * kDay, 30);
  EXPECT_EQ(Row(kiosk_).status, DeploymentStatus::kSucceeded);
  clock_.Advance(1);
  EXPECT_EQ(Row(kiosk_).status, DeploymentStatus::kNotAttempted);
}

TEST_F(ReportTest, ExpiredCertificateAndNewerFailureIsFailed) {
  AddCert("a1", laptop_, "Wifi", kNow - 40 * kDay, 30);
  AddRequest(laptop_, "Wifi", kNow - 10, "failed", "UserDisabled: alice");
  EXPECT_EQ(Row(laptop_).status, DeploymentStatus::kFailed);
}

TEST_F(ReportTest, RevokedCertificateIsNotSucceeded) {
  AddRequest(laptop_, "Wifi", kNow - 100, "issued");
  AddCert("a1", laptop_, "Wifi", kNow - 100);
  ASSERT_TRUE(store_.Revoke("a1", 1, kNow - 50));
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kNotAttempted);
  EXPECT_FALSE(row.certificate);

  // An older certificate still valid keeps the device Succeeded.
  AddCert("a0", kiosk_, "Wifi", kNow - 300);
  AddCert("b1", kiosk_, "Wifi", kNow - 100);
  ASSERT_TRUE(store_.Revoke("b1", 1, kNow - 50));
  EXPECT_EQ(Row(kiosk_).certificate->serial, "a0");
}

TEST_F(ReportTest, AnotherProfilesCertificateAndRequestsDoNotCount) {
  AddCert("v1", laptop_, "vpn", kNow - 100);
  AddCert("s1", laptop_, "", kNow - 100);  // issued on the static challenge
  AddRequest(laptop_, "vpn", kNow - 10, "failed", "SubjectNameMismatch: vpn");
  DeviceStatus row = Row(laptop_);
  EXPECT_EQ(row.status, DeploymentStatus::kNotAttempted);
  EXPECT_FALSE(row.certificate);
  EXPECT_FALSE(row.last_request);
}

TEST_F(ReportTest, AnotherDevicesRecordsDoNotCount) {
  AddCert("k1", kiosk_, "Wifi", kNow - 100);
  AddRequest(kiosk_, "Wifi", kNow - 10, "failed", "x");
  EXPECT_EQ(Row(laptop_).status, DeploymentStatus::kNotAttempted);
}

TEST_F(ReportTest, ProfileNameMatchesInAnyCase) {
  AddCert("a1", laptop_, "WIFI", kNow - 100);
  EXPECT_EQ(Row(laptop_).status, DeploymentStatus::kSucceeded);
}

TEST_F(ReportTest, RetiredAndUntargetedDevicesAreNotListed) {
  ASSERT_TRUE(dir_.RetireDevice(kiosk_));
  AddCert("o1", outsider_, "Wifi", kNow - 100);  // issued before it left the groups, say
  auto rows = report_.ForProfile("wifi");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].device_id, laptop_);
}

TEST_F(ReportTest, StatusNames) {
  EXPECT_STREQ(DeploymentStatusName(DeploymentStatus::kSucceeded), "Succeeded");
  EXPECT_STREQ(DeploymentStatusName(DeploymentStatus::kPending), "Pending");
  EXPECT_STREQ(DeploymentStatusName(DeploymentStatus::kFailed), "Failed");
  EXPECT_STREQ(DeploymentStatusName(DeploymentStatus::kNotAttempted), "Not attempted");
}

}  // namespace
}  // namespace scepgate::mgmt

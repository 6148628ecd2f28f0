// Revocation driven by the management plane: retiring a device, and removing the assignment that
// made a profile target it (revoke_on_unassign), over an in-memory store.
#include "mgmt/revocation.h"

#include <gtest/gtest.h>

#include <cctype>

#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using Strings = std::vector<std::string>;

// Revokes in the store and remembers what it was asked, as CrlPublisher would (minus the CRL).
class RecordingRevoker final : public ca::Revoker {
 public:
  explicit RecordingRevoker(store::Store& store) : store_(store) {}
  Result<ca::RevokeReport> RevokeMany(std::span<const std::string> serials,
                                      ca::RevocationReason reason) override {
    ++batches;
    ca::RevokeReport report;
    for (const std::string& serial : serials) {
      calls.push_back(serial);
      reasons.push_back(reason);
      auto done = store_.Revoke(serial, static_cast<int>(reason), 500);
      if (done) {
        report.revoked.push_back(serial);
      } else if (done.error().code == ErrorCode::kAlreadyExists) {
        report.already_revoked.push_back(serial);
      } else if (done.error().code == ErrorCode::kNotFound) {
        report.not_found.push_back(serial);
      } else {
        return Fail(done.error());
      }
    }
    return report;
  }
  int batches = 0;
  Strings calls;
  std::vector<ca::RevocationReason> reasons;

 private:
  store::Store& store_;
};

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    laptop_ = AddDevice("laptop");
    kiosk_ = AddDevice("kiosk");
    ASSERT_TRUE(dir_.AddGroup("staff", ""));
    ASSERT_TRUE(dir_.AddGroup("lobby", ""));
    Join("staff", laptop_);
    Join("staff", kiosk_);
    Join("lobby", kiosk_);
    for (const char* name : {"wifi", "vpn"}) {
      ProfileSpec s;
      s.cert_type = "device";
      s.subject = "CN={{DeviceName}}";
      s.urls = Strings{"https://scep.example/scep"};
      s.trusted_ca = std::string(64, 'a');
      ASSERT_TRUE(plain_.Create(name, s));
    }
    ASSERT_TRUE(plain_.Assign("wifi", "staff"));
    ASSERT_TRUE(plain_.Assign("wifi", "lobby"));
    ASSERT_TRUE(plain_.Assign("vpn", "staff"));
  }
  std::string AddDevice(const std::string& name) {
    NewDevice d;
    d.name = name;
    d.platform = "linux";
    auto added = dir_.AddDevice(d);
    EXPECT_TRUE(added) << added.error().message;
    return added ? added->id : "";
  }
  void Join(const std::string& group, const std::string& device) {
    store::GroupMember m;
    m.id = device;
    ASSERT_TRUE(dir_.AddMember(group, m));
  }
  void AddCert(const std::string& serial, const std::string& device, const std::string& profile) {
    store::CertificateRecord c;
    c.serial = serial;
    c.issuer_id = "ca";
    c.subject = "CN=x";
    c.device_id = device;
    c.profile = profile;
    c.created_at = 10;
    ASSERT_TRUE(store_.InsertCertificate(c));
  }
  bool Revoked(const std::string& serial) {
    return (*store_.FindCertificate(serial))->status == store::CertStatus::kRevoked;
  }

  store::MemoryStore store_;
  FakeClock clock_{1000};
  FakeRandom random_;
  RecordingRevoker revoker_{store_};
  Directory dir_{store_, clock_, random_};
  Profiles plain_{store_, clock_};
  std::string laptop_;
  std::string kiosk_;
};

TEST_F(RevocationTest, RetiringADeviceRevokesEveryValidCertificateOfIt) {
  AddCert("l1", laptop_, "wifi");
  AddCert("l2", laptop_, "vpn");
  AddCert("k1", kiosk_, "wifi");
  AddCert("gone", laptop_, "wifi");
  ASSERT_TRUE(store_.Revoke("gone", 1, 50));
  Directory revoking(store_, clock_, random_, &revoker_);
  auto revoked = revoking.RetireDevice(laptop_);
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(*revoked, (Strings{"l2", "l1"}));
  EXPECT_TRUE(Revoked("l1") && Revoked("l2"));
  EXPECT_FALSE(Revoked("k1"));
  for (auto reason : revoker_.reasons)
    EXPECT_EQ(reason, ca::RevocationReason::kCessationOfOperation);
  EXPECT_TRUE((*store_.FindDevice(laptop_))->retired);
  // Nothing left to do the second time.
  auto again = revoking.RetireDevice(laptop_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(RevocationTest, RetiringAgainRevokesWhatAnEarlierRetireLeftValid) {
  AddCert("l1", laptop_, "wifi");
  ASSERT_TRUE(dir_.RetireDevice(laptop_));  // no revoker: the device is retired, l1 stays valid
  EXPECT_FALSE(Revoked("l1"));
  Directory revoking(store_, clock_, random_, &revoker_);
  auto revoked = revoking.RetireDevice(laptop_);
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(*revoked, Strings{"l1"});
}

TEST_F(RevocationTest, UnassignRevokesOnlyDevicesNoLongerTargetedAndOnlyThatProfile) {
  AddCert("l-wifi", laptop_, "wifi");
  AddCert("l-vpn", laptop_, "vpn");
  AddCert("k-wifi", kiosk_, "wifi");
  Profiles revoking(store_, clock_, &revoker_);
  // The kiosk is still targeted by wifi through "lobby"; the laptop is not.
  auto revoked = revoking.Unassign("wifi", "staff");
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(*revoked, Strings{"l-wifi"});
  EXPECT_FALSE(Revoked("l-vpn"));
  EXPECT_FALSE(Revoked("k-wifi"));
}

TEST_F(RevocationTest, UnassignWithoutRevokerRevokesNothing) {
  AddCert("l-wifi", laptop_, "wifi");
  auto revoked = plain_.Unassign("wifi", "staff");
  ASSERT_TRUE(revoked);
  EXPECT_TRUE(revoked->empty());
  EXPECT_FALSE(Revoked("l-wifi"));
  EXPECT_TRUE(revoker_.calls.empty());
}

TEST_F(RevocationTest, DeletingAProfileRevokesItsCertificates) {
  AddCert("l-wifi", laptop_, "wifi");
  AddCert("k-wifi", kiosk_, "wifi");
  AddCert("l-vpn", laptop_, "vpn");
  Profiles revoking(store_, clock_, &revoker_);
  auto revoked = revoking.Delete("WIFI");
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->size(), 2u);
  EXPECT_TRUE(Revoked("l-wifi") && Revoked("k-wifi"));
  EXPECT_FALSE(Revoked("l-vpn"));
  EXPECT_EQ(revoker_.batches, 1);  // both devices' certificates in one call: one CRL signing
}

TEST_F(RevocationTest, RetiringManyDevicesRevokesInOneBatchAndReportsEachId) {
  AddCert("l1", laptop_, "wifi");
  AddCert("l2", laptop_, "vpn");
  AddCert("k1", kiosk_, "wifi");
  std::string spare = AddDevice("spare");
  ASSERT_TRUE(dir_.RetireDevice(spare));
  Directory revoking(store_, clock_, random_, &revoker_);
  // Ids as people paste them (upper case), one unknown, one named twice, one retired before.
  std::string upper = laptop_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  Strings ids{upper, kiosk_, "00000000-0000-4000-8000-000000000000", kiosk_, spare};
  auto report = revoking.RetireDevices(ids);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->retired, (Strings{laptop_, kiosk_}));
  EXPECT_EQ(report->already_retired, (Strings{kiosk_, spare}));
  EXPECT_EQ(report->not_found, Strings{"00000000-0000-4000-8000-000000000000"});
  EXPECT_EQ(report->revoked, (Strings{"l2", "l1", "k1"}));
  EXPECT_EQ(revoker_.batches, 1);
  EXPECT_TRUE(Revoked("l1") && Revoked("l2") && Revoked("k1"));
  EXPECT_TRUE((*store_.FindDevice(kiosk_))->retired);
}

}  // namespace
}  // namespace scepgate::mgmt

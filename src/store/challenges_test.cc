// Behavioural tests of one-time challenges, their single use and the links an issuance writes,
// run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class ChallengeStoreTest : public StoreTest<Backend> {
 protected:
  void SetUp() override {
    StoreTest<Backend>::SetUp();
    DeviceRecord d;
    d.id = "dev-1";
    d.name = "laptop";
    d.platform = "linux";
    d.created_at = 1;
    ASSERT_TRUE(this->store().InsertDevice(d));
  }
};
TYPED_TEST_SUITE(ChallengeStoreTest, Backends, BackendNames);

ChallengeRecord MakeChallenge(const std::string& id) {
  ChallengeRecord c;
  c.id = id;
  c.format = "stored";
  c.device_id = "dev-1";
  c.user_upn = "ann@example.com";
  c.profile = "Wi-Fi";
  c.subject = "CN=laptop\\, the first,O=Example";
  c.sans = {"DNS:laptop.example.com", "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1"};
  c.key_usage = 0xa0;
  c.ekus = {"1.3.6.1.5.5.7.3.2"};
  c.key_type = "rsa";
  c.min_key_size = 2048;
  c.validity_days = 90;
  c.purpose = "general";
  c.created_at = 100;
  c.expires_at = 3700;
  return c;
}

ChallengeUse MakeUse(const std::string& challenge_id, const std::string& transaction_id) {
  ChallengeUse use;
  use.challenge_id = challenge_id;
  use.transaction_id = transaction_id;
  use.public_key_sha256 = "pk-" + transaction_id;
  use.used_at = 200;
  return use;
}

TYPED_TEST(ChallengeStoreTest, InsertedChallengeIsFoundWithEveryField) {
  ChallengeRecord want = MakeChallenge("h1");
  ASSERT_TRUE(this->store().InsertChallenge(want));
  auto got = this->store().FindChallenge("h1");
  ASSERT_TRUE(got && got->has_value());
  const ChallengeRecord& c = **got;
  EXPECT_EQ(c.format, want.format);
  EXPECT_EQ(c.device_id, want.device_id);
  EXPECT_EQ(c.user_upn, want.user_upn);
  EXPECT_EQ(c.profile, want.profile);
  EXPECT_EQ(c.subject, want.subject);
  EXPECT_EQ(c.sans, want.sans);
  EXPECT_EQ(c.key_usage, want.key_usage);
  EXPECT_EQ(c.ekus, want.ekus);
  EXPECT_EQ(c.key_type, want.key_type);
  EXPECT_EQ(c.min_key_size, want.min_key_size);
  EXPECT_EQ(c.validity_days, want.validity_days);
  EXPECT_EQ(c.purpose, want.purpose);
  EXPECT_EQ(c.created_at, want.created_at);
  EXPECT_EQ(c.expires_at, want.expires_at);
  EXPECT_FALSE(this->store().FindChallenge("h2")->has_value());
}

TYPED_TEST(ChallengeStoreTest, ChallengeForAnUnknownDeviceOrATakenIdIsRefused) {
  ChallengeRecord orphan = MakeChallenge("h1");
  orphan.device_id = "nope";
  ExpectCode(this->store().InsertChallenge(orphan), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store().InsertChallenge(MakeChallenge("h1")));
  ExpectCode(this->store().InsertChallenge(MakeChallenge("h1")), ErrorCode::kAlreadyExists);
}

TYPED_TEST(ChallengeStoreTest, IssuanceLinksTheCertificateAndUsesTheChallengeOnce) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertChallenge(MakeChallenge("h1")));
  Issuance first = MakeIssuance(MakeCert("c1", 10, "tx-1"), MakeRequest("corr-1", 10));
  first.cert.device_id = first.request.device_id = "dev-1";
  first.cert.profile = first.request.profile = "Wi-Fi";
  first.cert.challenge_id = first.request.challenge_id = "h1";
  first.challenge_use = MakeUse("h1", "tx-1");
  auto id = s.RecordIssuance(first);
  ASSERT_TRUE(id) << id.error().message;

  auto cert = s.FindCertificate("c1");
  ASSERT_TRUE(cert && cert->has_value());
  EXPECT_EQ((*cert)->request_id, *id);
  EXPECT_EQ((*cert)->device_id, "dev-1");
  EXPECT_EQ((*cert)->challenge_id, "h1");
  auto use = s.FindChallengeUse("h1");
  ASSERT_TRUE(use && use->has_value());
  EXPECT_EQ((*use)->transaction_id, "tx-1");
  EXPECT_EQ((*use)->public_key_sha256, "pk-tx-1");
  EXPECT_EQ((*use)->cert_serial, "c1");
  EXPECT_FALSE(s.FindChallengeUse("h2")->has_value());

  // A second issuance on the same challenge writes nothing at all.
  Issuance second = MakeIssuance(MakeCert("c2", 20, "tx-2"), MakeRequest("corr-2", 20));
  second.challenge_use = MakeUse("h1", "tx-2");
  ExpectCode(s.RecordIssuance(second), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(s.FindCertificate("c2")->has_value());
  EXPECT_EQ(s.ListRequests({})->size(), 1u);
  EXPECT_EQ((*s.FindChallengeUse("h1"))->transaction_id, "tx-1");
}

TYPED_TEST(ChallengeStoreTest, ChallengesAreCountedUsedUnusedAndExpired) {
  Store& s = this->store();
  EXPECT_EQ(*s.CountChallenges(1000), ChallengeCounts{});
  for (const char* id : {"h1", "h2", "h3", "h4"}) {
    ChallengeRecord c = MakeChallenge(id);
    c.expires_at = id == std::string("h4") ? 500 : 3700;
    ASSERT_TRUE(s.InsertChallenge(c));
  }
  Issuance used = MakeIssuance(MakeCert("c1", 10, "tx-1"), MakeRequest("corr-1", 10));
  used.challenge_use = MakeUse("h1", "tx-1");
  ASSERT_TRUE(s.RecordIssuance(used));
  auto counts = s.CountChallenges(1000);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(*counts, (ChallengeCounts{1, 2, 1}));
  // Later, the unused ones have expired too; a used one stays used.
  EXPECT_EQ(*s.CountChallenges(4000), (ChallengeCounts{1, 0, 3}));
}

TYPED_TEST(ChallengeStoreTest, IssuanceRevokesTheSupersededCertificate) {
  Store& s = this->store();
  ASSERT_TRUE(s.RecordIssuance(MakeIssuance(MakeCert("old", 10, "tx-1"), MakeRequest("a", 10))));
  Issuance renewal = MakeIssuance(MakeCert("new", 50, "tx-2"), MakeRequest("b", 50));
  renewal.supersedes = "old";
  renewal.supersede_reason = 4;  // the caller says why (scep: superseded)
  ASSERT_TRUE(s.RecordIssuance(renewal));
  auto old = *s.FindCertificate("old");
  EXPECT_EQ(old->status, CertStatus::kRevoked);
  EXPECT_EQ(old->revocation_reason, 4);
  EXPECT_EQ(old->revoked_at, 50);
  // Superseding an already revoked (or unknown) certificate changes nothing and is no error.
  Issuance again = MakeIssuance(MakeCert("newer", 60, "tx-3"), MakeRequest("c", 60));
  again.supersedes = "old";
  ASSERT_TRUE(s.RecordIssuance(again));
  EXPECT_EQ((*s.FindCertificate("old"))->revoked_at, 50);
}

TYPED_TEST(ChallengeStoreTest, CertificatesAndRequestsOfADevice) {
  Store& s = this->store();
  for (int i = 1; i <= 3; ++i) {
    std::string n = std::to_string(i);
    Issuance is = MakeIssuance(MakeCert("c" + n, i * 10, "tx-" + n), MakeRequest(n, i * 10));
    if (i != 2) is.cert.device_id = is.request.device_id = "dev-1";
    ASSERT_TRUE(s.RecordIssuance(is));
  }
  EXPECT_EQ(SerialsOf(*s.CertificatesOfDevice("dev-1")), (Strings{"c3", "c1"}));
  EXPECT_TRUE(s.CertificatesOfDevice("dev-2")->empty());
  RequestFilter f;
  f.device_id = "dev-1";
  auto requests = s.ListRequests(f);
  ASSERT_TRUE(requests);
  ASSERT_EQ(requests->size(), 2u);
  EXPECT_EQ(requests->front().correlation_id, "3");
}

}  // namespace
}  // namespace scepgate::store

// Behavioural tests of SCEP profiles and their assignments to groups, run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class ProfileStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(ProfileStoreTest, Backends, BackendNames);

ProfileRecord MakeProfile(const std::string& name) {
  ProfileRecord p;
  p.name = name;
  p.cert_type = "user";
  p.subject = "CN={{UserName}},O=\"Example, Inc.\"";
  p.sans = {"upn:{{UserPrincipalName}}", "email:Jürgen@example.com"};
  p.strong_mapping = true;
  p.purpose = "signature";
  p.ekus = {"clientAuth", "1.3.6.1.4.1.311.20.2.2"};
  p.key_type = "ec";
  p.min_key_size = 384;
  p.hash = "sha384";
  p.validity_days = 90;
  p.renewal_threshold = 30;
  p.urls = {"https://a.example/scep", "http://b.example/scep"};
  p.trusted_ca = std::string(64, 'a');
  p.require_approval = true;
  p.ca_fingerprint = "sha256";
  p.key_extractable = false;
  p.created_at = 100;
  p.updated_at = 100;
  return p;
}

GroupRecord MakeGroup(const std::string& name) {
  GroupRecord g;
  g.name = name;
  g.description = "about " + name;
  g.created_at = 300;
  return g;
}

void ExpectSameProfile(const ProfileRecord& want, const ProfileRecord& got) {
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.cert_type, want.cert_type);
  EXPECT_EQ(got.subject, want.subject);
  EXPECT_EQ(got.sans, want.sans);
  EXPECT_EQ(got.strong_mapping, want.strong_mapping);
  EXPECT_EQ(got.purpose, want.purpose);
  EXPECT_EQ(got.ekus, want.ekus);
  EXPECT_EQ(got.key_type, want.key_type);
  EXPECT_EQ(got.min_key_size, want.min_key_size);
  EXPECT_EQ(got.hash, want.hash);
  EXPECT_EQ(got.validity_days, want.validity_days);
  EXPECT_EQ(got.renewal_threshold, want.renewal_threshold);
  EXPECT_EQ(got.urls, want.urls);
  EXPECT_EQ(got.trusted_ca, want.trusted_ca);
  EXPECT_EQ(got.require_approval, want.require_approval);
  EXPECT_EQ(got.ca_fingerprint, want.ca_fingerprint);
  EXPECT_EQ(got.key_extractable, want.key_extractable);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

TYPED_TEST(ProfileStoreTest, RoundTripKeepsEveryFieldAndMatchesAnyCase) {
  ProfileRecord profile = MakeProfile("Wi-Fi Users");
  ASSERT_TRUE(this->store().InsertProfile(profile));
  auto found = this->store().FindProfile("wi-fi USERS");
  ASSERT_TRUE(found && found->has_value()) << (found ? "" : found.error().message);
  ExpectSameProfile(profile, **found);
  EXPECT_FALSE(this->store().FindProfile("other")->has_value());
}

TYPED_TEST(ProfileStoreTest, EmptyListsRoundTrip) {
  ProfileRecord profile = MakeProfile("bare");
  profile.sans.clear();
  profile.ekus.clear();
  profile.urls.clear();
  ASSERT_TRUE(this->store().InsertProfile(profile));
  ExpectSameProfile(profile, **this->store().FindProfile("bare"));
}

TYPED_TEST(ProfileStoreTest, DuplicateNameInAnyCaseIsAlreadyExistsAndListIsSorted) {
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("vpn")));
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("Email")));
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("wifi")));
  ExpectCode(this->store().InsertProfile(MakeProfile("VPN")), ErrorCode::kAlreadyExists);
  EXPECT_EQ(NamesOf(*this->store().ListProfiles()), (Strings{"Email", "vpn", "wifi"}));
}

TYPED_TEST(ProfileStoreTest, UpdateReplacesFieldsButKeepsNameAndCreation) {
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("Wifi")));
  ProfileRecord changed = MakeProfile("WIFI");
  changed.cert_type = "device";
  changed.subject = "CN={{DeviceName}}";
  changed.sans = {"dns:{{DeviceName}}.example"};
  changed.strong_mapping = false;
  changed.ekus = {"serverAuth"};
  changed.urls = {"https://c.example/scep"};
  changed.require_approval = false;
  changed.ca_fingerprint = "sha1";
  changed.key_extractable = true;
  changed.created_at = 999;
  changed.updated_at = 500;
  ASSERT_TRUE(this->store().UpdateProfile(changed));
  ProfileRecord want = changed;
  want.name = "Wifi";
  want.created_at = 100;
  ExpectSameProfile(want, **this->store().FindProfile("wifi"));
  ExpectCode(this->store().UpdateProfile(MakeProfile("ghost")), ErrorCode::kNotFound);
}

TYPED_TEST(ProfileStoreTest, AssignmentsAreAddedListedAndRemoved) {
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("wifi")));
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("VPN")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("Sales")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("kiosks")));
  ASSERT_TRUE(this->store().AddAssignment("WIFI", "sales"));
  ASSERT_TRUE(this->store().AddAssignment("wifi", "Kiosks"));
  ASSERT_TRUE(this->store().AddAssignment("vpn", "SALES"));

  auto groups = this->store().ListAssignments("wifi");
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_EQ(NamesOf(*groups), (Strings{"kiosks", "Sales"}));
  EXPECT_EQ((*groups)[1].description, "about Sales");
  EXPECT_EQ(NamesOf(*this->store().ProfilesAssignedTo("sales")), (Strings{"VPN", "wifi"}));
  EXPECT_EQ(NamesOf(*this->store().ProfilesAssignedTo("kiosks")), (Strings{"wifi"}));

  ASSERT_TRUE(this->store().RemoveAssignment("Wifi", "SALES"));
  EXPECT_EQ(NamesOf(*this->store().ListAssignments("wifi")), (Strings{"kiosks"}));
  EXPECT_EQ(NamesOf(*this->store().ProfilesAssignedTo("sales")), (Strings{"VPN"}));
}

TYPED_TEST(ProfileStoreTest, AssignmentErrors) {
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("wifi")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("g")));
  ASSERT_TRUE(this->store().AddAssignment("wifi", "g"));
  ExpectCode(this->store().AddAssignment("WIFI", "G"), ErrorCode::kAlreadyExists);
  ExpectCode(this->store().AddAssignment("ghost", "g"), ErrorCode::kNotFound);
  ExpectCode(this->store().AddAssignment("wifi", "nogroup"), ErrorCode::kNotFound);
  ExpectCode(this->store().RemoveAssignment("wifi", "nogroup"), ErrorCode::kNotFound);
  ExpectCode(this->store().RemoveAssignment("ghost", "g"), ErrorCode::kNotFound);
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("other")));
  ExpectCode(this->store().RemoveAssignment("wifi", "other"), ErrorCode::kNotFound);
  ExpectCode(this->store().ListAssignments("ghost"), ErrorCode::kNotFound);
  ExpectCode(this->store().ProfilesAssignedTo("nogroup"), ErrorCode::kNotFound);
  EXPECT_EQ(this->store().ListAssignments("wifi")->size(), 1u);
}

TYPED_TEST(ProfileStoreTest, DeleteRemovesTheProfileAndItsAssignments) {
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("wifi")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("g")));
  ASSERT_TRUE(this->store().AddAssignment("wifi", "g"));
  ASSERT_TRUE(this->store().DeleteProfile("WiFi"));
  EXPECT_FALSE(this->store().FindProfile("wifi")->has_value());
  EXPECT_TRUE(this->store().ProfilesAssignedTo("g")->empty());
  ExpectCode(this->store().DeleteProfile("wifi"), ErrorCode::kNotFound);

  // A new profile of the same name starts with no assignments.
  ASSERT_TRUE(this->store().InsertProfile(MakeProfile("wifi")));
  EXPECT_TRUE(this->store().ListAssignments("wifi")->empty());
  EXPECT_TRUE(this->store().ProfilesAssignedTo("g")->empty());
}

}  // namespace
}  // namespace scepgate::store

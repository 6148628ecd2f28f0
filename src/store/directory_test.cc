// Behavioural tests of the directory (devices, users, groups), run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class DirectoryStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(DirectoryStoreTest, Backends, BackendNames);

UserRecord MakeUser(const std::string& upn, int64_t created_at = 100) {
  UserRecord u;
  u.upn = upn;
  u.email = "mail-" + upn;
  u.sid = "S-1-5-21-1-2-3-1001";
  u.on_prem_dn = "CN=Müller\\, \"Jürgen\",OU=Users,DC=example,DC=com";
  u.created_at = created_at;
  return u;
}

DeviceRecord MakeDevice(const std::string& id, int64_t created_at, const std::string& owner = "") {
  DeviceRecord d;
  d.id = id;
  d.name = "name-" + id;
  d.platform = "windows";
  d.serial_number = "SN-" + id;
  d.owner = owner;
  d.created_at = created_at;
  return d;
}

GroupRecord MakeGroup(const std::string& name) {
  GroupRecord g;
  g.name = name;
  g.description = "about " + name;
  g.created_at = 300;
  return g;
}

GroupMember Device(const std::string& id) {
  GroupMember m;
  m.kind = MemberKind::kDevice;
  m.id = id;
  return m;
}

GroupMember User(const std::string& upn) {
  GroupMember m;
  m.kind = MemberKind::kUser;
  m.id = upn;
  return m;
}

DeviceFilter Devices(std::optional<std::string> owner, bool include_retired, int limit = 0) {
  DeviceFilter f;
  f.owner = std::move(owner);
  f.include_retired = include_retired;
  f.limit = limit;
  return f;
}

Strings IdsOf(const std::vector<DeviceRecord>& devices) {
  Strings out;
  for (const auto& d : devices) out.push_back(d.id);
  return out;
}

TYPED_TEST(DirectoryStoreTest, UserRoundTripKeepsEveryFieldAndMatchesAnyCase) {
  UserRecord user = MakeUser("Alice@Example.com");
  ASSERT_TRUE(this->store().InsertUser(user));
  auto found = this->store().FindUser("alice@EXAMPLE.COM");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->upn, "Alice@Example.com");
  EXPECT_EQ((*found)->email, user.email);
  EXPECT_EQ((*found)->sid, user.sid);
  EXPECT_EQ((*found)->on_prem_dn, user.on_prem_dn);
  EXPECT_FALSE((*found)->disabled);
  EXPECT_EQ((*found)->created_at, 100);
  EXPECT_FALSE(this->store().FindUser("bob@example.com")->has_value());
}

TYPED_TEST(DirectoryStoreTest, DuplicateUpnInAnyCaseIsAlreadyExists) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("alice@example.com")));
  ExpectCode(this->store().InsertUser(MakeUser("ALICE@example.com")), ErrorCode::kAlreadyExists);
  EXPECT_EQ(this->store().ListUsers({})->size(), 1u);
}

TYPED_TEST(DirectoryStoreTest, UsersAreListedByUpnIgnoringCase) {
  for (const char* upn : {"carol@x", "Bob@x", "alice@x"}) {
    ASSERT_TRUE(this->store().InsertUser(MakeUser(upn)));
  }
  auto users = this->store().ListUsers({});
  ASSERT_TRUE(users);
  Strings upns;
  for (const auto& u : *users) upns.push_back(u.upn);
  EXPECT_EQ(upns, (Strings{"alice@x", "Bob@x", "carol@x"}));
}

TYPED_TEST(DirectoryStoreTest, DisableUserOnceThenAlreadyExists) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("a@x")));
  ASSERT_TRUE(this->store().DisableUser("A@X", 500));
  auto found = this->store().FindUser("a@x");
  EXPECT_TRUE((*found)->disabled);
  EXPECT_EQ((*found)->disabled_at, 500);
  ExpectCode(this->store().DisableUser("a@x", 600), ErrorCode::kAlreadyExists);
  ExpectCode(this->store().DisableUser("nobody@x", 600), ErrorCode::kNotFound);
  EXPECT_EQ((*this->store().FindUser("a@x"))->disabled_at, 500);
}

TYPED_TEST(DirectoryStoreTest, UpdateUserIdentityChangesOnlyTheIdentity) {
  UserRecord u = MakeUser("a@x");
  ASSERT_TRUE(this->store().InsertUser(u));
  EXPECT_FALSE((**this->store().FindUser("a@x")).identity_by_admin);
  u.upn = "A@X";
  u.email = "new@x";
  u.sid = "S-1-5-21-9-9-9-500";
  u.on_prem_dn = "";
  u.identity_by_admin = true;
  u.created_at = 999;
  ASSERT_TRUE(this->store().UpdateUserIdentity(u));
  UserRecord got = **this->store().FindUser("a@x");
  EXPECT_EQ(got.upn, "a@x");
  EXPECT_EQ(got.email, "new@x");
  EXPECT_EQ(got.sid, "S-1-5-21-9-9-9-500");
  EXPECT_EQ(got.on_prem_dn, "");
  EXPECT_TRUE(got.identity_by_admin);
  EXPECT_EQ(got.created_at, 100);
  u.upn = "nobody@x";
  ExpectCode(this->store().UpdateUserIdentity(u), ErrorCode::kNotFound);
}

TYPED_TEST(DirectoryStoreTest, DeviceRoundTripAndOwnerMustExist) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("owner@x")));
  DeviceRecord device = MakeDevice("d1", 10, "owner@x");
  ASSERT_TRUE(this->store().InsertDevice(device));
  auto found = this->store().FindDevice("d1");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->name, device.name);
  EXPECT_EQ((*found)->platform, "windows");
  EXPECT_EQ((*found)->serial_number, device.serial_number);
  EXPECT_EQ((*found)->owner, "owner@x");
  EXPECT_FALSE((*found)->retired);
  EXPECT_EQ((*found)->created_at, 10);

  ExpectCode(this->store().InsertDevice(MakeDevice("d2", 11, "ghost@x")), ErrorCode::kNotFound);
  ExpectCode(this->store().InsertDevice(MakeDevice("d1", 12)), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(this->store().FindDevice("d2")->has_value());
}

TYPED_TEST(DirectoryStoreTest, ListDevicesFiltersByOwnerAndRetirement) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("Owner@x")));
  ASSERT_TRUE(this->store().InsertDevice(MakeDevice("c", 30, "Owner@x")));
  ASSERT_TRUE(this->store().InsertDevice(MakeDevice("a", 10)));
  ASSERT_TRUE(this->store().InsertDevice(MakeDevice("b", 20, "Owner@x")));
  ASSERT_TRUE(this->store().RetireDevice("b", 40));

  EXPECT_EQ(IdsOf(*this->store().ListDevices(Devices(std::nullopt, false))), (Strings{"a", "c"}));
  EXPECT_EQ(IdsOf(*this->store().ListDevices(Devices(std::nullopt, true))),
            (Strings{"a", "b", "c"}));
  EXPECT_EQ(IdsOf(*this->store().ListDevices(Devices("owner@X", true))), (Strings{"b", "c"}));
  EXPECT_EQ(IdsOf(*this->store().ListDevices(Devices("owner@x", false))), (Strings{"c"}));
  EXPECT_EQ(IdsOf(*this->store().ListDevices(Devices(std::nullopt, true, 2))), (Strings{"a", "b"}));
}

TYPED_TEST(DirectoryStoreTest, RetireDeviceOnceThenAlreadyExists) {
  ASSERT_TRUE(this->store().InsertDevice(MakeDevice("d", 1)));
  ASSERT_TRUE(this->store().RetireDevice("d", 77));
  auto found = this->store().FindDevice("d");
  EXPECT_TRUE((*found)->retired);
  EXPECT_EQ((*found)->retired_at, 77);
  ExpectCode(this->store().RetireDevice("d", 78), ErrorCode::kAlreadyExists);
  ExpectCode(this->store().RetireDevice("nope", 78), ErrorCode::kNotFound);
}

TYPED_TEST(DirectoryStoreTest, GroupNamesAreUniqueIgnoringCaseAndSorted) {
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("Sales")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("kiosks")));
  ExpectCode(this->store().InsertGroup(MakeGroup("SALES")), ErrorCode::kAlreadyExists);
  auto found = this->store().FindGroup("sales");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->name, "Sales");
  EXPECT_EQ((*found)->description, "about Sales");
  EXPECT_EQ((*found)->created_at, 300);
  EXPECT_EQ(NamesOf(*this->store().ListGroups({})), (Strings{"kiosks", "Sales"}));
  EXPECT_FALSE(this->store().FindGroup("other")->has_value());
}

TYPED_TEST(DirectoryStoreTest, MembersAreAddedListedAndRemoved) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("u@x")));
  ASSERT_TRUE(this->store().InsertDevice(MakeDevice("d", 1)));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("g1")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("G0")));
  ASSERT_TRUE(this->store().AddGroupMember("g1", Device("d")));
  ASSERT_TRUE(this->store().AddGroupMember("G1", User("u@x")));
  ASSERT_TRUE(this->store().AddGroupMember("g0", User("u@x")));

  auto members = this->store().ListGroupMembers("g1", {});
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].kind, MemberKind::kDevice);
  EXPECT_EQ((*members)[0].id, "d");
  EXPECT_EQ((*members)[1].kind, MemberKind::kUser);
  EXPECT_EQ((*members)[1].id, "u@x");
  EXPECT_EQ(NamesOf(*this->store().GroupsOf(User("U@X"))), (Strings{"G0", "g1"}));
  EXPECT_EQ(NamesOf(*this->store().GroupsOf(Device("d"))), (Strings{"g1"}));

  ASSERT_TRUE(this->store().RemoveGroupMember("g1", User("U@x")));
  EXPECT_EQ(this->store().ListGroupMembers("g1", {})->size(), 1u);
  EXPECT_EQ(NamesOf(*this->store().GroupsOf(User("u@x"))), (Strings{"G0"}));
}

TYPED_TEST(DirectoryStoreTest, MembershipErrors) {
  ASSERT_TRUE(this->store().InsertUser(MakeUser("u@x")));
  ASSERT_TRUE(this->store().InsertGroup(MakeGroup("g")));
  ASSERT_TRUE(this->store().AddGroupMember("g", User("u@x")));
  ExpectCode(this->store().AddGroupMember("g", User("U@X")), ErrorCode::kAlreadyExists);
  ExpectCode(this->store().AddGroupMember("nogroup", User("u@x")), ErrorCode::kNotFound);
  ExpectCode(this->store().AddGroupMember("g", User("ghost@x")), ErrorCode::kNotFound);
  ExpectCode(this->store().AddGroupMember("g", Device("ghost")), ErrorCode::kNotFound);
  ExpectCode(this->store().RemoveGroupMember("g", Device("ghost")), ErrorCode::kNotFound);
  ExpectCode(this->store().RemoveGroupMember("nogroup", User("u@x")), ErrorCode::kNotFound);
  ExpectCode(this->store().ListGroupMembers("nogroup", {}), ErrorCode::kNotFound);
  EXPECT_EQ(this->store().ListGroupMembers("g", {})->size(), 1u);
  EXPECT_TRUE(this->store().GroupsOf(Device("ghost"))->empty());
}

}  // namespace
}  // namespace scepgate::store

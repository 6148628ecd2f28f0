#include "mgmt/directory.h"

#include <gtest/gtest.h>

#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using store::GroupMember;
using store::MemberKind;

GroupMember Member(MemberKind kind, const std::string& id) {
  GroupMember m;
  m.kind = kind;
  m.id = id;
  return m;
}

class DirectoryTest : public ::testing::Test {
 protected:
  store::UserRecord AddUser(const std::string& upn, const std::string& sid = "") {
    NewUser u;
    u.upn = upn;
    u.email = upn;
    u.sid = sid;
    auto added = dir_.AddUser(u, Role::kAdmin);
    EXPECT_TRUE(added) << added.error().message;
    return added ? *added : store::UserRecord{};
  }
  store::DeviceRecord AddDevice(const std::string& name, const std::string& owner = "") {
    NewDevice d;
    d.name = name;
    d.platform = "ios";
    d.owner = owner;
    auto added = dir_.AddDevice(d);
    EXPECT_TRUE(added) << added.error().message;
    return added ? *added : store::DeviceRecord{};
  }
  template <class T>
  void ExpectCode(const T& result, ErrorCode code, const std::string& in_message = "") {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_NE(result.error().message.find(in_message), std::string::npos) << result.error().message;
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
};

TEST(NewUuidTest, IsVersion4LowerCase) {
  FakeRandom random(0xff);
  auto uuid = NewUuid(random);
  ASSERT_TRUE(uuid);
  ASSERT_EQ(uuid->size(), 36u);
  EXPECT_EQ((*uuid)[8], '-');
  EXPECT_EQ((*uuid)[14], '4');
  EXPECT_NE(std::string("89ab").find((*uuid)[19]), std::string::npos);
  EXPECT_EQ(*uuid, "ff000102-0304-4506-8708-090a0b0c0d0e");
}

TEST_F(DirectoryTest, AddDeviceMintsDistinctIdsAndNormalisesPlatformAndOwner) {
  AddUser("Alice@Example.com");
  NewDevice d;
  d.name = "alice-phone";
  d.platform = "iOS";
  d.serial_number = "F2LX";
  d.owner = "alice@example.COM";
  auto first = dir_.AddDevice(d);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->platform, "ios");
  EXPECT_EQ(first->owner, "Alice@Example.com");
  EXPECT_EQ(first->created_at, 1700000000);
  EXPECT_EQ(first->id.size(), 36u);
  auto second = AddDevice("kiosk");
  EXPECT_NE(second.id, first->id);
  auto shown = dir_.ShowDevice(first->id);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->device.serial_number, "F2LX");
}

TEST_F(DirectoryTest, AddDeviceValidates) {
  NewDevice d;
  d.platform = "ios";
  ExpectCode(dir_.AddDevice(d), ErrorCode::kInvalidArgument, "name");
  d.name = "x";
  d.platform = "beos";
  ExpectCode(dir_.AddDevice(d), ErrorCode::kInvalidArgument, "platform");
  d.platform = "linux";
  d.owner = "ghost@example.com";
  ExpectCode(dir_.AddDevice(d), ErrorCode::kNotFound, "ghost@example.com");
  AddUser("gone@example.com");
  ASSERT_TRUE(dir_.DisableUser("gone@example.com"));
  d.owner = "gone@example.com";
  ExpectCode(dir_.AddDevice(d), ErrorCode::kInvalidArgument, "disabled");
}

TEST_F(DirectoryTest, RetireHidesDeviceFromDefaultList) {
  auto a = AddDevice("a");
  clock_.Advance(10);
  auto b = AddDevice("b");
  ASSERT_TRUE(dir_.RetireDevice(a.id));
  ExpectCode(dir_.RetireDevice(a.id), ErrorCode::kAlreadyExists, "already retired");
  ExpectCode(dir_.RetireDevice("0000"), ErrorCode::kNotFound, "0000");
  auto listed = dir_.ListDevices({});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, b.id);
  store::DeviceFilter all;
  all.include_retired = true;
  EXPECT_EQ(dir_.ListDevices(all)->size(), 2u);
  auto shown = dir_.ShowDevice(a.id);
  EXPECT_TRUE(shown->device.retired);
  EXPECT_EQ(shown->device.retired_at, 1700000010);
}

TEST_F(DirectoryTest, ListDevicesByUnknownOwnerIsNotFound) {
  store::DeviceFilter f;
  f.owner = "ghost@x.com";
  ExpectCode(dir_.ListDevices(f), ErrorCode::kNotFound, "ghost@x.com");
}

TEST_F(DirectoryTest, AddUserValidatesUpnEmailAndSid) {
  for (const char* upn : {"", "alice", "@example.com", "alice@", "a b@x.com", "a@b@c"}) {
    NewUser u;
    u.upn = upn;
    ExpectCode(dir_.AddUser(u, Role::kAdmin), ErrorCode::kInvalidArgument, "UPN");
  }
  for (const char* sid : {"S-1-", "S-1-5", "S-2-5-21", "s-1-5-21", "S-1-5-x", "S-1-5--1"}) {
    NewUser u;
    u.upn = "a@x.com";
    u.sid = sid;
    ExpectCode(dir_.AddUser(u, Role::kAdmin), ErrorCode::kInvalidArgument, "SID");
  }
  NewUser u;
  u.upn = "a@x.com";
  u.email = "not-an-address";
  ExpectCode(dir_.AddUser(u, Role::kAdmin), ErrorCode::kInvalidArgument, "e-mail");
  AddUser("b@x.com", "S-1-5-21-3623811015-3361044348-30300820-1013");
}

TEST_F(DirectoryTest, OnlyAnAdminGivesASidAndOnlyAnAdminSetsTheIdentity) {
  NewUser u;
  u.upn = "mallory@x.com";
  u.sid = "S-1-5-21-1-2-3-500";
  ExpectCode(dir_.AddUser(u, Role::kOperator), ErrorCode::kPermissionDenied, "SID");
  EXPECT_FALSE(*store_.FindUser("mallory@x.com"));
  u.sid.clear();
  auto by_operator = dir_.AddUser(u, Role::kOperator);
  ASSERT_TRUE(by_operator) << by_operator.error().message;
  EXPECT_FALSE(by_operator->identity_by_admin);
  EXPECT_TRUE(AddUser("alice@x.com").identity_by_admin);

  UserIdentity change;
  change.sid = "S-1-5-21-1-2-3-1104";
  ExpectCode(dir_.SetUserIdentity("mallory@x.com", change, Role::kOperator),
             ErrorCode::kPermissionDenied, "admin");
  ExpectCode(dir_.SetUserIdentity("ghost@x.com", change, Role::kAdmin), ErrorCode::kNotFound);
  UserIdentity bad;
  bad.sid = "S-1-5";
  ExpectCode(dir_.SetUserIdentity("mallory@x.com", bad, Role::kAdmin), ErrorCode::kInvalidArgument,
             "SID");
  auto set = dir_.SetUserIdentity("MALLORY@x.com", change, Role::kAdmin);
  ASSERT_TRUE(set) << set.error().message;
  auto stored = **store_.FindUser("mallory@x.com");
  EXPECT_TRUE(stored.identity_by_admin);
  EXPECT_EQ(stored.sid, "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(stored.email, "");  // not given: unchanged
}

TEST_F(DirectoryTest, DuplicateUserAndGroupAreAlreadyExists) {
  AddUser("a@x.com");
  NewUser u;
  u.upn = "A@X.COM";
  ExpectCode(dir_.AddUser(u, Role::kAdmin), ErrorCode::kAlreadyExists, "already exists");
  ASSERT_TRUE(dir_.AddGroup("Kiosks", "shop floor"));
  ExpectCode(dir_.AddGroup("kiosks", ""), ErrorCode::kAlreadyExists, "already exists");
  ExpectCode(dir_.AddGroup("", ""), ErrorCode::kInvalidArgument, "group name");
}

TEST_F(DirectoryTest, DisableUserTwiceIsAlreadyExists) {
  AddUser("a@x.com");
  ASSERT_TRUE(dir_.DisableUser("A@x.com"));
  ExpectCode(dir_.DisableUser("a@x.com"), ErrorCode::kAlreadyExists, "already disabled");
  ExpectCode(dir_.DisableUser("z@x.com"), ErrorCode::kNotFound, "z@x.com");
  EXPECT_TRUE(dir_.ShowUser("a@x.com")->user.disabled);
}

TEST_F(DirectoryTest, MembershipRulesAndCounts) {
  auto user = AddUser("Bob@x.com");
  auto device = AddDevice("laptop", "bob@x.com");
  ASSERT_TRUE(dir_.AddGroup("Staff", ""));
  ASSERT_TRUE(dir_.AddMember("staff", Member(MemberKind::kUser, "BOB@X.COM")));
  ASSERT_TRUE(dir_.AddMember("STAFF", Member(MemberKind::kDevice, device.id)));
  ExpectCode(dir_.AddMember("staff", Member(MemberKind::kUser, "bob@x.com")),
             ErrorCode::kAlreadyExists, "already a member");
  ExpectCode(dir_.AddMember("nope", Member(MemberKind::kUser, "bob@x.com")), ErrorCode::kNotFound,
             "no group named nope");
  ExpectCode(dir_.AddMember("staff", Member(MemberKind::kDevice, "feed")), ErrorCode::kNotFound,
             "no device with id feed");
  ExpectCode(dir_.AddMember("staff", Member(MemberKind::kUser, "z@x.com")), ErrorCode::kNotFound,
             "no user with UPN z@x.com");

  auto groups = dir_.ListGroups();
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups->front().devices, 1);
  EXPECT_EQ(groups->front().users, 1);
  auto shown_user = dir_.ShowUser("bob@x.com");
  ASSERT_TRUE(shown_user);
  ASSERT_EQ(shown_user->groups.size(), 1u);
  ASSERT_EQ(shown_user->devices.size(), 1u);
  EXPECT_EQ(shown_user->devices.front().id, device.id);
  EXPECT_EQ(dir_.ShowDevice(device.id)->groups.front().name, "Staff");
  MemberQuery users;
  users.kind = "user";
  EXPECT_EQ(dir_.MemberPage("staff", users)->items.front().id, user.upn);
  EXPECT_EQ(dir_.ShowGroup("staff")->users, 1);

  ASSERT_TRUE(dir_.RemoveMember("staff", Member(MemberKind::kUser, "bob@x.com")));
  ExpectCode(dir_.RemoveMember("staff", Member(MemberKind::kUser, "bob@x.com")),
             ErrorCode::kNotFound, "not a member");
  EXPECT_EQ(dir_.ListGroups()->front().users, 0);
}

}  // namespace
}  // namespace scepgate::mgmt

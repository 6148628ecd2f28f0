// DirectoryStore::ApplyDirectoryBatch, run against every Store: added versus already there, the
// references a batch may make, and all or nothing.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class DirectoryBatchTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(DirectoryBatchTest, Backends, BackendNames);

UserRecord User(const std::string& upn) {
  UserRecord u;
  u.upn = upn;
  u.email = upn;
  u.created_at = 100;
  return u;
}

DeviceRecord Device(const std::string& id, const std::string& owner = "") {
  DeviceRecord d;
  d.id = id;
  d.name = "name-" + id;
  d.platform = "linux";
  d.owner = owner;
  d.created_at = 200;
  return d;
}

GroupRecord Group(const std::string& name) {
  GroupRecord g;
  g.name = name;
  g.created_at = 300;
  return g;
}

BatchMember Member(const std::string& group, MemberKind kind, const std::string& id) {
  BatchMember m;
  m.group = group;
  m.member.kind = kind;
  m.member.id = id;
  return m;
}

DirectoryBatch Sample() {
  DirectoryBatch b;
  b.users = {User("a@x"), User("b@x")};
  b.groups = {Group("laptops")};
  b.devices = {Device("d1", "a@x"), Device("d2")};
  b.members = {Member("laptops", MemberKind::kDevice, "d1"),
               Member("LAPTOPS", MemberKind::kDevice, "d2"),
               Member("laptops", MemberKind::kUser, "b@x")};
  return b;
}

TYPED_TEST(DirectoryBatchTest, AddsEverythingWithReferencesWithinTheBatch) {
  auto out = this->store().ApplyDirectoryBatch(Sample());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->users, std::vector<bool>({true, true}));
  EXPECT_EQ(out->groups, std::vector<bool>({true}));
  EXPECT_EQ(out->devices, std::vector<bool>({true, true}));
  EXPECT_EQ(out->members, std::vector<bool>({true, true, true}));
  auto d1 = this->store().FindDevice("d1");
  ASSERT_TRUE(d1 && d1->has_value());
  EXPECT_EQ((*d1)->owner, "a@x");
  EXPECT_EQ(this->store().ListGroupMembers("laptops", {})->size(), 3u);
}

TYPED_TEST(DirectoryBatchTest, ExistingItemsAreReportedAndLeftUnchanged) {
  ASSERT_TRUE(this->store().InsertUser(User("A@X")));
  DeviceRecord old = Device("d1");
  old.name = "old name";
  ASSERT_TRUE(this->store().InsertDevice(old));
  ASSERT_TRUE(this->store().InsertGroup(Group("Laptops")));
  GroupMember d1{MemberKind::kDevice, "d1"};
  ASSERT_TRUE(this->store().AddGroupMember("Laptops", d1));

  auto out = this->store().ApplyDirectoryBatch(Sample());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->users, std::vector<bool>({false, true}));
  EXPECT_EQ(out->groups, std::vector<bool>({false}));
  EXPECT_EQ(out->devices, std::vector<bool>({false, true}));
  EXPECT_EQ(out->members, std::vector<bool>({false, true, true}));
  EXPECT_EQ((*this->store().FindDevice("d1"))->name, "old name");
  EXPECT_EQ((*this->store().FindDevice("d1"))->owner, "");
  EXPECT_EQ((*this->store().FindUser("a@x"))->upn, "A@X");

  auto again = this->store().ApplyDirectoryBatch(Sample());  // idempotent
  ASSERT_TRUE(again);
  EXPECT_EQ(again->devices, std::vector<bool>({false, false}));
  EXPECT_EQ(again->members, std::vector<bool>({false, false, false}));
  EXPECT_EQ(this->store().ListGroupMembers("laptops", {})->size(), 3u);
}

TYPED_TEST(DirectoryBatchTest, MissingReferenceWritesNothing) {
  DirectoryBatch owner = Sample();
  owner.devices.push_back(Device("d3", "ghost@x"));
  ExpectCode(this->store().ApplyDirectoryBatch(owner), ErrorCode::kNotFound);

  DirectoryBatch group = Sample();
  group.members.push_back(Member("nogroup", MemberKind::kDevice, "d1"));
  ExpectCode(this->store().ApplyDirectoryBatch(group), ErrorCode::kNotFound);

  DirectoryBatch device = Sample();
  device.members.push_back(Member("laptops", MemberKind::kDevice, "ghost"));
  ExpectCode(this->store().ApplyDirectoryBatch(device), ErrorCode::kNotFound);

  DirectoryBatch user = Sample();
  user.members.push_back(Member("laptops", MemberKind::kUser, "ghost@x"));
  ExpectCode(this->store().ApplyDirectoryBatch(user), ErrorCode::kNotFound);

  EXPECT_TRUE(this->store().ListUsers({})->empty());
  EXPECT_TRUE(this->store().ListGroups({})->empty());
  EXPECT_FALSE(this->store().FindDevice("d1")->has_value());
}

TYPED_TEST(DirectoryBatchTest, EmptyBatchIsFine) {
  auto out = this->store().ApplyDirectoryBatch(DirectoryBatch{});
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->devices.empty());
}

}  // namespace
}  // namespace scepgate::store

#include "mgmt/import.h"

#include <gtest/gtest.h>

#include "mgmt/directory.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

// The directory of a MemoryStore, except that a batch holding a device named "vanishes" fails
// with kNotFound, as one whose reference went away between the check and the write does.
class FlakyDirectory final : public store::DirectoryStore {
 public:
  explicit FlakyDirectory(store::MemoryStore& store) : s_(store) {}
  int batches = 0;

  Result<store::DirectoryBatchOutcome> ApplyDirectoryBatch(
      const store::DirectoryBatch& batch) override {
    ++batches;
    for (const store::DeviceRecord& d : batch.devices)
      if (d.name == "vanishes") return Fail(Error::NotFound("owner gone@example.com not found"));
    return s_.ApplyDirectoryBatch(batch);
  }
  Status InsertDevice(const store::DeviceRecord& d) override { return s_.InsertDevice(d); }
  Result<std::optional<store::DeviceRecord>> FindDevice(std::string_view id) override {
    return s_.FindDevice(id);
  }
  Result<std::vector<store::DeviceRecord>> ListDevices(const store::DeviceFilter& f) override {
    return s_.ListDevices(f);
  }
  Status RetireDevice(std::string_view id, int64_t at) override { return s_.RetireDevice(id, at); }
  Status InsertUser(const store::UserRecord& u) override { return s_.InsertUser(u); }
  Result<std::optional<store::UserRecord>> FindUser(std::string_view upn) override {
    return s_.FindUser(upn);
  }
  Result<std::vector<store::UserRecord>> ListUsers(const store::UserFilter& f) override {
    return s_.ListUsers(f);
  }
  Status DisableUser(std::string_view upn, int64_t at) override { return s_.DisableUser(upn, at); }
  Status UpdateUserIdentity(const store::UserRecord& u) override {
    return s_.UpdateUserIdentity(u);
  }
  Status InsertGroup(const store::GroupRecord& g) override { return s_.InsertGroup(g); }
  Result<std::optional<store::GroupRecord>> FindGroup(std::string_view name) override {
    return s_.FindGroup(name);
  }
  Result<std::vector<store::GroupRecord>> ListGroups(const store::GroupFilter& f) override {
    return s_.ListGroups(f);
  }
  Status AddGroupMember(std::string_view g, const store::GroupMember& m) override {
    return s_.AddGroupMember(g, m);
  }
  Status RemoveGroupMember(std::string_view g, const store::GroupMember& m) override {
    return s_.RemoveGroupMember(g, m);
  }
  Result<std::vector<store::GroupMember>> ListGroupMembers(std::string_view g,
                                                           const store::MemberFilter& f) override {
    return s_.ListGroupMembers(g, f);
  }
  Result<store::MemberCounts> CountGroupMembers(std::string_view g) override {
    return s_.CountGroupMembers(g);
  }
  Result<std::vector<store::GroupRecord>> GroupsOf(const store::GroupMember& m) override {
    return s_.GroupsOf(m);
  }

 private:
  store::MemoryStore& s_;
};

class ImportTest : public ::testing::Test {
 protected:
  ImportReport Run(std::string_view text, ImportOptions options = {}) {
    auto report = importer_.Import(text, options);
    EXPECT_TRUE(report) << report.error().message;
    return report ? *report : ImportReport{};
  }
  static ImportOptions Jsonl() {
    ImportOptions o;
    o.format = ImportFormat::kJsonLines;
    return o;
  }
  void AddUser(const std::string& upn) {
    NewUser u;
    u.upn = upn;
    ASSERT_TRUE(dir_.AddUser(u, Role::kAdmin));
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
  Importer importer_{store_, clock_, random_};
};

TEST_F(ImportTest, CsvDevicesUsersAndMembersWithIdsMintedAndGroupsCreated) {
  std::string csv =
      "type,upn,name,platform,owner,groups,group,device,user\r\n"
      "user,alice@example.com,,,,staff,,,\r\n"
      "device,,\"Alice's laptop, 14\"\"\",Windows,ALICE@example.com,laptops;staff,,,\r\n"
      "member,,,,,,admins,,alice@example.com\r\n";
  ImportOptions options;
  options.create_groups = true;
  ImportReport report = Run(csv, options);
  EXPECT_EQ(report.rows, 3);
  EXPECT_TRUE(report.refused.empty()) << report.refused[0].reason;
  EXPECT_EQ(report.users.added, 1);
  EXPECT_EQ(report.devices.added, 1);
  EXPECT_EQ(report.groups.added, 3);
  EXPECT_EQ(report.members.added, 4);
  ASSERT_EQ(report.minted.size(), 1u);
  EXPECT_EQ(report.minted[0].line, 3);
  auto device = dir_.ShowDevice(report.minted[0].id);
  ASSERT_TRUE(device);
  EXPECT_EQ(device->device.name, "Alice's laptop, 14\"");
  EXPECT_EQ(device->device.platform, "windows");
  EXPECT_EQ(device->device.owner, "alice@example.com");
  EXPECT_EQ(device->groups.size(), 2u);
}

TEST_F(ImportTest, BadRowsAreRefusedWithTheirLineAndTheRestIsImported) {
  AddUser("bob@example.com");
  std::string jsonl =
      "{\"name\":\"ok\",\"platform\":\"linux\",\"owner\":\"bob@example.com\"}\n"
      "{\"name\":\"bad\",\"platform\":\"amiga\"}\n"
      "not json\n"
      "\n"
      "{\"name\":\"ghost\",\"platform\":\"ios\",\"owner\":\"ghost@example.com\"}\n"
      "{\"name\":\"nogroup\",\"platform\":\"ios\",\"groups\":[\"nowhere\"]}\n"
      "{\"type\":\"user\",\"upn\":\"no-at-sign\"}\n"
      "{\"name\":\"typo\",\"platfrom\":\"ios\"}\n";
  ImportReport report = Run(jsonl, Jsonl());
  EXPECT_EQ(report.devices.added, 1) << (report.refused.empty() ? "" : report.refused[0].reason);
  EXPECT_EQ(report.devices.refused, 5);
  EXPECT_EQ(report.users.refused, 1);
  ASSERT_EQ(report.refused.size(), 6u);
  EXPECT_EQ(report.refused[0].line, 2);
  EXPECT_NE(report.refused[0].reason.find("platform"), std::string::npos);
  EXPECT_EQ(report.refused[1].line, 3);
  EXPECT_EQ(report.refused[2].line, 5);
  EXPECT_NE(report.refused[2].reason.find("ghost@example.com"), std::string::npos);
  EXPECT_EQ(report.refused[3].line, 6);
  EXPECT_NE(report.refused[3].reason.find("nowhere"), std::string::npos);
  EXPECT_EQ(report.refused[4].line, 7);
  EXPECT_EQ(report.refused[5].line, 8);
  EXPECT_EQ(store_.ListDevices({})->size(), 1u);  // nothing of a refused row
  EXPECT_TRUE(store_.ListGroups({})->empty());
}

TEST_F(ImportTest, ReimportWithIdsAddsNothingTwiceAndExistingUsersAreLeftAlone) {
  AddUser("Carol@Example.com");
  std::string csv =
      "type,id,name,platform,owner,groups,upn,email\n"
      "user,,,,,staff,carol@example.com,new@example.com\n"
      "device,0f8fad5b-d9cb-469f-a165-70867728950e,pc,windows,carol@example.com,staff,,\n";
  ImportOptions options;
  options.create_groups = true;
  ImportReport first = Run(csv, options);
  EXPECT_EQ(first.users.existing, 1);
  EXPECT_EQ(first.devices.added, 1);
  EXPECT_TRUE(first.minted.empty());
  EXPECT_EQ(first.members.added, 2);
  ImportReport again = Run(csv, options);
  EXPECT_EQ(again.devices.added, 0);
  EXPECT_EQ(again.devices.existing, 1);
  EXPECT_EQ(again.members.added, 0);
  EXPECT_EQ(again.members.existing, 2);
  EXPECT_EQ(again.groups.added, 0);
  EXPECT_EQ((*store_.FindUser("carol@example.com"))->email, "");  // not changed
  EXPECT_EQ(store_.ListDevices({})->size(), 1u);
}

TEST_F(ImportTest, DryRunWritesNothing) {
  ImportOptions options = Jsonl();
  options.dry_run = true;
  options.create_groups = true;
  ImportReport report = Run("{\"name\":\"a\",\"platform\":\"ios\",\"groups\":[\"g\"]}\n", options);
  EXPECT_EQ(report.devices.added, 1);
  EXPECT_EQ(report.groups.added, 1);
  EXPECT_TRUE(store_.ListDevices({})->empty());
  EXPECT_TRUE(store_.ListGroups({})->empty());
}

TEST_F(ImportTest, OnlyAnAdminMaySetASid) {
  ImportOptions options = Jsonl();
  options.default_type = "user";
  options.by = Role::kOperator;
  ImportReport report = Run(
      "{\"upn\":\"d@example.com\",\"sid\":\"S-1-5-21-1-2-3-1001\"}\n{\"upn\":\"e@example.com\"}\n",
      options);
  EXPECT_EQ(report.users.refused, 1);
  EXPECT_EQ(report.users.added, 1);
}

TEST_F(ImportTest, UnknownCsvColumnRefusesTheWholeFile) {
  auto report = importer_.Import("name,plattform\nx,ios\n", ImportOptions{});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(report.error().message.find("plattform"), std::string::npos);
}

TEST_F(ImportTest, SmallBatchesGiveTheSameResult) {
  ImportOptions options;
  options.batch_size = 2;
  options.create_groups = true;
  ImportReport report =
      Run("type,upn,name,platform,owner,groups\nuser,f@x.org,,,,\ndevice,,a,ios,f@x.org,g\n"
          "device,,b,ios,f@x.org,g\ndevice,,c,ios,,g\ndevice,,d,ios,,\n",
          options);
  EXPECT_EQ(report.devices.added, 4);
  EXPECT_EQ(report.members.added, 3);
  EXPECT_EQ(report.minted.size(), 4u);
  EXPECT_EQ(dir_.ShowGroup("g")->devices, 3);
}

TEST_F(ImportTest, ABatchThatFailsWithNotFoundIsWrittenRowByRowAndOnlyTheCulpritIsRefused) {
  FlakyDirectory flaky(store_);
  Importer importer(flaky, clock_, random_);
  ImportOptions options;
  options.batch_size = 10;
  options.create_groups = true;
  auto report =
      importer.Import("name,platform,groups\nfirst,ios,g\nvanishes,ios,g\nlast,ios,g\n", options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(flaky.batches, 4);  // the batch of 3, then each row
  EXPECT_EQ(report->devices.added, 2);
  EXPECT_EQ(report->devices.refused, 1);
  ASSERT_EQ(report->refused.size(), 1u);
  EXPECT_EQ(report->refused[0].line, 3);
  EXPECT_NE(report->refused[0].reason.find("gone@example.com"), std::string::npos);
  EXPECT_EQ(report->minted.size(), 2u);
  EXPECT_EQ(dir_.ShowGroup("g")->devices, 2);  // "g" came with the first row
}

}  // namespace
}  // namespace scepgate::mgmt

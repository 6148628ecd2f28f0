// Paging the administrator's lists (devices, users, group members, requests, events, audit
// entries) against every Store: pages read with the cursor of the previous page's last item add
// up to the whole list, in its order, without a gap or a repeat, when items share a second and
// when items are written between two pages; and each filter keeps only what it names.
#include <gtest/gtest.h>

#include <functional>

#include "common/text.h"
#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class PagesStoreTest : public StoreTest<Backend> {
 protected:
  void Device(const std::string& id, int64_t created_at, const std::string& platform = "linux",
              const std::string& name = "") {
    DeviceRecord d;
    d.id = id;
    d.name = name.empty() ? "host-" + id : name;
    d.platform = platform;
    d.created_at = created_at;
    ASSERT_TRUE(this->store().InsertDevice(d));
  }
  void User(const std::string& upn, bool disabled = false) {
    UserRecord u;
    u.upn = upn;
    u.created_at = 1;
    ASSERT_TRUE(this->store().InsertUser(u));
    if (disabled) {
      ASSERT_TRUE(this->store().DisableUser(upn, 2));
    }
  }
  void Group(const std::string& name) {
    GroupRecord g;
    g.name = name;
    g.created_at = 1;
    ASSERT_TRUE(this->store().InsertGroup(g));
  }
  int64_t Request(const std::string& name, int64_t created_at, const std::string& profile = "") {
    RequestRecord r = MakeRequest(name, created_at, "issued", "tid-" + name);
    r.profile = profile;
    auto id = this->store().InsertRequest(r);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  int64_t Event(const std::string& type, int64_t at) {
    OutboxEvent e;
    e.type = type;
    e.payload = "{}";
    e.created_at = at;
    e.next_attempt_at = at;
    auto id = this->store().EnqueueEvent(e);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }
  int64_t Audit(const std::string& actor, const std::string& action, int64_t at) {
    AuditRecord a;
    a.at = at;
    a.actor = actor;
    a.action = action;
    a.outcome = "ok";
    a.args = "{}";
    auto id = this->store().AppendAudit(a);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  // Walks the whole list in pages of `size`: `page(limit, cursor_of_last_or_null)` returns the
  // keys of one page, `between` runs after each page. Returns the keys in order.
  template <class Item, class Fetch, class Key>
  std::vector<std::string> Walk(int size, Fetch fetch, Key key,
                                const std::function<void()>& between = {}) {
    std::vector<std::string> out;
    const Item* last = nullptr;
    std::vector<Item> page;
    for (int pages = 0; pages < 100; ++pages) {
      auto got = fetch(size, last);
      EXPECT_TRUE(got) << got.error().message;
      if (!got) break;
      page = std::move(*got);
      for (const Item& item : page) out.push_back(key(item));
      if (page.size() < static_cast<size_t>(size)) break;
      last = &page.back();
      if (between) between();
    }
    return out;
  }
};
TYPED_TEST_SUITE(PagesStoreTest, Backends, BackendNames);

using Keys = std::vector<std::string>;

TYPED_TEST(PagesStoreTest, DevicesComeOldestFirstAPageAtATime) {
  // Five devices in second 100 (insertion order breaks the tie), one earlier, two later.
  for (const char* id : {"d1", "d2", "d3", "d4", "d5"}) this->Device(id, 100);
  this->Device("d0", 50, "windows", "LAPTOP-0");
  this->Device("d6", 200, "windows", "LAPTOP-6");
  this->Device("d7", 300);
  ASSERT_TRUE(this->store().RetireDevice("d7", 400));
  auto fetch = [&](DeviceFilter f) {
    return [&, f](int limit, const DeviceRecord* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.after = SeqCursor{last->created_at, last->seq};
      return this->store().ListDevices(f);
    };
  };
  auto id = [](const DeviceRecord& d) { return d.id; };
  const Keys active = {"d0", "d1", "d2", "d3", "d4", "d5", "d6"};
  for (int size : {1, 2, 3, 7, 50}) {
    EXPECT_EQ(this->template Walk<DeviceRecord>(size, fetch({}), id), active) << size;
  }
  DeviceFilter all;
  all.include_retired = true;
  EXPECT_EQ(this->template Walk<DeviceRecord>(3, fetch(all), id),
            Keys({"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"}));
  DeviceFilter windows;
  windows.platform = "windows";
  EXPECT_EQ(this->template Walk<DeviceRecord>(1, fetch(windows), id), Keys({"d0", "d6"}));
  DeviceFilter named;
  named.name_prefix = "LAPTOP-";
  EXPECT_EQ(this->template Walk<DeviceRecord>(5, fetch(named), id), Keys({"d0", "d6"}));
  named.name_prefix = "laptop-";  // exact case
  EXPECT_EQ(this->template Walk<DeviceRecord>(5, fetch(named), id), Keys());

  // Devices added between pages, in the second being read and later: each comes once, in
  // its place after the cursor.
  int added = 0;
  auto add = [&] {
    if (added < 2) this->Device("n" + std::to_string(added), added == 0 ? 100 : 500);
    ++added;
  };
  EXPECT_EQ(this->template Walk<DeviceRecord>(3, fetch({}), id, add),
            Keys({"d0", "d1", "d2", "d3", "d4", "d5", "n0", "d6", "n1"}));
}

TYPED_TEST(PagesStoreTest, UsersComeByUpnWhateverTheCaseAPageAtATime) {
  for (const char* upn : {"carol@example.com", "Bob@example.com", "alice@example.com",
                          "DAVE@example.com", "erin@example.com"}) {
    this->User(upn, std::string(upn) == "DAVE@example.com");
  }
  auto fetch = [&](UserFilter f) {
    return [&, f](int limit, const UserRecord* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.after = AsciiLower(last->upn);
      return this->store().ListUsers(f);
    };
  };
  auto upn = [](const UserRecord& u) { return u.upn; };
  const Keys all = {"alice@example.com", "Bob@example.com", "carol@example.com", "DAVE@example.com",
                    "erin@example.com"};
  for (int size : {1, 2, 5, 9}) {
    EXPECT_EQ(this->template Walk<UserRecord>(size, fetch({}), upn), all) << size;
  }
  UserFilter active;
  active.include_disabled = false;
  EXPECT_EQ(
      this->template Walk<UserRecord>(2, fetch(active), upn),
      Keys({"alice@example.com", "Bob@example.com", "carol@example.com", "erin@example.com"}));
  // The cursor names the folded UPN: "bob@..." and "BOB@..." resume at the same place.
  UserFilter after_bob;
  after_bob.after = "bob@example.com";
  auto rest = this->store().ListUsers(after_bob);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ(rest->front().upn, "carol@example.com");
}

TYPED_TEST(PagesStoreTest, GroupsComeByNameWhateverTheCaseAPageAtATime) {
  for (const char* name : {"site-c", "Site-A", "SITE-E", "site-b", "Site-D"}) this->Group(name);
  auto fetch = [&](int limit, const GroupRecord* last) {
    GroupFilter f;
    f.limit = limit;
    if (last != nullptr) f.after = AsciiLower(last->name);
    return this->store().ListGroups(f);
  };
  auto name = [](const GroupRecord& g) { return g.name; };
  for (int size : {1, 2, 5, 7}) {
    EXPECT_EQ(this->template Walk<GroupRecord>(size, fetch, name),
              Keys({"Site-A", "site-b", "site-c", "Site-D", "SITE-E"}))
        << size;
  }
  GroupFilter after_c;
  after_c.after = "site-c";
  auto rest = this->store().ListGroups(after_c);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->size(), 2u);
}

TYPED_TEST(PagesStoreTest, GroupMembersComeDevicesThenUsersByIdAPageAtATime) {
  for (const char* upn : {"carol@example.com", "Bob@example.com", "alice@example.com"})
    this->User(upn);
  for (const char* id : {"d3", "D1", "d2", "d4", "c0"}) this->Device(id, 100);
  this->Device("elsewhere", 100);
  this->Group("fleet");
  this->Group("other");
  for (const char* id : {"d3", "D1", "d2"})
    ASSERT_TRUE(this->store().AddGroupMember("fleet", {MemberKind::kDevice, id}));
  for (const char* upn : {"carol@example.com", "Bob@example.com", "alice@example.com"})
    ASSERT_TRUE(this->store().AddGroupMember("fleet", {MemberKind::kUser, upn}));
  ASSERT_TRUE(this->store().AddGroupMember("other", {MemberKind::kDevice, "elsewhere"}));

  auto fetch = [&](MemberFilter f) {
    return [&, f](int limit, const GroupMember* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.after = *last;
      return this->store().ListGroupMembers("FLEET", f);
    };
  };
  auto key = [](const GroupMember& m) { return MemberKindName(m.kind) + (":" + m.id); };
  const Keys all = {"device:D1",
                    "device:d2",
                    "device:d3",
                    "user:alice@example.com",
                    "user:Bob@example.com",
                    "user:carol@example.com"};
  for (int size : {1, 2, 4, 6, 9}) {
    EXPECT_EQ(this->template Walk<GroupMember>(size, fetch({}), key), all) << size;
  }
  MemberFilter users;
  users.kind = MemberKind::kUser;
  EXPECT_EQ(this->template Walk<GroupMember>(2, fetch(users), key),
            Keys({"user:alice@example.com", "user:Bob@example.com", "user:carol@example.com"}));
  MemberFilter devices;
  devices.kind = MemberKind::kDevice;
  EXPECT_EQ(this->template Walk<GroupMember>(1, fetch(devices), key),
            Keys({"device:D1", "device:d2", "device:d3"}));
  // A cursor in any case resumes at the same place; one past the kind asked for ends the list.
  MemberFilter after_bob;
  after_bob.after = GroupMember{MemberKind::kUser, "BOB@EXAMPLE.COM"};
  EXPECT_EQ(this->template Walk<GroupMember>(5, fetch(after_bob), key),
            Keys({"user:carol@example.com"}));
  devices.after = GroupMember{MemberKind::kUser, "a"};
  EXPECT_EQ(this->template Walk<GroupMember>(5, fetch(devices), key), Keys());

  // A member added between pages after the cursor comes once; one before it does not.
  int added = 0;
  auto add = [&] {
    if (added++ == 0) {
      ASSERT_TRUE(this->store().AddGroupMember("fleet", {MemberKind::kDevice, "d4"}));
      ASSERT_TRUE(this->store().AddGroupMember("fleet", {MemberKind::kDevice, "c0"}));
    }
  };
  EXPECT_EQ(this->template Walk<GroupMember>(2, fetch({}), key, add),
            Keys({"device:D1", "device:d2", "device:d3", "device:d4", "user:alice@example.com",
                  "user:Bob@example.com", "user:carol@example.com"}));

  auto counts = this->store().CountGroupMembers("Fleet");
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->devices, 5);
  EXPECT_EQ(counts->users, 3);
  this->Group("empty");
  counts = this->store().CountGroupMembers("empty");
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->devices + counts->users, 0);
  EXPECT_EQ(this->store().CountGroupMembers("nogroup").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(this->store().ListGroupMembers("nogroup", {}).error().code, ErrorCode::kNotFound);
  auto none = this->store().ListGroupMembers("empty", {});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(PagesStoreTest, RequestsComeNewestFirstAPageAtATime) {
  this->Request("r1", 100, "WiFi");
  this->Request("r2", 200, "wifi");
  this->Request("r3", 200, "vpn");
  this->Request("r4", 200, "wifi");
  this->Request("r5", 300, "");
  auto fetch = [&](RequestFilter f) {
    return [&, f](int limit, const RequestRecord* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.after = SeqCursor{last->created_at, last->id};
      return this->store().ListRequests(f);
    };
  };
  auto name = [](const RequestRecord& r) { return r.correlation_id; };
  for (int size : {1, 2, 4, 5, 8}) {
    EXPECT_EQ(this->template Walk<RequestRecord>(size, fetch({}), name),
              Keys({"r5", "r4", "r3", "r2", "r1"}))
        << size;
  }
  RequestFilter wifi;
  wifi.profile = "WIFI";  // any case
  EXPECT_EQ(this->template Walk<RequestRecord>(1, fetch(wifi), name), Keys({"r4", "r2", "r1"}));
  RequestFilter window;
  window.created_from = 200;
  window.created_until = 300;
  EXPECT_EQ(this->template Walk<RequestRecord>(2, fetch(window), name), Keys({"r4", "r3", "r2"}));
  // Requests recorded while the pages are read are newer than the cursor: not in this walk.
  int n = 0;
  EXPECT_EQ(this->template Walk<RequestRecord>(
                2, fetch({}), name, [&] { this->Request("new" + std::to_string(n++), 250); }),
            Keys({"r5", "r4", "r3", "r2", "r1"}));
}

TYPED_TEST(PagesStoreTest, EventsAndAuditEntriesComeNewestFirstAPageAtATime) {
  for (int i = 1; i <= 5; ++i)
    this->Event(i % 2 == 0 ? "certificate.revoked" : "request.failed", i);
  auto events = [&](EventFilter f) {
    return [&, f](int limit, const OutboxEvent* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.before_id = last->id;
      return this->store().ListEvents(f);
    };
  };
  auto at = [](const OutboxEvent& e) { return std::to_string(e.created_at); };
  for (int size : {1, 2, 5, 6}) {
    EXPECT_EQ(this->template Walk<OutboxEvent>(size, events({}), at),
              Keys({"5", "4", "3", "2", "1"}));
  }
  EventFilter revoked;
  revoked.type = "certificate.revoked";
  EXPECT_EQ(this->template Walk<OutboxEvent>(1, events(revoked), at), Keys({"4", "2"}));

  this->Audit("cli:root", "device.add", 10);
  this->Audit("token:ab (ci)", "device.retire", 20);
  this->Audit("cli:root", "profile.update", 30);
  this->Audit("cli:root", "device.add", 40);
  this->Audit("token:ab (ci)", "devices.other", 50);
  auto audit = [&](AuditFilter f) {
    return [&, f](int limit, const AuditRecord* last) mutable {
      f.limit = limit;
      if (last != nullptr) f.before_id = last->id;
      return this->store().ListAudit(f);
    };
  };
  auto when = [](const AuditRecord& a) { return std::to_string(a.at); };
  for (int size : {1, 3, 5}) {
    EXPECT_EQ(this->template Walk<AuditRecord>(size, audit({}), when),
              Keys({"50", "40", "30", "20", "10"}));
  }
  AuditFilter devices;
  devices.action_prefix = "device.";
  EXPECT_EQ(this->template Walk<AuditRecord>(1, audit(devices), when), Keys({"40", "20", "10"}));
  AuditFilter by_root;
  by_root.actor = "cli:root";
  by_root.at_from = 20;
  by_root.at_until = 40;
  EXPECT_EQ(this->template Walk<AuditRecord>(1, audit(by_root), when), Keys({"30"}));
}

TYPED_TEST(PagesStoreTest, TheDevicesAProfileTargetsComeAPageAtATime) {
  auto profile = [&](const std::string& name, const std::string& type) {
    ProfileRecord p;
    p.name = name;
    p.cert_type = type;
    p.subject = "CN=x";
    p.purpose = "signature";
    p.key_type = "rsa";
    p.min_key_size = 2048;
    p.hash = "sha256";
    p.validity_days = 30;
    p.trusted_ca = std::string(64, 'a');
    ASSERT_TRUE(this->store().InsertProfile(p));
  };
  auto group = [&](const std::string& name) {
    GroupRecord g;
    g.name = name;
    ASSERT_TRUE(this->store().InsertGroup(g));
  };
  auto member = [&](const std::string& g, MemberKind kind, const std::string& id) {
    ASSERT_TRUE(this->store().AddGroupMember(g, GroupMember{kind, id}));
  };
  this->User("Alice@example.com");
  this->User("bob@example.com");
  for (int i = 0; i < 8; ++i) {
    DeviceRecord d;
    d.id = "d" + std::to_string(i);
    d.name = d.id;
    d.platform = "windows";
    d.owner = i % 2 == 0 ? "alice@example.com" : (i == 7 ? "" : "bob@example.com");
    d.created_at = 100 + i / 3;  // three to a second
    ASSERT_TRUE(this->store().InsertDevice(d));
  }
  ASSERT_TRUE(this->store().RetireDevice("d6", 500));
  profile("Wi-Fi", "device");
  profile("VPN", "user");
  profile("Unassigned", "device");
  group("Laptops");
  group("Staff");
  group("Other");
  for (const char* id : {"d1", "d2", "d5", "d6", "d7"}) member("laptops", MemberKind::kDevice, id);
  member("Other", MemberKind::kDevice, "d0");
  member("STAFF", MemberKind::kUser, "ALICE@example.com");
  member("Staff", MemberKind::kDevice, "d3");  // a device in a user profile's group: not by itself
  ASSERT_TRUE(this->store().AddAssignment("wi-fi", "Laptops"));
  ASSERT_TRUE(this->store().AddAssignment("vpn", "staff"));
  auto fetch = [&](const std::string& name) {
    return [&, name](int limit, const DeviceRecord* last) {
      DeviceFilter f;
      f.targeted_by = name;
      f.limit = limit;
      if (last != nullptr) f.after = SeqCursor{last->created_at, last->seq};
      return this->store().ListDevices(f);
    };
  };
  auto id = [](const DeviceRecord& d) { return d.id; };
  for (int size : {1, 2, 4, 10}) {
    // Device profile: the members of its group, the retired d6 left out.
    EXPECT_EQ(this->template Walk<DeviceRecord>(size, fetch("WI-FI"), id),
              Keys({"d1", "d2", "d5", "d7"}))
        << size;
    // User profile: the devices whose owner is in its group (d6 is retired).
    EXPECT_EQ(this->template Walk<DeviceRecord>(size, fetch("vpn"), id), Keys({"d0", "d2", "d4"}))
        << size;
  }
  EXPECT_EQ(this->template Walk<DeviceRecord>(3, fetch("Unassigned"), id), Keys());
  EXPECT_EQ(this->template Walk<DeviceRecord>(3, fetch("no such profile"), id), Keys());
  // A device joining the group between pages, after the cursor, comes in its place.
  int joined = 0;
  auto join = [&] {
    if (joined++ == 0) member("Laptops", MemberKind::kDevice, "d4");
  };
  EXPECT_EQ(this->template Walk<DeviceRecord>(2, fetch("Wi-Fi"), id, join),
            Keys({"d1", "d2", "d4", "d5", "d7"}));
}

}  // namespace
}  // namespace scepgate::store

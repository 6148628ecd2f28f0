#include "mgmt/targeting.h"

#include <gtest/gtest.h>

#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using Strings = std::vector<std::string>;
using store::MemberKind;

constexpr char kDn[] = "CN=Müller\\, \"Jürgen\",OU=Zürich,DC=example,DC=com";
constexpr char kSid[] = "S-1-5-21-3623811015-3361044348-30300820-1013";

store::GroupMember Member(MemberKind kind, const std::string& id) {
  store::GroupMember m;
  m.kind = kind;
  m.id = id;
  return m;
}

Strings IdsOf(const std::vector<store::DeviceRecord>& devices) {
  Strings out;
  for (const auto& d : devices) out.push_back(d.id);
  return out;
}

class TargetingTest : public ::testing::Test {
 protected:
  void AddUser(const std::string& upn, const std::string& sid = "", const std::string& dn = "") {
    NewUser u;
    u.upn = upn;
    u.email = upn;
    u.sid = sid;
    u.on_prem_dn = dn;
    auto added = dir_.AddUser(u, Role::kAdmin);
    ASSERT_TRUE(added) << added.error().message;
  }
  std::string AddDevice(const std::string& name, const std::string& owner = "",
                        const std::string& serial = "SN1") {
    NewDevice d;
    d.name = name;
    d.platform = "windows";
    d.serial_number = serial;
    d.owner = owner;
    auto added = dir_.AddDevice(d);
    EXPECT_TRUE(added) << added.error().message;
    return added ? added->id : "";
  }
  void AddGroup(const std::string& name) { ASSERT_TRUE(dir_.AddGroup(name, "")); }
  void Join(const std::string& group, MemberKind kind, const std::string& id) {
    ASSERT_TRUE(dir_.AddMember(group, Member(kind, id)));
  }
  // Creates a profile of `type` assigned to `group`.
  void AddProfile(const std::string& name, const std::string& type, const std::string& group,
                  const std::string& subject, const Strings& sans = {}, bool strong = false) {
    ProfileSpec s;
    s.cert_type = type;
    s.subject = subject;
    s.sans = sans;
    s.strong_mapping = strong;
    s.urls = Strings{"https://scep.example/scep"};
    s.trusted_ca = std::string(64, 'a');
    auto created = profiles_.Create(name, s);
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_TRUE(profiles_.Assign(name, group));
  }
  bool Targeted(const std::string& profile, const std::string& device) {
    auto t = targeting_.IsTargeted(profile, device);
    EXPECT_TRUE(t) << t.error().message;
    return t && *t;
  }
  void ExpectDenied(const std::string& profile, const std::string& device,
                    const std::string& in_message) {
    auto r = targeting_.Resolve(profile, device);
    ASSERT_FALSE(r) << r->subject;
    EXPECT_EQ(r.error().code, ErrorCode::kPolicyDenied) << r.error().message;
    EXPECT_NE(r.error().message.find(in_message), std::string::npos) << r.error().message;
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
  Profiles profiles_{store_, clock_};
  Targeting targeting_{store_};
};

TEST_F(TargetingTest, DeviceProfileTargetsMemberDevicesThatAreNotRetired) {
  AddUser("alice@example.com");
  AddGroup("Kiosks");
  std::string member = AddDevice("kiosk-1");
  std::string retired = AddDevice("kiosk-2");
  std::string other = AddDevice("laptop", "alice@example.com");
  std::string later = AddDevice("kiosk-3");
  Join("kiosks", MemberKind::kDevice, member);
  Join("kiosks", MemberKind::kDevice, retired);
  Join("kiosks", MemberKind::kDevice, later);
  Join("kiosks", MemberKind::kUser, "alice@example.com");  // users do not count for DEVICE
  ASSERT_TRUE(dir_.RetireDevice(retired));
  AddProfile("kiosk-cert", "device", "Kiosks", "CN={{DeviceName}}");

  EXPECT_TRUE(Targeted("KIOSK-CERT", member));
  EXPECT_FALSE(Targeted("kiosk-cert", retired));
  EXPECT_FALSE(Targeted("kiosk-cert", other));
  EXPECT_EQ(IdsOf(*targeting_.TargetedDevices("kiosk-cert")), (Strings{member, later}));

  ASSERT_TRUE(profiles_.Unassign("kiosk-cert", "kiosks"));
  EXPECT_FALSE(Targeted("kiosk-cert", member));
  EXPECT_TRUE(targeting_.TargetedDevices("kiosk-cert")->empty());
  ExpectDenied("kiosk-cert", member, "ScepProfileNoLongerTargetedToTheClient");
}

TEST_F(TargetingTest, UserProfileTargetsDevicesOfMemberOwners) {
  AddUser("alice@example.com");
  AddUser("bob@example.com");
  AddGroup("Sales");
  Join("Sales", MemberKind::kUser, "ALICE@example.com");
  std::string alices = AddDevice("alice-laptop", "alice@example.com");
  std::string alices_old = AddDevice("alice-old", "alice@example.com");
  std::string bobs = AddDevice("bob-laptop", "bob@example.com");
  std::string unowned = AddDevice("shared");
  Join("Sales", MemberKind::kDevice, bobs);  // a member device of a non-member owner
  Join("Sales", MemberKind::kDevice, unowned);
  ASSERT_TRUE(dir_.RetireDevice(alices_old));
  AddProfile("user-cert", "user", "sales", "CN={{UserName}}");

  EXPECT_TRUE(Targeted("user-cert", alices));
  EXPECT_FALSE(Targeted("user-cert", alices_old));
  EXPECT_FALSE(Targeted("user-cert", bobs));
  EXPECT_FALSE(Targeted("user-cert", unowned));
  EXPECT_EQ(IdsOf(*targeting_.TargetedDevices("user-cert")), (Strings{alices}));
  ExpectDenied("user-cert", unowned, "user profile targets a device with no owner");
  ExpectDenied("user-cert", bobs, "ScepProfileNoLongerTargetedToTheClient");
}

TEST_F(TargetingTest, UnknownProfileOrDeviceIsNotFound) {
  AddGroup("g");
  std::string device = AddDevice("d");
  AddProfile("p", "device", "g", "CN=x");
  EXPECT_EQ(targeting_.IsTargeted("ghost", device).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(targeting_.IsTargeted("p", "no-such-device").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(targeting_.TargetedDevices("ghost").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(targeting_.Resolve("p", "no-such-device").error().code, ErrorCode::kNotFound);
}

TEST_F(TargetingTest, ResolveEscapesDeviceNamesInTheSubjectOnly) {
  AddGroup("g");
  std::string device = AddDevice("Lobby, \"Kiosk\" <1>+;", "", "SN\\7");
  Join("g", MemberKind::kDevice, device);
  AddProfile("p", "device", "g", "CN={{DeviceName}},serialNumber={{SerialNumber}},O=Example",
             {"dns:{{DeviceId}}.example", "uri:urn:device:{{SerialNumber}}:{{Platform}}"});
  auto r = targeting_.Resolve("p", device);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "CN=Lobby\\, \\\"Kiosk\\\" \\<1\\>\\+\\;,serialNumber=SN\\\\7,O=Example");
  EXPECT_EQ(r->sans, (Strings{"DNS:" + device + ".example", "URI:urn:device:SN\\7:windows"}));
}

TEST_F(TargetingTest, ResolveUserProfileWithNonAsciiNameDnAndStrongMapping) {
  AddUser("jürgen.müller@example.com", kSid, kDn);
  AddGroup("g");
  Join("g", MemberKind::kUser, "jürgen.müller@example.com");
  std::string device = AddDevice("pc", "jürgen.müller@example.com");
  AddProfile("p", "user", "g", "CN={{UserName}},OU={{OnPrem_Distinguished_Name}}",
             {"upn:{{UserPrincipalName}}", "email:{{EmailAddress}}",
              "uri:ldap:///{{OnPrem_Distinguished_Name}}"},
             true);
  auto r = targeting_.Resolve("p", device);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(
      r->subject,
      "CN=jürgen.müller,OU=CN=Müller\\\\\\, \\\"Jürgen\\\"\\,OU=Zürich\\,DC=example\\,DC=com");
  EXPECT_EQ(r->sans, (Strings{"UPN:jürgen.müller@example.com", "email:jürgen.müller@example.com",
                              std::string("URI:ldap:///") + kDn,
                              std::string("URI:tag:microsoft.com,2022-09-14:sid:") + kSid}));
}

TEST_F(TargetingTest, ResolveRefusesEmptyVariables) {
  AddUser("nosid@example.com");
  AddGroup("g");
  Join("g", MemberKind::kUser, "nosid@example.com");
  std::string owned = AddDevice("pc", "nosid@example.com", "");
  std::string unowned = AddDevice("kiosk");
  Join("g", MemberKind::kDevice, owned);
  Join("g", MemberKind::kDevice, unowned);
  AddProfile("sid", "user", "g", "CN={{UserSid}}");
  AddProfile("serial", "device", "g", "CN={{SerialNumber}}");
  AddProfile("owner", "device", "g", "CN={{DeviceName}}", {"upn:{{UserPrincipalName}}"});
  AddProfile("strong", "user", "g", "CN={{UserPrincipalName}}", {}, true);
  ExpectDenied("sid", owned, "{{UserSid}}");
  ExpectDenied("serial", owned, "{{SerialNumber}}");
  ExpectDenied("owner", unowned, "{{UserPrincipalName}} has no value");
  ExpectDenied("owner", unowned, "no owner");
  auto with_owner = targeting_.Resolve("owner", owned);
  ASSERT_TRUE(with_owner) << with_owner.error().message;
  EXPECT_EQ(with_owner->sans, (Strings{"UPN:nosid@example.com"}));
  auto strong = targeting_.Resolve("strong", owned);  // no SID: no strong-mapping SAN
  ASSERT_TRUE(strong) << strong.error().message;
  EXPECT_EQ(strong->subject, "CN=nosid@example.com");
  EXPECT_TRUE(strong->sans.empty());
}

TEST(EscapeRfc4514Test, EscapesSpecialsAndEdges) {
  EXPECT_EQ(EscapeRfc4514("plain"), "plain");
  EXPECT_EQ(EscapeRfc4514("a,b+c\"d\\e<f>g;h"), "a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h");
  EXPECT_EQ(EscapeRfc4514("#1"), "\\#1");
  EXPECT_EQ(EscapeRfc4514("a#1"), "a#1");
  EXPECT_EQ(EscapeRfc4514(" x "), "\\ x\\ ");
  EXPECT_EQ(EscapeRfc4514("x y"), "x y");
  EXPECT_EQ(EscapeRfc4514(" "), "\\ ");
  EXPECT_EQ(EscapeRfc4514("Zürich"), "Zürich");
  EXPECT_EQ(EscapeRfc4514(""), "");
}

}  // namespace
}  // namespace scepgate::mgmt

#include "mgmt/profiles.h"

#include <gtest/gtest.h>

#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using Strings = std::vector<std::string>;

const std::string kCa(64, 'a');

// A valid device profile spec with only the required fields.
ProfileSpec Minimal(const std::string& type = "device") {
  ProfileSpec s;
  s.cert_type = type;
  s.subject = "CN={{DeviceName}},O=Example";
  s.urls = Strings{"https://scep.example/scep"};
  s.trusted_ca = kCa;
  return s;
}

class ProfilesTest : public ::testing::Test {
 protected:
  template <class T>
  void ExpectCode(const T& result, ErrorCode code, const std::string& in_message = "") {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_NE(result.error().message.find(in_message), std::string::npos) << result.error().message;
  }
  // Expects Create with `spec` to fail with kInvalidArgument mentioning `in_message`.
  void Refused(const ProfileSpec& spec, const std::string& in_message) {
    SCOPED_TRACE(in_message);
    ExpectCode(profiles_.Create("p", spec), ErrorCode::kInvalidArgument, in_message);
  }
  void AddGroup(const std::string& name) {
    store::GroupRecord g;
    g.name = name;
    ASSERT_TRUE(store_.InsertGroup(g));
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  Profiles profiles_{store_, clock_};
};

TEST_F(ProfilesTest, CreateFillsDefaults) {
  auto p = profiles_.Create("Wi-Fi", Minimal());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "Wi-Fi");
  EXPECT_EQ(p->cert_type, "device");
  EXPECT_EQ(p->purpose, "general");
  EXPECT_EQ(p->ekus, (Strings{"clientAuth"}));
  EXPECT_EQ(p->key_type, "rsa");
  EXPECT_EQ(p->min_key_size, 2048);
  EXPECT_EQ(p->hash, "sha256");
  EXPECT_EQ(p->validity_days, 365);
  EXPECT_EQ(p->renewal_threshold, 20);
  EXPECT_FALSE(p->strong_mapping);
  EXPECT_FALSE(p->require_approval);
  EXPECT_EQ(p->ca_fingerprint, "sha1") << "every Apple release reads a SHA-1 CAFingerprint";
  EXPECT_TRUE(p->key_extractable);
  EXPECT_EQ(p->created_at, 1700000000);
  EXPECT_EQ(p->updated_at, 1700000000);
  auto stored = store_.FindProfile("wi-fi");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->subject, "CN={{DeviceName}},O=Example");
}

TEST_F(ProfilesTest, CreateNormalisesEveryField) {
  ProfileSpec s = Minimal("USER");
  s.sans = Strings{"DNS:{{DeviceName}}.example", "Email:{{EmailAddress}}",
                   "upn:{{UserPrincipalName}}", "URI:https://id.example/{{UserSid}}"};
  s.purpose = "Signature";
  s.ekus = Strings{"serverAuth", "msSmartcardLogin", "1.3.6.1.5.5.7.3.2"};
  s.key_type = "EC";
  s.hash = "SHA384";
  s.trusted_ca = "AB:" + std::string(62, 'C');
  s.strong_mapping = true;
  s.require_approval = true;
  auto p = profiles_.Create("u", s);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->cert_type, "user");
  EXPECT_EQ(p->sans, (Strings{"dns:{{DeviceName}}.example", "email:{{EmailAddress}}",
                              "upn:{{UserPrincipalName}}", "uri:https://id.example/{{UserSid}}"}));
  EXPECT_EQ(p->purpose, "signature");
  EXPECT_EQ(p->key_type, "ec");
  EXPECT_EQ(p->min_key_size, 256);
  EXPECT_EQ(p->hash, "sha384");
  EXPECT_EQ(p->trusted_ca, "ab" + std::string(62, 'c'));
  EXPECT_TRUE(p->strong_mapping);
  EXPECT_TRUE(p->require_approval);
}

TEST_F(ProfilesTest, CreateRefusesBadFields) {
  ProfileSpec s = Minimal();
  s.cert_type.reset();
  Refused(s, "certificate type");
  s = Minimal("computer");
  Refused(s, "computer");
  s = Minimal();
  s.subject = "CN={{DeviceNom}}";
  Refused(s, "unknown variable {{DeviceNom}}");
  s.subject = "CN={{DeviceName}";
  Refused(s, "unbalanced braces");
  s.subject = "CN={DeviceName}}";
  Refused(s, "unbalanced braces");
  s.subject = "CN=}";
  Refused(s, "unbalanced braces");
  s.subject = "";
  Refused(s, "subject format or at least one SAN");
  s = Minimal();
  s.sans = Strings{"ip:10.0.0.1"};
  Refused(s, "ip:10.0.0.1");
  s.sans = Strings{"dns"};
  Refused(s, "TYPE:VALUE");
  s.sans = Strings{"dns:"};
  Refused(s, "empty value");
  s.sans = Strings{"dns:{{Hostname}}"};
  Refused(s, "{{Hostname}}");
  s = Minimal();
  s.purpose = "both";
  Refused(s, "both");
  s = Minimal();
  s.ekus = Strings{"anyPurpose"};
  Refused(s, "anyPurpose");
  s.ekus = Strings{"1.2.x"};
  Refused(s, "1.2.x");
  s = Minimal();
  s.key_type = "dsa";
  Refused(s, "dsa");
  s.key_type = "rsa";
  s.min_key_size = 1024;
  Refused(s, "2048..16384");
  s.min_key_size = 16385;
  Refused(s, "2048..16384");
  s.key_type = "ec";
  s.min_key_size = 512;
  Refused(s, "256, 384 or 521");
  s = Minimal();
  s.hash = "sha1";
  Refused(s, "sha1");
  s = Minimal();
  s.validity_days = 0;
  Refused(s, "1..3650");
  s.validity_days = 3651;
  Refused(s, "1..3650");
  s = Minimal();
  s.renewal_threshold = 100;
  Refused(s, "1..99");
  s.renewal_threshold = 0;
  Refused(s, "1..99");
  s = Minimal();
  s.urls = Strings{};
  Refused(s, "URL");
  s.urls = Strings{"ftp://scep.example/"};
  Refused(s, "http:// or https://");
  s.urls = Strings{"https://"};
  Refused(s, "no host");
  s = Minimal();
  s.trusted_ca = "abcd";
  Refused(s, "64 hex digits");
  s.trusted_ca = std::string(63, 'a') + "g";
  Refused(s, "64 hex digits");
  s.trusted_ca.reset();
  Refused(s, "trusted CA");
  s = Minimal();
  s.ca_fingerprint = "md5";
  Refused(s, "sha1");
  ExpectCode(profiles_.Create("", Minimal()), ErrorCode::kInvalidArgument, "name");
  EXPECT_TRUE(profiles_.List()->empty());
}

TEST_F(ProfilesTest, DuplicateNameIsAlreadyExists) {
  ASSERT_TRUE(profiles_.Create("wifi", Minimal()));
  ExpectCode(profiles_.Create("WIFI", Minimal()), ErrorCode::kAlreadyExists, "WIFI");
}

TEST_F(ProfilesTest, UpdateChangesOnlyGivenFields) {
  ProfileSpec s = Minimal();
  s.sans = Strings{"dns:a.example", "dns:b.example"};
  s.validity_days = 30;
  ASSERT_TRUE(profiles_.Create("wifi", s));
  clock_.Advance(60);
  ProfileSpec change;
  change.sans = Strings{"uri:urn:{{DeviceId}}"};
  change.hash = "sha512";
  auto p = profiles_.Update("WiFi", change);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "wifi");
  EXPECT_EQ(p->sans, (Strings{"uri:urn:{{DeviceId}}"}));
  EXPECT_EQ(p->hash, "sha512");
  EXPECT_EQ(p->validity_days, 30);
  EXPECT_EQ(p->subject, "CN={{DeviceName}},O=Example");
  EXPECT_EQ(p->created_at, 1700000000);
  EXPECT_EQ(p->updated_at, 1700000060);
  EXPECT_EQ((*store_.FindProfile("wifi"))->sans, (Strings{"uri:urn:{{DeviceId}}"}));

  ProfileSpec to_ec;
  to_ec.key_type = "ec";
  EXPECT_EQ(profiles_.Update("wifi", to_ec)->min_key_size, 256);
  ProfileSpec bad;
  bad.min_key_size = 2048;
  ExpectCode(profiles_.Update("wifi", bad), ErrorCode::kInvalidArgument, "EC");
  EXPECT_EQ((*store_.FindProfile("wifi"))->min_key_size, 256);
  ExpectCode(profiles_.Update("ghost", change), ErrorCode::kNotFound, "ghost");
}

TEST_F(ProfilesTest, AssignShowUnassignAndDelete) {
  AddGroup("Sales");
  AddGroup("kiosks");
  ASSERT_TRUE(profiles_.Create("wifi", Minimal()));
  ASSERT_TRUE(profiles_.Assign("WIFI", "sales"));
  ASSERT_TRUE(profiles_.Assign("wifi", "KIOSKS"));
  ExpectCode(profiles_.Assign("wifi", "Sales"), ErrorCode::kAlreadyExists, "already assigned");
  ExpectCode(profiles_.Assign("ghost", "Sales"), ErrorCode::kNotFound, "ghost");
  ExpectCode(profiles_.Assign("wifi", "nogroup"), ErrorCode::kNotFound, "nogroup");
  auto shown = profiles_.Show("wifi");
  ASSERT_TRUE(shown);
  ASSERT_EQ(shown->groups.size(), 2u);
  EXPECT_EQ(shown->groups[0].name, "kiosks");
  EXPECT_EQ(shown->groups[1].name, "Sales");

  ASSERT_TRUE(profiles_.Unassign("wifi", "kiosks"));
  ExpectCode(profiles_.Unassign("wifi", "kiosks"), ErrorCode::kNotFound, "not assigned");
  ExpectCode(profiles_.Unassign("wifi", "nogroup"), ErrorCode::kNotFound, "nogroup");
  EXPECT_EQ(profiles_.Show("wifi")->groups.size(), 1u);

  ASSERT_TRUE(profiles_.Delete("WIFI"));
  ExpectCode(profiles_.Show("wifi"), ErrorCode::kNotFound, "wifi");
  ExpectCode(profiles_.Delete("wifi"), ErrorCode::kNotFound, "wifi");
  EXPECT_TRUE(store_.ProfilesAssignedTo("Sales")->empty());
}

TEST(ExpandFormatTest, SubstitutesEveryVariableAndKeepsOtherText) {
  auto value = [](std::string_view name) -> Result<std::string> {
    return "<" + std::string(name) + ">";
  };
  std::string format;
  for (const auto& v : ProfileVariables()) format += "{{" + v + "}};";
  auto out = ExpandFormat(format, "subject", value);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out,
            "<DeviceName>;<DeviceId>;<SerialNumber>;<Platform>;<UserPrincipalName>;<UserName>;"
            "<EmailAddress>;<UserSid>;<OnPrem_Distinguished_Name>;");
  EXPECT_EQ(*ExpandFormat("no variables", "subject", value), "no variables");
  EXPECT_FALSE(ExpandFormat("{{ DeviceName }}", "subject", value));
  EXPECT_FALSE(ExpandFormat("{{{DeviceName}}}", "subject", value));
}

TEST(NormalizeThumbprintTest, AcceptsColonsAndAnyCase) {
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += std::string(i ? ":" : "") + "Ab";
  EXPECT_EQ(*NormalizeThumbprint(colons), [] {
    std::string s;
    for (int i = 0; i < 32; ++i) s += "ab";
    return s;
  }());
  EXPECT_FALSE(NormalizeThumbprint(""));
  EXPECT_FALSE(NormalizeThumbprint(std::string(66, 'a')));
}

}  // namespace
}  // namespace scepgate::mgmt

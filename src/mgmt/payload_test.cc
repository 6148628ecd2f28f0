// Payload exporters: URL choice per platform, the RFC 4514 split, and each format parsed back
// (JSON with nlohmann, the plist and the SyncML with libxml2 and XPath); PayloadMaker over an
// in-memory store mints a challenge with the same checks as `challenge issue`.
#include "mgmt/payload.h"
#include "mgmt/payload_test_util.h"
#include "mgmt/xml_test_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "client/request_builder.h"
#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "policy/name_match.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using Strings = std::vector<std::string>;
using testing::Xml;
const Strings kUrls = {"http://a/scep", "http://b/scep", "http://c/scep"};

// --- URL choice -------------------------------------------------------------------------------

TEST(PayloadUrlsTest, AndroidCarriesAllInProfileOrder) {
  FakeRandom random;
  EXPECT_EQ(*SelectUrls("android", kUrls, random), kUrls);
}

TEST(PayloadUrlsTest, WindowsCarriesAllShuffledByTheServer) {
  std::set<Strings> seen;
  for (uint8_t seed = 0; seed < 30; ++seed) {
    FakeRandom random(seed);
    Strings got = *SelectUrls("windows", kUrls, random);
    Strings sorted = got;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, kUrls);
    seen.insert(got);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(PayloadUrlsTest, IosCarriesOneUrlPickedAtRandom) {
  std::set<std::string> seen;
  for (uint8_t seed = 0; seed < 30; ++seed) {
    FakeRandom random(seed);
    Strings got = *SelectUrls("ios", kUrls, random);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(std::find(kUrls.begin(), kUrls.end(), got[0]), kUrls.end());
    seen.insert(got[0]);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(PayloadUrlsTest, ModeFollowsThePlatform) {
  EXPECT_EQ(*ModeForPlatform("android"), "android");
  EXPECT_EQ(*ModeForPlatform("Windows"), "windows");
  EXPECT_EQ(*ModeForPlatform("linux"), "windows");
  EXPECT_EQ(*ModeForPlatform("ios"), "ios");
  EXPECT_EQ(*ModeForPlatform("ipados"), "ios");
  EXPECT_EQ(*ModeForPlatform("macos"), "ios");
  EXPECT_FALSE(ModeForPlatform("palm"));
  FakeRandom random;
  EXPECT_FALSE(SelectUrls("palm", kUrls, random));
  EXPECT_FALSE(SelectUrls("ios", {}, random));
}

// --- RFC 4514 ---------------------------------------------------------------------------------

TEST(SplitRfc4514Test, ReturnsRdnsInDerOrderUnescaped) {
  auto r = SplitRfc4514("CN=B\\C3\\BCro\\, \\\"Kiosk\\\" 1+serialNumber=7,O=Example");
  ASSERT_TRUE(r) << r.error().message;
  NameRdns want = {{{"O", "Example"}}, {{"CN", "B\xC3\xBCro, \"Kiosk\" 1"}, {"serialNumber", "7"}}};
  EXPECT_EQ(*r, want);
  EXPECT_TRUE(SplitRfc4514("")->empty());
  EXPECT_FALSE(SplitRfc4514("CN"));
  EXPECT_EQ(SplitRfc4514("CN=\"a, b\"")->at(0).at(0).second, "a, b");
  auto trailing = SplitRfc4514("CN=x\\");
  ASSERT_FALSE(trailing);
  EXPECT_EQ(trailing.error().message, "subject 'CN=x\\': trailing '\\' at position 4");
}

// --- exporters --------------------------------------------------------------------------------

TEST(PayloadJsonTest, CarriesEverythingTheAgentNeeds) {
  PayloadContent c = Sample();
  auto text = PayloadJson(c);
  ASSERT_TRUE(text);
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["urls"], c.urls);
  EXPECT_EQ(j["challenge"], c.challenge);
  EXPECT_EQ(j["subject"], c.subject);
  EXPECT_EQ(j["subject_rdns"][1][0][1], "dev, <1>");
  EXPECT_EQ(j["sans"], c.sans);
  EXPECT_EQ(j["key_type"], "rsa");
  EXPECT_EQ(j["key_size"], 2048);
  EXPECT_EQ(j["hash"], "sha256");
  EXPECT_EQ(j["key_usage"], c.key_usage);
  EXPECT_EQ(j["ekus"], c.ekus);
  EXPECT_EQ(j["ca_thumbprint_sha256"], c.ca_sha256);
  EXPECT_EQ(j["ca_thumbprint_sha1"], c.ca_sha1);
  EXPECT_EQ(j["renewal_threshold"], 20);
  EXPECT_EQ(j["retry_count"], 3);
  EXPECT_EQ(j["retry_delay_seconds"], 90);
  EXPECT_EQ(j["validity_days"], 30);
  EXPECT_EQ(j["mode"], "windows");
  EXPECT_EQ(j["platform"], "windows");
}

// The value element after <key>name</key> inside the SCEP payload's content dict.
std::string ScepValue(const Xml& x, const std::string& key) {
  return x.One(
      "/plist/dict/array/dict[key='PayloadType' and string='com.apple.security.scep']"
      "/dict/key[.='" +
      key + "']/following-sibling::*[1]");
}

TEST(PayloadMobileconfigTest, IsAPlistWithScepAndRootPayloads) {
  PayloadContent c = Sample();
  c.mode = "ios";
  c.urls = {"http://gw1/scep?a=1&b=2"};
  auto text = PayloadMobileconfig(c);
  ASSERT_TRUE(text) << text.error().message;
  Xml x(*text);
  ASSERT_TRUE(x.ok()) << *text;
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadType']/following-sibling::*[1]"), "Configuration");
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadUUID']/following-sibling::*[1]"), c.uuid_profile);
  // Reverse-DNS whatever the profile's name holds ("wifi & <vpn>").
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadIdentifier']/following-sibling::*[1]"),
            "com.scepgate.profile.wifi----vpn-");
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadScope']/following-sibling::*[1]"), "System");
  EXPECT_EQ(ScepValue(x, "URL"), c.urls[0]);
  EXPECT_EQ(ScepValue(x, "Name"), c.profile);
  EXPECT_EQ(ScepValue(x, "Challenge"), c.challenge);
  EXPECT_EQ(ScepValue(x, "Keysize"), "2048");
  EXPECT_EQ(ScepValue(x, "Key Type"), "RSA");
  EXPECT_EQ(ScepValue(x, "Key Usage"), "5");
  EXPECT_EQ(ScepValue(x, "Retries"), "3");
  EXPECT_EQ(ScepValue(x, "RetryDelay"), "90");
  // SHA-1 (20 bytes) unless the profile asks for SHA-256: Apple picks the hash by the length.
  EXPECT_EQ(HexEncode(*Base64Decode(ScepValue(x, "CAFingerprint"))), c.ca_sha1);
  EXPECT_TRUE(x.All("/plist/dict/array/dict[string='com.apple.security.scep']/dict"
                    "/key[.='KeyIsExtractable']")
                  .empty())
      << "absent: Apple's default, extractable";
  // Subject: [[["O","Example"]],[["CN","dev, <1>"]]]
  std::string scep = "/plist/dict/array/dict[string='com.apple.security.scep']/dict";
  EXPECT_EQ(x.All(scep + "/key[.='Subject']/following-sibling::array[1]/array/array/string"),
            (Strings{"O", "Example", "CN", "dev, <1>"}));
  std::string san = scep + "/key[.='SubjectAltName']/following-sibling::dict[1]";
  EXPECT_EQ(x.All(san + "/key[.='dNSName']/following-sibling::array[1]/string"),
            Strings{"dev.example.com"});
  EXPECT_EQ(x.All(san + "/key[.='rfc822Name']/following-sibling::array[1]/string"),
            Strings{"a@example.com"});
  EXPECT_EQ(x.All(san + "/key[.='uniformResourceIdentifier']/following-sibling::array[1]/string"),
            Strings{"tag:x"});
  EXPECT_EQ(x.One(san + "/key[.='ntPrincipalName']/following-sibling::*[1]"), "a@corp");
  // The root payload carries the CA's DER.
  std::string root = "/plist/dict/array/dict[string='com.apple.security.root']";
  EXPECT_EQ(*Base64Decode(x.One(root + "/key[.='PayloadContent']/following-sibling::*[1]")),
            c.root_der);
  EXPECT_EQ(x.One(root + "/key[.='PayloadUUID']/following-sibling::*[1]"), c.uuid_root);
}

TEST(PayloadMobileconfigTest, RefusesWhatAppleCannotCarry) {
  PayloadContent c = Sample();
  c.key_type = "ec";
  EXPECT_FALSE(PayloadMobileconfig(c));
  c = Sample();
  c.sans.push_back("IP:192.0.2.1");
  EXPECT_FALSE(PayloadMobileconfig(c));
}

TEST(PayloadMobileconfigTest, SubjectTypesAppleDoesNotKnowGoAsDottedOids) {
  PayloadContent c = Sample();
  c.subject_rdns = {{{"dc", "com"}},           {{"DC", "example"}},
                    {{"o", "Example"}},        {{"st", "Bavaria"}},
                    {{"serialNumber", "7"}},   {{"UID", "u1"}},
                    {{"emailAddress", "a@b"}}, {{"cn", "dev"}, {"OU", "kiosk"}}};
  auto text = PayloadMobileconfig(c);
  ASSERT_TRUE(text) << text.error().message;
  Xml x(*text);
  std::string scep = "/plist/dict/array/dict[string='com.apple.security.scep']/dict";
  EXPECT_EQ(x.All(scep + "/key[.='Subject']/following-sibling::array[1]/array/array/string[1]"),
            (Strings{"0.9.2342.19200300.100.1.25", "0.9.2342.19200300.100.1.25", "O", "ST",
                     "2.5.4.5", "0.9.2342.19200300.100.1.1", "1.2.840.113549.1.9.1", "CN", "OU"}));
  c.subject_rdns = {{{"nonsense", "x"}}};
  EXPECT_FALSE(PayloadMobileconfig(c));
}

TEST(PayloadMobileconfigTest, Sha256FingerprintAndANonExtractableKeyWhenTheProfileSaysSo) {
  PayloadContent c = Sample();
  c.ca_fingerprint = "sha256";
  c.key_extractable = false;
  Xml x(*PayloadMobileconfig(c));
  Bytes fingerprint = *Base64Decode(ScepValue(x, "CAFingerprint"));
  EXPECT_EQ(fingerprint.size(), 32u);
  EXPECT_EQ(HexEncode(fingerprint), c.ca_sha256);
  std::string scep = "/plist/dict/array/dict[string='com.apple.security.scep']/dict";
  EXPECT_EQ(x.All(scep + "/key[.='KeyIsExtractable']/following-sibling::*[1][self::false]").size(),
            1u);
}

TEST(PayloadMobileconfigTest, UserCertificatesHaveUserScope) {
  PayloadContent c = Sample();
  c.cert_type = "user";
  Xml x(*PayloadMobileconfig(c));
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadScope']/following-sibling::*[1]"), "User");
}

// Apple's Keysize and the CSP's KeyLength take 1024, 2048 and 4096 only, RSA only.
TEST(PayloadKeyTest, DevicesGetOnlyTheKeySizesTheyCanMake) {
  for (int bits : {1024, 2048, 4096}) {
    PayloadContent c = Sample();
    c.key_size = bits;
    EXPECT_TRUE(PayloadMobileconfig(c)) << bits;
    EXPECT_TRUE(PayloadSyncml(c)) << bits;
  }
  for (int bits : {3072, 8192, 256, 384}) {
    PayloadContent c = Sample();
    c.key_size = bits;
    auto apple = PayloadMobileconfig(c);
    auto windows = PayloadSyncml(c);
    ASSERT_FALSE(apple) << bits;
    ASSERT_FALSE(windows) << bits;
    EXPECT_NE(apple.error().message.find("1024, 2048 or 4096"), std::string::npos);
    EXPECT_NE(windows.error().message.find("1024, 2048 or 4096"), std::string::npos);
  }
  PayloadContent ec = Sample();
  ec.key_type = "ec";
  ec.key_size = 256;
  EXPECT_FALSE(PayloadSyncml(ec)) << "a SyncML KeyLength of 256 would be an RSA key request";
  EXPECT_FALSE(PayloadMobileconfig(ec));
  EXPECT_TRUE(PayloadJson(ec)) << "scepgate-agent makes EC keys";
}

std::string Node(const Xml& x, const std::string& node) {
  return x.One("/Atomic/Add/Item[substring(Target/LocURI, string-length(Target/LocURI) - " +
               std::to_string(node.size() - 1) + ")='" + node + "']/Data");
}

TEST(PayloadSyncmlTest, IsAnAtomicBlockOfCspNodesEndingWithEnroll) {
  PayloadContent c = Sample();
  auto text = PayloadSyncml(c);
  ASSERT_TRUE(text) << text.error().message;
  Xml x(*text);
  ASSERT_TRUE(x.ok()) << *text;
  std::string base = "./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/scepgate_wifi____vpn_";
  for (const std::string& uri : x.All("/Atomic/*/Item/Target/LocURI"))
    EXPECT_TRUE(uri.starts_with(base)) << uri;
  EXPECT_EQ(Node(x, "/Install/ServerURL"), "http://gw1/scep?a=1&b=2;http://gw2/scep");
  EXPECT_EQ(Node(x, "/Install/Challenge"), c.challenge);
  EXPECT_EQ(Node(x, "/Install/EKUMapping"), "1.3.6.1.5.5.7.3.2+1.3.6.1.5.5.7.3.1");
  EXPECT_EQ(Node(x, "/Install/KeyUsage"), "160");
  EXPECT_EQ(Node(x, "/Install/KeyLength"), "2048");
  EXPECT_EQ(Node(x, "/Install/HashAlgorithm"), "SHA-2");
  // CertStrToName quoting, not RFC 4514's backslashes.
  EXPECT_EQ(Node(x, "/Install/SubjectName"), "CN=\"dev, <1>\", O=Example");
  EXPECT_EQ(Node(x, "/Install/SubjectAlternativeNames"),
            "3+dev.example.com;2+a@example.com;11+a@corp;7+tag:x");
  std::string sha1 = c.ca_sha1;
  std::transform(sha1.begin(), sha1.end(), sha1.begin(), ::toupper);
  EXPECT_EQ(Node(x, "/Install/CAThumbprint"), sha1);
  EXPECT_EQ(Node(x, "/Install/RetryCount"), "3");
  EXPECT_EQ(Node(x, "/Install/RetryDelay"), "2");  // 90 s, in whole minutes rounded up
  EXPECT_EQ(Node(x, "/Install/ValidPeriod"), "Days");
  EXPECT_EQ(Node(x, "/Install/ValidPeriodUnits"), "30");
  EXPECT_EQ(x.One("/Atomic/Add/Item[Target/LocURI='" + base + "/Install/KeyLength']/Meta/m:Format"),
            "int");
  // The Exec of Enroll comes last.
  EXPECT_EQ(x.One("/Atomic/*[last()]/Item/Target/LocURI"), base + "/Install/Enroll");
}

TEST(PayloadSyncmlTest, UserCertificatesGoUnderUser) {
  PayloadContent c = Sample();
  c.cert_type = "user";
  Xml x(*PayloadSyncml(c));
  for (const std::string& uri : x.All("/Atomic/*/Item/Target/LocURI"))
    EXPECT_TRUE(uri.starts_with("./User/Vendor/MSFT/ClientCertificateInstall/SCEP/")) << uri;
}

TEST(PayloadSyncmlTest, RetryDelayIsAtLeastOneMinuteAndKeyUsageMustSignOrEncipher) {
  PayloadContent c = Sample();
  c.retry_delay_seconds = 0;
  EXPECT_EQ(Node(Xml(*PayloadSyncml(c)), "/Install/RetryDelay"), "1");
  c.key_usage = KU_KEY_AGREEMENT;  // neither 0x80 nor 0x20
  auto refused = PayloadSyncml(c);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("0x80"), std::string::npos);
  c.key_usage = KU_KEY_ENCIPHERMENT;
  EXPECT_TRUE(PayloadSyncml(c));
}

// How CertStrToName reads a name (the documented syntax: RDNs split at ',' or ';', attributes at
// '+', spaces around them ignored, a "quoted" value with "" for a quote), into RDNs in DER order
// with the types as dotted OIDs. nullopt for text it would refuse.
std::optional<NameRdns> ReadAsWindowsDoes(std::string_view s) {
  NameRdns in_string_order(1);
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && s[i] == ' ') ++i;
  };
  while (true) {
    skip();
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    std::string key(s.substr(i, eq - i));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    i = eq + 1;
    skip();
    std::string value;
    if (i < s.size() && s[i] == '"') {
      for (++i;; ++i) {
        if (i >= s.size()) return std::nullopt;
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            value += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        value += s[i];
      }
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != ';' && s[i] != '+') value += s[i++];
      while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    auto oid = policy::AttributeTypeOid(key);
    if (!oid) return std::nullopt;
    in_string_order.back().push_back({*oid, value});
    skip();
    if (i == s.size()) break;
    if (s[i] == '+') {
      ++i;
      continue;
    }
    if (s[i] != ',' && s[i] != ';') return std::nullopt;
    ++i;
    in_string_order.emplace_back();
  }
  return NameRdns(in_string_order.rbegin(), in_string_order.rend());
}

// Many generated names, values full of what either syntax treats specially: what Windows reads
// from the SubjectName is the name the policy expects (types compared as OIDs).
TEST(PayloadSyncmlTest, SubjectNameReadsBackAsTheExpectedNameForManyNames) {
  const std::vector<std::string> types = {"CN", "O",  "OU",           "L",   "ST",
                                          "C",  "DC", "serialNumber", "UID", "emailAddress"};
  const std::vector<std::string> pieces = {"a", "Z", "9", " ", ",",  "+", "=",        "\"", "\n",
                                           "<", ">", "#", ";", "\\", "'", "\xC3\xBC", "  "};
  std::mt19937 gen(20261204);
  for (int n = 0; n < 500; ++n) {
    NameRdns rdns(1 + gen() % 4);
    for (auto& rdn : rdns) {
      rdn.resize(1 + (gen() % 5 == 0));
      for (auto& [type, value] : rdn) {
        type = types[gen() % types.size()];
        value.clear();
        for (size_t k = gen() % 7; k > 0; --k) value += pieces[gen() % pieces.size()];
      }
    }
    PayloadContent c = Sample();
    c.subject_rdns = rdns;
    auto text = PayloadSyncml(c);
    ASSERT_TRUE(text) << text.error().message;
    std::string subject = Node(Xml(*text), "/Install/SubjectName");
    auto read = ReadAsWindowsDoes(subject);
    ASSERT_TRUE(read) << subject;
    NameRdns want = rdns;
    for (auto& rdn : want)
      for (auto& [type, value] : rdn) type = *policy::AttributeTypeOid(type);
    ASSERT_EQ(*read, want) << subject;
  }
}

// --- PayloadMaker -----------------------------------------------------------------------------

class PayloadMakerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = TestCaDer();
    ASSERT_TRUE(dir_.AddGroup("Phones", ""));
    NewDevice d;
    d.name = "phone-1";
    d.platform = "ios";
    auto added = dir_.AddDevice(d);
    ASSERT_TRUE(added) << added.error().message;
    device_ = added->id;
    ASSERT_TRUE(dir_.AddMember("Phones", {store::MemberKind::kDevice, device_}));
    ProfileSpec s;
    s.cert_type = "device";
    s.subject = "CN={{DeviceName}},O=Example";
    s.urls = kUrls;
    s.trusted_ca = HexEncode(*Digest("SHA256", ca_));
    ASSERT_TRUE(profiles_.Create("phones", s));
    ASSERT_TRUE(profiles_.Assign("phones", "Phones"));
  }
  Result<MadePayload> Make(PayloadFormat format, const PayloadOptions& options = {}) {
    PayloadMaker maker(store_, clock_, random_, {}, {ca_, {}});
    return maker.Make(device_, "phones", format, 3600, options, Role::kAdmin);
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
  Profiles profiles_{store_, clock_};
  Bytes ca_;
  std::string device_;
};

TEST_F(PayloadMakerTest, MintsAChallengeAndPicksOneUrlForIos) {
  auto made = Make(PayloadFormat::kJson);
  ASSERT_TRUE(made) << made.error().message;
  auto j = nlohmann::json::parse(made->body);
  EXPECT_EQ(j["mode"], "ios");
  EXPECT_EQ(j["urls"].size(), 1u);
  EXPECT_EQ(j["subject"], "CN=phone-1,O=Example");
  EXPECT_EQ(j["retry_count"], 3);
  EXPECT_EQ(j["retry_delay_seconds"], 60);
  EXPECT_EQ(j["challenge_expires_at"], 1700003600);
  EXPECT_EQ(made->challenge.device_id, device_);
  EXPECT_FALSE(j["challenge"].get<std::string>().empty());
}

TEST_F(PayloadMakerTest, OptionsOverrideModeRetriesAndThreshold) {
  PayloadOptions o;
  o.mode = "android";
  o.retry_count = 5;
  o.retry_delay_seconds = 0;
  o.renewal_threshold = 100;
  auto made = Make(PayloadFormat::kJson, o);
  ASSERT_TRUE(made) << made.error().message;
  auto j = nlohmann::json::parse(made->body);
  EXPECT_EQ(j["urls"], kUrls);
  EXPECT_EQ(j["retry_count"], 5);
  EXPECT_EQ(j["renewal_threshold"], 100);
  o.renewal_threshold = 101;
  EXPECT_EQ(Make(PayloadFormat::kJson, o).error().code, ErrorCode::kInvalidArgument);
  o = {};
  o.mode = "symbian";
  EXPECT_EQ(Make(PayloadFormat::kJson, o).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(PayloadMakerTest, RefusesARetiredDeviceLikeChallengeIssue) {
  ASSERT_TRUE(dir_.RetireDevice(device_));
  auto made = Make(PayloadFormat::kMobileconfig);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kPolicyDenied);
  EXPECT_NE(made.error().message.find("DeviceRetired"), std::string::npos);
}

TEST_F(PayloadMakerTest, APayloadThatCannotBeRenderedLeavesNoChallengeBehind) {
  ProfileSpec s;
  s.sans = std::vector<std::string>{"upn:{{DeviceName}}@a.example", "upn:{{DeviceName}}@b.example"};
  ASSERT_TRUE(profiles_.Update("phones", s));
  // An Apple payload carries one UPN: the export fails after the challenge is minted.
  FakeRandom replay(7);
  PayloadMaker refused(store_, clock_, replay, {}, {ca_, {}});
  auto made = refused.Make(device_, "phones", PayloadFormat::kMobileconfig, 3600, {}, Role::kAdmin);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
  // The same random source mints the same challenge again. Had the refused one been stored, this
  // insert would collide with it.
  FakeRandom again(7);
  PayloadMaker maker(store_, clock_, again, {}, {ca_, {}});
  auto json = maker.Make(device_, "phones", PayloadFormat::kJson, 3600, {}, Role::kAdmin);
  ASSERT_TRUE(json) << json.error().message;
  auto stored = store_.FindChallenge(json->challenge.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->sans.size(), 2u);
}

TEST_F(PayloadMakerTest, RefusesAProfileTrustingAnotherCa) {
  ProfileSpec s;
  s.trusted_ca = std::string(64, 'a');
  ASSERT_TRUE(profiles_.Update("phones", s));
  auto made = Make(PayloadFormat::kSyncml);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::mgmt

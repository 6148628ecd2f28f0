#include "mgmt/challenges.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <utility>

#include "ca/cert_template.h"
#include "ca/key_spec.h"
#include "common/asn1_text.h"
#include "common/san_text.h"
#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "policy/expected.h"
#include "policy/pipeline.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

using Strings = std::vector<std::string>;

constexpr int64_t kNow = 1700000000;
constexpr char kOwner[] = "alice@example.com";
constexpr char kDeviceName[] = "B\xC3\xBCro, \"Kiosk\" 1";
// The subject the kiosk profile resolves to for kDeviceName: RFC 4514, escaped, UTF-8 kept.
constexpr char kResolvedSubject[] = "CN=B\xC3\xBCro\\, \\\"Kiosk\\\" 1,O=Example";
constexpr char kTrustedCa[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kClientAuth[] = "1.3.6.1.5.5.7.3.2";
constexpr char kSmartcardLogon[] = "1.3.6.1.4.1.311.20.2.2";

// Attribute type and raw UTF-8 value, in DER order (the reverse of the RFC 4514 string).
using Rdns = std::vector<std::pair<std::string, std::string>>;

const Rdns kResolvedName = {{"O", "Example"}, {"CN", kDeviceName}};

// A request as a device would send it: `subject`, `sans`, the challenge, signed with `key`.
X509ReqPtr MakeRequest(const EVP_PKEY& key, const Rdns& subject, const Strings& sans,
                       const std::string& challenge) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509NamePtr name(X509_NAME_new());
  for (const auto& [type, value] : subject) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0),
              1);
  }
  X509_REQ_set_subject_name(req.get(), name.get());
  X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key));
  EXPECT_EQ(X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(challenge.data()),
                                      static_cast<int>(challenge.size())),
            1);
  auto names = SansFromText(sans);
  EXPECT_TRUE(names) << names.error().message;
  if (names) {
    X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_i2d(NID_subject_alt_name, 0, names->get()));
    EXPECT_EQ(X509_REQ_add_extensions(req.get(), exts.get()), 1);
  }
  EXPECT_GT(X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()), 0);
  return req;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Every text field of the record, to look for a secret in.
Strings TextOf(const store::ChallengeRecord& r) {
  Strings out = {r.id,      r.format,  r.device_id, r.user_upn,
                 r.profile, r.subject, r.key_type,  r.purpose};
  out.insert(out.end(), r.sans.begin(), r.sans.end());
  out.insert(out.end(), r.ekus.begin(), r.ekus.end());
  return out;
}

class ChallengesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ec_ = std::move(*ca::GenerateKey(*ca::ParseKeySpec("ec:p256"))); }
  static void TearDownTestSuite() { ec_.reset(); }

  void SetUp() override {
    NewUser user;
    user.upn = kOwner;
    user.email = kOwner;
    ASSERT_TRUE(dir_.AddUser(user, Role::kAdmin));
    ASSERT_TRUE(dir_.AddGroup("Kiosks", ""));
    device_ = AddDevice(kDeviceName, kOwner, true);
    // Signature, EC: the kiosk profile; general, RSA: the wifi profile.
    ProfileSpec kiosk = Spec("CN={{DeviceName}},O=Example",
                             {"dns:{{DeviceId}}.example.com", "upn:{{UserPrincipalName}}"});
    kiosk.purpose = "signature";
    kiosk.key_type = "ec";
    kiosk.min_key_size = 256;
    kiosk.ekus = Strings{"clientAuth", kSmartcardLogon};
    kiosk.validity_days = 30;
    AddProfile("kiosk", kiosk);
    ProfileSpec wifi = Spec("CN={{DeviceId}}", {});
    wifi.purpose = "general";
    AddProfile("wifi", wifi);
  }

  static ProfileSpec Spec(const std::string& subject, const Strings& sans) {
    ProfileSpec s;
    s.cert_type = "device";
    s.subject = subject;
    s.sans = sans;
    s.urls = Strings{"https://scep.example/scep"};
    s.trusted_ca = kTrustedCa;
    return s;
  }
  void AddProfile(const std::string& name, const ProfileSpec& spec) {
    auto created = profiles_.Create(name, spec);
    ASSERT_TRUE(created) << created.error().message;
    ASSERT_TRUE(profiles_.Assign(name, "Kiosks"));
  }
  std::string AddDevice(const std::string& name, const std::string& owner, bool in_group) {
    NewDevice d;
    d.name = name;
    d.platform = "windows";
    d.owner = owner;
    auto added = dir_.AddDevice(d);
    EXPECT_TRUE(added) << added.error().message;
    if (!added) return "";
    store::GroupMember m;
    m.kind = store::MemberKind::kDevice;
    m.id = added->id;
    if (in_group) {
      EXPECT_TRUE(dir_.AddMember("Kiosks", m));
    }
    return added->id;
  }

  Result<IssuedChallenge> Issue(const ChallengeSettings& settings, std::string_view device,
                                std::string_view profile = "kiosk", int64_t ttl = 3600,
                                Role by = Role::kAdmin) {
    Challenges challenges(store_, clock_, random_, settings);
    return challenges.Issue(device, profile, ttl, by);
  }
  Result<IssuedChallenge> Issue(std::string_view device, std::string_view profile = "kiosk",
                                int64_t ttl = 3600) {
    return Issue(ChallengeSettings{}, device, profile, ttl);
  }
  ChallengeSettings Sealed() {
    ChallengeSettings s;
    s.format = "sealed";
    s.seal_key = seal_key_;
    return s;
  }
  static void ExpectError(const Result<IssuedChallenge>& r, ErrorCode code,
                          const std::string& in_message = "") {
    ASSERT_FALSE(r) << r->challenge;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_TRUE(Contains(r.error().message, in_message)) << r.error().message;
  }

  // The gateway's side: a pipeline over the same store, with the real targeting.
  Status Enroll(const X509_REQ& csr, policy::Grant& grant) {
    policy::PipelineOptions options;
    options.seal_keys = {seal_key_};
    Targeting targeting(store_);
    policy::Pipeline pipeline(options, store_, targeting, clock_);
    X509Ptr signer(X509_new());  // a first enrollment: the signer is not looked at
    return pipeline.Verify({csr, *signer, false, "tid-1", "", nullptr}, grant);
  }
  // Records the issuance that consumed the challenge with this id.
  void Consume(const std::string& challenge_id) {
    store::Issuance issuance;
    issuance.cert.serial = "01";
    issuance.cert.created_at = clock_.Now();
    issuance.request.transaction_id = "tid-1";
    store::ChallengeUse use;
    use.challenge_id = challenge_id;
    use.transaction_id = "tid-1";
    issuance.challenge_use = use;
    ASSERT_TRUE(store_.RecordIssuance(issuance));
  }
  // The SANs the kiosk profile resolves to for `device`.
  Strings KioskSans(const std::string& device) {
    return {"DNS:" + device + ".example.com", std::string("UPN:") + kOwner};
  }

  static inline EvpPkeyPtr ec_;

  store::MemoryStore store_;
  FakeClock clock_{kNow};
  FakeRandom random_;
  Directory dir_{store_, clock_, random_};
  Profiles profiles_{store_, clock_};
  policy::SealKey seal_key_{"k1", Bytes(32, 0x42)};
  std::string device_;
};

TEST_F(ChallengesTest, StoredChallengeIsARandomSecretWhoseHashIsTheId) {
  auto issued = Issue(device_);
  ASSERT_TRUE(issued) << issued.error().message;
  const std::string& secret = issued->challenge;
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_TRUE(IsPrintableString(secret)) << secret;
  EXPECT_EQ(issued->record.id, HexEncode(*Digest("SHA256", AsView(secret))));
  EXPECT_EQ(issued->record.format, "stored");
}

// Windows copies the challenge into a PrintableString; base64url's '_' was in 4 of 10 stored
// challenges and nearly every sealed one. Many challenges of each format from the system's
// generator, since one could pass by chance; the stored ones keep 24 random bytes (192 bits).
TEST_F(ChallengesTest, EveryChallengeOfEitherFormatIsAPrintableString) {
  SystemRandom system_random;
  for (const ChallengeSettings& settings : {ChallengeSettings{}, Sealed()}) {
    Challenges challenges(store_, clock_, system_random, settings);
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
      auto issued = challenges.Issue(device_, "kiosk", 3600, Role::kAdmin);
      ASSERT_TRUE(issued) << issued.error().message;
      ASSERT_TRUE(IsPrintableString(issued->challenge)) << issued->challenge;
      if (settings.format == "stored") {
        ASSERT_EQ(issued->challenge.size(), 32u);
      }
      seen.insert(issued->challenge);
    }
    EXPECT_EQ(seen.size(), 1000u) << settings.format;
  }
}

TEST_F(ChallengesTest, RecordCarriesTheResolvedCertificate) {
  auto issued = Issue(device_, "kiosk", 3600);
  ASSERT_TRUE(issued) << issued.error().message;
  const store::ChallengeRecord& r = issued->record;
  EXPECT_EQ(r.device_id, device_);
  EXPECT_EQ(r.user_upn, kOwner);
  EXPECT_EQ(r.profile, "kiosk");
  EXPECT_EQ(r.subject, kResolvedSubject);
  EXPECT_EQ(r.sans, KioskSans(device_));
  EXPECT_EQ(r.key_usage, static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(r.key_usage, ca::KeyUsageFor(ca::Purpose::kSignature, "ec"));
  EXPECT_EQ(r.ekus, (Strings{kClientAuth, kSmartcardLogon}));
  EXPECT_EQ(r.key_type, "ec");
  EXPECT_EQ(r.min_key_size, 256);
  EXPECT_EQ(r.validity_days, 30);
  EXPECT_EQ(r.purpose, "signature");
  EXPECT_EQ(r.created_at, kNow);
  EXPECT_EQ(r.expires_at, kNow + 3600);

  auto stored = store_.FindChallenge(r.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->subject, r.subject);
  EXPECT_EQ((*stored)->sans, r.sans);
  EXPECT_EQ((*stored)->ekus, r.ekus);
  EXPECT_EQ((*stored)->key_usage, r.key_usage);
  EXPECT_EQ((*stored)->expires_at, r.expires_at);
}

TEST_F(ChallengesTest, KeyUsageFollowsPurposeAndKeyType) {
  auto issued = Issue(device_, "wifi");
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_EQ(issued->record.key_usage,
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(issued->record.key_usage, ca::KeyUsageFor(ca::Purpose::kGeneral, "rsa"));
  EXPECT_EQ(issued->record.ekus, Strings{kClientAuth});  // the default
  EXPECT_EQ(issued->record.key_type, "rsa");
  EXPECT_EQ(issued->record.subject, "CN=" + device_);
  EXPECT_TRUE(issued->record.sans.empty());
}

TEST_F(ChallengesTest, TheSecretIsStoredNowhere) {
  auto issued = Issue(device_);
  ASSERT_TRUE(issued) << issued.error().message;
  auto stored = store_.FindChallenge(issued->record.id);
  ASSERT_TRUE(stored && *stored);
  for (const auto& record : {issued->record, **stored}) {
    for (const std::string& text : TextOf(record))
      EXPECT_FALSE(Contains(text, issued->challenge)) << text;
  }
  EXPECT_FALSE(*store_.FindChallenge(issued->challenge));
}

TEST_F(ChallengesTest, TwoIssuesGiveDifferentSecrets) {
  SystemRandom system_random;
  Challenges challenges(store_, clock_, system_random, {});
  auto first = challenges.Issue(device_, "kiosk", 3600, Role::kAdmin);
  auto second = challenges.Issue(device_, "kiosk", 3600, Role::kAdmin);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->challenge, second->challenge);
  EXPECT_NE(first->record.id, second->record.id);
  EXPECT_TRUE(*store_.FindChallenge(first->record.id));
  EXPECT_TRUE(*store_.FindChallenge(second->record.id));
}

TEST_F(ChallengesTest, SealedChallengeOpensToTheRecordsClaims) {
  auto issued = Issue(Sealed(), device_, "kiosk", 600);
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_TRUE(issued->challenge.starts_with("sg1.k1.")) << issued->challenge;
  EXPECT_LE(issued->challenge.size(), policy::kMaxSealedLength);
  const store::ChallengeRecord& r = issued->record;
  EXPECT_EQ(r.format, "sealed");
  auto claims = policy::Unseal(issued->challenge, {seal_key_});
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->id, r.id);
  EXPECT_EQ(claims->expires_at, kNow + 600);
  EXPECT_EQ(claims->expires_at, r.expires_at);
  EXPECT_EQ(claims->device_id, device_);
  EXPECT_EQ(claims->profile, "kiosk");
  EXPECT_EQ(claims->key_usage, r.key_usage);
  EXPECT_EQ(claims->key_type, "ec");
  EXPECT_EQ(claims->min_key_size, 256);
  EXPECT_EQ(claims->validity_days, 30);
  EXPECT_EQ(claims->purpose, "signature");
  EXPECT_EQ(claims->ekus, r.ekus);
  EXPECT_EQ(claims->subject_digest, *policy::SubjectDigest(kResolvedSubject));
  EXPECT_EQ(claims->sans_digest, *policy::SansDigest(KioskSans(device_)));
  EXPECT_TRUE(*store_.FindChallenge(r.id));
  for (const std::string& text : TextOf(r)) EXPECT_FALSE(Contains(text, issued->challenge));
}

TEST_F(ChallengesTest, RetiredDeviceIsRefused) {
  ASSERT_TRUE(dir_.RetireDevice(device_));
  ExpectError(Issue(device_), ErrorCode::kPolicyDenied, "DeviceRetired");
  EXPECT_TRUE(Issue(device_).error().message.starts_with("DeviceRetired"));
}

TEST_F(ChallengesTest, DisabledOwnerIsRefused) {
  ASSERT_TRUE(dir_.DisableUser(kOwner));
  ExpectError(Issue(device_), ErrorCode::kPolicyDenied, "UserDisabled");
  EXPECT_TRUE(Issue(device_).error().message.starts_with("UserDisabled"));
}

TEST_F(ChallengesTest, AnOperatorMintsNoIdentityThatNoAdminSet) {
  NewUser mallory;
  mallory.upn = "administrator@example.com";
  ASSERT_TRUE(dir_.AddUser(mallory, Role::kOperator));
  std::string device = AddDevice("laptop", mallory.upn, true);
  // kiosk puts {{UserPrincipalName}} into a SAN; wifi names only the device.
  ExpectError(Issue({}, device, "kiosk", 3600, Role::kOperator), ErrorCode::kPermissionDenied,
              "IdentityNotSetByAdmin");
  EXPECT_TRUE(Issue({}, device, "wifi", 3600, Role::kOperator));
  EXPECT_TRUE(Issue({}, device, "kiosk", 3600, Role::kAdmin));
  // Once an admin has set (or confirmed) the user's identity, the operator may enrol it.
  ASSERT_TRUE(dir_.SetUserIdentity(mallory.upn, {}, Role::kAdmin));
  EXPECT_TRUE(Issue({}, device, "kiosk", 3600, Role::kOperator));
}

TEST_F(ChallengesTest, AnOperatorEnrolsTheDevicesOfUsersAnAdminAdded) {
  EXPECT_TRUE(Issue({}, device_, "kiosk", 3600, Role::kOperator));
}

TEST_F(ChallengesTest, StrongMappingCountsAsTheOwnersIdentity) {
  NewUser u;
  u.upn = "bob@example.com";
  ASSERT_TRUE(dir_.AddUser(u, Role::kOperator));
  std::string device = AddDevice("bob-pc", u.upn, true);
  UserIdentity sid;
  sid.sid = "S-1-5-21-1-2-3-1105";
  auto set = dir_.SetUserIdentity(u.upn, sid, Role::kAdmin);
  ASSERT_TRUE(set);
  ProfileSpec mapped = Spec("CN={{DeviceId}}", {});
  mapped.strong_mapping = true;
  AddProfile("mapped", mapped);
  EXPECT_TRUE(Issue({}, device, "mapped", 3600, Role::kOperator));
  // A user whose identity no admin set: the SID URL alone is enough to refuse.
  set->identity_by_admin = false;
  ASSERT_TRUE(store_.UpdateUserIdentity(*set));
  ExpectError(Issue({}, device, "mapped", 3600, Role::kOperator), ErrorCode::kPermissionDenied,
              "IdentityNotSetByAdmin");
}

TEST_F(ChallengesTest, DeviceTheProfileDoesNotTargetIsRefused) {
  std::string outsider = AddDevice("outsider", "", false);
  ExpectError(Issue(outsider), ErrorCode::kPolicyDenied, "ScepProfileNoLongerTargetedToTheClient");
}

TEST_F(ChallengesTest, UnknownDeviceOrProfileIsNotFound) {
  ExpectError(Issue("00000000-0000-4000-8000-000000000000"), ErrorCode::kNotFound);
  ExpectError(Issue(device_, "no-such-profile"), ErrorCode::kNotFound);
}

TEST_F(ChallengesTest, LifetimeMustBeBetweenOneSecondAndThirtyDays) {
  ExpectError(Issue(device_, "kiosk", 0), ErrorCode::kInvalidArgument);
  ExpectError(Issue(device_, "kiosk", -1), ErrorCode::kInvalidArgument);
  ExpectError(Issue(device_, "kiosk", kMaxChallengeTtl + 1), ErrorCode::kInvalidArgument);
  auto longest = Issue(device_, "kiosk", kMaxChallengeTtl);
  ASSERT_TRUE(longest) << longest.error().message;
  EXPECT_EQ(longest->record.expires_at, kNow + 30 * 24 * 3600);
  EXPECT_TRUE(Issue(device_, "kiosk", kMinChallengeTtl));
}

TEST_F(ChallengesTest, ProfileTrustingACaOutsideTheChainIsRefused) {
  ChallengeSettings settings;
  settings.ca_chain = {std::string(64, 'b'), std::string(64, 'c')};
  ExpectError(Issue(settings, device_), ErrorCode::kPolicyDenied, kTrustedCa);
  settings.ca_chain.push_back(kTrustedCa);
  EXPECT_TRUE(Issue(settings, device_));
}

TEST_F(ChallengesTest, SealedWithoutKeyIsInvalidArgument) {
  ChallengeSettings settings = Sealed();
  settings.seal_key.reset();
  ExpectError(Issue(settings, device_), ErrorCode::kInvalidArgument);
}

TEST_F(ChallengesTest, StoredChallengeRoundTripsThroughThePipeline) {
  auto issued = Issue(device_);
  ASSERT_TRUE(issued) << issued.error().message;
  policy::Grant grant;
  auto accepted =
      Enroll(*MakeRequest(*ec_, kResolvedName, KioskSans(device_), issued->challenge), grant);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(grant.challenge_id, issued->record.id);
  EXPECT_EQ(grant.device_id, device_);
  EXPECT_EQ(grant.user_upn, kOwner);
  EXPECT_EQ(grant.profile, "kiosk");
  EXPECT_TRUE(grant.consume_challenge);
  EXPECT_EQ(grant.purpose, "signature");
  EXPECT_EQ(grant.ekus, (Strings{kClientAuth, kSmartcardLogon}));

  const Rdns other = {{"O", "Example"}, {"CN", "Buro, \"Kiosk\" 1"}};
  policy::Grant refused;
  auto s = Enroll(*MakeRequest(*ec_, other, KioskSans(device_), issued->challenge), refused);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied);
  EXPECT_TRUE(s.error().message.starts_with("SubjectNameMismatch: ")) << s.error().message;

  Consume(issued->record.id);
  s = Enroll(*MakeRequest(*ec_, kResolvedName, KioskSans(device_), issued->challenge), refused);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().message.starts_with("ChallengeAlreadyUsed: ")) << s.error().message;
}

TEST_F(ChallengesTest, SealedChallengeRoundTripsThroughThePipeline) {
  auto issued = Issue(Sealed(), device_);
  ASSERT_TRUE(issued) << issued.error().message;
  policy::Grant grant;
  auto accepted =
      Enroll(*MakeRequest(*ec_, kResolvedName, KioskSans(device_), issued->challenge), grant);
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ(grant.challenge_id, issued->record.id);
  EXPECT_EQ(grant.device_id, device_);
  EXPECT_EQ(grant.user_upn, kOwner);

  policy::Grant refused;
  auto s = Enroll(
      *MakeRequest(*ec_, kResolvedName, {"DNS:elsewhere.example.com"}, issued->challenge), refused);
  ASSERT_FALSE(s);
  EXPECT_TRUE(s.error().message.starts_with("SubjectAltNameMismatch: ")) << s.error().message;
}

}  // namespace
}  // namespace scepgate::mgmt

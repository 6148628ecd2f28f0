#include "policy/pipeline.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <utility>

#include "ca/key_spec.h"
#include "common/san_text.h"
#include "intune/fake_intune_api.h"
#include "store/memory_store.h"

namespace scepgate::policy {
namespace {

constexpr int64_t kNow = 1700000000;
constexpr int64_t kExpiresAt = kNow + 3600;
constexpr char kDevice[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
constexpr char kOwner[] = "alice@example.com";
constexpr char kProfile[] = "kiosk";
constexpr char kSecret[] = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6";
constexpr char kStatic[] = "static secret";
constexpr char kKioskSubject[] = "CN=kiosk-1,O=Example";
constexpr char kSan[] = "DNS:kiosk-1.example.com";
constexpr char kClientAuth[] = "1.3.6.1.5.5.7.3.2";
constexpr char kRenewedSerial[] = "5eed";

// Attribute type and raw UTF-8 value, in DER order (the reverse of the RFC 4514 string).
using Rdns = std::vector<std::pair<std::string, std::string>>;

const Rdns kKioskName = {{"O", "Example"}, {"CN", "kiosk-1"}};

X509NamePtr Name(const Rdns& rdns) {
  X509NamePtr name(X509_NAME_new());
  for (const auto& [type, value] : rdns) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0),
              1);
  }
  return name;
}

// What the test CSR asks for; extensions in OpenSSL's config syntax, "" for none.
struct CsrSpec {
  Rdns subject = kKioskName;
  std::string challenge = kSecret;
  std::vector<std::string> sans = {kSan};
  std::string key_usage;  // e.g. "digitalSignature,keyEncipherment"
  std::string ekus;       // e.g. "clientAuth"

  CsrSpec& Subject(Rdns v) { return Set(subject, std::move(v)); }
  CsrSpec& Challenge(std::string v) { return Set(challenge, std::move(v)); }
  CsrSpec& Sans(std::vector<std::string> v) { return Set(sans, std::move(v)); }
  CsrSpec& KeyUsage(std::string v) { return Set(key_usage, std::move(v)); }
  CsrSpec& Ekus(std::string v) { return Set(ekus, std::move(v)); }

 private:
  template <class T>
  CsrSpec& Set(T& field, T value) {
    field = std::move(value);
    return *this;
  }
};

void AddExtension(STACK_OF(X509_EXTENSION) * exts, int nid, const std::string& value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, nullptr, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  sk_X509_EXTENSION_push(exts, ext);
}

X509ReqPtr MakeRequest(const EVP_PKEY& key, const CsrSpec& spec) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_REQ_set_subject_name(req.get(), Name(spec.subject).get());
  X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key));
  if (!spec.challenge.empty()) {
    EXPECT_EQ(
        X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(spec.challenge.data()),
                                  static_cast<int>(spec.challenge.size())),
        1);
  }
  X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  if (!spec.sans.empty()) {
    auto names = SansFromText(spec.sans);
    EXPECT_TRUE(names) << names.error().message;
    if (names)
      sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_i2d(NID_subject_alt_name, 0, names->get()));
  }
  if (!spec.key_usage.empty()) AddExtension(exts.get(), NID_key_usage, spec.key_usage);
  if (!spec.ekus.empty()) AddExtension(exts.get(), NID_ext_key_usage, spec.ekus);
  if (sk_X509_EXTENSION_num(exts.get()) > 0) {
    EXPECT_EQ(X509_REQ_add_extensions(req.get(), exts.get()), 1);
  }
  EXPECT_GT(X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()), 0);
  return req;
}

// The same request with one bit of its signature flipped.
X509ReqPtr BreakSignature(const X509_REQ& csr) {
  Bytes der = *CsrToDer(csr);
  der[der.size() - 2] ^= 0x40;
  return std::move(*CsrFromDer(der));
}

// A self-signed certificate over `key` named `subject`: the signer of a request.
X509Ptr Signer(const EVP_PKEY& key, const Rdns& subject) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509NamePtr name = Name(subject);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), name.get());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), const_cast<EVP_PKEY*>(&key));
  EXPECT_GT(X509_sign(cert.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()), 0);
  return cert;
}

std::string Sha256Hex(const std::string& s) { return HexEncode(*Digest("SHA256", AsView(s))); }

// Targets exactly the (profile, device) pairs in `targeted`, or fails with `failure`.
class FakeTargeting final : public TargetingView {
 public:
  Result<bool> IsTargeted(std::string_view profile, std::string_view device_id) override {
    if (failure) return Fail(*failure);
    return targeted.contains({std::string(profile), std::string(device_id)});
  }

  std::set<std::pair<std::string, std::string>> targeted;
  std::optional<Error> failure;
};

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
    small_rsa_.reset(EVP_RSA_gen(1024));
    ec_ = std::move(*ca::GenerateKey(*ca::ParseKeySpec("ec:p256")));
  }
  static void TearDownTestSuite() {
    rsa_.reset();
    small_rsa_.reset();
    ec_.reset();
  }

  void SetUp() override {
    store::UserRecord user;
    user.upn = kOwner;
    user.email = kOwner;
    ASSERT_TRUE(store_.InsertUser(user));
    store::DeviceRecord device;
    device.id = kDevice;
    device.name = "kiosk-1";
    device.platform = "windows";
    device.owner = kOwner;
    ASSERT_TRUE(store_.InsertDevice(device));
    store::ProfileRecord profile;
    profile.name = kProfile;
    profile.purpose = "signature";
    profile.ekus = {"clientAuth"};
    profile.key_type = "rsa";
    profile.min_key_size = 2048;
    profile.validity_days = 30;
    ASSERT_TRUE(store_.InsertProfile(profile));
    targeting_.targeted.insert({kProfile, kDevice});
    ASSERT_TRUE(store_.InsertChallenge(Record(kSecret, kKioskSubject)));
    options_.static_options.challenge = kStatic;
    options_.seal_keys = {seal_key_};
    renewed_.serial = kRenewedSerial;
    renewed_.subject = kKioskSubject;
    renewed_.sans = {kSan};
    renewed_.device_id = kDevice;
    renewed_.user_upn = kOwner;
    renewed_.profile = kProfile;
  }

  // A stored challenge for the device and profile, bound to `subject` and kSan.
  static store::ChallengeRecord Record(const std::string& secret, const std::string& subject) {
    store::ChallengeRecord r;
    r.id = Sha256Hex(secret);
    r.device_id = kDevice;
    r.user_upn = kOwner;
    r.profile = kProfile;
    r.subject = subject;
    r.sans = {kSan};
    r.key_usage = KU_DIGITAL_SIGNATURE;
    r.ekus = {kClientAuth};
    r.key_type = "rsa";
    r.min_key_size = 2048;
    r.validity_days = 30;
    r.purpose = "signature";
    r.created_at = kNow;
    r.expires_at = kExpiresAt;
    return r;
  }

  // The claims of a sealed challenge equivalent to the stored one.
  static SealedClaims Claims() {
    SealedClaims c;
    c.expires_at = kExpiresAt;
    c.device_id = kDevice;
    c.profile = kProfile;
    c.key_usage = KU_DIGITAL_SIGNATURE;
    c.key_type = "rsa";
    c.min_key_size = 2048;
    c.validity_days = 30;
    c.purpose = "signature";
    c.ekus = {kClientAuth};
    c.subject_digest = *SubjectDigest(kKioskSubject);
    c.sans_digest = *SansDigest({kSan});
    return c;
  }

  std::string SealClaims(SealedClaims& claims) {
    auto sealed = Seal(claims, seal_key_, random_);
    EXPECT_TRUE(sealed) << sealed.error().message;
    return sealed ? *sealed : "";
  }

  static X509ReqPtr Csr(const CsrSpec& spec = {}, const EVP_PKEY* key = nullptr) {
    return MakeRequest(key != nullptr ? *key : static_cast<const EVP_PKEY&>(*rsa_), spec);
  }

  Status Verify(const X509_REQ& csr, Grant& grant) {
    Pipeline pipeline(options_, store_, targeting_, clock_);
    X509Ptr signer = Signer(*rsa_, {{"CN", "self-signed"}});
    return pipeline.Verify({csr, *signer, false, "tid-2", "", nullptr}, grant);
  }
  Status Verify(const X509_REQ& csr) {
    Grant grant;
    return Verify(csr, grant);
  }
  // A RenewalReq signed by `signer` (a certificate whose record is renewed_).
  Status Renew(const X509_REQ& csr, const X509& signer, Grant& grant) {
    Pipeline pipeline(options_, store_, targeting_, clock_);
    return pipeline.Verify({csr, signer, true, "tid-3", "", &renewed_}, grant);
  }

  // Records an issuance that used the challenge with this id.
  void MarkUsed(const std::string& challenge_id) {
    store::Issuance issuance;
    issuance.cert.serial = "01";
    issuance.cert.created_at = kNow;
    issuance.request.transaction_id = "tid-1";
    issuance.request.state = "issued";
    store::ChallengeUse use;
    use.challenge_id = challenge_id;
    use.transaction_id = "tid-1";
    use.used_at = kNow;
    issuance.challenge_use = use;
    auto recorded = store_.RecordIssuance(issuance);
    ASSERT_TRUE(recorded) << recorded.error().message;
  }

  static std::string Code(const Status& s) {
    return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
  }
  // A refusal with this stable code: kPolicyDenied, message "Code: why".
  static void ExpectRefused(const Status& s, const std::string& code) {
    ASSERT_FALSE(s) << "accepted, expected " << code;
    EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied) << s.error().message;
    EXPECT_TRUE(s.error().message.starts_with(code + ": ")) << s.error().message;
  }

  static inline EvpPkeyPtr rsa_;
  static inline EvpPkeyPtr small_rsa_;
  static inline EvpPkeyPtr ec_;

  store::MemoryStore store_;
  FakeClock clock_{kNow};
  FakeRandom random_;
  FakeTargeting targeting_;
  SealKey seal_key_{"k1", Bytes(32, 0x5a)};
  PipelineOptions options_;
  store::CertificateRecord renewed_;
};

// Every check of a one-time challenge, in the documented order, each with a way to fail it.
enum class Fault {
  kBadSignature,
  kExpired,
  kUsed,
  kRetired,
  kUserDisabled,
  kNotTargeted,
  kSubject,
  kSans,
  kKeyLength,
  kKeyUsage,
  kEku,
};
constexpr int kFaultCount = static_cast<int>(Fault::kEku) + 1;
constexpr const char* kCodes[kFaultCount] = {
    "CsrSignatureInvalid",
    "ChallengeExpired",
    "ChallengeAlreadyUsed",
    "DeviceRetired",
    "UserDisabled",
    "ScepProfileNoLongerTargetedToTheClient",
    "SubjectNameMismatch",
    "SubjectAltNameMismatch",
    "KeyLengthMismatch",
    "KeyUsageMismatch",
    "EnhancedKeyUsageMismatch",
};

class PipelineOrderTest : public PipelineTest, public ::testing::WithParamInterface<int> {
 protected:
  // Fails every check in `faults` and returns the verdict.
  Status VerifyWith(const std::set<Fault>& faults) {
    CsrSpec spec;
    const EVP_PKEY* key = rsa_.get();
    if (faults.contains(Fault::kExpired)) clock_.Set(kExpiresAt);
    if (faults.contains(Fault::kUsed)) MarkUsed(Sha256Hex(kSecret));
    if (faults.contains(Fault::kRetired)) {
      EXPECT_TRUE(store_.RetireDevice(kDevice, kNow));
    }
    if (faults.contains(Fault::kUserDisabled)) {
      EXPECT_TRUE(store_.DisableUser(kOwner, kNow));
    }
    if (faults.contains(Fault::kNotTargeted)) targeting_.targeted.clear();
    if (faults.contains(Fault::kSubject)) spec.subject = {{"O", "Example"}, {"CN", "kiosk-2"}};
    if (faults.contains(Fault::kSans)) spec.sans = {"DNS:kiosk-2.example.com"};
    // A key the configured limits accept but the profile does not (it asks for RSA).
    if (faults.contains(Fault::kKeyLength)) key = ec_.get();
    if (faults.contains(Fault::kKeyUsage)) spec.key_usage = "digitalSignature,keyEncipherment";
    if (faults.contains(Fault::kEku)) spec.ekus = "clientAuth,serverAuth";
    X509ReqPtr csr = Csr(spec, key);
    if (faults.contains(Fault::kBadSignature)) csr = BreakSignature(*csr);
    return Verify(*csr);
  }
  static void ExpectCode(const Status& s, int fault) {
    if (static_cast<Fault>(fault) == Fault::kBadSignature) {
      ASSERT_FALSE(s);
      EXPECT_EQ(s.error().code, ErrorCode::kBadMessageCheck) << s.error().message;
      EXPECT_TRUE(s.error().message.starts_with("CsrSignatureInvalid: ")) << s.error().message;
    } else {
      ExpectRefused(s, kCodes[fault]);
    }
  }
};

TEST_P(PipelineOrderTest, EachCodeIsReachableOnItsOwn) {
  ExpectCode(VerifyWith({static_cast<Fault>(GetParam())}), GetParam());
}

// A request failing this check and every later one reports this one.
TEST_P(PipelineOrderTest, TheFirstFailingCheckInTheDocumentedOrderIsReported) {
  std::set<Fault> faults;
  for (int f = GetParam(); f < kFaultCount; ++f) faults.insert(static_cast<Fault>(f));
  ExpectCode(VerifyWith(faults), GetParam());
}

INSTANTIATE_TEST_SUITE_P(AllChecks, PipelineOrderTest, ::testing::Range(0, kFaultCount),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(kCodes[p.param]);
                         });

using PipelinePairTest = PipelineOrderTest;

// And so does a request failing only this check and the next (e.g. expired and used, retired
// and wrong subject, wrong subject and wrong SAN).
TEST_P(PipelinePairTest, OfTwoFailingChecksTheEarlierIsReported) {
  ExpectCode(VerifyWith({static_cast<Fault>(GetParam()), static_cast<Fault>(GetParam() + 1)}),
             GetParam());
}

INSTANTIATE_TEST_SUITE_P(AdjacentChecks, PipelinePairTest, ::testing::Range(0, kFaultCount - 1),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(kCodes[p.param]) + "Before" + kCodes[p.param + 1];
                         });

TEST_F(PipelineTest, RetiredDeviceAndWrongSubjectReportsDeviceRetired) {
  ASSERT_TRUE(store_.RetireDevice(kDevice, kNow));
  ExpectRefused(Verify(*Csr(CsrSpec().Subject({{"CN", "someone else"}}))), "DeviceRetired");
}

TEST_F(PipelineTest, CorruptSignatureIsBadMessageCheckEvenWithAnUnknownChallenge) {
  auto s = Verify(*BreakSignature(*Csr(CsrSpec().Challenge("no such challenge"))));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kBadMessageCheck);
  EXPECT_EQ(Code(s), "CsrSignatureInvalid");
}

TEST_F(PipelineTest, StoredChallengeGrantsTheBoundCertificate) {
  Grant grant;
  auto s = Verify(*Csr(CsrSpec().KeyUsage("digitalSignature").Ekus("clientAuth")), grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.device_id, kDevice);
  EXPECT_EQ(grant.user_upn, kOwner);
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_EQ(grant.challenge_id, Sha256Hex(kSecret));
  EXPECT_TRUE(grant.consume_challenge);
  EXPECT_EQ(grant.purpose, "signature");
  EXPECT_EQ(grant.ekus, std::vector<std::string>{kClientAuth});
  EXPECT_EQ(grant.validity_days, 30);
  EXPECT_FALSE(grant.supersedes);
}

TEST_F(PipelineTest, ChallengeIsValidUntilTheSecondBeforeItExpires) {
  clock_.Set(kExpiresAt - 1);
  EXPECT_TRUE(Verify(*Csr()));
  clock_.Set(kExpiresAt);
  ExpectRefused(Verify(*Csr()), "ChallengeExpired");
}

TEST_F(PipelineTest, UnknownChallengeIsInvalidAndLeavesTheGrantEmpty) {
  Grant grant;
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("not a challenge anyone minted")), grant),
                "ChallengeInvalid");
  EXPECT_EQ(grant.device_id, "");
  EXPECT_EQ(grant.profile, "");
  EXPECT_EQ(grant.challenge_id, "");
  EXPECT_FALSE(grant.consume_challenge);
}

TEST_F(PipelineTest, RefusalAfterTheChallengeWasReadStillNamesDeviceAndProfile) {
  Grant grant;
  ExpectRefused(Verify(*Csr(CsrSpec().Subject({{"CN", "x"}})), grant), "SubjectNameMismatch");
  EXPECT_EQ(grant.device_id, kDevice);
  EXPECT_EQ(grant.user_upn, kOwner);
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_EQ(grant.challenge_id, Sha256Hex(kSecret));
  EXPECT_FALSE(grant.consume_challenge);
  EXPECT_FALSE(grant.purpose);

  MarkUsed(Sha256Hex(kSecret));
  Grant used;
  ExpectRefused(Verify(*Csr(), used), "ChallengeAlreadyUsed");
  EXPECT_EQ(used.device_id, kDevice);
  EXPECT_EQ(used.profile, kProfile);
  EXPECT_EQ(used.challenge_id, Sha256Hex(kSecret));
  EXPECT_FALSE(used.consume_challenge);

  clock_.Set(kExpiresAt);
  Grant expired;
  ExpectRefused(Verify(*Csr(), expired), "ChallengeExpired");
  EXPECT_EQ(expired.device_id, kDevice);
  EXPECT_EQ(expired.profile, kProfile);
  EXPECT_EQ(expired.challenge_id, Sha256Hex(kSecret));
  EXPECT_FALSE(expired.consume_challenge);
}

TEST_F(PipelineTest, StaticChallengeIsStillAcceptedWithAnEmptyGrant) {
  Grant grant;
  auto s = Verify(*Csr(CsrSpec().Subject({{"CN", "anything"}}).Challenge(kStatic).Sans({})), grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.device_id, "");
  EXPECT_EQ(grant.user_upn, "");
  EXPECT_EQ(grant.profile, "");
  EXPECT_EQ(grant.challenge_id, "");
  EXPECT_FALSE(grant.consume_challenge);
  EXPECT_FALSE(grant.purpose);
  EXPECT_TRUE(grant.ekus.empty());
  EXPECT_FALSE(grant.supersedes);
  // The static path keeps its own checks.
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(kStatic), small_rsa_.get())), "KeyLengthMismatch");
}

TEST_F(PipelineTest, NoChallengeIsMissingUnlessEnrollmentIsOpen) {
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(""))), "ChallengePasswordMissing");
  options_.static_options.open_enrollment = true;
  Grant grant;
  EXPECT_TRUE(Verify(*Csr(CsrSpec().Challenge("")), grant));
  EXPECT_EQ(grant.device_id, "");
  EXPECT_FALSE(grant.consume_challenge);
}

TEST_F(PipelineTest, SealedChallengeOpensAndGrants) {
  SealedClaims claims = Claims();
  std::string sealed = SealClaims(claims);
  Grant grant;
  auto s = Verify(*Csr(CsrSpec().Challenge(sealed)), grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.challenge_id, claims.id);
  EXPECT_EQ(grant.device_id, kDevice);
  EXPECT_EQ(grant.user_upn, kOwner);  // from the device: the claims carry no user
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_TRUE(grant.consume_challenge);
  EXPECT_EQ(grant.purpose, "signature");
  EXPECT_EQ(grant.ekus, std::vector<std::string>{kClientAuth});
  EXPECT_EQ(grant.validity_days, 30);
  // The subject is only known by its digest.
  ExpectRefused(Verify(*Csr(CsrSpec().Subject({{"CN", "x"}}).Challenge(sealed))),
                "SubjectNameMismatch");
}

TEST_F(PipelineTest, SealedChallengeUnderAnotherKeyIsInvalid) {
  SealedClaims claims = Claims();
  std::string sealed = SealClaims(claims);
  options_.seal_keys = {SealKey{"k1", Bytes(32, 0x5b)}};  // same id, other key
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed))), "ChallengeInvalid");
  options_.seal_keys = {SealKey{"k2", seal_key_.key}};  // no key with this id
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed))), "ChallengeInvalid");
  options_.seal_keys.clear();
  Grant grant;
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed)), grant), "ChallengeInvalid");
  EXPECT_EQ(grant.device_id, "");
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("sg1.k1.garbage"))), "ChallengeInvalid");
}

TEST_F(PipelineTest, SealedChallengeExpiresByTheClock) {
  SealedClaims claims = Claims();
  claims.expires_at = kNow + 60;
  std::string sealed = SealClaims(claims);
  clock_.Advance(59);
  EXPECT_TRUE(Verify(*Csr(CsrSpec().Challenge(sealed))));
  clock_.Advance(1);
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed))), "ChallengeExpired");
}

TEST_F(PipelineTest, UsedSealedChallengeIsRefused) {
  SealedClaims claims = Claims();
  std::string sealed = SealClaims(claims);
  MarkUsed(claims.id);
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed))), "ChallengeAlreadyUsed");
}

TEST_F(PipelineTest, SealedChallengeForAnUnknownDeviceIsNotTargeted) {
  SealedClaims claims = Claims();
  claims.device_id = "00000000-0000-4000-8000-000000000000";
  std::string sealed = SealClaims(claims);
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(sealed))),
                "ScepProfileNoLongerTargetedToTheClient");
}

TEST_F(PipelineTest, TargetingErrors) {
  targeting_.failure = Error::NotFound("no profile named kiosk");
  ExpectRefused(Verify(*Csr()), "ScepProfileNoLongerTargetedToTheClient");
  targeting_.failure = Error::Database("disk on fire");
  auto s = Verify(*Csr());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kDatabase);
}

TEST_F(PipelineTest, KeyOfTheWrongTypeIsKeyLengthMismatch) {
  ExpectRefused(Verify(*Csr(CsrSpec(), ec_.get())), "KeyLengthMismatch");
}

TEST_F(PipelineTest, KeyEnciphermentOnASignatureProfileIsKeyUsageMismatch) {
  EXPECT_TRUE(Verify(*Csr(CsrSpec().KeyUsage("digitalSignature"))));
  ExpectRefused(Verify(*Csr(CsrSpec().KeyUsage("keyEncipherment"))), "KeyUsageMismatch");
}

TEST_F(PipelineTest, ServerAuthOnAClientAuthProfileIsEnhancedKeyUsageMismatch) {
  EXPECT_TRUE(Verify(*Csr(CsrSpec().Ekus("clientAuth"))));
  auto s = Verify(*Csr(CsrSpec().Ekus("serverAuth")));
  ExpectRefused(s, "EnhancedKeyUsageMismatch");
  EXPECT_NE(s.error().message.find("1.3.6.1.5.5.7.3.1"), std::string::npos) << s.error().message;
}

TEST_F(PipelineTest, SubjectComparisonHandlesEscapesQuotesAndNonAscii) {
  constexpr char kEscaped[] = "CN=B\\C3\\BCro\\, \\\"Kiosk\\\" 1,O=Example";
  constexpr char kSecret2[] = "second-secret-second-secret-0002";
  ASSERT_TRUE(store_.InsertChallenge(Record(kSecret2, kEscaped)));
  const Rdns raw = {{"O", "Example"}, {"CN", "B\xC3\xBCro, \"Kiosk\" 1"}};
  auto s = Verify(*Csr(CsrSpec().Subject(raw).Challenge(kSecret2)));
  EXPECT_TRUE(s) << s.error().message;
  const Rdns ascii = {{"O", "Example"}, {"CN", "Buro, \"Kiosk\" 1"}};
  ExpectRefused(Verify(*Csr(CsrSpec().Subject(ascii).Challenge(kSecret2))), "SubjectNameMismatch");
  const Rdns unquoted = {{"O", "Example"}, {"CN", "B\xC3\xBCro, Kiosk 1"}};
  ExpectRefused(Verify(*Csr(CsrSpec().Subject(unquoted).Challenge(kSecret2))),
                "SubjectNameMismatch");
  const Rdns split = {{"O", "Example"}, {"CN", "B\xC3\xBCro"}, {"CN", "\"Kiosk\" 1"}};
  ExpectRefused(Verify(*Csr(CsrSpec().Subject(split).Challenge(kSecret2))), "SubjectNameMismatch");
}

TEST_F(PipelineTest, LinkedRenewalNeedsNoChallengeAndKeepsTheLinks) {
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  auto s = Renew(*Csr(CsrSpec().Challenge("")), *signer, grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.device_id, kDevice);
  EXPECT_EQ(grant.user_upn, kOwner);
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_EQ(grant.challenge_id, "");
  EXPECT_FALSE(grant.consume_challenge);
  EXPECT_EQ(grant.purpose, "signature");
  EXPECT_EQ(grant.ekus, std::vector<std::string>{kClientAuth});
  EXPECT_EQ(grant.validity_days, 30);
  EXPECT_FALSE(grant.supersedes);
}

TEST_F(PipelineTest, LinkedRenewalSupersedesOnlyWhenConfigured) {
  X509Ptr signer = Signer(*rsa_, kKioskName);
  options_.revoke_superseded = true;
  Grant grant;
  auto s = Renew(*Csr(CsrSpec().Challenge("")), *signer, grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.supersedes, kRenewedSerial);
}

TEST_F(PipelineTest, LinkedRenewalFollowsTheCurrentProfile) {
  store::ProfileRecord profile = **store_.FindProfile(kProfile);
  profile.validity_days = 90;
  profile.ekus = {"serverAuth"};
  ASSERT_TRUE(store_.UpdateProfile(profile));
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  ASSERT_TRUE(Renew(*Csr(CsrSpec().Challenge("")), *signer, grant));
  EXPECT_EQ(grant.validity_days, 90);
  EXPECT_EQ(grant.ekus, std::vector<std::string>{"1.3.6.1.5.5.7.3.1"});
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("").Ekus("clientAuth")), *signer, grant),
                "EnhancedKeyUsageMismatch");
  ASSERT_TRUE(store_.DeleteProfile(kProfile));
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("")), *signer, grant),
                "ScepProfileNoLongerTargetedToTheClient");
}

TEST_F(PipelineTest, LinkedRenewalOfARetiredDeviceIsRefused) {
  ASSERT_TRUE(store_.RetireDevice(kDevice, kNow));
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("")), *signer, grant), "DeviceRetired");
  EXPECT_EQ(grant.device_id, kDevice);
  EXPECT_EQ(grant.profile, kProfile);
}

TEST_F(PipelineTest, LinkedRenewalNoLongerTargetedIsRefused) {
  targeting_.targeted.clear();
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("")), *signer, grant),
                "ScepProfileNoLongerTargetedToTheClient");
  EXPECT_FALSE(grant.supersedes);
}

TEST_F(PipelineTest, LinkedRenewalMustKeepTheSignersSubjectAndSans) {
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  ExpectRefused(Renew(*Csr(CsrSpec().Subject({{"O", "Example"}, {"CN", "kiosk-2"}}).Challenge("")),
                      *signer, grant),
                "SubjectNameMismatch");
  ExpectRefused(
      Renew(*Csr(CsrSpec().Challenge("").Sans({"DNS:other.example.com"})), *signer, grant),
      "SubjectAltNameMismatch");
}

TEST_F(PipelineTest, LinkedRenewalMayNarrowTheSansButNeverWidenThem) {
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  EXPECT_TRUE(Renew(*Csr(CsrSpec().Challenge("").Sans({})), *signer, grant));
  ExpectRefused(
      Renew(*Csr(CsrSpec().Challenge("").Sans({kSan, "DNS:dc01.corp.example"})), *signer, grant),
      "SubjectAltNameMismatch");
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("").Sans({kSan, "UPN:administrator@corp.example"})),
                      *signer, grant),
                "SubjectAltNameMismatch");
}

TEST_F(PipelineTest, RenewalOfAStaticChallengeCertificateCannotGainNames) {
  renewed_.device_id.clear();
  renewed_.sans.clear();  // issued on the static challenge without any SAN
  X509Ptr signer = Signer(*rsa_, {{"CN", "laptop-7"}});
  Grant grant;
  EXPECT_TRUE(
      Renew(*Csr(CsrSpec().Subject({{"CN", "laptop-7"}}).Challenge("").Sans({})), *signer, grant));
  for (const char* san : {"DNS:dc01.corp.example", "UPN:administrator@corp.example",
                          "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-500"})
    ExpectRefused(Renew(*Csr(CsrSpec().Subject({{"CN", "laptop-7"}}).Challenge("").Sans({san})),
                        *signer, grant),
                  "SubjectAltNameMismatch");
}

TEST_F(PipelineTest, KeyAndNameRulesApplyOnEveryPath) {
  EvpPkeyPtr secp256k1(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  // One-time challenge, static challenge, linked renewal, static renewal.
  ExpectRefused(Verify(*Csr(CsrSpec(), secp256k1.get())), "KeyParametersRejected");
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(kStatic), secp256k1.get())),
                "KeyParametersRejected");
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge(""), secp256k1.get()), *signer, grant),
                "KeyParametersRejected");
  ExpectRefused(Verify(*Csr(CsrSpec().Sans({"DNS:*.example.com"}))), "NameRejected");
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge(kStatic).Sans({"DNS:*.example.com"}))),
                "NameRejected");
  ExpectRefused(
      Renew(*Csr(CsrSpec().Challenge("").Sans({"DNS:bad_name.example.com"})), *signer, grant),
      "NameRejected");
  renewed_.device_id.clear();
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge(""), secp256k1.get()), *signer, grant),
                "KeyParametersRejected");
}

TEST_F(PipelineTest, RenewalOfAnUnlinkedCertificateTakesTheStaticPath) {
  renewed_.device_id.clear();
  X509Ptr signer = Signer(*rsa_, {{"CN", "legacy"}});
  Grant grant;
  EXPECT_TRUE(Renew(*Csr(CsrSpec().Subject({{"CN", "legacy"}}).Challenge("")), *signer, grant));
  EXPECT_EQ(grant.device_id, "");
  EXPECT_FALSE(grant.supersedes);
  ExpectRefused(Renew(*Csr(CsrSpec().Subject({{"CN", "other"}}).Challenge("")), *signer, grant),
                "SubjectNameMismatch");
}

}  // namespace
}  // namespace scepgate::policy

namespace scepgate::policy {
namespace {

TEST_F(PipelineTest, ProfileRequiringApprovalHoldsTheGrantButNotItsRenewals) {
  Grant plain;
  ASSERT_TRUE(Verify(*Csr(CsrSpec().KeyUsage("digitalSignature").Ekus("clientAuth")), plain));
  EXPECT_FALSE(plain.hold_for_approval);

  store::ProfileRecord profile = **store_.FindProfile(kProfile);
  profile.require_approval = true;
  ASSERT_TRUE(store_.UpdateProfile(profile));
  Grant held;
  ASSERT_TRUE(Verify(*Csr(CsrSpec().KeyUsage("digitalSignature").Ekus("clientAuth")), held));
  EXPECT_TRUE(held.hold_for_approval);
  EXPECT_TRUE(held.consume_challenge);

  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant renewal;
  ASSERT_TRUE(Renew(*Csr(CsrSpec().Challenge("")), *signer, renewal));
  EXPECT_FALSE(renewal.hold_for_approval);
}

TEST_F(PipelineTest, RecheckRefusesWhatChangedWhileARequestWaited) {
  Pipeline pipeline(options_, store_, targeting_, clock_);
  Grant none;  // a static-challenge grant names no device
  EXPECT_TRUE(pipeline.Recheck(none));
  Grant grant;
  grant.device_id = kDevice;
  grant.profile = kProfile;
  EXPECT_TRUE(pipeline.Recheck(grant));
  targeting_.targeted.clear();
  ExpectRefused(pipeline.Recheck(grant), "ScepProfileNoLongerTargetedToTheClient");
  ASSERT_TRUE(store_.RetireDevice(kDevice, kNow));
  ExpectRefused(pipeline.Recheck(grant), "DeviceRetired");
}

// Records what it was shown and answers as told.
class FakeValidator final : public Validator {
 public:
  Status Validate(const ValidationRequest& request) override {
    seen.push_back(request);
    return answer;
  }
  Status answer;
  std::vector<ValidationRequest> seen;
};

TEST_F(PipelineTest, TheValidatorSeesOnlyWhatPassedAndHasTheLastWord) {
  FakeValidator validator;
  options_.validator = &validator;
  auto csr = Csr(CsrSpec().KeyUsage("digitalSignature").Ekus("clientAuth"));
  Grant grant;
  ASSERT_TRUE(Verify(*csr, grant));
  ASSERT_EQ(validator.seen.size(), 1u);
  const ValidationRequest& shown = validator.seen.front();
  EXPECT_EQ(shown.transaction_id, "tid-2");
  EXPECT_EQ(shown.challenge, kSecret);
  EXPECT_EQ(shown.device_id, kDevice);
  EXPECT_EQ(shown.user_upn, kOwner);
  EXPECT_EQ(shown.profile, kProfile);
  EXPECT_EQ(shown.subject, kKioskSubject);
  EXPECT_EQ(shown.sans, std::vector<std::string>{kSan});
  EXPECT_FALSE(shown.renewal);
  EXPECT_TRUE(shown.csr_pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));

  validator.answer = Fail(Error::PolicyDenied("ValidationDenied: not compliant"));
  Grant denied;
  ExpectRefused(Verify(*csr, denied), "ValidationDenied");
  // A request the checks refuse is never shown.
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("wrong"))), "ChallengeInvalid");
  EXPECT_EQ(validator.seen.size(), 2u);
}

// Intune mode: a challenge that is not scepgate's own goes to Intune.
class IntunePipelineTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    options_.intune = &challenges_;
  }
  intune::FakeIntuneApi api_;
  IntuneChallenges challenges_{api_};
};

TEST_F(IntunePipelineTest, AForeignChallengeIsIntunesToDecide) {
  Grant grant;
  auto csr = Csr(CsrSpec().Challenge("minted-by-intune").Subject({{"CN", "laptop-7"}}).Sans({}));
  auto s = Verify(*csr, grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(grant.intune);
  EXPECT_EQ(grant.device_id, "");
  EXPECT_FALSE(grant.consume_challenge);
  EXPECT_FALSE(grant.purpose);  // no [intune] profile: the template follows the key usage
  auto asked = api_.validated();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].transaction_id, "tid-2");
  EXPECT_EQ(asked[0].csr_der, *CsrToDer(*csr));
}

TEST_F(IntunePipelineTest, ScepgatesOwnChallengesNeverGoToIntune) {
  Grant stored;
  ASSERT_TRUE(Verify(*Csr(), stored));
  EXPECT_FALSE(stored.intune);
  EXPECT_EQ(stored.device_id, kDevice);
  ASSERT_TRUE(Verify(*Csr(CsrSpec().Challenge(kStatic).Sans({}))));
  SealedClaims claims = Claims();
  Grant sealed;
  ASSERT_TRUE(Verify(*Csr(CsrSpec().Challenge(SealClaims(claims))), sealed));
  EXPECT_FALSE(sealed.intune);
  EXPECT_TRUE(api_.validated().empty());
}

TEST_F(IntunePipelineTest, IntunesRefusalsBecomeScepgatesCodes) {
  const std::pair<intune::ValidationCode, std::string> cases[] = {
      {intune::ValidationCode::kChallengeExpired, "ChallengeExpired"},
      {intune::ValidationCode::kChallengeDecryptionError, "ChallengeInvalid"},
      {intune::ValidationCode::kSubjectNameMismatch, "SubjectNameMismatch"},
      {intune::ValidationCode::kSubjectAltNameMissing, "SubjectAltNameMismatch"},
      {intune::ValidationCode::kScepProfileNoLongerTargetedToTheClient,
       "ScepProfileNoLongerTargetedToTheClient"},
      {intune::ValidationCode::kRegisteredKeyMismatch, "RegisteredKeyMismatch"},
      {intune::ValidationCode::kUnknown, "ValidationDenied"},
  };
  for (const auto& [code, expected] : cases) {
    api_.SetAnswer(code, "as the stand-in says");
    Grant grant;
    auto s = Verify(*Csr(CsrSpec().Challenge("minted-by-intune")), grant);
    ExpectRefused(s, expected);
    EXPECT_NE(s.error().message.find("Intune answered "), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("as the stand-in says"), std::string::npos);
    EXPECT_TRUE(grant.intune) << "Intune is told of its own refusals too";
  }
}

TEST_F(IntunePipelineTest, AnIntuneThatCannotBeAskedRefusesTheRequest) {
  api_.FailNext(Error::Unavailable("connect timed out"));
  Grant grant;
  auto s = Verify(*Csr(CsrSpec().Challenge("minted-by-intune")), grant);
  ExpectRefused(s, "ValidationUnavailable");
  EXPECT_NE(s.error().message.find("connect timed out"), std::string::npos);
  EXPECT_TRUE(grant.intune);
  api_.FailNext(Error::PermissionDenied("the app's token was refused"));
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("minted-by-intune"))), "ValidationUnavailable");
}

TEST_F(IntunePipelineTest, ScepgatesOwnChecksRunBeforeIntuneIsAsked) {
  auto bad = Verify(*BreakSignature(*Csr(CsrSpec().Challenge("minted-by-intune"))));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kBadMessageCheck);
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("minted-by-intune"), small_rsa_.get())),
                "KeyLengthMismatch");
  EXPECT_TRUE(api_.validated().empty());
}

TEST_F(IntunePipelineTest, TheIntuneProfileGivesTheTemplate) {
  options_.intune_profile = kProfile;
  Grant grant;
  auto s = Verify(*Csr(CsrSpec().Challenge("minted-by-intune")), grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_EQ(grant.purpose, "signature");
  EXPECT_EQ(grant.ekus, std::vector<std::string>{kClientAuth});
  EXPECT_EQ(grant.validity_days, 30);
  options_.intune_profile = "gone";
  auto missing = Verify(*Csr(CsrSpec().Challenge("minted-by-intune")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(missing.error().message.starts_with("IntuneProfileMissing"))
      << missing.error().message;
}

TEST_F(IntunePipelineTest, ARenewalOfAnIntuneCertificateNeedsNoChallengeNorIntune) {
  options_.intune_profile = kProfile;
  renewed_.device_id = "";  // as Intune mode issues: a profile, no device
  renewed_.user_upn = "";
  X509Ptr signer = Signer(*rsa_, kKioskName);
  Grant grant;
  auto s = Renew(*Csr(CsrSpec().Challenge("")), *signer, grant);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(grant.intune);
  EXPECT_TRUE(api_.validated().empty());
  EXPECT_EQ(grant.profile, kProfile);
  EXPECT_EQ(grant.purpose, "signature");  // the profile's template again
  EXPECT_EQ(grant.validity_days, 30);
  // scepgate's renewal rules still hold: the subject is kept.
  ExpectRefused(Renew(*Csr(CsrSpec().Challenge("").Subject({{"CN", "other"}})), *signer, grant),
                "SubjectNameMismatch");
  renewed_.profile = "gone";  // a profile deleted since: the CSR's key usage decides
  Grant later;
  ASSERT_TRUE(Renew(*Csr(CsrSpec().Challenge("")), *signer, later));
  EXPECT_FALSE(later.purpose);
}

TEST_F(IntunePipelineTest, WithoutIntuneModeAForeignChallengeIsInvalid) {
  options_.intune = nullptr;
  ExpectRefused(Verify(*Csr(CsrSpec().Challenge("minted-by-intune"))), "ChallengeInvalid");
  EXPECT_TRUE(api_.validated().empty());
}

}  // namespace
}  // namespace scepgate::policy

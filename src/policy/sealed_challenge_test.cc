#include "policy/sealed_challenge.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>

#include "common/asn1_text.h"
#include "common/files.h"
#include "policy/seal_keys.h"

namespace scepgate::policy {
namespace {

constexpr std::string_view kProfile40 = "Corporate Wi-Fi clients, Paris office 01";
constexpr std::string_view kMalformed = "sealed challenge is malformed";
constexpr std::string_view kNotAuthentic = "sealed challenge is not authentic";

Bytes Truncated(std::string_view what) {
  Bytes d = *Digest("SHA256", AsView(std::string(what)));
  d.resize(16);
  return d;
}

SealedClaims FullClaims() {
  SealedClaims c;
  c.expires_at = 1767225600;
  c.device_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
  c.profile = std::string(kProfile40);
  c.key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_DECIPHER_ONLY;
  c.key_type = "rsa";
  c.min_key_size = 2048;
  c.validity_days = 365;
  c.purpose = "general";
  c.ekus = {"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"};
  c.subject_digest = Truncated("CN=device-42,O=Example");
  c.sans_digest = Truncated("DNS:device-42.example.com");
  return c;
}

SealKey Key(std::string id, uint8_t fill) { return {std::move(id), Bytes(32, fill)}; }

// Base64url without padding, to re-encode edited payloads.
std::string Url(ByteView b) {
  std::string s = Base64Encode(b);
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  s.erase(std::find(s.begin(), s.end(), '='), s.end());
  return s;
}

class SealedChallengeTest : public ::testing::Test {
 protected:
  std::string SealFull() {
    SealedClaims c = FullClaims();
    return *Seal(c, key_, random_);
  }
  // Asserts that `challenge` fails with kInvalidArgument and one of the two fixed messages.
  static void ExpectRejected(std::string_view challenge, const std::vector<SealKey>& keys,
                             std::string_view message) {
    auto r = Unseal(challenge, keys);
    ASSERT_FALSE(r) << challenge;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << challenge;
    EXPECT_EQ(r.error().message, message) << challenge;
  }

  SealKey key_ = Key("k1", 0x11);
  std::vector<SealKey> ring_ = {key_};
  FakeRandom random_;
};

TEST_F(SealedChallengeTest, RoundTripKeepsEveryClaim) {
  SealedClaims claims = FullClaims();
  auto sealed = Seal(claims, key_, random_);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_TRUE(sealed->starts_with("sg1.k1."));
  EXPECT_TRUE(LooksSealed(*sealed));
  EXPECT_EQ(sealed->size(), 217u);  // the budget: 40-char profile, two EKUs
  EXPECT_LE(sealed->size(), kMaxSealedLength);
  for (char c : *sealed) EXPECT_TRUE(std::isgraph(static_cast<unsigned char>(c))) << c;
  ASSERT_EQ(claims.id.size(), 32u);
  EXPECT_EQ(claims.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  auto opened = Unseal(*sealed, ring_);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, claims);
}

TEST_F(SealedChallengeTest, RoundTripEcAndNoEkus) {
  SealedClaims claims = FullClaims();
  claims.key_type = "ec";
  claims.purpose = "signature";
  claims.ekus.clear();
  claims.min_key_size = 0;
  claims.validity_days = 65535;
  claims.expires_at = -1;
  claims.profile = "Profil \xc3\xa9t\xc3\xa9 \xf0\x9f\x94\x90";  // UTF-8
  auto sealed = Seal(claims, key_, random_);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(*Unseal(*sealed, ring_), claims);
}

TEST_F(SealedChallengeTest, TwoSealsDifferAndHaveDifferentIds) {
  SealedClaims a = FullClaims(), b = FullClaims();
  std::string first = *Seal(a, key_, random_);
  std::string second = *Seal(b, key_, random_);
  EXPECT_NE(first, second);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(Unseal(first, ring_)->id, a.id);
  EXPECT_EQ(Unseal(second, ring_)->id, b.id);
}

TEST_F(SealedChallengeTest, UnknownKeyIdIsNotFound) {
  auto r = Unseal(SealFull(), {Key("k2", 0x11)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(SealedChallengeTest, WrongKeyBytesAreNotAuthentic) {
  ExpectRejected(SealFull(), {Key("k1", 0x12)}, kNotAuthentic);
}

TEST_F(SealedChallengeTest, FlippedBitAnywhereIsNotAuthentic) {
  std::string sealed = SealFull();
  std::string head = sealed.substr(0, 7);
  Bytes payload = *Base64Decode(sealed.substr(7));
  for (size_t i = 0; i < payload.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes edited = payload;
      edited[i] ^= static_cast<uint8_t>(1u << bit);
      ExpectRejected(head + Url(edited), ring_, kNotAuthentic);
    }
  }
}

TEST_F(SealedChallengeTest, TruncatedIsRejected) {
  std::string sealed = SealFull();
  for (size_t n = 0; n < sealed.size(); ++n) {
    auto r = Unseal(std::string_view(sealed).substr(0, n), ring_);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << n;
  }
}

TEST_F(SealedChallengeTest, RelabelledKeyIdIsNotAuthentic) {
  std::vector<SealKey> same_bytes = {Key("k1", 0x11), Key("k2", 0x11)};
  std::string sealed = SealFull();
  ASSERT_TRUE(Unseal(sealed, same_bytes));
  ExpectRejected("sg1.k2." + sealed.substr(7), same_bytes, kNotAuthentic);
}

TEST_F(SealedChallengeTest, ExtraCharactersAreRejected) {
  std::string sealed = SealFull();
  // Characters outside base64 make it malformed; more base64 shifts the tag.
  for (std::string extra : {"=", "==", ".", " ", "\n", "\t", "\x7f"})
    ExpectRejected(sealed + extra, ring_, kMalformed);
  ExpectRejected(sealed + std::string(1, '\0'), ring_, kMalformed);
  for (std::string extra : {"A", "AA", "AAAA", "+/"})
    ExpectRejected(sealed + extra, ring_, kNotAuthentic);
  ExpectRejected(" " + sealed, ring_, kMalformed);
  ExpectRejected(sealed + std::string(300, 'A'), ring_, kMalformed);
}

TEST_F(SealedChallengeTest, BadBase64IsMalformed) {
  // A seal whose body uses '+' or '/', to mix alphabets in.
  std::string sealed = SealFull();
  for (int i = 0; i < 200 && sealed.substr(7).find_first_of("+/") == std::string::npos; ++i)
    sealed = SealFull();
  size_t std_char = sealed.find_first_of("+/", 7);
  ASSERT_NE(std_char, std::string::npos);
  for (char c : {'*', '=', '.', '\xc3', '_', '-'}) {
    std::string edited = sealed;
    edited[std_char == 20 ? 21 : 20] = c;  // '_' and '-' next to a '+' or '/': mixed alphabets
    ExpectRejected(edited, ring_, kMalformed);
  }
  // 157 payload bytes leave 4 unused bits in the last character: another spelling of the same
  // bytes is refused, so each payload (and id) has a single challenge string per alphabet.
  std::string respelled = sealed;
  std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t value = alphabet.find(sealed.back());
  respelled.back() = alphabet[value ^ 1];
  ASSERT_EQ(*Base64Decode(respelled.substr(7)), *Base64Decode(sealed.substr(7)));
  ExpectRejected(respelled, ring_, kMalformed);
}

// Windows puts the challenge into the request's challengePassword as a PrintableString and fails
// on any other character; base64url's '_' was in about 4 of 10 challenges. Many seals, since one
// could pass by chance.
TEST_F(SealedChallengeTest, EverySealedChallengeIsAPrintableString) {
  for (int i = 0; i < 1000; ++i) {
    std::string sealed = SealFull();
    ASSERT_TRUE(IsPrintableString(sealed)) << sealed;
  }
}

// Challenges minted before, in base64url, still open (they may be out with devices), once each.
TEST_F(SealedChallengeTest, ABase64UrlChallengeMintedBeforeStillOpens) {
  std::string sealed = SealFull();
  for (int i = 0; i < 200 && sealed.substr(7).find_first_of("+/") == std::string::npos; ++i)
    sealed = SealFull();
  std::string legacy = sealed.substr(0, 7) + Url(*Base64Decode(sealed.substr(7)));
  ASSERT_NE(legacy, sealed);
  auto now = Unseal(sealed, ring_);
  auto before = Unseal(legacy, ring_);
  ASSERT_TRUE(now && before) << (before ? "" : before.error().message);
  EXPECT_EQ(now->id, before->id) << "one payload, one id, whichever spelling";
}

TEST_F(SealedChallengeTest, BadPrefixOrKeyIdIsMalformed) {
  std::string body = SealFull().substr(7);
  for (std::string_view head :
       {"sg2.k1.", "SG1.k1.", "sg1.K1.", "sg1..", "sg1.k123456789.", "sg1.k-1."})
    ExpectRejected(std::string(head) + body, ring_, kMalformed);
  ExpectRejected("sg1.k1", ring_, kMalformed);
  EXPECT_FALSE(LooksSealed("open sesame"));
  EXPECT_TRUE(LooksSealed("sg1."));
}

TEST_F(SealedChallengeTest, OutOfRangeClaimsAreInvalid) {
  std::vector<std::pair<const char*, std::function<void(SealedClaims&)>>> cases = {
      {"short subject digest", [](SealedClaims& c) { c.subject_digest.resize(15); }},
      {"long sans digest", [](SealedClaims& c) { c.sans_digest.push_back(0); }},
      {"upper-case UUID", [](SealedClaims& c) { c.device_id[0] = 'F'; }},
      {"UUID without dashes", [](SealedClaims& c) { c.device_id = std::string(36, 'a'); }},
      {"short UUID", [](SealedClaims& c) { c.device_id.pop_back(); }},
      {"bad purpose", [](SealedClaims& c) { c.purpose = "auth"; }},
      {"bad key type", [](SealedClaims& c) { c.key_type = "dsa"; }},
      {"empty profile", [](SealedClaims& c) { c.profile.clear(); }},
      {"profile not UTF-8", [](SealedClaims& c) { c.profile = "caf\xe9"; }},
      {"profile of 256 bytes", [](SealedClaims& c) { c.profile.assign(256, 'p'); }},
      {"validity 0", [](SealedClaims& c) { c.validity_days = 0; }},
      {"validity too long", [](SealedClaims& c) { c.validity_days = 65536; }},
      {"negative key size", [](SealedClaims& c) { c.min_key_size = -1; }},
      {"undefined KU bit", [](SealedClaims& c) { c.key_usage = 0x0100; }},
      {"EKU by name", [](SealedClaims& c) { c.ekus = {"clientAuth"}; }},
      {"EKU not canonical", [](SealedClaims& c) { c.ekus = {"1.3.6.1.5.5.7.3.02"}; }},
      {"EKU empty", [](SealedClaims& c) { c.ekus = {""}; }},
  };
  for (auto& [name, edit] : cases) {
    SealedClaims c = FullClaims();
    edit(c);
    auto r = Seal(c, key_, random_);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << name;
    EXPECT_TRUE(c.id.empty()) << name;
  }
}

TEST_F(SealedChallengeTest, TooLongResultSaysByHowMuch) {
  SealedClaims c = FullClaims();
  c.profile.assign(200, 'p');  // 160 bytes more than the 217-character challenge
  auto r = Seal(c, key_, random_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("would be 430 characters, 175 over"), std::string::npos)
      << r.error().message;
}

TEST_F(SealedChallengeTest, BadKeyIsInvalid) {
  SealedClaims c = FullClaims();
  EXPECT_EQ(Seal(c, Key("K1", 1), random_).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Seal(c, {"k1", Bytes(16, 1)}, random_).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Unseal(SealFull(), {{"k1", Bytes(16, 1)}}).error().code, ErrorCode::kInvalidArgument);
}

// The documented plaintext layout, built by hand, sealed with the internal helper.
Bytes HandLayout() {
  SealedClaims c = FullClaims();
  Bytes p = {1, 0xa1, 0xa2, 0xa3, 0xa4, 0, 0, 0, 0, 0x69, 0x55, 0xb9, 0x00};  // 2026-01-01
  Bytes uuid = *HexDecode("3f2504e04f8941d39a0c0305e82c3301");
  p.insert(p.end(), uuid.begin(), uuid.end());
  for (uint8_t b : {0x80, 0xa0, 1, 3, 0x08, 0x00, 0x01, 0x6d}) p.push_back(b);
  p.insert(p.end(), c.subject_digest.begin(), c.subject_digest.end());
  p.insert(p.end(), c.sans_digest.begin(), c.sans_digest.end());
  p.push_back(40);
  p.insert(p.end(), kProfile40.begin(), kProfile40.end());
  for (uint8_t b : {2, 8, 0x2b, 6, 1, 5, 5, 7, 3, 2, 8, 0x2b, 6, 1, 5, 5, 7, 3, 1}) p.push_back(b);
  return p;
}

TEST_F(SealedChallengeTest, PlaintextLayoutIsAsDocumented) {
  Bytes nonce(12, 0x5a);
  auto sealed = internal::SealPlaintext(HandLayout(), key_, nonce);
  ASSERT_TRUE(sealed) << sealed.error().message;
  auto opened = Unseal(*sealed, ring_);
  ASSERT_TRUE(opened) << opened.error().message;
  SealedClaims expected = FullClaims();
  expected.id = "5a5a5a5a5a5a5a5a5a5a5a5aa1a2a3a4";
  EXPECT_EQ(*opened, expected);
  EXPECT_EQ(sealed->size(), SealFull().size());
}

TEST_F(SealedChallengeTest, AuthenticButMalformedPlaintextIsMalformed) {
  Bytes nonce(12, 0x5a);
  std::vector<std::pair<size_t, uint8_t>> edits = {
      {0, 2},      // layout version
      {31, 0},     // key type code
      {32, 4},     // purpose code
      {29, 0x7f},  // key_usage with undefined bits
      {69, 41},    // profile length past the EKUs
      {110, 3},    // EKU count
      {112, 0x80}  // EKU content with a leading 0x80 arc byte
  };
  for (auto [at, value] : edits) {
    Bytes p = HandLayout();
    p[at] = value;
    ExpectRejected(*internal::SealPlaintext(p, key_, nonce), ring_, kMalformed);
  }
  Bytes zero_days = HandLayout();
  zero_days[35] = zero_days[36] = 0;  // validity_days 0
  ExpectRejected(*internal::SealPlaintext(zero_days, key_, nonce), ring_, kMalformed);
  Bytes longer = HandLayout();
  longer.push_back(0);
  ExpectRejected(*internal::SealPlaintext(longer, key_, nonce), ring_, kMalformed);
  ExpectRejected(*internal::SealPlaintext(Bytes{1}, key_, nonce), ring_, kMalformed);
}

// Seal keys ---------------------------------------------------------------------------------

class SealKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("sg_seal_keys_" + std::to_string(::getpid()) + "_" + info->name());
    std::filesystem::create_directories(dir_);
    file_ = dir_ / "seal.keys";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string LoadError(const std::string& text) {
    EXPECT_TRUE(WriteFile(file_, text));
    auto r = LoadSealKeys(file_);
    EXPECT_FALSE(r);
    if (r) return "";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    return r.error().message;
  }

  std::filesystem::path dir_, file_;
  FakeRandom random_;
};

TEST_F(SealKeysTest, RotateCreatesThePrivateFile) {
  EXPECT_EQ(LoadSealKeys(file_).error().code, ErrorCode::kNotFound);
  auto id = RotateSealKey(file_, random_);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "k1");
  struct stat st {};
  ASSERT_EQ(::stat(file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto keys = LoadSealKeys(file_);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].id, "k1");
  EXPECT_EQ((*keys)[0].key.size(), 32u);
}

TEST_F(SealKeysTest, RotationPutsTheNewKeyFirstAndKeepsThree) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(RotateSealKey(file_, random_));
  auto keys = LoadSealKeys(file_);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].id, "k5");
  EXPECT_EQ((*keys)[1].id, "k4");
  EXPECT_EQ((*keys)[2].id, "k3");
  EXPECT_NE((*keys)[0].key, (*keys)[1].key);
  EXPECT_EQ(*RotateSealKey(file_, random_, 1), "k6");
  EXPECT_EQ(LoadSealKeys(file_)->size(), 1u);
  EXPECT_EQ(RotateSealKey(file_, random_, 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SealKeysTest, OldChallengesOpenWithTheSecondKeyAfterRotation) {
  ASSERT_TRUE(RotateSealKey(file_, random_));
  SealedClaims claims = FullClaims();
  std::string sealed = *Seal(claims, LoadSealKeys(file_)->front(), random_);
  ASSERT_TRUE(RotateSealKey(file_, random_));
  auto keys = *LoadSealKeys(file_);
  ASSERT_EQ(keys[1].id, "k1");
  auto opened = Unseal(sealed, keys);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, claims);
  SealedClaims fresh = FullClaims();
  EXPECT_TRUE(Seal(fresh, keys.front(), random_)->starts_with("sg1.k2."));
}

TEST_F(SealKeysTest, CommentsAndBlankLinesAreIgnored) {
  std::string key = Base64Encode(Bytes(32, 7));
  ASSERT_TRUE(WriteFile(file_, "# keys\n\n  k9 " + key + "  \r\n\t# old\nold " + key));
  auto keys = LoadSealKeys(file_);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[1].id, "old");
  EXPECT_EQ(*RotateSealKey(file_, random_), "k10");
}

TEST_F(SealKeysTest, BadLinesAndDuplicatesNameTheLine) {
  std::string key = Base64Encode(Bytes(32, 7));
  std::string head = "# keys\n\nk1 " + key + "\n";
  EXPECT_NE(LoadError(head + "k2\n").find("line 4"), std::string::npos);
  EXPECT_NE(LoadError(head + "K2 " + key + "\n").find("line 4"), std::string::npos);
  EXPECT_NE(LoadError(head + "k2 " + key + " extra\n").find("line 4"), std::string::npos);
  EXPECT_NE(LoadError(head + "k2 " + Base64Encode(Bytes(31, 7))).find("line 4"), std::string::npos);
  EXPECT_NE(LoadError(head + "k2 not*base64").find("line 4"), std::string::npos);
  std::string dup = LoadError(head + "\nk1 " + key + "\n");
  EXPECT_NE(dup.find("line 5: duplicate key id 'k1'"), std::string::npos) << dup;
  EXPECT_EQ(dup.find(key), std::string::npos);  // no key material in messages
  EXPECT_NE(LoadError("# nothing\n").find("no seal key"), std::string::npos);
}

TEST_F(SealKeysTest, RotationRefusesABadFileAndLeavesIt) {
  ASSERT_TRUE(WriteFile(file_, "k1 short\n"));
  EXPECT_EQ(RotateSealKey(file_, random_).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(*ReadFile(file_), "k1 short\n");
}

}  // namespace
}  // namespace scepgate::policy

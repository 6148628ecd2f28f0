// One-time challenges end to end: `scepgate challenge issue` mints a challenge for a device and a
// profile, and a real gateway enrolls (over HTTP, with the test client) only a CSR that matches
// the profile, once. Every refusal code of the pipeline, the sealed format with key rotation, and
// that the secret never lands in the records, the log or the database file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>
#include <utility>

#include "cli_fixture.h"
#include "common/files.h"
#include "common/san_text.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kStatic[] = "static-secret";
constexpr int kValidityDays = 30;

using Rdns = std::vector<std::pair<std::string, std::string>>;

// A name built attribute by attribute (UTF-8, in DER order: most general first), never parsed.
X509NamePtr Name(const Rdns& rdns) {
  X509NamePtr name(X509_NAME_new());
  for (const auto& [type, value] : rdns) {
    EXPECT_EQ(X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), -1, 0),
              1)
        << type << "=" << value;
  }
  return name;
}

// What "CN={{DeviceName}},O=Example" resolves to: O first in DER order.
X509NamePtr DeviceName(const std::string& cn) { return Name({{"O", "Example"}, {"CN", cn}}); }

std::string Sha256Hex(const std::string& text) {
  return HexEncode(*Digest("SHA256", AsView(text)));
}

// Everything a request presenting a challenge carries.
struct Csr {
  const X509_NAME* subject = nullptr;  // borrowed
  std::string challenge;
  std::vector<std::string> sans;
  std::vector<std::string> ekus;
  std::optional<uint32_t> key_usage;
};

class ChallengeTest : public CliTest {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start(Options());
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
    gw_ = std::make_unique<GatewayClient>(server_->Url());
  }
  virtual ServerOptions Options() { return {{"--challenge", kStatic}, {}}; }

  // Device "dev-1" in group "wifi", which profile "wifi" (device, CN={{DeviceName}},O=Example,
  // dns:{{DeviceName}}.example.com, clientAuth, 30 days) is assigned to.
  void AddWifi() {
    Ok({"group", "add", "wifi"});
    device_ = AddDevice({"--name", "dev-1", "--platform", "windows", "--serial", "SN1"});
    Ok({"group", "add-member", "wifi", "--device", device_});
    Ok({"profile", "create", "wifi", "--type", "device", "--subject", "CN={{DeviceName}},O=Example",
        "--san", "dns:{{DeviceName}}.example.com", "--eku", "clientAuth", "--validity-days",
        std::to_string(kValidityDays), "--url", server_->Url()});
    Ok({"assign", "wifi", "--group", "wifi"});
  }

  // `challenge issue`, the challenge alone.
  std::string Issue(const std::string& device, const std::string& profile, const Args& extra = {}) {
    Args args = {"challenge", "issue", "--device", device, "--profile", profile};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string out = Ok(args);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    EXPECT_FALSE(out.empty());
    EXPECT_EQ(out.find('\n'), std::string::npos) << out;
    challenges_seen_.push_back(out);
    return out;
  }

  // Builds the CSR for `id` and sends it (transaction ID: the key's hash).
  Result<codec::CertRep> Send(const Identity& id, const Csr& c) {
    client::CsrOptions o;
    o.challenge = c.challenge;
    o.sans = c.sans;
    o.ekus = c.ekus;
    o.key_usage = c.key_usage;
    SG_ASSIGN_OR_RETURN(X509ReqPtr csr, client::MakeCsr(*id.key, o));
    // The subject goes in as an X509_NAME, then the CSR is signed again over it.
    if (X509_REQ_set_subject_name(csr.get(), c.subject) != 1 ||
        X509_REQ_sign(csr.get(), id.key.get(), EVP_sha256()) <= 0)
      return Fail(Error::Crypto("cannot set the CSR's subject"));
    SG_ASSIGN_OR_RETURN(Bytes der, CsrToDer(*csr));
    client::MessageOptions msg;
    SG_ASSIGN_OR_RETURN(msg.transaction_id, client::TransactionIdFor(*id.key));
    return gw_->Send(id, der, msg);
  }
  // A CSR for the wifi profile and device "dev-1".
  Csr Wifi(const std::string& challenge) {
    if (!wifi_name_) wifi_name_ = DeviceName("dev-1");
    return {wifi_name_.get(), challenge, {"DNS:dev-1.example.com"}, {}, {}};
  }

  // Asserts SUCCESS and returns the issued certificate.
  static X509Ptr Issued(const Result<codec::CertRep>& rep) {
    EXPECT_TRUE(rep) << (rep ? "" : rep.error().message);
    if (!rep) return nullptr;
    EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
    if (rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty()) return nullptr;
    return CertDup(*rep->content.certs.front());
  }
  // Asserts FAILURE badRequest whose failInfoText starts with `code`, and a failed request record
  // (stage verify) with the same reason.
  void Refused(const Result<codec::CertRep>& rep, const Identity& id, const std::string& code) {
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_EQ(rep->status, codec::PkiStatus::kFailure) << code;
    EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadRequest) << code;
    EXPECT_TRUE(rep->fail_info_text.starts_with(code + ":"))
        << "want " << code << ", got: " << rep->fail_info_text;
    nlohmann::json r = Record(*client::TransactionIdFor(*id.key));
    EXPECT_EQ(r["state"], "failed") << r.dump();
    EXPECT_EQ(r["fail_info"], "badRequest") << r.dump();
    EXPECT_TRUE(r["reason"].get<std::string>().starts_with(code + ":")) << r.dump();
    EXPECT_EQ(r["stage"], "verify") << r.dump();
  }
  // The latest request record of a transaction (null when none).
  nlohmann::json Record(const std::string& transaction_id) {
    nlohmann::json found;
    for (const auto& r : Json({"requests", "list"}))
      if (r["transaction_id"] == transaction_id && (found.is_null() || r["id"] > found["id"]))
        found = r;
    EXPECT_FALSE(found.is_null()) << "no request record for " << transaction_id;
    return found;
  }
  // `cert show` of an issued certificate.
  nlohmann::json CertRecord(const X509& cert) {
    return Json({"cert", "show", SerialHex(*X509_get0_serialNumber(&cert))});
  }

  // Asserts that no challenge seen so far is in `text`.
  void NoChallengeIn(const std::string& text, const std::string& where) {
    for (const auto& c : challenges_seen_)
      EXPECT_EQ(text.find(c), std::string::npos) << "challenge " << c << " found in " << where;
  }

  std::unique_ptr<GatewayClient> gw_;
  std::string device_;
  X509NamePtr wifi_name_;
  std::vector<std::string> challenges_seen_;
};

TEST_F(ChallengeTest, IssuedChallengeEnrollsTheProfilesCertificateOnce) {
  AddWifi();
  nlohmann::json issued = Json({"challenge", "issue", "--device", device_, "--profile", "wifi"});
  std::string challenge = issued["challenge"];
  challenges_seen_.push_back(challenge);
  EXPECT_EQ(issued["format"], "stored");
  EXPECT_EQ(issued["device"], device_);
  EXPECT_EQ(issued["profile"], "wifi");
  EXPECT_EQ(issued["subject"], "CN=dev-1,O=Example");
  EXPECT_EQ(issued["sans"], nlohmann::json({"DNS:dev-1.example.com"}));
  EXPECT_EQ(issued["validity_days"], kValidityDays);
  EXPECT_EQ(issued["ekus"], nlohmann::json({"1.3.6.1.5.5.7.3.2"}));

  Identity id = NewIdentity();
  X509Ptr cert = Issued(Send(id, Wifi(challenge)));
  ASSERT_TRUE(cert);
  // The certificate carries the profile's subject, SAN and validity.
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), DeviceName("dev-1").get()), 0)
      << NameToString(*X509_get_subject_name(cert.get()));
  EXPECT_EQ(CertSans(*cert), std::vector<std::string>{"DNS:dev-1.example.com"});
  int64_t not_after = *AsnTimeToUnix(*X509_get0_notAfter(cert.get()));
  int64_t want = std::time(nullptr) + int64_t{kValidityDays} * 86400;
  EXPECT_NEAR(static_cast<double>(not_after), static_cast<double>(want), 600.0);
  EXTENDED_KEY_USAGE* eku = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert.get(), NID_ext_key_usage, nullptr, nullptr));
  ASSERT_NE(eku, nullptr);
  EXPECT_EQ(sk_ASN1_OBJECT_num(eku), 1);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)), NID_client_auth);
  EXTENDED_KEY_USAGE_free(eku);

  // The certificate and the request record are linked to the device, profile and challenge.
  std::string tid = *client::TransactionIdFor(*id.key);
  std::string challenge_id = Sha256Hex(challenge);
  nlohmann::json c = CertRecord(*cert);
  EXPECT_EQ(c["device_id"], device_);
  EXPECT_EQ(c["profile"], "wifi");
  EXPECT_EQ(c["challenge_id"], challenge_id);
  EXPECT_EQ(c["user_upn"], "");
  EXPECT_EQ(c["template"], "profile:wifi");
  nlohmann::json r = Record(tid);
  EXPECT_EQ(r["state"], "issued");
  EXPECT_EQ(r["device_id"], device_);
  EXPECT_EQ(r["profile"], "wifi");
  EXPECT_EQ(r["challenge_id"], challenge_id);
  EXPECT_EQ(c["request_id"], r["id"]);
  EXPECT_EQ(c["transaction_id"], tid);

  // The same challenge with a new key and transaction is refused...
  Identity second = NewIdentity();
  Refused(Send(second, Wifi(challenge)), second, "ChallengeAlreadyUsed");
  EXPECT_EQ(Record(*client::TransactionIdFor(*second.key))["challenge_id"], challenge_id);
  // ... while a resend of the first transaction gets the same certificate.
  X509Ptr again = Issued(Send(id, Wifi(challenge)));
  ASSERT_TRUE(again);
  EXPECT_EQ(X509_cmp(again.get(), cert.get()), 0);
  EXPECT_EQ(Json({"cert", "list"}).size(), 1u);
}

TEST_F(ChallengeTest, WrongNamesAreRefusedWithoutConsumingTheChallenge) {
  AddWifi();
  std::string challenge = Issue(device_, "wifi");

  Identity wrong_cn = NewIdentity();
  X509NamePtr other = DeviceName("dev-2");
  Csr c = Wifi(challenge);
  c.subject = other.get();
  Refused(Send(wrong_cn, c), wrong_cn, "SubjectNameMismatch");
  // The order of the RDNs matters: CN first in DER order is another name.
  Identity reversed = NewIdentity();
  X509NamePtr cn_first = Name({{"CN", "dev-1"}, {"O", "Example"}});
  c.subject = cn_first.get();
  Refused(Send(reversed, c), reversed, "SubjectNameMismatch");

  Identity no_san = NewIdentity();
  c = Wifi(challenge);
  c.sans.clear();
  Refused(Send(no_san, c), no_san, "SubjectAltNameMismatch");
  Identity extra_san = NewIdentity();
  c = Wifi(challenge);
  c.sans.push_back("DNS:evil.example.com");
  Refused(Send(extra_san, c), extra_san, "SubjectAltNameMismatch");

  Identity server_auth = NewIdentity();
  c = Wifi(challenge);
  c.ekus = {"serverAuth"};
  Refused(Send(server_auth, c), server_auth, "EnhancedKeyUsageMismatch");
  Identity cert_sign = NewIdentity();
  c = Wifi(challenge);
  c.key_usage = KU_KEY_CERT_SIGN;
  Refused(Send(cert_sign, c), cert_sign, "KeyUsageMismatch");

  // None of these used the challenge up. Values compare case-insensitively; asking for what the
  // profile grants is fine.
  Identity good = NewIdentity();
  X509NamePtr upper = DeviceName("DEV-1");
  c = Wifi(challenge);
  c.subject = upper.get();
  c.ekus = {"clientAuth"};
  c.key_usage = KU_DIGITAL_SIGNATURE;
  X509Ptr cert = Issued(Send(good, c));
  ASSERT_TRUE(cert);
  EXPECT_EQ(CertRecord(*cert)["device_id"], device_);
}

TEST_F(ChallengeTest, SpecialCharactersInTheDeviceNameStayOneValue) {
  const std::string name = "B\xC3\xBCro, \"Kiosk\" 1";  // Büro, "Kiosk" 1
  Ok({"group", "add", "kiosks"});
  std::string kiosk = AddDevice({"--name", name, "--platform", "android"});
  Ok({"group", "add-member", "kiosks", "--device", kiosk});
  Ok({"profile", "create", "kiosk", "--type", "device", "--subject", "CN={{DeviceName}},O=Example",
      "--san", "dns:{{DeviceId}}.kiosk.example", "--url", server_->Url()});
  Ok({"assign", "kiosk", "--group", "kiosks"});
  nlohmann::json issued = Json({"challenge", "issue", "--device", kiosk, "--profile", "kiosk"});
  EXPECT_EQ(issued["subject"], "CN=B\xC3\xBCro\\, \\\"Kiosk\\\" 1,O=Example");
  std::string challenge = issued["challenge"];
  challenges_seen_.push_back(challenge);

  X509NamePtr subject = DeviceName(name);
  std::vector<std::string> sans = {"DNS:" + kiosk + ".kiosk.example"};
  // Split at the comma the name is another subject.
  Identity split = NewIdentity();
  X509NamePtr split_name = Name({{"O", "Example"}, {"CN", "\"Kiosk\" 1"}, {"CN", "B\xC3\xBCro"}});
  Refused(Send(split, {split_name.get(), challenge, sans, {}, {}}), split, "SubjectNameMismatch");

  Identity id = NewIdentity();
  X509Ptr cert = Issued(Send(id, {subject.get(), challenge, sans, {}, {}}));
  ASSERT_TRUE(cert);
  const X509_NAME* got = X509_get_subject_name(cert.get());
  EXPECT_EQ(X509_NAME_cmp(got, subject.get()), 0) << NameToString(*got);
  ASSERT_EQ(X509_NAME_entry_count(got), 2);
  const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(got, 1));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, cn);
  ASSERT_GT(len, 0);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len)), name);
  OPENSSL_free(utf8);
  EXPECT_EQ(CertRecord(*cert)["device_id"], kiosk);
}

TEST_F(ChallengeTest, ExpiredUnknownAndMissingChallengesAreRefused) {
  AddWifi();
  std::string short_lived = Issue(device_, "wifi", {"--ttl", "1s"});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Identity late = NewIdentity();
  Refused(Send(late, Wifi(short_lived)), late, "ChallengeExpired");

  Identity unknown = NewIdentity();
  std::string random_challenge = Sha256Hex("not issued").substr(0, 32);
  challenges_seen_.push_back(random_challenge);
  Refused(Send(unknown, Wifi(random_challenge)), unknown, "ChallengeInvalid");
  EXPECT_EQ(Record(*client::TransactionIdFor(*unknown.key))["challenge_id"], "");

  Identity none = NewIdentity();
  Refused(Send(none, Wifi("")), none, "ChallengePasswordMissing");
}

TEST_F(ChallengeTest, DeviceAndTargetingAreCheckedAtEnrollment) {
  AddWifi();
  // Retired after the challenge was issued.
  std::string retired_challenge = Issue(device_, "wifi");
  std::string other = AddDevice({"--name", "dev-1", "--platform", "windows"});
  Ok({"group", "add-member", "wifi", "--device", other});
  std::string moved_challenge = Issue(other, "wifi");
  Ok({"device", "retire", device_});
  Identity retired = NewIdentity();
  Refused(Send(retired, Wifi(retired_challenge)), retired, "DeviceRetired");
  EXPECT_EQ(Record(*client::TransactionIdFor(*retired.key))["device_id"], device_);

  // Removed from the group after the challenge was issued.
  Ok({"group", "remove-member", "wifi", "--device", other});
  Identity untargeted = NewIdentity();
  Refused(Send(untargeted, Wifi(moved_challenge)), untargeted,
          "ScepProfileNoLongerTargetedToTheClient");
  // Back in the group, the challenge is good again (it was not used up).
  Ok({"group", "add-member", "wifi", "--device", other});
  ASSERT_TRUE(Issued(Send(NewIdentity(), Wifi(moved_challenge))));
}

TEST_F(ChallengeTest, DisabledOwnerAndKeyTooSmallAreRefused) {
  Ok({"user", "add", "--upn", "alice@example.com"});
  Ok({"group", "add", "staff"});
  Ok({"group", "add-member", "staff", "--user", "alice@example.com"});
  std::string laptop = AddDevice(
      {"--name", "alice-laptop", "--platform", "windows", "--owner", "alice@example.com"});
  Ok({"profile", "create", "vpn", "--type", "user", "--subject", "CN={{UserPrincipalName}}",
      "--url", server_->Url()});
  Ok({"profile", "create", "big-key", "--type", "user", "--subject", "CN={{UserPrincipalName}}",
      "--min-key-size", "3072", "--url", server_->Url()});
  Ok({"assign", "vpn", "--group", "staff"});
  Ok({"assign", "big-key", "--group", "staff"});
  X509NamePtr alice = Name({{"CN", "alice@example.com"}});

  std::string big = Issue(laptop, "big-key");
  Identity small = NewIdentity(2048);
  Refused(Send(small, {alice.get(), big, {}, {}, {}}), small, "KeyLengthMismatch");
  Identity ec = NewIdentity(256);
  Refused(Send(ec, {alice.get(), big, {}, {}, {}}), ec, "KeyLengthMismatch");
  Identity large = NewIdentity(3072);
  X509Ptr cert = Issued(Send(large, {alice.get(), big, {}, {}, {}}));
  ASSERT_TRUE(cert);
  EXPECT_EQ(CertRecord(*cert)["user_upn"], "alice@example.com");

  std::string vpn = Issue(laptop, "vpn");
  Ok({"user", "disable", "alice@example.com"});
  Identity id = NewIdentity();
  Refused(Send(id, {alice.get(), vpn, {}, {}, {}}), id, "UserDisabled");
  Fails({"challenge", "issue", "--device", laptop, "--profile", "vpn"}, "UserDisabled");
}

TEST_F(ChallengeTest, IssueRefusesWhatCouldNeverEnroll) {
  AddWifi();
  std::string outside = AddDevice({"--name", "outside", "--platform", "linux"});
  std::string ownerless = AddDevice({"--name", "ownerless", "--platform", "linux"});
  Ok({"group", "add-member", "wifi", "--device", ownerless});
  Ok({"profile", "create", "user-only", "--type", "user", "--subject", "CN={{UserName}}", "--url",
      server_->Url()});
  Ok({"assign", "user-only", "--group", "wifi"});
  Ok({"profile", "create", "foreign", "--type", "device", "--subject", "CN={{DeviceName}}",
      "--trusted-ca", std::string(64, 'a'), "--url", server_->Url()});
  Ok({"assign", "foreign", "--group", "wifi"});

  Fails({"challenge", "issue", "--device", outside, "--profile", "wifi"},
        "ScepProfileNoLongerTargetedToTheClient");
  Fails({"challenge", "issue", "--device", device_, "--profile", "ghost"},
        "no profile named ghost");
  Fails({"challenge", "issue", "--device", "00000000-0000-0000-0000-000000000000", "--profile",
         "wifi"},
        "no device");
  Fails({"challenge", "issue", "--device", ownerless, "--profile", "user-only"}, "no owner");
  Fails({"challenge", "issue", "--device", device_, "--profile", "foreign"}, "CA chain");
  for (const char* ttl : {"0s", "0", "10x", "1.5h", "abc", "s"})
    Fails({"challenge", "issue", "--device", device_, "--profile", "wifi", "--ttl", ttl},
          "bad duration");
  Fails({"challenge", "issue", "--device", device_, "--profile", "wifi", "--ttl", "31d"},
        "between 1 second and 30 days");
  Ok({"device", "retire", ownerless});
  Fails({"challenge", "issue", "--device", ownerless, "--profile", "wifi"}, "DeviceRetired");
  // None of the refusals left a challenge behind that could enroll.
  EXPECT_EQ(Json({"cert", "list"}).size(), 0u);
}

TEST_F(ChallengeTest, TheChallengeIsNeverStoredOrLogged) {
  AddWifi();
  std::string used = Issue(device_, "wifi");
  std::string unused = Issue(device_, "wifi");
  std::string expired = Issue(device_, "wifi", {"--ttl", "1s"});
  ASSERT_TRUE(Issued(Send(NewIdentity(), Wifi(used))));
  Identity replay = NewIdentity();
  Refused(Send(replay, Wifi(used)), replay, "ChallengeAlreadyUsed");
  X509NamePtr wrong = DeviceName("nobody");
  Csr c = Wifi(unused);
  c.subject = wrong.get();
  Identity mismatch = NewIdentity();
  Refused(Send(mismatch, c), mismatch, "SubjectNameMismatch");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Identity late = NewIdentity();
  Refused(Send(late, Wifi(expired)), late, "ChallengeExpired");

  std::string out;
  ASSERT_EQ(server_->Cli({"requests", "list", "--json"}, &out), 0);
  NoChallengeIn(out, "requests list --json");
  ASSERT_EQ(server_->Cli({"cert", "list", "--json"}, &out), 0);
  NoChallengeIn(out, "cert list --json");
  // The server's log, and the database with its journal files, in whatever state they are.
  fs::path log = server_->dir().parent_path() / "serve.log";
  auto text = ReadFile(log);
  ASSERT_TRUE(text);
  EXPECT_FALSE(text->empty());
  NoChallengeIn(*text, "serve.log");
  int db_files = 0;
  for (const auto& entry : fs::directory_iterator(server_->dir())) {
    std::string file = entry.path().filename().string();
    if (!file.starts_with("scepgate.db")) continue;
    ++db_files;
    auto bytes = ReadFile(entry.path());
    ASSERT_TRUE(bytes) << file;
    NoChallengeIn(*bytes, file);
  }
  EXPECT_GE(db_files, 1);
  // Stopped (checkpointed), the database file still does not hold it.
  server_->Stop();
  auto db = ReadFile(server_->dir() / "scepgate.db");
  ASSERT_TRUE(db);
  NoChallengeIn(*db, "scepgate.db after stop");
  EXPECT_NE(db->find(Sha256Hex(used)), std::string::npos) << "the hash is what is kept";
}

class SealedChallengeTest : public ChallengeTest {
 protected:
  ServerOptions Options() override {
    return {{"--challenge", kStatic}, {{"challenges.format", "\"sealed\""}}};
  }
};

TEST_F(SealedChallengeTest, SealedChallengeEnrollsOnceAndResistsTampering) {
  AddWifi();
  nlohmann::json issued = Json({"challenge", "issue", "--device", device_, "--profile", "wifi"});
  EXPECT_EQ(issued["format"], "sealed");
  std::string challenge = issued["challenge"];
  challenges_seen_.push_back(challenge);
  ASSERT_TRUE(challenge.starts_with("sg1.")) << challenge;
  ASSERT_LE(challenge.size(), 255u);

  // Tampered: one character in the middle of the sealed payload changed.
  std::string tampered = challenge;
  size_t mid = tampered.size() / 2 + 10;
  ASSERT_LT(mid, tampered.size() - 4);
  tampered[mid] = tampered[mid] == 'A' ? 'B' : 'A';
  Identity bad = NewIdentity();
  Refused(Send(bad, Wifi(tampered)), bad, "ChallengeInvalid");
  // An unknown key id.
  std::string relabelled = "sg1.zz9" + challenge.substr(challenge.find('.', 4));
  Identity unknown_key = NewIdentity();
  Refused(Send(unknown_key, Wifi(relabelled)), unknown_key, "ChallengeInvalid");
  // A wrong subject does not use it up either.
  X509NamePtr wrong = DeviceName("dev-9");
  Csr c = Wifi(challenge);
  c.subject = wrong.get();
  Identity mismatch = NewIdentity();
  Refused(Send(mismatch, c), mismatch, "SubjectNameMismatch");

  Identity id = NewIdentity();
  X509Ptr cert = Issued(Send(id, Wifi(challenge)));
  ASSERT_TRUE(cert);
  nlohmann::json rec = CertRecord(*cert);
  EXPECT_EQ(rec["device_id"], device_);
  EXPECT_EQ(rec["profile"], "wifi");
  EXPECT_EQ(rec["challenge_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(Record(*client::TransactionIdFor(*id.key))["challenge_id"], rec["challenge_id"]);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), DeviceName("dev-1").get()), 0);

  Identity replay = NewIdentity();
  Refused(Send(replay, Wifi(challenge)), replay, "ChallengeAlreadyUsed");
  X509Ptr resent = Issued(Send(id, Wifi(challenge)));
  ASSERT_TRUE(resent);
  EXPECT_EQ(X509_cmp(resent.get(), cert.get()), 0);

  std::string out;
  ASSERT_EQ(server_->Cli({"requests", "list", "--json"}, &out), 0);
  NoChallengeIn(out, "requests list --json");
  auto log = ReadFile(server_->dir().parent_path() / "serve.log");
  ASSERT_TRUE(log);
  NoChallengeIn(*log, "serve.log");
}

TEST_F(SealedChallengeTest, OldKeyStillOpensAfterRotationAndRestart) {
  AddWifi();
  std::string before = Issue(device_, "wifi");
  ASSERT_TRUE(before.starts_with("sg1."));
  std::string old_kid = before.substr(4, before.find('.', 4) - 4);
  std::string out = Ok({"challenge", "rotate-key"});
  EXPECT_NE(out.find("new sealing key"), std::string::npos) << out;
  ASSERT_TRUE(server_->Restart());
  std::string after = Issue(device_, "wifi");
  std::string new_kid = after.substr(4, after.find('.', 4) - 4);
  EXPECT_NE(new_kid, old_kid);

  ASSERT_TRUE(Issued(Send(NewIdentity(), Wifi(before))));
  ASSERT_TRUE(Issued(Send(NewIdentity(), Wifi(after))));
  Identity replay = NewIdentity();
  Refused(Send(replay, Wifi(before)), replay, "ChallengeAlreadyUsed");
  struct stat st {};
  ASSERT_EQ(::stat((server_->dir() / "seal-keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace scepgate::testing

namespace scepgate::testing {
namespace {

TEST_F(ChallengeTest, RetiringADeviceRevokesItsCertificatesOnTheServedCrlAndRefusesIt) {
  AddWifi();
  X509Ptr cert = Issued(Send(NewIdentity(), Wifi(Issue(device_, "wifi"))));
  ASSERT_TRUE(cert);
  std::string leftover = Issue(device_, "wifi");
  Ok({"device", "retire", device_});

  // The CRL the gateway serves lists the certificate at once, as cessationOfOperation.
  auto crl = server_->ServedCrl();
  ASSERT_TRUE(crl) << crl.error().message;
  X509_REVOKED* entry = nullptr;
  ASSERT_EQ(X509_CRL_get0_by_serial(crl->get(), &entry, X509_get0_serialNumber(cert.get())), 1);
  int critical = 0;
  Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr)));
  ASSERT_TRUE(reason);
  EXPECT_EQ(ASN1_ENUMERATED_get(reason.get()), CRL_REASON_CESSATION_OF_OPERATION);
  EXPECT_EQ(CertRecord(*cert)["status"], "revoked");

  // A challenge minted before the retirement no longer enrolls, and no new one is minted.
  Identity late = NewIdentity();
  Refused(Send(late, Wifi(leftover)), late, "DeviceRetired");
  Fails({"challenge", "issue", "--device", device_, "--profile", "wifi"}, "DeviceRetired");
}

// Windows sends the challenge as a PrintableString: a static one it cannot send is warned about.
TEST(StaticChallengeTest, OneOutsidePrintableStringIsWarnedAboutAtStart) {
  for (const std::string challenge : {"under_score", "plain-Text+1/="}) {
    ServerOptions o;
    o.init_args = {"--challenge", challenge};
    auto s = ServerProcess::Start(o);
    ASSERT_TRUE(s) << s.error().message;
    bool warned = (*s)->Log().find("outside PrintableString") != std::string::npos;
    EXPECT_EQ(warned, challenge == "under_score") << challenge;
  }
}

}  // namespace
}  // namespace scepgate::testing

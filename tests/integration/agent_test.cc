// The device side end to end: `scepgate payload` writes what a device receives, and the real
// scepgate-agent binary enrolls with it against a real `scepgate serve` on loopback; failover
// across a dead and a live URL by mode, renewal by `scepgate-agent run` with the old certificate
// revoked, and each refusal (wrong CA, expired challenge, retired device) as a clear exit.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_fixture.h"
#include "client/http_client.h"
#include "common/files.h"
#include "common/san_text.h"
#include "mgmt/xml_test_util.h"

namespace scepgate::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// $SCEPGATE_AGENT_BIN, or scepgate-agent beside the scepgate binary under test.
std::string AgentBinary() {
  if (const char* b = std::getenv("SCEPGATE_AGENT_BIN")) return b;
  return (fs::path(ScepgateBinary()).parent_path() / "scepgate-agent").string();
}

std::string Sha256Hex(ByteView der) { return HexEncode(*Digest("SHA256", der)); }

// What one agent run printed and how it ended.
struct AgentRun {
  int rc = -1;
  std::string out, err;
  // The parsed event lines of stdout.
  std::vector<nlohmann::json> Events() const {
    std::vector<nlohmann::json> events;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) events.push_back(j);
    }
    return events;
  }
  std::vector<nlohmann::json> Events(const std::string& id) const {
    std::vector<nlohmann::json> out_events;
    for (auto& e : Events())
      if (e["event"] == id) out_events.push_back(e);
    return out_events;
  }
};

X509Ptr ReadCert(const fs::path& file) {
  auto pem = ReadFile(file);
  EXPECT_TRUE(pem) << file;
  if (!pem) return nullptr;
  auto cert = CertFromPem(*pem);
  return cert ? std::move(*cert) : nullptr;
}

std::string Serial(const X509& cert) { return SerialHex(*X509_get0_serialNumber(&cert)); }

unsigned ModeOf(const fs::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 0777;
}

// Starts the agent in the background with stdout and stderr into `log`; returns its pid.
pid_t SpawnAgent(const std::vector<std::string>& args, const fs::path& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<std::string> argv = {AgentBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

// Waits up to `seconds` for the process to end and returns its exit code; kills it and returns -1
// when it does not end in time.
int WaitExit(pid_t pid, int seconds) {
  int status = 0;
  for (auto until = Clock::now() + std::chrono::seconds(seconds); Clock::now() < until;) {
    if (::waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

class AgentTest : public CliTest {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start(Options());
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
    work_ = server_->dir().parent_path() / "agent";
    fs::create_directories(work_);
  }
  virtual ServerOptions Options() { return {{"--challenge", "x"}, {}}; }

  // A URL on loopback where nothing listens.
  static std::string DeadUrl() {
    return "http://127.0.0.1:" + std::to_string(FreePort()) + "/scep";
  }

  // Device `name` on `platform` in group "devices", which profile "wifi" (CN={{DeviceName}},
  // O=Example, dns:{{DeviceName}}.example.com, clientAuth) with `urls` is assigned to.
  std::string Setup(const std::string& name, const std::string& platform,
                    const std::vector<std::string>& urls, const Args& extra = {}) {
    if (!group_made_) {
      Ok({"group", "add", "devices"});
      Args create = {"profile",
                     "create",
                     "wifi",
                     "--type",
                     "device",
                     "--subject",
                     "CN={{DeviceName}},O=Example",
                     "--san",
                     "dns:{{DeviceName}}.example.com",
                     "--eku",
                     "clientAuth"};
      for (const auto& u : urls) create.insert(create.end(), {"--url", u});
      create.insert(create.end(), extra.begin(), extra.end());
      Ok(create);
      Ok({"assign", "wifi", "--group", "devices"});
      group_made_ = true;
    }
    std::string id = AddDevice({"--name", name, "--platform", platform});
    Ok({"group", "add-member", "devices", "--device", id});
    return id;
  }

  // `scepgate payload` into a file; returns its path.
  fs::path Payload(const std::string& device, const std::string& format, const Args& extra = {}) {
    fs::path file = work_ / ("payload-" + std::to_string(++files_) + "." + format);
    Args args = {"payload", "--device", device,        "--profile",     "wifi", "--format",
                 format,    "--out",    file.string(), "--retry-delay", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    Ok(args);
    return file;
  }
  nlohmann::json PayloadJson(const fs::path& file) {
    return nlohmann::json::parse(*ReadFile(file));
  }

  // Runs the agent (bounded by `timeout`) and returns what it did.
  AgentRun Agent(const Args& args, int timeout_seconds = 120) {
    std::vector<std::string> argv = {"timeout", std::to_string(timeout_seconds), AgentBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    AgentRun r;
    r.rc = RunCommand(argv, &r.out, &r.err);
    return r;
  }
  AgentRun Enroll(const fs::path& payload, const fs::path& dir, const Args& extra = {}) {
    Args args = {"enroll",         "--payload", payload.string(), "--out", dir.string(),
                 "--http-timeout", "10"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Agent(args);
  }
  // Expects a clean refusal: exit 1, "scepgate-agent: ...<want>..." on stderr, no files.
  void Refused(const AgentRun& r, const fs::path& dir, const std::string& want) {
    EXPECT_EQ(r.rc, 1) << r.out << r.err;
    EXPECT_TRUE(r.err.starts_with("scepgate-agent: ")) << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << "want '" << want << "' in: " << r.err;
    EXPECT_FALSE(fs::exists(dir / "cert.pem"));
  }

  // `cert show SERIAL --json`.
  nlohmann::json CertRecord(const X509& cert) { return Json({"cert", "show", Serial(cert)}); }

  std::string CaThumbprint() { return Json({"profile", "show", "wifi"})["trusted_ca"]; }

  fs::path work_;
  bool group_made_ = false;
  int files_ = 0;
};

TEST_F(AgentTest, JsonPayloadFromTheCliEnrollsWithTheAgent) {
  std::string device = Setup("dev-1", "linux", {server_->Url()});
  fs::path payload = Payload(device, "json");
  EXPECT_EQ(ModeOf(payload), 0600u);  // it holds the challenge
  nlohmann::json p = PayloadJson(payload);
  std::string challenge = p["challenge"];
  EXPECT_FALSE(challenge.empty());
  EXPECT_EQ(p["urls"], nlohmann::json({server_->Url()}));
  EXPECT_EQ(p["mode"], "windows");
  EXPECT_EQ(p["subject"], "CN=dev-1,O=Example");
  EXPECT_EQ(p["sans"], nlohmann::json({"DNS:dev-1.example.com"}));
  EXPECT_EQ(p["key_type"], "rsa");
  EXPECT_EQ(p["key_size"], 2048);
  EXPECT_EQ(p["retry_count"], 3);
  EXPECT_EQ(p["retry_delay_seconds"], 0);
  EXPECT_EQ(p["ca_thumbprint_sha256"], CaThumbprint());
  EXPECT_EQ(p["ca_thumbprint_sha1"].get<std::string>().size(), 40u);

  fs::path dir = work_ / "dev-1";
  AgentRun r = Enroll(payload, dir, {"--p12", "pw"});
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  X509Ptr cert = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(cert);
  EXPECT_EQ(NameToString(*X509_get_subject_name(cert.get())), "CN=dev-1,O=Example");
  EXPECT_EQ(CertSans(*cert), std::vector<std::string>{"DNS:dev-1.example.com"});
  EXPECT_EQ(ModeOf(dir / "key.pem"), 0600u);
  EXPECT_EQ(ModeOf(dir / "cert.p12"), 0600u);
  auto key = KeyFromPem(*ReadFile(dir / "key.pem"));
  ASSERT_TRUE(key);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(cert.get()), key->get()), 1);
  std::string chain = *ReadFile(dir / "chain.pem");
  EXPECT_NE(chain.find("BEGIN CERTIFICATE"), std::string::npos);
  std::string state = *ReadFile(dir / "state.json");
  EXPECT_EQ(state.find(challenge), std::string::npos);
  EXPECT_EQ(r.out.find(challenge), std::string::npos) << "the challenge is never logged";
  EXPECT_EQ(r.err.find(challenge), std::string::npos);

  auto generated = r.Events("request.generated");
  ASSERT_EQ(generated.size(), 1u) << r.out;
  EXPECT_EQ(generated[0]["url"], server_->Url());
  EXPECT_EQ(generated[0]["key_size"], 2048);
  auto installed = r.Events("certificate.installed");
  ASSERT_EQ(installed.size(), 1u) << r.out;
  EXPECT_EQ(installed[0]["url"], server_->Url());
  EXPECT_EQ(installed[0]["retry_count"], 0);
  EXPECT_EQ(installed[0]["thumbprint"], Sha256Hex(*CertToDer(*cert)));

  nlohmann::json record = CertRecord(*cert);
  EXPECT_EQ(record["device_id"], device);
  EXPECT_EQ(record["profile"], "wifi");
  // The challenge was single use: the same payload cannot enroll again.
  AgentRun again = Enroll(payload, work_ / "again");
  Refused(again, work_ / "again", "ChallengeAlreadyUsed");
}

TEST_F(AgentTest, MobileconfigAndSyncmlAreWellFormedAndCarryTheProfile) {
  std::string phone = Setup("phone-1", "ios", {server_->Url()});
  std::string laptop = AddDevice({"--name", "laptop-1", "--platform", "windows"});
  Ok({"group", "add-member", "devices", "--device", laptop});
  std::string thumb = CaThumbprint();

  std::string plist = *ReadFile(Payload(phone, "mobileconfig"));
  Xml x(plist);
  ASSERT_TRUE(x.ok()) << plist;
  EXPECT_EQ(x.One("/plist/dict/key[.='PayloadType']/following-sibling::*[1]"), "Configuration");
  std::string scep = "/plist/dict/array/dict[string='com.apple.security.scep']/dict";
  auto value = [&](const std::string& key) {
    return x.One(scep + "/key[.='" + key + "']/following-sibling::*[1]");
  };
  EXPECT_EQ(value("URL"), server_->Url());
  EXPECT_FALSE(value("Challenge").empty());
  EXPECT_EQ(value("Keysize"), "2048");
  EXPECT_EQ(value("Key Type"), "RSA");
  // The trusted CA (the root here) by its SHA-1, which every Apple release reads.
  auto trusted = CertFromPem(*ReadFile(server_->dir() / "ca" / "root.crt"));
  ASSERT_TRUE(trusted);
  Bytes root_der = *CertToDer(**trusted);
  ASSERT_EQ(HexEncode(*Digest("SHA256", root_der)), thumb);
  EXPECT_EQ(HexEncode(*Base64Decode(value("CAFingerprint"))), HexEncode(*Digest("SHA1", root_der)));
  EXPECT_EQ(x.All(scep + "/key[.='Subject']/following-sibling::array[1]/array/array/string"),
            (std::vector<std::string>{"O", "Example", "CN", "phone-1"}));
  EXPECT_EQ(x.One(scep + "/key[.='SubjectAltName']/following-sibling::dict[1]/key[.='dNSName']"
                         "/following-sibling::array[1]/string"),
            "phone-1.example.com");
  std::string root_b64 = x.One(
      "/plist/dict/array/dict[string='com.apple.security.root']/key[.='PayloadContent']"
      "/following-sibling::*[1]");
  auto root = CertFromDer(*Base64Decode(root_b64));
  ASSERT_TRUE(root);
  EXPECT_EQ(X509_check_ca(root->get()), 1);

  std::string syncml = *ReadFile(Payload(laptop, "syncml"));
  Xml s(syncml);
  ASSERT_TRUE(s.ok()) << syncml;
  std::string base = "./Device/Vendor/MSFT/ClientCertificateInstall/SCEP/scepgate_wifi";
  auto node = [&](const std::string& n) {
    return s.One("/Atomic/Add/Item[Target/LocURI='" + base + "/Install/" + n + "']/Data");
  };
  EXPECT_EQ(node("ServerURL"), server_->Url());
  EXPECT_FALSE(node("Challenge").empty());
  EXPECT_EQ(node("EKUMapping"), "1.3.6.1.5.5.7.3.2");
  EXPECT_EQ(node("KeyLength"), "2048");
  EXPECT_EQ(node("SubjectName"), "CN=laptop-1, O=Example");
  EXPECT_EQ(node("SubjectAlternativeNames"), "3+laptop-1.example.com");
  EXPECT_EQ(node("RetryCount"), "3");
  EXPECT_EQ(node("ValidPeriod"), "Days");
  EXPECT_EQ(s.One("/Atomic/*[last()]/Item/Target/LocURI"), base + "/Install/Enroll");
  EXPECT_EQ(node("CAThumbprint").size(), 40u);
}

TEST_F(AgentTest, AndroidAndWindowsFailOverFromADeadUrlToALiveOne) {
  std::string dead = DeadUrl();
  std::string android = Setup("droid-1", "android", {dead, server_->Url()});
  std::string windows = AddDevice({"--name", "win-1", "--platform", "windows"});
  Ok({"group", "add-member", "devices", "--device", windows});

  for (const std::string& device : {android, windows}) {
    fs::path payload = Payload(device, "json");
    nlohmann::json p = PayloadJson(payload);
    EXPECT_EQ(p["urls"].size(), 2u);
    if (device == android) {
      EXPECT_EQ(p["urls"], nlohmann::json({dead, server_->Url()}));  // the device shuffles
    }
    fs::path dir = work_ / device;
    AgentRun r = Enroll(payload, dir);
    ASSERT_EQ(r.rc, 0) << p["mode"] << ": " << r.out << r.err;
    auto installed = r.Events("certificate.installed");
    ASSERT_EQ(installed.size(), 1u);
    EXPECT_EQ(installed[0]["url"], server_->Url());
    EXPECT_EQ(installed[0]["retry_count"], 0);
    // When the dead URL came first, its failure is in the log.
    for (const auto& f : r.Events("enroll.failed")) EXPECT_EQ(f["url"], dead);
    X509Ptr cert = ReadCert(dir / "cert.pem");
    ASSERT_TRUE(cert);
    EXPECT_EQ(CertRecord(*cert)["device_id"], device);
  }
}

TEST_F(AgentTest, IosFailsOnItsOneDeadUrlAndEnrollsWithAFreshPayload) {
  std::string dead = DeadUrl();
  std::string phone = Setup("phone-1", "ios", {dead, server_->Url()});
  // The server picks one URL per payload at random: draw until each has come up (bounded).
  std::optional<fs::path> with_dead, with_live;
  for (int i = 0; i < 40 && (!with_dead || !with_live); ++i) {
    fs::path payload = Payload(phone, "json", {"--retry-count", "1"});
    nlohmann::json p = PayloadJson(payload);
    ASSERT_EQ(p["urls"].size(), 1u);
    (p["urls"][0] == dead ? with_dead : with_live) = payload;
  }
  ASSERT_TRUE(with_dead && with_live);

  AgentRun failed = Enroll(*with_dead, work_ / "first");
  Refused(failed, work_ / "first", "enrollment failed after 2 attempt(s)");
  EXPECT_NE(failed.err.find("cannot connect"), std::string::npos) << failed.err;
  auto failures = failed.Events("enroll.failed");
  ASSERT_EQ(failures.size(), 2u) << failed.out;
  for (const auto& f : failures) EXPECT_EQ(f["url"], dead);
  EXPECT_EQ(failed.Events("enroll.retry_scheduled").size(), 1u);

  AgentRun ok = Enroll(*with_live, work_ / "second");
  ASSERT_EQ(ok.rc, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.Events("certificate.installed")[0]["url"], server_->Url());
}

class AgentRenewalTest : public AgentTest {
 protected:
  ServerOptions Options() override {
    return {{"--challenge", "x"}, {{"scep.revoke_superseded", "true"}}};
  }
};

TEST_F(AgentRenewalTest, RenewIsSkippedUntilDueAndForcedOnRequest) {
  std::string device = Setup("srv-1", "linux", {server_->Url()}, {"--validity-days", "1"});
  fs::path dir = work_ / "srv-1";
  ASSERT_EQ(Enroll(Payload(device, "json"), dir).rc, 0);
  X509Ptr first = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(first);

  AgentRun not_due = Agent({"renew", "--dir", dir.string()});
  ASSERT_EQ(not_due.rc, 0) << not_due.err;
  EXPECT_EQ(not_due.Events("renewal.not_due").size(), 1u) << not_due.out;
  EXPECT_EQ(X509_cmp(ReadCert(dir / "cert.pem").get(), first.get()), 0);

  AgentRun forced = Agent({"renew", "--dir", dir.string(), "--force"});
  ASSERT_EQ(forced.rc, 0) << forced.out << forced.err;
  X509Ptr second = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(second);
  EXPECT_NE(Serial(*second), Serial(*first));
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(second.get()), X509_get_subject_name(first.get())),
            0);
  EXPECT_EQ(CertRecord(*second)["device_id"], device);
}

TEST_F(AgentRenewalTest, RunRenewsPastTheThresholdAndTheOldCertificateIsRevoked) {
  std::string device = Setup("srv-1", "linux", {server_->Url()}, {"--validity-days", "1"});
  fs::path dir = work_ / "srv-1";
  // A threshold of 100%: the certificate is due as soon as it is issued.
  ASSERT_EQ(Enroll(Payload(device, "json", {"--renewal-threshold", "100"}), dir).rc, 0);
  X509Ptr first = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(first);
  std::string old_key = *ReadFile(dir / "key.pem");

  fs::path log = work_ / "run.log";
  pid_t pid = SpawnAgent({"run", "--dir", dir.string(), "--interval", "1"}, log);
  ASSERT_GT(pid, 0);
  // Wait (bounded) for cert.pem to hold a new certificate.
  X509Ptr renewed;
  for (auto until = Clock::now() + std::chrono::seconds(60); Clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    X509Ptr now = fs::exists(dir / "cert.pem") ? ReadCert(dir / "cert.pem") : nullptr;
    if (now && Serial(*now) != Serial(*first)) {
      renewed = std::move(now);
      break;
    }
  }
  // Stop it with SIGTERM: it ends cleanly (exit 0) within a bounded time.
  ::kill(pid, SIGTERM);
  int rc = WaitExit(pid, 15);
  std::string run_log = ReadFile(log).value_or("");
  EXPECT_EQ(rc, 0) << run_log;
  ASSERT_TRUE(renewed) << run_log;
  EXPECT_NE(run_log.find("renewal.started"), std::string::npos) << run_log;

  // Same subject, same device, a new key; the old certificate is revoked (superseded).
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(renewed.get()), X509_get_subject_name(first.get())),
            0);
  EXPECT_NE(*ReadFile(dir / "key.pem"), old_key);
  nlohmann::json record = CertRecord(*renewed);
  EXPECT_EQ(record["device_id"], device);
  EXPECT_EQ(record["profile"], "wifi");
  nlohmann::json old_record = CertRecord(*first);
  EXPECT_EQ(old_record["status"], "revoked") << old_record.dump();
  // The CRL the gateway serves lists it at once (re-signed with the renewal).
  auto crl = server_->ServedCrl();
  ASSERT_TRUE(crl) << crl.error().message;
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_serial(crl->get(), &entry, X509_get0_serialNumber(first.get())), 1)
      << "the superseded certificate " << Serial(*first) << " is on the CRL";
}

TEST_F(AgentTest, PendingIsAnsweredByCertPollUntilApproved) {
  std::string device = Setup("dev-1", "linux", {server_->Url()}, {"--require-approval"});
  fs::path dir = work_ / "dev-1";
  fs::path log = work_ / "enroll.log";
  pid_t pid = SpawnAgent({"enroll", "--payload", Payload(device, "json").string(), "--out",
                          dir.string(), "--poll-interval", "1", "--poll-limit", "60"},
                         log);
  ASSERT_GT(pid, 0);
  // Wait (bounded) for the held request, then approve it.
  nlohmann::json pending;
  for (auto until = Clock::now() + std::chrono::seconds(30);
       Clock::now() < until && pending.empty();) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    pending = Json({"requests", "list", "--state", "pending"});
  }
  ASSERT_EQ(pending.size(), 1u) << ReadFile(log).value_or("");
  Ok({"requests", "approve", std::to_string(pending[0]["id"].get<int64_t>())});
  int rc = WaitExit(pid, 60);
  std::string out = ReadFile(log).value_or("");
  ASSERT_EQ(rc, 0) << out;
  X509Ptr cert = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(cert);
  EXPECT_EQ(CertRecord(*cert)["device_id"], device);
  EXPECT_NE(out.find("certificate.installed"), std::string::npos) << out;
}

TEST_F(AgentTest, WrongCaThumbprintIsRefused) {
  std::string device = Setup("dev-1", "linux", {server_->Url()});
  fs::path payload = Payload(device, "json");
  nlohmann::json p = PayloadJson(payload);
  p["ca_thumbprint_sha256"] = std::string(64, '0');
  ASSERT_TRUE(WritePrivateFile(payload, p.dump()));
  AgentRun r = Enroll(payload, work_ / "dev-1");
  Refused(r, work_ / "dev-1", "CA thumbprint mismatch");
  EXPECT_TRUE(r.Events("request.generated").empty()) << "nothing is sent to an unpinned CA";
}

TEST_F(AgentTest, ExpiredChallengeIsRefused) {
  std::string device = Setup("dev-1", "linux", {server_->Url()});
  fs::path payload = Payload(device, "json", {"--ttl", "1s"});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  AgentRun r = Enroll(payload, work_ / "dev-1");
  Refused(r, work_ / "dev-1", "ChallengeExpired");
  auto failed = r.Events("enroll.failed");
  ASSERT_EQ(failed.size(), 1u) << "a refusal is not retried: " << r.out;
  EXPECT_NE(failed[0]["fail_info"].get<std::string>().find("badRequest"), std::string::npos);
}

TEST_F(AgentTest, RetiredDeviceIsRefused) {
  std::string device = Setup("dev-1", "linux", {server_->Url()});
  fs::path payload = Payload(device, "json");
  Ok({"device", "retire", device});
  Refused(Enroll(payload, work_ / "dev-1"), work_ / "dev-1", "DeviceRetired");
  // And no new payload is minted for it.
  Fails({"payload", "--device", device, "--profile", "wifi"}, "DeviceRetired");
}

TEST_F(AgentTest, UsageErrorsExitTwo) {
  AgentRun missing = Agent({"enroll", "--out", (work_ / "dev-1").string()});
  EXPECT_EQ(missing.rc, 2) << missing.err;
  EXPECT_TRUE(missing.err.starts_with("scepgate-agent: ")) << missing.err;
  EXPECT_NE(missing.err.find("--payload"), std::string::npos) << missing.err;
  AgentRun wrong = Agent({"run", "--dir", work_.string(), "--interval", "soon"});
  EXPECT_EQ(wrong.rc, 2) << wrong.err;
  EXPECT_FALSE(fs::exists(work_ / "dev-1"));
}

}  // namespace
}  // namespace scepgate::testing

namespace scepgate::testing {
namespace {

// A TLS front for the gateway, as a reverse proxy would be: socat terminating TLS with a
// certificate made here by the OpenSSL CLI, forwarding to the plain gateway. Stopped when
// destroyed.
class TlsFront {
 public:
  TlsFront(const fs::path& dir, uint16_t backend) : port_(FreePort()) {
    cert_ = dir / "tls.crt";
    std::string make =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        (dir / "tls.key").string() + "' -out '" + cert_.string() + "' >/dev/null 2>&1";
    ok_ = std::system(make.c_str()) == 0;
    if (!ok_) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string listen = "OPENSSL-LISTEN:" + std::to_string(port_) +
                           ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + cert_.string() +
                           ",key=" + (dir / "tls.key").string();
      std::string to = "TCP:127.0.0.1:" + std::to_string(backend);
      ::execlp("socat", "socat", listen.c_str(), to.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // Ready when the port accepts a connection (bounded).
    for (int i = 0; i < 100; ++i) {
      auto probe = client::MakeHttpClient(1)->Get(client::Url{"127.0.0.1", port_, "/"}, "/");
      if (probe || probe.error().message.find("refused") == std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ok_ = false;
  }
  ~TlsFront() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      WaitExit(pid_, 5);
    }
  }
  bool ok() const { return ok_; }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/scep"; }
  const fs::path& cert() const { return cert_; }

 private:
  uint16_t port_;
  fs::path cert_;
  bool ok_ = false;
  pid_t pid_ = -1;
};

TEST_F(AgentTest, HttpsGatewayIsVerifiedAgainstTheGivenCa) {
  TlsFront front(work_, server_->port());
  ASSERT_TRUE(front.ok()) << "openssl or socat could not start the TLS front";
  std::string device = Setup("dev-1", "linux", {front.Url()});

  // Without the TLS front's CA the handshake is refused, and the agent says why.
  fs::path untrusted = work_ / "untrusted";
  AgentRun refused = Enroll(Payload(device, "json", {"--retry-count", "0"}), untrusted);
  EXPECT_EQ(refused.rc, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("certificate"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(untrusted / "cert.pem"));

  fs::path dir = work_ / "dev-1";
  AgentRun r = Enroll(Payload(device, "json"), dir, {"--tls-ca", front.cert().string()});
  ASSERT_EQ(r.rc, 0) << r.out << r.err;
  ASSERT_EQ(r.Events("certificate.installed").size(), 1u) << r.out;
  EXPECT_EQ(r.Events("certificate.installed")[0]["url"], front.Url());
  X509Ptr cert = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(cert);
  EXPECT_EQ(CertRecord(*cert)["device_id"], device);

  // Renewal goes the same way.
  AgentRun renewed =
      Agent({"renew", "--dir", dir.string(), "--force", "--tls-ca", front.cert().string()});
  ASSERT_EQ(renewed.rc, 0) << renewed.out << renewed.err;
  X509Ptr second = ReadCert(dir / "cert.pem");
  ASSERT_TRUE(second);
  EXPECT_NE(Serial(*second), Serial(*cert));
}

}  // namespace
}  // namespace scepgate::testing

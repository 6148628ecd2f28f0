// One SCEP transaction against a fake gateway (GET or POST, what is retried, the CA pin), the
// credential files, and renew/run on a directory, without a network or real waits.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "agent/agent.h"
#include "agent/credentials.h"
#include "agent/failover.h"
#include "agent/payload.h"
#include "agent/test_util.h"
#include "agent/transaction.h"
#include "agent/url_plan.h"
#include "client/request_builder.h"
#include "common/files.h"
#include "store/test_temp_dir.h"

namespace scepgate::agent {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): shared test helpers
using Strings = std::vector<std::string>;

// --- CA pinning and files ---------------------------------------------------------------------

TEST(PinTest, AcceptsOnlyTheThumbprintOfAServedCertificate) {
  Pair ca = SelfSigned("CA");
  client::CaCerts certs;
  certs.all.push_back(CertDup(*ca.cert));
  certs.issuing = certs.all.front().get();
  AgentPayload p;
  p.ca_sha256 = Sha256(*ca.cert);
  EXPECT_TRUE(CheckPinnedCa(certs, p));
  p.ca_sha256 = std::string(64, '0');
  auto r = CheckPinnedCa(certs, p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("CA thumbprint mismatch"), std::string::npos);
}

// A gateway that answers GetCACaps and GetCACert, and PKIOperation with a fixed HTTP status;
// records how each request came (GET or POST) and what was asked.
class FakeGateway final : public client::HttpClient {
 public:
  FakeGateway(std::string caps, Bytes ca_der, int pki_status)
      : caps_(std::move(caps)), ca_der_(std::move(ca_der)), pki_status_(pki_status) {}
  Result<client::HttpReply> Get(const client::Url& url, const std::string& target) override {
    requests.push_back("GET " + Operation(target));
    if (url.host == "dead") return Fail(Error::Io("cannot connect to dead: Connection refused"));
    if (target.find("operation=GetCACaps") != std::string::npos)
      return client::HttpReply{200, "text/plain", caps_, {}};
    if (target.find("operation=GetCACert") != std::string::npos)
      return client::HttpReply{200, "application/x-x509-ca-cert", AsString(ca_der_), {}};
    return client::HttpReply{pki_status_, "text/plain", "no", {}};
  }
  Result<client::HttpReply> Post(const client::Url&, const std::string& target, const std::string&,
                                 const std::string&) override {
    requests.push_back("POST " + Operation(target));
    return client::HttpReply{pki_status_, "text/plain", "no", {}};
  }
  std::vector<std::string> requests;

 private:
  static std::string Operation(const std::string& target) {
    size_t at = target.find("operation=");
    std::string op = at == std::string::npos ? "" : target.substr(at + 10);
    return op.substr(0, op.find('&'));
  }
  std::string caps_;
  Bytes ca_der_;
  int pki_status_;
};

struct TransactionRun {
  std::expected<Issued, AttemptError> result;
  std::vector<std::string> requests;
  std::vector<Event> events;
};

TransactionRun RunTransaction(const std::string& url, const std::string& caps, int pki_status,
                              bool pin_right = true) {
  Pair ca = SelfSigned("Fake CA");
  auto payload = ParsePayload(PayloadText());
  EXPECT_TRUE(payload);
  payload->ca_sha256 = pin_right ? Sha256(*ca.cert) : std::string(64, 'f');
  FakeGateway gw(caps, *CertToDer(*ca.cert), pki_status);
  FakeSleeper sleeper;
  RecordingEvents events;
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  TransactionSpec spec;
  spec.payload = &*payload;
  spec.new_key = key.get();
  Transaction t(gw, sleeper, events);
  auto r = t.Run(url, spec);
  return {std::move(r), gw.requests, events.events};
}

TEST(TransactionTest, PostsWhenAdvertisedAndGetsOtherwise) {
  auto post = RunTransaction("http://gw/scep", "AES\nPOSTPKIOperation\nSHA-256\n", 503);
  ASSERT_FALSE(post.result);
  EXPECT_EQ(post.requests, (Strings{"GET GetCACaps", "GET GetCACert", "POST PKIOperation"}));
  auto get = RunTransaction("http://gw/scep", "AES\nSHA-256\n", 503);
  EXPECT_EQ(get.requests, (Strings{"GET GetCACaps", "GET GetCACert", "GET PKIOperation"}));
  ASSERT_EQ(Count(get.events, kRequestGenerated), 1u);
  EXPECT_EQ(get.events[0].numbers[0], (std::pair<std::string, long long>{"key_size", 2048}));
  // A 503 answered: worth retrying, and android keeps the URL.
  EXPECT_TRUE(get.result.error().retryable);
  EXPECT_TRUE(get.result.error().answered);
  EXPECT_EQ(get.result.error().http_status, 503);
}

TEST(TransactionTest, ABadRequestAnswerIsNotRetried) {
  auto r = RunTransaction("http://gw/scep", "POSTPKIOperation\n", 400);
  ASSERT_FALSE(r.result);
  EXPECT_FALSE(r.result.error().retryable);
  EXPECT_EQ(r.result.error().http_status, 400);
}

TEST(TransactionTest, AnUnreachableUrlIsRetryableAndDidNotAnswer) {
  auto r = RunTransaction("http://dead/scep", "", 200);
  ASSERT_FALSE(r.result);
  EXPECT_TRUE(r.result.error().retryable);
  EXPECT_FALSE(r.result.error().answered);
  EXPECT_EQ(r.requests, Strings{"GET GetCACaps"});
}

TEST(TransactionTest, AnUnpinnedCaIsRefusedBeforeAnyRequestIsSent) {
  auto r = RunTransaction("http://gw/scep", "POSTPKIOperation\n", 200, /*pin_right=*/false);
  ASSERT_FALSE(r.result);
  EXPECT_FALSE(r.result.error().retryable);
  EXPECT_NE(r.result.error().error.message.find("CA thumbprint mismatch"), std::string::npos);
  EXPECT_EQ(r.requests, (Strings{"GET GetCACaps", "GET GetCACert"}));
  EXPECT_EQ(Count(r.events, kRequestGenerated), 0u);
}

TEST(CredentialsTest, WritesTheSetWithAPrivateKeyAndReadsItBack) {
  store::TempDir dir;
  Pair leaf = SelfSigned("dev");
  auto p = ParsePayload(PayloadText());
  ASSERT_TRUE(p);
  p->challenge.clear();
  ASSERT_TRUE(WriteCredentials(dir.path(), *leaf.key, *leaf.cert, {}, *p, std::string("pw")));
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir.path() / "cert.p12").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().string().ends_with(".new")) << e.path();
  auto back = ReadCredentials(dir.path());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(X509_cmp(back->cert.get(), leaf.cert.get()), 0);
  EXPECT_EQ(EVP_PKEY_eq(back->key.get(), leaf.key.get()), 1);
  EXPECT_EQ(back->state.urls, p->urls);
}

TEST(AgentTest, RenewAndRunNeedAnEnrolledDirectory) {
  store::TempDir dir;
  auto http = client::MakeHttpClient(1);
  FakeSleeper sleeper;
  RecordingEvents events;
  FakeRandom random;
  FakeClock clock(1700000000);
  Agent agent(*http, sleeper, events, random, clock);
  auto r = agent.Renew(dir.path(), false, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(agent.Run(dir.path(), 10, {}).error().code, ErrorCode::kNotFound);
}

TEST(AgentTest, RenewIsNotDueForAFreshCertificateAndRunStopsOnRequest) {
  store::TempDir dir;
  Pair leaf = SelfSigned("dev");  // valid from now-300 s for 7 days
  auto p = ParsePayload(PayloadText());
  ASSERT_TRUE(WriteCredentials(dir.path(), *leaf.key, *leaf.cert, {}, *p, std::nullopt));
  auto http = client::MakeHttpClient(1);
  FakeSleeper sleeper;
  sleeper.stop_after = 3;
  RecordingEvents events;
  FakeRandom random;
  SystemClock clock;
  Agent agent(*http, sleeper, events, random, clock);
  auto r = agent.Renew(dir.path(), false, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->has_value());
  EXPECT_TRUE(agent.Run(dir.path(), 10, {}));
  EXPECT_EQ(sleeper.waits, (std::vector<int64_t>{10, 10, 10}));
  EXPECT_EQ(Count(events.events, kRenewalNotDue), 4u);
}

}  // namespace
}  // namespace scepgate::agent

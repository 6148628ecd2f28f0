// The external validation webhook through the real binary, to a real HTTP endpoint on loopback:
// every request that passes the gateway's checks is shown to it, signed; its allow issues, its
// deny refuses with its reason, and a timeout, an error status or a garbled answer refuses too.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway_fixture.h"
#include "notify/webhook.h"
#include "webhook_receiver.h"

namespace scepgate::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kChallenge[] = "validated-challenge";
constexpr char kSecret[] = "validation secret";

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s =
        ServerProcess::Start({{"--challenge", kChallenge},
                              {{"policy.validation_url", "\"" + endpoint_.Url() + "\""},
                               {"policy.validation_secret", std::string("\"") + kSecret + "\""},
                               {"policy.validation_timeout_seconds", "1"}}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
    gw_ = std::make_unique<GatewayClient>(server_->Url());
  }

  Result<codec::CertRep> Enroll(const std::string& cn) {
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    o.csr.challenge = kChallenge;
    o.csr.sans = {"DNS:" + cn + ".example.com"};
    return gw_->Enroll(NewIdentity(), o);
  }

  // Expects a FAILURE whose failInfoText starts with `code`, and no certificate issued.
  void Refused(const Result<codec::CertRep>& rep, const std::string& code) {
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
    EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadRequest);
    EXPECT_TRUE(rep->fail_info_text.starts_with(code)) << rep->fail_info_text;
  }

  size_t Certificates() {
    std::string out, err;
    EXPECT_EQ(server_->Cli({"cert", "list", "--json"}, &out, &err), 0) << err;
    return nlohmann::json::parse(out).size();
  }

  WebhookReceiver endpoint_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GatewayClient> gw_;
};

TEST_F(ValidationTest, AnAllowIssuesAndTheEndpointSeesTheSignedRequest) {
  endpoint_.SetReply(200, R"({"allow": true})");
  auto rep = Enroll("laptop-1");
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
  auto seen = endpoint_.Received();
  ASSERT_EQ(seen.size(), 1u);
  auto body = nlohmann::json::parse(seen[0].body);
  EXPECT_EQ(body["challenge"], kChallenge);
  EXPECT_EQ(body["subject"], "CN=laptop-1");
  EXPECT_EQ(body["sans"], nlohmann::json::array({"DNS:laptop-1.example.com"}));
  EXPECT_EQ(body["renewal"], false);
  EXPECT_FALSE(body["transaction_id"].get<std::string>().empty());
  EXPECT_TRUE(body["csr"].get<std::string>().starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
  EXPECT_EQ(seen[0].headers["x-scepgate-event"], "request.validate");
  // The signature verifies: "t=<ts>,v1=<hmac of "<ts>.<body>">".
  const std::string& sig = seen[0].headers["x-scepgate-signature"];
  ASSERT_TRUE(sig.starts_with("t=")) << sig;
  int64_t ts = std::stoll(sig.substr(2, sig.find(',') - 2));
  EXPECT_EQ(sig, *notify::SignatureHeader(kSecret, ts, seen[0].body));
}

TEST_F(ValidationTest, ADenyRefusesWithTheEndpointsReasonAndIsRecorded) {
  endpoint_.SetReply(200, R"({"allow": false, "reason": "device is not compliant"})");
  Refused(Enroll("laptop-2"), "ValidationDenied: device is not compliant");
  EXPECT_EQ(Certificates(), 0u);
  std::string out, err;
  ASSERT_EQ(server_->Cli({"requests", "list", "--state", "failed", "--json"}, &out, &err), 0);
  auto failed = nlohmann::json::parse(out);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["reason"], "ValidationDenied: device is not compliant");
  EXPECT_EQ(failed[0]["stage"], "verify");
  // Allowed again, the same gateway issues.
  endpoint_.SetReply(200, R"({"allow": true})");
  auto rep = Enroll("laptop-3");
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
}

TEST_F(ValidationTest, NoUsableAnswerRefuses) {
  endpoint_.SetReply(500, R"({"allow": true})");
  Refused(Enroll("laptop-4"), "ValidationUnavailable: the validation endpoint answered HTTP 500");
  endpoint_.SetReply(200, "yes please");
  Refused(Enroll("laptop-5"), "ValidationUnavailable: ");
  endpoint_.SetReply(200, R"({"allow": true})", 2500ms);  // past the 1 s timeout
  auto started = std::chrono::steady_clock::now();
  Refused(Enroll("laptop-6"), "ValidationUnavailable: the validation endpoint did not answer");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2400ms);
  EXPECT_EQ(Certificates(), 0u);
}

TEST_F(ValidationTest, AnAnswerOverTheSizeCapIsNotHonoured) {
  // An allow padded past the 64 KiB the gateway reads of an answer: the transfer is cut off, so
  // the allow is never seen and the request is refused, not issued.
  const std::string allow = R"({"allow": true, "pad": ")";
  endpoint_.SetReply(200, allow + std::string(100 * 1024, 'x') + R"("})");
  Refused(Enroll("laptop-7"), "ValidationUnavailable: ");
  EXPECT_EQ(Certificates(), 0u);
  // Just under the cap is read whole and followed.
  endpoint_.SetReply(200, allow + std::string(60 * 1024, 'x') + R"("})");
  auto issued = Enroll("laptop-8");
  ASSERT_TRUE(issued) << issued.error().message;
  EXPECT_EQ(issued->status, codec::PkiStatus::kSuccess) << issued->fail_info_text;
  EXPECT_EQ(Certificates(), 1u);
}

}  // namespace
}  // namespace scepgate::testing

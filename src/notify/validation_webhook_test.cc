// ValidationWebhook with a scripted sender: what it sends, and every kind of answer.
#include "notify/validation_webhook.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace scepgate::notify {
namespace {

class ScriptedSender final : public WebhookSender {
 public:
  Result<WebhookReply> Post(const std::string& to, const std::string& sent,
                            const Headers& with) override {
    url = to;
    body = sent;
    headers = with;
    return answer;
  }
  Result<WebhookReply> answer = WebhookReply{200, R"({"allow": true})"};
  std::string url, body;
  Headers headers;
};

class ValidationWebhookTest : public ::testing::Test {
 protected:
  policy::ValidationRequest Request() {
    policy::ValidationRequest r;
    r.transaction_id = "tx-1";
    r.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----\n...";
    r.challenge = "one-time";
    r.device_id = "dev-1";
    r.user_upn = "ana@example.com";
    r.profile = "wifi";
    r.subject = "CN=dev-1,O=Example";
    r.sans = {"DNS:dev-1.example.com"};
    return r;
  }
  // Validates with the sender answering `answer`; expects a refusal starting with `code`.
  void Refused(Result<WebhookReply> answer, const std::string& code) {
    sender_.answer = std::move(answer);
    auto st = hook_.Validate(Request());
    ASSERT_FALSE(st) << code;
    EXPECT_EQ(st.error().code, ErrorCode::kPolicyDenied);
    EXPECT_TRUE(st.error().message.starts_with(code)) << st.error().message;
  }

  ScriptedSender sender_;
  FakeClock clock_{1'800'000'000};
  ValidationWebhook hook_{sender_, clock_, {"http://127.0.0.1:9/validate", "k3y"}};
};

TEST_F(ValidationWebhookTest, SendsTheRequestSignedAndFollowsAnAllow) {
  ASSERT_TRUE(hook_.Validate(Request()));
  EXPECT_EQ(sender_.url, "http://127.0.0.1:9/validate");
  auto sent = nlohmann::json::parse(sender_.body);
  EXPECT_EQ(sent["transaction_id"], "tx-1");
  EXPECT_EQ(sent["challenge"], "one-time");
  EXPECT_EQ(sent["device_id"], "dev-1");
  EXPECT_EQ(sent["user_upn"], "ana@example.com");
  EXPECT_EQ(sent["profile"], "wifi");
  EXPECT_EQ(sent["renewal"], false);
  EXPECT_EQ(sent["subject"], "CN=dev-1,O=Example");
  EXPECT_EQ(sent["sans"], nlohmann::json::array({"DNS:dev-1.example.com"}));
  EXPECT_TRUE(sent["csr"].get<std::string>().starts_with("-----BEGIN CERTIFICATE REQUEST"));
  std::string signature, event;
  for (const auto& [name, value] : sender_.headers) {
    if (name == "X-Scepgate-Signature") signature = value;
    if (name == "X-Scepgate-Event") event = value;
  }
  EXPECT_EQ(event, "request.validate");
  EXPECT_EQ(signature, *SignatureHeader("k3y", clock_.Now(), sender_.body));
}

TEST_F(ValidationWebhookTest, ADenyCarriesTheEndpointsReason) {
  Refused(WebhookReply{200, R"({"allow": false, "reason": "device not compliant"})"},
          "ValidationDenied: device not compliant");
  Refused(WebhookReply{200, R"({"allow": false})"}, "ValidationDenied: no reason given");
  Refused(WebhookReply{200, R"({"allow": false, "reason": ")" + std::string(500, 'x') + "\"}"},
          "ValidationDenied: xxx");
  EXPECT_LT(hook_.Validate(Request()).error().message.size(), 240u);
}

TEST_F(ValidationWebhookTest, NoUsableAnswerRefuses) {
  Refused(Fail(Error::Io("Timeout was reached")), "ValidationUnavailable: ");
  Refused(WebhookReply{500, R"({"allow": true})"}, "ValidationUnavailable: ");
  Refused(WebhookReply{302, ""}, "ValidationUnavailable: ");
  Refused(WebhookReply{200, ""}, "ValidationUnavailable: ");
  Refused(WebhookReply{200, "allow"}, "ValidationUnavailable: ");
  Refused(WebhookReply{200, R"({"allow": "yes"})"}, "ValidationUnavailable: ");
  Refused(WebhookReply{200, R"([true])"}, "ValidationUnavailable: ");
}

}  // namespace
}  // namespace scepgate::notify

// IntuneClient against the stand-in over TLS: tokens reused, discovery once, validate and its
// refusals, the notifications' exact fields and headers, revocations, concurrent callers.
#include <thread>

#include "intune/client_fixture.h"

namespace scepgate::intune {
namespace {

using nlohmann::json;

TEST_F(IntuneClientTest, FetchesEachTokenOnceAndDiscoversOnce) {
  Bytes csr = CsrWithChallenge("CN=device-1");
  for (int i = 0; i < 3; ++i) {
    auto answer = intune_->Validate("tid-" + std::to_string(i), csr);
    ASSERT_TRUE(answer) << answer.error().message;
  }
  auto tokens = standin_->Calls(Endpoint::kToken);
  ASSERT_EQ(tokens.size(), 2u);  // Graph's, then Intune's
  EXPECT_NE(tokens[0].body.find("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"),
            std::string::npos);
  EXPECT_NE(tokens[1].body.find("scope=https%3A%2F%2Fapi.manage.microsoft.com%2F%2F.default"),
            std::string::npos);
  EXPECT_EQ(CountCalls(Endpoint::kDiscovery), 1u);
  EXPECT_EQ(CountCalls(Endpoint::kValidate), 3u);
  EXPECT_TRUE(IsGuid(standin_->Calls(Endpoint::kDiscovery)[0].client_request_id));
}

TEST_F(IntuneClientTest, ValidateAcceptsAMintedChallengeAndReportsRefusals) {
  auto ok = intune_->Validate("t1", CsrWithChallenge("CN=device-1,O=Example"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->accepted());
  EXPECT_EQ(ok->received_code, "Success");

  auto challenge = standin_->MintChallenge({"CN=device-1", {}, 3600});
  ASSERT_TRUE(challenge);
  auto mismatch = intune_->Validate("t2", Der(testing::CsrBase64("CN=other", {}, *challenge)));
  ASSERT_TRUE(mismatch) << mismatch.error().message;
  EXPECT_FALSE(mismatch->accepted());
  EXPECT_EQ(mismatch->code, ValidationCode::kSubjectNameMismatch);

  auto missing = intune_->Validate("t3", Der(testing::CsrBase64("CN=device-1", {}, "")));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, ValidationCode::kChallengePasswordMissing);

  auto expired = intune_->Validate("t4", CsrWithChallenge("CN=device-1", -10));
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->code, ValidationCode::kChallengeExpired);

  auto foreign = intune_->Validate("t5", Der(testing::CsrBase64("CN=device-1", {}, "not-ours")));
  ASSERT_TRUE(foreign);
  EXPECT_FALSE(foreign->accepted());

  standin_->ForceCode(Endpoint::kValidate, "SomethingNewer");
  auto unknown = intune_->Validate("t6", CsrWithChallenge("CN=device-1"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, ValidationCode::kUnknown);
  EXPECT_EQ(unknown->received_code, "SomethingNewer");
  EXPECT_FALSE(unknown->accepted());

  auto call = standin_->Calls(Endpoint::kValidate).front();
  json body = json::parse(call.body);
  EXPECT_EQ(body["request"]["transactionId"], "t1");
  EXPECT_EQ(body["request"]["callerInfo"], "scepgate-test/1.2");
}

TEST_F(IntuneClientTest, SuccessNotificationCarriesTheExactFieldsAndHeaders) {
  Bytes csr = CsrWithChallenge("CN=device-1");
  SuccessNotification n{"tid-9",         csr, "a1:b2:c3:d4", "5f01ab", 1796464800,
                        "CN=Issuing CA", "",  "scepgate"};
  auto answer = intune_->NotifySuccess(n);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->accepted());
  auto notes = standin_->Notifications(Endpoint::kSuccess);
  ASSERT_EQ(notes.size(), 1u);
  const json& note = notes[0];
  EXPECT_EQ(note["transactionId"], "tid-9");
  EXPECT_EQ(note["certificateRequest"], Base64Encode(csr));
  EXPECT_EQ(note["certificateThumbprint"], "A1B2C3D4");
  EXPECT_EQ(note["certificateSerialNumber"], "5F01AB");
  EXPECT_EQ(note["certificateExpirationDateUtc"], "2026-12-05T10:00:00Z");
  EXPECT_EQ(note["issuingCertificateAuthority"], "CN=Issuing CA");
  EXPECT_EQ(note["callerInfo"], "scepgate-test/1.2");
  EXPECT_TRUE(note["caConfiguration"].is_null());
  EXPECT_EQ(note["certificateAuthority"], "scepgate");

  RecordedCall call = standin_->Calls(Endpoint::kSuccess)[0];
  EXPECT_TRUE(IsGuid(call.client_request_id)) << call.client_request_id;
  EXPECT_EQ(Header(call, "client-request-id"), call.client_request_id);
  EXPECT_EQ(Header(call, "api-version"), "2018-02-20");
  EXPECT_EQ(Header(call, "useragent"), "scepgate-test/1.2");
  EXPECT_EQ(Header(call, "content-type"), "application/json");
  EXPECT_TRUE(Header(call, "authorization").starts_with("Bearer "));
  EXPECT_EQ(call.path, testing::kSuccessPath);
}

TEST_F(IntuneClientTest, FailureNotificationCutsTheDescriptionTo255Characters) {
  std::string long_text(300, 'x');
  long_text.replace(250, 2, "\xC3\xA9");  // é at character 251, 2 bytes
  auto answer = intune_->NotifyFailure({"tid-f", CsrWithChallenge("CN=d"), -2147418113, long_text});
  ASSERT_TRUE(answer) << answer.error().message;
  auto empty = intune_->NotifyFailure({"tid-g", CsrWithChallenge("CN=d"), 65535, ""});
  ASSERT_TRUE(empty) << empty.error().message;
  auto notes = standin_->Notifications(Endpoint::kFailure);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0]["hResult"], -2147418113);
  std::string sent = notes[0]["errorDescription"];
  EXPECT_EQ(sent.size(), 256u);  // 255 characters, one of them 2 bytes
  EXPECT_EQ(sent, long_text.substr(0, 256));
  EXPECT_FALSE(notes[1]["errorDescription"].get<std::string>().empty());
  EXPECT_EQ(Header(standin_->Calls(Endpoint::kFailure)[0], "api-version"), "2018-02-20");
}

TEST_F(IntuneClientTest, DownloadRespectsMaxAndUploadSendsCodesByName) {
  for (int i = 0; i < 5; ++i)
    standin_->QueueRevocation({"ctx-" + std::to_string(i), "0A0" + std::to_string(i), "CN=Issuer A",
                               i == 0 ? "host\\CA" : ""});
  EXPECT_EQ(intune_->DownloadRevocations(0, std::nullopt).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(intune_->DownloadRevocations(501, std::nullopt).error().code,
            ErrorCode::kInvalidArgument);
  auto three = intune_->DownloadRevocations(3, "CN=Issuer A");
  ASSERT_TRUE(three) << three.error().message;
  ASSERT_EQ(three->size(), 3u);
  EXPECT_EQ((*three)[0].request_context, "ctx-0");
  EXPECT_EQ((*three)[0].ca_configuration, "host\\CA");
  EXPECT_EQ((*three)[1].ca_configuration, "");
  auto none = intune_->DownloadRevocations(10, "CN=Nobody");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  RecordedCall call = standin_->Calls(Endpoint::kDownload)[0];
  EXPECT_EQ(Header(call, "api-version"), "5019-05-05");
  EXPECT_EQ(json::parse(call.body)["downloadParameters"]["maxRequests"], 3);

  EXPECT_EQ(intune_->UploadRevocationResults({}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      intune_->UploadRevocationResults({{"ctx-0", true, RevocationErrorCode::kConflictError, ""}})
          .error()
          .code,
      ErrorCode::kInvalidArgument);
  Status up = intune_->UploadRevocationResults(
      {{"ctx-0", true, RevocationErrorCode::kNone, ""},
       {"ctx-1", false, RevocationErrorCode::kCertificateNotFoundError, "no such serial"}});
  ASSERT_TRUE(up) << up.error().message;
  auto results = standin_->RevocationResults();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["errorCode"], "None");
  EXPECT_TRUE(results[0]["errorMessage"].is_null());
  EXPECT_EQ(results[1]["errorCode"], "CertificateNotFoundError");
  EXPECT_EQ(results[1]["succeeded"], false);
  auto rest = intune_->DownloadRevocations(500, std::nullopt);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->size(), 3u);  // ctx-2..4: answered ones are not handed out again
}

TEST_F(IntuneClientTest, ConcurrentValidatesShareOneTokenFetch) {
  Bytes csr = CsrWithChallenge("CN=device-1");
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto answer = intune_->Validate("tid-" + std::to_string(i), csr);
      if (answer && answer->accepted()) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 8);
  EXPECT_EQ(CountCalls(Endpoint::kToken), 2u);  // one Graph token, one Intune token
  EXPECT_EQ(CountCalls(Endpoint::kDiscovery), 1u);
  EXPECT_EQ(CountCalls(Endpoint::kValidate), 8u);
}

TEST_F(IntuneClientTest, CountsCallsInTheRegistry) {
  ASSERT_TRUE(intune_->Validate("t", CsrWithChallenge("CN=d")));
  std::string text = registry_.Render();
  EXPECT_NE(text.find("scepgate_intune_calls_total{call=\"validate\",outcome=\"ok\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("scepgate_intune_calls_total{call=\"token\",outcome=\"ok\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("scepgate_intune_call_seconds_count{call=\"validate\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace scepgate::intune

// The Intune stand-in over real TLS sockets, driven with client::HttpClient: tokens, discovery,
// validateRequest and each refusal, the checks of every service call, notifications.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "intune/standin_fixture.h"

namespace scepgate::testing {
namespace {

TEST_F(StandInTest, TokenFlowChecksTenantClientSecretAndScope) {
  client::HttpReply ok = TokenReply("https://api.manage.microsoft.com//.default");
  ASSERT_EQ(ok.status, 200) << ok.body;
  json token = json::parse(ok.body);
  EXPECT_EQ(token["token_type"], "Bearer");
  EXPECT_EQ(token["expires_in"], 3599);
  EXPECT_FALSE(token["access_token"].get<std::string>().empty());
  EXPECT_EQ(TokenReply("https://graph.microsoft.com/.default").status, 200);

  client::HttpReply bad_secret = TokenReply("https://graph.microsoft.com/.default", "wrong");
  EXPECT_EQ(bad_secret.status, 401);
  EXPECT_EQ(json::parse(bad_secret.body)["error"], "invalid_client");
  EXPECT_EQ(TokenReply("https://graph.microsoft.com/.default", "s3cret", "other").status, 400);
  client::HttpReply one_slash = TokenReply("https://api.manage.microsoft.com/.default");
  EXPECT_EQ(one_slash.status, 400);
  EXPECT_EQ(json::parse(one_slash.body)["error"], "invalid_scope");
  client::HttpReply as_json = Send(
      {"POST", "/login/contoso.onmicrosoft.com/oauth2/v2.0/token", {}, "{}", "application/json"});
  EXPECT_EQ(as_json.status, 400);
  EXPECT_EQ(standin_->Calls(Endpoint::kToken).size(), 6u);
}

TEST_F(StandInTest, DiscoveryListsBothServicesPointingBackHere) {
  std::string path =
      "/graph/v1.0/servicePrincipals/appId=0000000a-0000-0000-c000-000000000000/endpoints";
  std::string graph = GraphToken();
  client::HttpReply reply =
      Send({"GET",
            path,
            {{"Authorization", "Bearer " + graph}, {"client-request-id", NewGuid()}},
            "",
            ""});
  ASSERT_EQ(reply.status, 200) << reply.body;
  std::map<std::string, std::string> uris;
  json endpoints = json::parse(reply.body);
  for (const auto& e : endpoints["value"])
    uris[e["providerName"].get<std::string>()] = e["uri"].get<std::string>();
  EXPECT_EQ(uris["ScepRequestValidationFEService"],
            standin_->service_uri("ScepRequestValidationFEService"));
  EXPECT_EQ(uris["PkiConnectorFEService"], standin_->service_uri("PkiConnectorFEService"));

  EXPECT_EQ(Send({"GET",
                  path,
                  {{"Authorization", "Bearer " + IntuneToken()}, {"client-request-id", NewGuid()}},
                  "",
                  ""})
                .status,
            401);
  EXPECT_EQ(Send({"GET", path, {{"Authorization", "Bearer " + graph}}, "", ""}).status, 400);
  std::string other = "/graph/v1.0/servicePrincipals/appId=1234/endpoints";
  EXPECT_EQ(Send({"GET",
                  other,
                  {{"Authorization", "Bearer " + graph}, {"client-request-id", NewGuid()}},
                  "",
                  ""})
                .status,
            404);
}

TEST_F(StandInTest, ValidateAcceptsTheCsrItsChallengeWasMintedFor) {
  auto challenge = standin_->MintChallenge({"CN=device-1,O=Example", {"DNS:device-1.example"}});
  ASSERT_TRUE(challenge);
  std::string token = IntuneToken();
  EXPECT_EQ(
      Validate(token, CsrBase64("CN=device-1,O=Example", {"DNS:device-1.example"}, *challenge)),
      "Success");
  auto calls = standin_->Calls(Endpoint::kValidate);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].status, 200);
  EXPECT_EQ(calls[0].code, "Success");
  EXPECT_EQ(calls[0].client_request_id.size(), 36u);
  EXPECT_NE(calls[0].body.find("\"callerInfo\":\"scepgate/test\""), std::string::npos);
}

TEST_F(StandInTest, ValidateAnswersEachDocumentedRefusal) {
  std::string token = IntuneToken();
  std::string subject = "CN=device-1,O=Example";
  std::vector<std::string> sans = {"DNS:device-1.example", "UPN:user@example.com"};
  std::string good = *standin_->MintChallenge({subject, sans});
  std::string expired = *standin_->MintChallenge({subject, sans, -1});
  EXPECT_EQ(Validate(token, "not base64 !"), "CertificateRequestDecodingFailed");
  EXPECT_EQ(Validate(token, Base64Encode(AsView(std::string("junk")))),
            "CertificateRequestDecodingFailed");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, "")), "ChallengePasswordMissing");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, "static-password")),
            "ChallengeDeserializationError");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, "standin-challenge.unknown")),
            "ChallengeDecryptionError");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, expired)), "ChallengeExpired");
  EXPECT_EQ(Validate(token, CsrBase64("", sans, good)), "SubjectNameMissing");
  EXPECT_EQ(Validate(token, CsrBase64("CN=device-2,O=Example", sans, good)), "SubjectNameMismatch");
  EXPECT_EQ(Validate(token, CsrBase64(subject, {}, good)), "SubjectAltNameMissing");
  EXPECT_EQ(Validate(token, CsrBase64(subject, {"DNS:device-1.example"}, good)),
            "SubjectAltNameMismatch");
  standin_->ForceCode(Endpoint::kValidate, "ScepProfileNoLongerTargetedToTheClient");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, good)),
            "ScepProfileNoLongerTargetedToTheClient");
  EXPECT_EQ(Validate(token, CsrBase64(subject, sans, good)), "Success");
}

TEST_F(StandInTest, ServiceCallsRefuseMissingTokenHeadersAndBadShapes) {
  std::string token = IntuneToken();
  json body = {
      {"request",
       {{"transactionId", "t1"}, {"certificateRequest", "TUlJ"}, {"callerInfo", "scepgate/test"}}}};
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, body, "authorization").status, 401);
  client::HttpReply graph = Call(kValidatePath, kScepVersion, GraphToken(), body);
  EXPECT_EQ(graph.status, 401);
  EXPECT_TRUE(std::any_of(graph.headers.begin(), graph.headers.end(), [](const auto& h) {
    return h.first == "WWW-Authenticate" || h.first == "www-authenticate";
  }));
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, body, "api-version").status, 400);
  EXPECT_EQ(Call(kValidatePath, kPkiVersion, token, body).status, 400);
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, body, "client-request-id").status, 400);
  client::HttpRequest not_guid{"POST",
                               kValidatePath,
                               {{"Authorization", "Bearer " + token},
                                {"client-request-id", "1234"},
                                {"api-version", kScepVersion}},
                               body.dump(),
                               "application/json"};
  EXPECT_EQ(Send(not_guid).status, 400);
  client::HttpRequest as_text = not_guid;
  as_text.headers[1].second = NewGuid();
  as_text.content_type = "text/plain";
  EXPECT_EQ(Send(as_text).status, 400);
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, body["request"]).status, 400);
  json no_caller = body;
  no_caller["request"].erase("callerInfo");
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, no_caller).status, 400);
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, body).status, 200);
}

TEST_F(StandInTest, NotificationsAreCheckedAndRecorded) {
  std::string token = IntuneToken();
  client::HttpReply ok = Call(kSuccessPath, kScepVersion, token, SuccessBody("tid-1"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["code"], "Success");
  json missing = SuccessBody("tid-2");
  missing["notification"].erase("certificateThumbprint");
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, missing).status, 400);

  json failure = {{"notification",
                   {{"transactionId", "tid-3"},
                    {"certificateRequest", "TUlJQg=="},
                    {"hResult", -2147418113},
                    {"errorDescription", "ChallengeInvalid"},
                    {"callerInfo", "scepgate/test"}}}};
  EXPECT_EQ(Call(kFailurePath, kScepVersion, token, failure).status, 200);
  failure["notification"]["hResult"] = "0x8000ffff";
  EXPECT_EQ(Call(kFailurePath, kScepVersion, token, failure).status, 400);

  auto successes = standin_->Notifications(Endpoint::kSuccess);
  ASSERT_EQ(successes.size(), 1u);
  EXPECT_EQ(successes[0]["transactionId"], "tid-1");
  EXPECT_EQ(successes[0]["certificateSerialNumber"], "5F01");
  auto failures = standin_->Notifications(Endpoint::kFailure);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["hResult"], -2147418113);
}

}  // namespace
}  // namespace scepgate::testing

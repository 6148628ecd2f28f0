// The Intune stand-in's fault injection, revocation queue, relocation and HTTP control
// interface, over real TLS sockets: 401-then-retry, 5xx, delays past a client's timeout, the
// revocation round trip.
#include <string>

#include "intune/standin_fixture.h"

namespace scepgate::testing {
namespace {

TEST_F(StandInTest, UnauthorizedFaultRevokesTheTokenSoOnlyANewOneSucceeds) {
  std::string token = IntuneToken();
  standin_->InjectFault(Endpoint::kSuccess, {FaultKind::kUnauthorized, 1});
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 401);
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 401);
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, IntuneToken(), SuccessBody("t")).status, 200);
  auto calls = standin_->Calls(Endpoint::kSuccess);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].status, 401);
  EXPECT_EQ(calls[1].status, 401);
  EXPECT_EQ(calls[2].status, 200);
  EXPECT_EQ(standin_->Notifications(Endpoint::kSuccess).size(), 1u);

  std::string fresh = IntuneToken();
  standin_->ExpireTokens();
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, fresh, SuccessBody("t")).status, 401);
}

TEST_F(StandInTest, ServerErrorsAndDelaysHitTheNextCalls) {
  std::string token = IntuneToken();
  standin_->InjectFault(Endpoint::kSuccess, {FaultKind::kServerError, 2, 503});
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 503);
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 503);
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 200);

  standin_->InjectFault(Endpoint::kSuccess, {FaultKind::kDelay, 1, 0, 2500});
  auto impatient = client::MakeTlsHttpClient(1, standin_->ca_file().string());
  client::HttpRequest r{"POST",
                        kSuccessPath,
                        {{"Authorization", "Bearer " + token},
                         {"client-request-id", NewGuid()},
                         {"api-version", kScepVersion}},
                        SuccessBody("t").dump(),
                        "application/json"};
  auto timed_out = impatient->Send(url_, r);
  EXPECT_FALSE(timed_out);
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 200);
}

TEST_F(StandInTest, RevocationRequestsAreHandedOutUntilAnswered) {
  standin_->QueueRevocation({"ctx-1", "0a01", "CN=Issuer A", ""});
  standin_->QueueRevocation({"ctx-2", "0a02", "CN=Issuer A", "host\\CA"});
  standin_->QueueRevocation({"ctx-3", "0b01", "CN=Issuer B", ""});
  std::string token = IntuneToken();
  auto download = [&](json params) {
    client::HttpReply reply =
        Call(kDownloadPath, kPkiVersion, token, {{"downloadParameters", params}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body, nullptr, false)["value"];
  };
  json one = download({{"maxRequests", 1}, {"issuerName", nullptr}});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["requestContext"], "ctx-1");
  EXPECT_EQ(one[0]["serialNumber"], "0a01");
  EXPECT_TRUE(one[0]["caConfiguration"].is_null());
  json issuer_a = download({{"maxRequests", 500}, {"issuerName", "CN=Issuer A"}});
  ASSERT_EQ(issuer_a.size(), 2u);
  EXPECT_EQ(issuer_a[1]["caConfiguration"], "host\\CA");

  json results = {{"results",
                   {{{"requestContext", "ctx-1"},
                     {"succeeded", true},
                     {"errorCode", "None"},
                     {"errorMessage", nullptr}},
                    {{"requestContext", "ctx-2"},
                     {"succeeded", false},
                     {"errorCode", "4004"},
                     {"errorMessage", "no such certificate"}}}}};
  client::HttpReply uploaded = Call(kUploadPath, kPkiVersion, token, results);
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  EXPECT_EQ(json::parse(uploaded.body)["value"], true);

  json rest = download({{"maxRequests", 10}, {"issuerName", nullptr}});
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0]["requestContext"], "ctx-3");
  auto records = standin_->Revocations();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[0].answered);
  EXPECT_EQ(records[0].handed_out, 2);
  EXPECT_EQ(records[1].result["errorCode"], "4004");
  EXPECT_FALSE(records[2].answered);
  EXPECT_EQ(standin_->RevocationResults().size(), 2u);

  EXPECT_EQ(
      Call(kDownloadPath, kPkiVersion, token, {{"downloadParameters", {{"maxRequests", 501}}}})
          .status,
      400);
  EXPECT_EQ(Call(kDownloadPath, kPkiVersion, token, {{"downloadParameters", {{"maxRequests", 0}}}})
                .status,
            400);
  EXPECT_EQ(Call(kDownloadPath, kScepVersion, token, {{"downloadParameters", {{"maxRequests", 1}}}})
                .status,
            400);
  EXPECT_EQ(Call(kUploadPath, kPkiVersion, token, {{"results", json::array()}}).status, 400);
  json bad_code = {
      {"results", {{{"requestContext", "ctx-3"}, {"succeeded", false}, {"errorCode", "Oops"}}}}};
  EXPECT_EQ(Call(kUploadPath, kPkiVersion, token, bad_code).status, 400);
  json success_with_code = {
      {"results",
       {{{"requestContext", "ctx-3"}, {"succeeded", true}, {"errorCode", "ConflictError"}}}}};
  EXPECT_EQ(Call(kUploadPath, kPkiVersion, token, success_with_code).status, 400);
}

TEST_F(StandInTest, RelocatedServicesAreFoundByDiscoveringAgain) {
  std::string token = IntuneToken();
  std::string old_uri = standin_->service_uri("ScepRequestValidationFEService");
  standin_->RelocateServices();
  EXPECT_EQ(Call(kSuccessPath, kScepVersion, token, SuccessBody("t")).status, 404);
  std::string path =
      "/graph/v1.0/servicePrincipals/appId=0000000a-0000-0000-c000-000000000000/endpoints";
  client::HttpReply reply =
      Send({"GET",
            path,
            {{"Authorization", "Bearer " + GraphToken()}, {"client-request-id", NewGuid()}},
            "",
            ""});
  ASSERT_EQ(reply.status, 200);
  json endpoints = json::parse(reply.body);
  std::string uri;
  for (const auto& e : endpoints["value"])
    if (e["providerName"] == "ScepRequestValidationFEService") uri = e["uri"].get<std::string>();
  EXPECT_NE(uri, old_uri);
  EXPECT_EQ(uri, standin_->service_uri("ScepRequestValidationFEService"));
  std::string new_path =
      uri.substr(standin_->base_url().size()) + "/ScepActions/successNotification";
  EXPECT_EQ(Call(new_path, kScepVersion, token, SuccessBody("t")).status, 200);
}

TEST_F(StandInTest, ControlInterfaceOverHttp) {
  auto control = [&](const std::string& method, const std::string& target, const json& body,
                     const std::string& token) {
    client::HttpRequest r{method,
                          target,
                          {{"Authorization", "Bearer " + token}},
                          body.is_null() ? "" : body.dump(),
                          body.is_null() ? "" : "application/json"};
    return Send(r);
  };
  const std::string& ct = standin_->control_token();
  EXPECT_EQ(control("POST", "/standin/challenges", json::object(), "wrong").status, 401);

  client::HttpReply minted =
      control("POST", "/standin/challenges", {{"subject", "CN=d1"}, {"ttl_seconds", 60}}, ct);
  ASSERT_EQ(minted.status, 200) << minted.body;
  std::string challenge = json::parse(minted.body)["challenge"];
  std::string token = IntuneToken();
  EXPECT_EQ(Validate(token, CsrBase64("CN=d1", {}, challenge)), "Success");

  EXPECT_EQ(control("POST", "/standin/codes",
                    {{"endpoint", "validate"}, {"code", "KeyLengthMismatch"}}, ct)
                .status,
            204);
  EXPECT_EQ(Validate(token, CsrBase64("CN=d1", {}, challenge)), "KeyLengthMismatch");
  EXPECT_EQ(control("POST", "/standin/faults",
                    {{"endpoint", "validate"}, {"kind", "server_error"}, {"status", 500}}, ct)
                .status,
            204);
  json vbody = {
      {"request", {{"transactionId", "t"}, {"certificateRequest", "TUlJ"}, {"callerInfo", "x"}}}};
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, vbody).status, 500);

  EXPECT_EQ(control("POST", "/standin/revocations",
                    {{"requests", {{{"requestContext", "c1"}, {"serialNumber", "01"}}}}}, ct)
                .status,
            204);
  client::HttpReply down =
      Call(kDownloadPath, kPkiVersion, token, {{"downloadParameters", {{"maxRequests", 5}}}});
  EXPECT_EQ(json::parse(down.body)["value"].size(), 1u);
  json revs = json::parse(control("GET", "/standin/revocations", nullptr, ct).body);
  ASSERT_EQ(revs.size(), 1u);
  EXPECT_EQ(revs[0]["handedOut"], 1);

  json calls = json::parse(control("GET", "/standin/calls?endpoint=validate", nullptr, ct).body);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0]["code"], "Success");
  EXPECT_EQ(calls[1]["code"], "KeyLengthMismatch");
  EXPECT_EQ(calls[2]["status"], 500);
  EXPECT_EQ(calls[0]["headers"]["api-version"], kScepVersion);

  EXPECT_EQ(control("POST", "/standin/expire-tokens", nullptr, ct).status, 204);
  EXPECT_EQ(Call(kValidatePath, kScepVersion, token, vbody).status, 401);
  EXPECT_EQ(control("GET", "/standin/nothing", nullptr, ct).status, 404);
}

}  // namespace
}  // namespace scepgate::testing

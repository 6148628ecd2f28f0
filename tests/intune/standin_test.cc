// The Intune stand-in over real TLS sockets, driven with client::HttpClient: tokens, discovery,
// validateRequest and each refusal, notifications, 401-then-retry, 5xx and delays, the
// revocation round trip, and the HTTP control interface.
#include "intune/standin.h"

#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/key_spec.h"
#include "client/http_client.h"
#include "common/ossl.h"
#include "common/percent.h"
#include "common/random.h"
#include "common/san_text.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kScepVersion = "2018-02-20";
constexpr const char* kPkiVersion = "5019-05-05";
constexpr const char* kValidatePath =
    "/intune/ScepRequestValidationFEService/ScepActions/validateRequest";
constexpr const char* kSuccessPath =
    "/intune/ScepRequestValidationFEService/ScepActions/successNotification";
constexpr const char* kFailurePath =
    "/intune/ScepRequestValidationFEService/ScepActions/failureNotification";
constexpr const char* kDownloadPath =
    "/intune/PkiConnectorFEService/CertificateAuthorityRequests/downloadRevocationRequests";
constexpr const char* kUploadPath =
    "/intune/PkiConnectorFEService/CertificateAuthorityRequests/uploadRevocationResults";

std::string NewGuid() {
  SystemRandom random;
  std::string hex = HexEncode(*random.Generate(16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// A CSR for `subject` (RFC 4514 "CN=x,O=y", no escapes; "" for none) asking for `sans`, with
// challengePassword `challenge` unless it is empty, as base64 DER.
std::string CsrBase64(const std::string& subject, const std::vector<std::string>& sans,
                      const std::string& challenge) {
  EvpPkeyPtr key = *ca::GenerateKey(*ca::ParseKeySpec("ec:p256"));
  X509ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  // RFC 4514 names the last RDN first: add them from the end.
  std::string rest = subject;
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string rdn = comma == std::string::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string::npos ? "" : rest.substr(0, comma);
    size_t eq = rdn.find('=');
    X509_NAME_add_entry_by_txt(name, rdn.substr(0, eq).c_str(), MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(rdn.c_str() + eq + 1), -1, -1,
                               0);
  }
  if (!sans.empty()) {
    GeneralNamesPtr names = *SansFromText(sans);
    X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    X509_REQ_add_extensions(req.get(), exts.get());
  }
  if (!challenge.empty())
    X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                              reinterpret_cast<const unsigned char*>(challenge.data()),
                              static_cast<int>(challenge.size()));
  X509_REQ_set_pubkey(req.get(), key.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  return Base64Encode(*CsrToDer(*req));
}

class StandInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "intune-standin-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    StandInOptions options;
    options.state_dir = dir_;
    options.client_secret = "s3cret";
    auto started = IntuneStandIn::Start(options);
    ASSERT_TRUE(started) << started.error().message;
    standin_ = std::move(*started);
    client_ = client::MakeTlsHttpClient(5, standin_->ca_file().string());
    url_ = *client::ParseUrl(standin_->base_url() + "/");
  }
  void TearDown() override {
    if (standin_) standin_->Stop();
    fs::remove_all(dir_);
  }

  client::HttpReply Send(client::HttpRequest request, client::HttpClient* via = nullptr) {
    auto reply = (via ? via : client_.get())->Send(url_, request);
    EXPECT_TRUE(reply) << reply.error().message;
    return reply ? *reply : client::HttpReply{};
  }
  client::HttpReply TokenReply(const std::string& scope, const std::string& secret = "s3cret",
                               const std::string& tenant = "contoso.onmicrosoft.com") {
    std::string form =
        "grant_type=client_credentials&client_id=" + PercentEncode(standin_->options().client_id) +
        "&client_secret=" + PercentEncode(secret) + "&scope=" + PercentEncode(scope);
    return Send({"POST",
                 "/login/" + tenant + "/oauth2/v2.0/token",
                 {},
                 form,
                 "application/x-www-form-urlencoded"});
  }
  std::string Token(const std::string& scope) {
    client::HttpReply reply = TokenReply(scope);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body).value("access_token", "");
  }
  std::string IntuneToken() { return Token("https://api.manage.microsoft.com//.default"); }
  std::string GraphToken() { return Token("https://graph.microsoft.com/.default"); }

  // A POST to an Intune service as Microsoft's library makes it; `skip` drops one header.
  client::HttpReply Call(const std::string& path, const std::string& version,
                         const std::string& token, const json& body, const std::string& skip = "",
                         client::HttpClient* via = nullptr) {
    client::HttpRequest r{"POST", path, {}, body.dump(), "application/json; charset=utf-8"};
    if (skip != "authorization") r.headers.emplace_back("Authorization", "Bearer " + token);
    if (skip != "client-request-id") r.headers.emplace_back("client-request-id", NewGuid());
    if (skip != "api-version") r.headers.emplace_back("api-version", version);
    r.headers.emplace_back("UserAgent", "scepgate/test");
    return Send(r, via);
  }
  std::string Validate(const std::string& token, const std::string& csr) {
    json body = {{"request",
                  {{"transactionId", NewGuid()},
                   {"certificateRequest", csr},
                   {"callerInfo", "scepgate/test"}}}};
    client::HttpReply reply = Call(kValidatePath, kScepVersion, token, body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    json answer = json::parse(reply.body, nullptr, false);
    return answer.is_object() ? answer.value("code", "") : "";
  }

  fs::path dir_;
  std::unique_ptr<IntuneStandIn> standin_;
  std::unique_ptr<client::HttpClient> client_;
  client::Url url_;
};

json SuccessBody(const std::string& tid) {
  return {{"notification",
           {{"transactionId", tid},
            {"certificateRequest", "TUlJQg=="},
            {"certificateThumbprint", "A1B2C3"},
            {"certificateSerialNumber", "5F01"},
            {"certificateExpirationDateUtc", "2027-12-05T17:44:07.0000000Z"},
            {"issuingCertificateAuthority", "CN=Issuing CA"},
            {"callerInfo", "scepgate/test"},
            {"caConfiguration", nullptr},
            {"certificateAuthority", "scepgate"}}}};
}

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

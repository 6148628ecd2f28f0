// The fixture of the stand-in's tests: a stand-in started in a temporary directory, an HTTPS
// client trusting its CA, and helpers that call it the way Microsoft's library does.
#pragma once

#include <gtest/gtest.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/key_spec.h"
#include "client/http_client.h"
#include "common/ossl.h"
#include "common/percent.h"
#include "common/random.h"
#include "common/san_text.h"
#include "intune/standin.h"

namespace scepgate::testing {

using nlohmann::json;

inline constexpr const char* kScepVersion = "2018-02-20";
inline constexpr const char* kPkiVersion = "5019-05-05";
inline constexpr const char* kValidatePath =
    "/intune/ScepRequestValidationFEService/ScepActions/validateRequest";
inline constexpr const char* kSuccessPath =
    "/intune/ScepRequestValidationFEService/ScepActions/successNotification";
inline constexpr const char* kFailurePath =
    "/intune/ScepRequestValidationFEService/ScepActions/failureNotification";
inline constexpr const char* kDownloadPath =
    "/intune/PkiConnectorFEService/CertificateAuthorityRequests/downloadRevocationRequests";
inline constexpr const char* kUploadPath =
    "/intune/PkiConnectorFEService/CertificateAuthorityRequests/uploadRevocationResults";

inline std::string NewGuid() {
  SystemRandom random;
  std::string hex = HexEncode(*random.Generate(16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// A CSR for `subject` (RFC 4514 "CN=x,O=y", no escapes; "" for none) asking for `sans`, with
// challengePassword `challenge` unless it is empty, as base64 DER.
inline std::string CsrBase64(const std::string& subject, const std::vector<std::string>& sans,
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
    std::string tmpl = (std::filesystem::temp_directory_path() / "intune-standin-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    StandInOptions options;
    options.state_dir = dir_;
    options.client_secret = "s3cret";
    Customize(options);
    auto started = IntuneStandIn::Start(options);
    ASSERT_TRUE(started) << started.error().message;
    standin_ = std::move(*started);
    client_ = client::MakeTlsHttpClient(5, standin_->ca_file().string());
    url_ = *client::ParseUrl(standin_->base_url() + "/");
  }
  // Changes the stand-in's options before it starts (a fixture that needs other ones).
  virtual void Customize(StandInOptions& /*options*/) {}
  void TearDown() override {
    if (standin_) standin_->Stop();
    std::filesystem::remove_all(dir_);
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

  std::filesystem::path dir_;
  std::unique_ptr<IntuneStandIn> standin_;
  std::unique_ptr<client::HttpClient> client_;
  client::Url url_;
};

inline json SuccessBody(const std::string& tid) {
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

}  // namespace scepgate::testing

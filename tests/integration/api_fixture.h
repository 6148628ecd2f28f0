// Base fixture for tests of the REST API of a real `scepgate serve`: three tokens (admin,
// operator, auditor) from `scepgate token create`, and calls over HTTPS to its admin listener.
#pragma once

#include <gtest/gtest.h>
#include <strings.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli_fixture.h"
#include "client/http_client.h"

namespace scepgate::testing {

// One API answer: status, parsed body (discarded when not JSON), raw body and headers.
struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string raw;
  std::vector<std::pair<std::string, std::string>> headers;

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return "";
  }
};

class ApiTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (HasFatalFailure()) return;
    admin_ = Token("admin", "it-admin");
    operator_ = Token("operator", "it-operator");
    auditor_ = Token("auditor", "it-auditor");
    http_ = client::MakeTlsHttpClient(10, (server_->dir() / "ca" / "root.crt").string());
  }

  // `scepgate token create`: the token alone on stdout.
  std::string Token(const std::string& role, const std::string& name) {
    std::string out = Ok({"token", "create", "--role", role, "--name", name});
    if (!out.empty() && out.back() == '\n') out.pop_back();
    EXPECT_TRUE(out.starts_with("sgt_")) << out;
    return out;
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& token,
             const std::string& body = "") {
    client::HttpRequest r;
    r.method = method;
    r.target = "/api/v1" + path;
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) {
      r.body = body;
      r.content_type = "application/json";
    }
    auto got = http_->Send({"127.0.0.1", server_->admin_port(), "/", /*tls=*/true}, r);
    EXPECT_TRUE(got) << got.error().message;
    Reply out;
    if (!got) return out;
    out.status = got->status;
    out.raw = got->body;
    out.headers = got->headers;
    out.body = nlohmann::json::parse(got->body, nullptr, false);
    return out;
  }
  // Expects `status` and returns the body.
  nlohmann::json Expect(int status, const std::string& method, const std::string& path,
                        const std::string& token, const nlohmann::json& body = nullptr) {
    Reply r = Call(method, path, token, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.raw;
    return r.body;
  }

  std::unique_ptr<client::HttpClient> http_;  // HTTPS to the admin listener, trusting the root
  std::string admin_, operator_, auditor_;
};

}  // namespace scepgate::testing

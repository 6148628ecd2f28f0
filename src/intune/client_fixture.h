// The fixture of the Intune client's tests: the stand-in of tests/intune (a StandInTest) and an
// IntuneClient pointed at it over TLS, trusting its CA, counting into a metrics registry.
#pragma once

#include <regex>
#include <string>

#include "intune/intune_client.h"
#include "intune/standin_fixture.h"

namespace scepgate::intune {

using testing::Endpoint;
using testing::RecordedCall;

class IntuneClientTest : public testing::StandInTest {
 protected:
  void SetUp() override {
    StandInTest::SetUp();
    if (HasFatalFailure()) return;
    intune_ = MakeClient(std::chrono::seconds(5));
  }

  std::unique_ptr<IntuneClient> MakeClient(std::chrono::seconds timeout) {
    IntuneSettings s;
    s.tenant = standin_->options().tenant;
    s.client_id = standin_->options().client_id;
    s.client_secret = standin_->client_secret();
    s.login_base_url = standin_->login_base_url();
    s.graph_base_url = standin_->graph_base_url();
    s.provider_name_and_version = "scepgate-test/1.2";
    s.ca_file = standin_->ca_file();
    s.timeout = timeout;
    IntuneDeps deps;
    deps.metrics = &registry_;
    auto made = IntuneClient::Make(s, std::move(deps));
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  // A CSR for `subject` carrying a challenge the stand-in minted for it, as DER.
  Bytes CsrWithChallenge(const std::string& subject, int64_t ttl = 3600) {
    auto challenge = standin_->MintChallenge({subject, {}, ttl});
    EXPECT_TRUE(challenge);
    return Der(testing::CsrBase64(subject, {}, challenge ? *challenge : ""));
  }
  static Bytes Der(const std::string& base64) { return *Base64Decode(base64); }

  size_t CountCalls(Endpoint e) const { return standin_->Calls(e).size(); }

  static std::string Header(const RecordedCall& call, const std::string& name) {
    for (const auto& [n, v] : call.headers)
      if (n == name) return v;
    return "";
  }
  static bool IsGuid(const std::string& s) {
    static const std::regex guid(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    return std::regex_match(s, guid);
  }

  metrics::Registry registry_;
  std::unique_ptr<IntuneClient> intune_;
};

}  // namespace scepgate::intune

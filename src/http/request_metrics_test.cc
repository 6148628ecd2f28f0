// The request counters keep to fixed label values, whatever a client names.
#include "http/request_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace scepgate::http {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(RequestMetrics, CountsByOperationOutcomeAndFailInfoAndIssuanceByKind) {
  metrics::Registry registry;
  RequestMetrics m(registry);
  m.Gateway("PKIOperation/PKCSReq", "issued", "", 0.004);
  m.Gateway("PKIOperation/PKCSReq", "issued", "", 0.002);
  m.Gateway("PKIOperation/RenewalReq", "issued", "", 0.003);
  m.Gateway("PKIOperation/PKCSReq", "failed", "badRequest", 0.001);
  m.Gateway("healthz", "", "-", 0.0001);
  m.Api(201, 0.01);
  m.Api(401, 0.001);
  m.Api(401, 0.001);
  std::string text = registry.Render();
  EXPECT_TRUE(Has(
      text,
      R"(scepgate_requests_total{operation="PKIOperation/PKCSReq",outcome="issued",fail_info=""} 2)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(scepgate_requests_total{operation="PKIOperation/PKCSReq",outcome="failed",fail_info="badRequest"} 1)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(scepgate_requests_total{operation="healthz",outcome="",fail_info=""} 1)"))
      << text;
  EXPECT_TRUE(Has(text, R"(scepgate_certificates_issued_total{kind="enrollment"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(scepgate_certificates_issued_total{kind="renewal"} 1)")) << text;
  EXPECT_TRUE(
      Has(text, R"(scepgate_request_duration_seconds_count{operation="PKIOperation/PKCSReq"} 3)"))
      << text;
  EXPECT_TRUE(Has(text, R"(scepgate_api_requests_total{status="4xx"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(scepgate_api_requests_total{status="2xx"} 1)")) << text;
}

TEST(RequestMetrics, AnOperationAClientMadeUpCountsAsOtherAndAddsNoSeries) {
  metrics::Registry registry;
  RequestMetrics m(registry);
  for (int i = 0; i < 1000; ++i)
    m.Gateway("Evil" + std::to_string(i) + "\"}\n", "rejected", "", 0.0001);
  m.Gateway("GetCACaps", "we\"ird value", "x y", 0.0001);
  std::string text = registry.Render();
  EXPECT_TRUE(Has(
      text, R"(scepgate_requests_total{operation="other",outcome="rejected",fail_info=""} 1000)"))
      << text;
  EXPECT_TRUE(
      Has(text,
          R"(scepgate_requests_total{operation="GetCACaps",outcome="other",fail_info="other"} 1)"))
      << text;
  EXPECT_EQ(text.find("Evil"), std::string::npos);
}

}  // namespace
}  // namespace scepgate::http

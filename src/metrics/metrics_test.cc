// The whole text exposition of a small registry with one family of each kind, line by line.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metrics/registry.h"

namespace scepgate::metrics {
namespace {

TEST(MetricsTest, RendersOneFamilyOfEachKindExactly) {
  Registry registry;
  auto& requests = registry.AddCounter("scepgate_requests_total", "SCEP requests answered.",
                                       {"operation", "outcome", "fail_info"});
  requests.Inc({"PKIOperation", "success", ""}, 3);
  requests.Inc({"PKIOperation", "failure", "badMessageCheck"});
  requests.Inc({"GetCACert", "success", ""});
  registry.AddCounter("scepgate_unused_total", "Never incremented: not rendered.", {"x"});
  registry.AddGauge("scepgate_http_connections", "HTTP connections open.").WithLabels().Set(4);
  auto& duration =
      registry.AddHistogram("scepgate_request_duration_seconds", "Time to answer a SCEP request.",
                            {0.01, 0.1, 1}, {"operation"});
  for (double seconds : {0.0078125, 0.0625, 0.5, 2.5}) duration.Observe({"PKIOperation"}, seconds);
  registry.AddCallbackGauge(
      "scepgate_ca_expiry_seconds", "Seconds until each CA certificate expires.", {"ca"}, [] {
        return std::vector<GaugeSample>{{{"root"}, 315360000}, {{"issuing"}, 86400.5}};
      });

  EXPECT_EQ(
      registry.Render(),
      "# HELP scepgate_requests_total SCEP requests answered.\n"
      "# TYPE scepgate_requests_total counter\n"
      "scepgate_requests_total{operation=\"GetCACert\",outcome=\"success\",fail_info=\"\"} 1\n"
      "scepgate_requests_total{operation=\"PKIOperation\",outcome=\"failure\","
      "fail_info=\"badMessageCheck\"} 1\n"
      "scepgate_requests_total{operation=\"PKIOperation\",outcome=\"success\","
      "fail_info=\"\"} 3\n"
      "# HELP scepgate_http_connections HTTP connections open.\n"
      "# TYPE scepgate_http_connections gauge\n"
      "scepgate_http_connections 4\n"
      "# HELP scepgate_request_duration_seconds Time to answer a SCEP request.\n"
      "# TYPE scepgate_request_duration_seconds histogram\n"
      "scepgate_request_duration_seconds_bucket{operation=\"PKIOperation\",le=\"0.01\"} 1\n"
      "scepgate_request_duration_seconds_bucket{operation=\"PKIOperation\",le=\"0.1\"} 2\n"
      "scepgate_request_duration_seconds_bucket{operation=\"PKIOperation\",le=\"1\"} 3\n"
      "scepgate_request_duration_seconds_bucket{operation=\"PKIOperation\",le=\"+Inf\"} 4\n"
      "scepgate_request_duration_seconds_sum{operation=\"PKIOperation\"} 3.0703125\n"
      "scepgate_request_duration_seconds_count{operation=\"PKIOperation\"} 4\n"
      "# HELP scepgate_ca_expiry_seconds Seconds until each CA certificate expires.\n"
      "# TYPE scepgate_ca_expiry_seconds gauge\n"
      "scepgate_ca_expiry_seconds{ca=\"issuing\"} 86400.5\n"
      "scepgate_ca_expiry_seconds{ca=\"root\"} 315360000\n");
}

TEST(MetricsTest, AnEmptyRegistryRendersNothing) { EXPECT_EQ(Registry().Render(), ""); }

}  // namespace
}  // namespace scepgate::metrics

#include "http/request_metrics.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace scepgate::http {

namespace {

// The operations the gateway serves; anything else a client names is "other".
constexpr std::array<std::string_view, 15> kOperations = {"GetCACaps",
                                                          "GetCACert",
                                                          "GetNextCACert",
                                                          "PKIOperation/PKCSReq",
                                                          "PKIOperation/RenewalReq",
                                                          "PKIOperation/UpdateReq",
                                                          "PKIOperation/CertPoll",
                                                          "PKIOperation/GetCert",
                                                          "PKIOperation/GetCRL",
                                                          "PKIOperation",
                                                          "ocsp",
                                                          "crl",
                                                          "healthz",
                                                          "-",
                                                          "other"};

std::string_view Known(std::string_view operation) {
  return std::ranges::find(kOperations, operation) != kOperations.end() ? operation : "other";
}

// Outcomes and failInfos are the server's own words; a value longer than any of them (or
// holding anything but letters) would be a bug, and is counted as "other" all the same.
std::string_view Word(std::string_view value) {
  if (value.empty() || value == "-") return "";
  bool word = value.size() <= 32 && std::ranges::all_of(value, [](char c) {
                return std::isalpha(static_cast<unsigned char>(c));
              });
  return word ? value : "other";
}

std::string_view StatusClass(int status) {
  switch (status / 100) {
    case 2:
      return "2xx";
    case 3:
      return "3xx";
    case 4:
      return "4xx";
    default:
      return "5xx";
  }
}

}  // namespace

RequestMetrics::RequestMetrics(metrics::Registry& registry)
    : requests_(registry.AddCounter("scepgate_requests_total",
                                    "Requests the public listener answered, by operation, "
                                    "outcome and SCEP failInfo.",
                                    {"operation", "outcome", "fail_info"})),
      duration_(registry.AddHistogram("scepgate_request_duration_seconds",
                                      "Time to answer a request of the public listener.",
                                      metrics::LatencyBuckets(), {"operation"})),
      issued_(registry.AddCounter("scepgate_certificates_issued_total",
                                  "Certificates this node issued through SCEP, by kind.",
                                  {"kind"})),
      api_requests_(registry.AddCounter("scepgate_api_requests_total",
                                        "REST API calls answered, by HTTP status class.",
                                        {"status"})),
      api_duration_(registry.AddHistogram("scepgate_api_request_duration_seconds",
                                          "Time to answer a REST API call.",
                                          metrics::LatencyBuckets())),
      webhooks_(registry.AddCounter("scepgate_webhook_deliveries_total",
                                    "Webhook delivery attempts of this process, by result.",
                                    {"result"})) {}

void RequestMetrics::Gateway(std::string_view operation, std::string_view outcome,
                             std::string_view fail_info, double seconds) {
  std::string_view op = Known(operation);
  requests_.Inc({op, Word(outcome), Word(fail_info)});
  duration_.Observe({op}, seconds);
  if (outcome == "issued" && op == "PKIOperation/PKCSReq") issued_.Inc({"enrollment"});
  if (outcome == "issued" && op == "PKIOperation/RenewalReq") issued_.Inc({"renewal"});
}

void RequestMetrics::Webhook(std::string_view result) { webhooks_.Inc({Word(result)}); }

void RequestMetrics::Api(int status, double seconds) {
  api_requests_.Inc({StatusClass(status)});
  api_duration_.Observe({}, seconds);
}

}  // namespace scepgate::http

// What the listeners count for /metrics: each gateway request by operation, outcome and failInfo
// with its latency, certificates issued by enrollment and renewal, and REST API calls by status.
// Label values come from fixed lists (an operation a client names that scepgate does not serve
// counts as "other"), so a client cannot grow the set of series.
#pragma once

#include <string_view>

#include "metrics/registry.h"

namespace scepgate::http {

// Thread-safe. The families live in `registry`, which must outlive this object; make one per
// process (a reload keeps it, so counters do not restart).
class RequestMetrics {
 public:
  explicit RequestMetrics(metrics::Registry& registry);

  // One gateway request: `operation` as the gateway logs it ("GetCACert",
  // "PKIOperation/PKCSReq", "ocsp", "crl", "healthz", "-"), its outcome ("ok", "issued",
  // "failed", "pending", "rejected", ...; "" for none) and failInfo ("" for none), and how long
  // it took. Thread-safe.
  void Gateway(std::string_view operation, std::string_view outcome, std::string_view fail_info,
               double seconds);
  // One REST API call answered with `status`. Thread-safe.
  void Api(int status, double seconds);
  // One webhook delivery attempt: "delivered", "failed" (retried later) or "dead" (given up).
  // Thread-safe.
  void Webhook(std::string_view result);

 private:
  metrics::CounterFamily& requests_;
  metrics::HistogramFamily& duration_;
  metrics::CounterFamily& issued_;
  metrics::CounterFamily& api_requests_;
  metrics::HistogramFamily& api_duration_;
  metrics::CounterFamily& webhooks_;
};

}  // namespace scepgate::http

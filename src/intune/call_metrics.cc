#include "intune/call_metrics.h"

namespace scepgate::intune {

CallMetrics::CallMetrics(metrics::Registry* registry) {
  if (registry == nullptr) return;
  calls_ = &registry->AddCounter("scepgate_intune_calls_total",
                                 "HTTP exchanges with Microsoft Intune (tokens, discovery and the "
                                 "service calls), by call and outcome.",
                                 {"call", "outcome"});
  seconds_ = &registry->AddHistogram("scepgate_intune_call_seconds",
                                     "Duration of an HTTP exchange with Microsoft Intune.",
                                     metrics::LatencyBuckets(), {"call"});
}

void CallMetrics::Record(std::string_view call, std::string_view outcome, double seconds) {
  if (calls_ == nullptr) return;
  calls_->Inc({call, outcome});
  seconds_->Observe({call}, seconds);
}

std::string_view OutcomeOfStatus(int status) {
  if (status >= 200 && status < 300) return kOutcomeOk;
  if (status == 401 || status == 403) return kOutcomeUnauthorized;
  if (status >= 500) return kOutcomeServerError;
  return kOutcomeClientError;
}

}  // namespace scepgate::intune

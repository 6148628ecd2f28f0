// What each Intune exchange counts: scepgate_intune_calls_total{call,outcome} and
// scepgate_intune_call_seconds{call}, in the server's metrics::Registry when there is one.
#pragma once

#include <string_view>

#include "metrics/registry.h"

namespace scepgate::intune {

// The outcomes counted ("outcome" label).
inline constexpr std::string_view kOutcomeOk = "ok";  // 2xx (a refusal code too)
inline constexpr std::string_view kOutcomeUnauthorized = "unauthorized";  // 401/403
inline constexpr std::string_view kOutcomeClientError = "client_error";   // other 4xx
inline constexpr std::string_view kOutcomeServerError = "server_error";   // 5xx
inline constexpr std::string_view kOutcomeUnreachable = "unreachable";    // connection, timeout
inline constexpr std::string_view kOutcomeMalformed =
    "malformed";  // 2xx, answer not understood (tokens)

// Thread-safe (the registry's families are).
class CallMetrics {
 public:
  // Registers both families in `registry`, or counts nothing when it is null.
  explicit CallMetrics(metrics::Registry* registry);

  // Counts one exchange: "token", "discovery", "validate", "success", "failure", "download",
  // "upload", with an outcome above and its duration. Thread-safe.
  void Record(std::string_view call, std::string_view outcome, double seconds);

 private:
  metrics::CounterFamily* calls_ = nullptr;
  metrics::HistogramFamily* seconds_ = nullptr;
};

// The outcome label of an HTTP status (kOutcomeOk for 2xx). Thread-safe.
std::string_view OutcomeOfStatus(int status);

}  // namespace scepgate::intune

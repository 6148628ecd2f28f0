// What /healthz reports: whether this node can serve an enrollment now, that is reach its store
// and sign with the keys an enrollment needs (the current issuing CA's and the RA's, neither
// expired), and whether a CA or RA certificate nears its end (scep/expiry.h).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "scep/ca_state.h"
#include "store/store.h"

namespace scepgate::scep {

struct HealthReport {
  bool ok = false;
  std::string database;  // "ok" or "unavailable"
  std::string signing;   // "ok" or "failed"
  std::string expiry;    // "ok", "warning" (within the warning window) or "expired" (ExpiryOf)
};

// Thread-safe. Probes at most once per second whatever the request rate (a probe signs twice, and
// /healthz is unauthenticated); callers within that second get the last report.
class HealthCheck {
 public:
  HealthCheck(store::Store& store, const CaState& cas, const Clock& clock,
              int64_t expiry_warning_seconds = 30 * 86400)
      : store_(store), cas_(cas), clock_(clock), expiry_warning_seconds_(expiry_warning_seconds) {}

  // Never fails: a failed part is reported (and its cause logged, not returned, so that /healthz
  // tells a load balancer what it needs and the internet nothing more).
  HealthReport Check();

 private:
  HealthReport Probe();

  store::Store& store_;
  const CaState& cas_;
  const Clock& clock_;
  const int64_t expiry_warning_seconds_;
  std::mutex mu_;
  int64_t probed_at_ = INT64_MIN;  // guarded by mu_
  HealthReport last_;              // guarded by mu_
};

}  // namespace scepgate::scep

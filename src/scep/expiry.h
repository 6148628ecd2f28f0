// How long each certificate that enrollment rests on has left, and the duty that warns before one
// runs out: the RA (it opens and signs every SCEP message; an expired NDES RA certificate is a
// classic outage), the current issuing CA (it signs), the staged next one, and the root and
// intermediates (relying parties stop trusting what chains to an expired CA).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "scep/ca_state.h"
#include "store/store.h"

namespace scepgate::scep {

enum class ExpiryState { kOk, kWarning, kExpired };

struct ExpiryItem {
  std::string role;     // "root", "intermediate", "issuing", "ra", "next"
  std::string subject;  // RFC 4514
  std::string sha256;   // of the certificate, hex
  int64_t not_after = 0;
  int64_t seconds_left = 0;  // negative once expired
  ExpiryState state = ExpiryState::kOk;
};

// The certificates above with their state at `now`: kWarning within `warning_seconds` of
// notAfter, kExpired at or after it. Archived issuing CAs are left out: they only sign the CRLs
// of what they issued. Thread-safe.
std::vector<ExpiryItem> ExpiryOf(const CaState& cas, int64_t now, int64_t warning_seconds);

// The worst state among `items` (kOk when empty).
ExpiryState WorstOf(const std::vector<ExpiryItem>& items);

// "ok", "warning", "expired".
const char* ExpiryStateName(ExpiryState state);

// Once a day per certificate in its warning window or expired: a warning in the log and a
// `ca.expiring` event in the outbox (webhooks). Run by `serve` every hour. Each node warns on its
// own: with several nodes a receiver may get the day's event once per node. Thread-safe.
class ExpiryWatch {
 public:
  // `cas` and `store` must outlive the watch.
  ExpiryWatch(const CaState& cas, store::Store& store, const Clock& clock, int64_t warning_seconds);

  // One check. Returns how many warnings it gave (0 when every certificate is far from its
  // end, or each was told about today already), or the store's error (kDatabase) when an
  // event could not be queued; that warning is given again at the next check.
  Result<int> Check();

 private:
  const CaState& cas_;
  store::Store& store_;
  const Clock& clock_;
  const int64_t warning_seconds_;
  std::mutex mu_;
  std::map<std::string, int64_t, std::less<>> told_;  // sha256 -> day last told; guarded by mu_
};

}  // namespace scepgate::scep

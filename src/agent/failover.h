// Retrying one enrollment across the payload's URLs: each round tries the plan's URLs in order
// until one succeeds; a failed round is retried `retry_count` times, `delay_seconds` apart; a
// fatal failure (the CA is not the pinned one, the gateway refused the request) ends at once.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "agent/events.h"
#include "agent/sleeper.h"
#include "agent/url_plan.h"
#include "common/ossl.h"

namespace scepgate::agent {

// Why one attempt on one URL failed.
struct AttemptError {
  Error error;
  bool retryable = true;  // false: retrying cannot help (wrong CA, gateway refusal)
  bool answered = false;  // the URL gave an HTTP reply (android keeps it from then on)
  int http_status = 0;    // 0 when none
  std::string fail_info;  // the CertRep's failInfo name and failInfoText, when the gateway refused
};

// What a successful attempt produced.
struct Issued {
  X509Ptr cert;
  std::vector<X509Ptr> ca_certs;  // GetCACert's certificates (RA, issuing CA, root)
};

using AttemptFn = std::function<std::expected<Issued, AttemptError>(const std::string& url)>;

struct RetryPolicy {
  int retry_count = 3;
  int64_t delay_seconds = 60;
};

struct FailoverResult {
  Issued issued;
  std::string url;  // the URL that succeeded
  int retries = 0;  // rounds before the successful one
};

// Runs attempts until one succeeds. Emits enroll.failed for each failed attempt and
// enroll.retry_scheduled before each wait. Returns the fatal attempt's error, kFailedPrecondition
// when stopped during a wait, or kIo ("enrollment failed after N attempts ...: last error") when
// every round failed.
Result<FailoverResult> RunWithFailover(UrlPlan& plan, const RetryPolicy& policy, Sleeper& sleeper,
                                       EventSink& events, const AttemptFn& attempt);

}  // namespace scepgate::agent

#include "agent/failover.h"

namespace scepgate::agent {
namespace {

void EmitFailure(EventSink& events, const std::string& url, const AttemptError& e, int round) {
  Event ev{kEnrollFailed, {{"url", url}, {"error", e.error.message}}, {{"attempt", round + 1}}};
  if (e.http_status != 0) ev.numbers.emplace_back("http_status", e.http_status);
  if (!e.fail_info.empty()) ev.fields.emplace_back("fail_info", e.fail_info);
  events.Emit(ev);
}

}  // namespace

Result<FailoverResult> RunWithFailover(UrlPlan& plan, const RetryPolicy& policy, Sleeper& sleeper,
                                       EventSink& events, const AttemptFn& attempt) {
  std::optional<AttemptError> last;
  int attempts = 0;
  for (int round = 0; round <= policy.retry_count; ++round) {
    if (round > 0) {
      events.Emit(
          {kRetryScheduled, {}, {{"retry", round}, {"delay_seconds", policy.delay_seconds}}});
      if (!sleeper.Sleep(policy.delay_seconds))
        return Fail(Error::FailedPrecondition("stopped while waiting to retry"));
    }
    for (const std::string& url : plan.Round()) {
      ++attempts;
      auto r = attempt(url);
      if (r) return FailoverResult{std::move(*r), url, round};
      EmitFailure(events, url, r.error(), round);
      if (r.error().answered) plan.Answered(url);
      if (!r.error().retryable) return Fail(r.error().error.With(url));
      last = std::move(r.error());
    }
  }
  std::string why = last ? last->error.message : "no URL to try";
  return Fail(Error::Io("enrollment failed after " + std::to_string(attempts) + " attempt(s) in " +
                        std::to_string(policy.retry_count + 1) + " round(s): " + why));
}

}  // namespace scepgate::agent

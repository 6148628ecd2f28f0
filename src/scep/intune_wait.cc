// Intune mode's wait_for_success_notification: the answer to the device leaves once Intune took
// the successNotification queued with the certificate, or the wait runs out.
#include <spdlog/spdlog.h>

#include <thread>

#include "notify/events.h"
#include "scep/service.h"
#include "scep/service_internal.h"

namespace scepgate::scep {

void Service::WaitForIntune(const Context& ctx, int64_t request_id) {
  if (options_.wake_intune_notifier) options_.wake_intune_notifier();  // waiting or not
  if (options_.intune_wait <= std::chrono::milliseconds(0)) return;
  constexpr auto kPoll = std::chrono::milliseconds(50);
  const auto deadline = std::chrono::steady_clock::now() + options_.intune_wait;
  store::EventFilter filter;
  filter.type = notify::kIntuneSuccess;
  filter.request_id = request_id;
  filter.limit = 1;
  while (true) {
    auto events = store_.ListEvents(filter);
    if (!events) {
      spdlog::warn("correlation_id={} cannot see Intune's notification, answering: {}",
                   ctx.peer.correlation_id, events.error().message);
      return;
    }
    if (events->empty() || events->front().state != "pending") return;  // taken or given up
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPoll);
  }
  spdlog::warn(
      "correlation_id={} Intune has not taken the success notification after {} ms;"
      " answering, the notification stays queued",
      ctx.peer.correlation_id, options_.intune_wait.count());
}

}  // namespace scepgate::scep

#include "notify/notifier.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "notify/events.h"

namespace scepgate::notify {

int64_t Notifier::Backoff(int attempts) const {
  int64_t wait = options_.backoff_seconds;
  for (int i = 1; i < attempts && wait < options_.max_backoff_seconds; ++i) wait *= 2;
  return std::min<int64_t>(wait, options_.max_backoff_seconds);
}

std::string WorkerName() {
  static const std::string name = [] {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    auto started = std::chrono::system_clock::now().time_since_epoch();
    return std::string(host.data()) + ":" + std::to_string(::getpid()) + ":" +
           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(started).count());
  }();
  return name;
}

Result<int> Notifier::DeliverDue() {
  if (!sink_.Enabled()) return 0;
  const store::EventScope scope = sink_.Scope();
  int delivered = 0;
  // One event per lease: a slow receiver holds up only the event being sent, never a batch whose
  // leases run out while it waits.
  for (int i = 0; i < options_.batch; ++i) {
    SG_ASSIGN_OR_RETURN(auto taken, store_.ClaimEvents(clock_.Now(), 1, options_.lease_seconds,
                                                       options_.owner, scope));
    if (taken.empty()) break;
    const store::OutboxEvent& event = taken.front();
    DeliveryResult result = sink_.Deliver(event);
    Status marked;
    if (result.kind == DeliveryResult::Kind::kDelivered) {
      std::optional<store::RequestTransition> then;
      if (event.type == kCertificateIssued) then = store::RequestTransition{"issued", "notified"};
      marked = store_.MarkEventDelivered(event.id, options_.owner, clock_.Now(), then);
      if (marked) ++delivered;
      if (options_.on_attempt) options_.on_attempt("delivered");
    } else {
      int attempts = event.attempts + 1;
      bool give_up =
          attempts >= options_.max_attempts || result.kind == DeliveryResult::Kind::kRejected;
      spdlog::warn("event={} type={} attempt={} delivery failed: {}{}", event.id, event.type,
                   attempts, result.error, give_up ? " (giving up)" : "");
      marked = store_.MarkEventFailed(event.id, options_.owner, result.error,
                                      clock_.Now() + Backoff(attempts), give_up);
      if (options_.on_attempt) options_.on_attempt(give_up ? "dead" : "failed");
    }
    if (!marked && marked.error().code == ErrorCode::kConflict) {
      spdlog::warn("event={} outlived its lease of {} s; another worker has it", event.id,
                   options_.lease_seconds);
      continue;
    }
    SG_TRY_STATUS(marked);
  }
  return delivered;
}

Result<int> Notifier::PruneExpired() {
  constexpr int kBatch = 1000;
  constexpr int kMaxBatches = 100;  // the rest waits for the next call
  constexpr int64_t kInterval = 60;
  int64_t now = clock_.Now();
  if (!options_.prune || options_.retention_seconds <= 0 || now < next_prune_at_) return 0;
  next_prune_at_ = now + kInterval;
  int pruned = 0;
  for (int i = 0; i < kMaxBatches; ++i) {
    SG_ASSIGN_OR_RETURN(int n, store_.PruneEvents(now - options_.retention_seconds, kBatch));
    pruned += n;
    if (n < kBatch) break;
  }
  if (pruned > 0) spdlog::info("outbox: pruned {} events past retention", pruned);
  return pruned;
}

NotifierThread::NotifierThread(Notifier& notifier, int interval_ms)
    : thread_(std::chrono::milliseconds(interval_ms), [&notifier] {
        auto delivered = notifier.DeliverDue();
        if (!delivered) spdlog::error("outbox: {}", delivered.error().message);
        auto pruned = notifier.PruneExpired();
        if (!pruned) spdlog::error("outbox: {}", pruned.error().message);
      }) {}

}  // namespace scepgate::notify

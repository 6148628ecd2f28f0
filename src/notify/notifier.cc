#include "notify/notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "notify/events.h"

namespace scepgate::notify {

int64_t Notifier::Backoff(int attempts) const {
  int64_t wait = options_.backoff_seconds;
  for (int i = 1; i < attempts && wait < options_.max_backoff_seconds; ++i) wait *= 2;
  return std::min<int64_t>(wait, options_.max_backoff_seconds);
}

std::string Notifier::Send(const store::OutboxEvent& event) {
  auto body = EnvelopeJson(event);
  if (!body) return body.error().message;
  Headers headers = {{"X-Scepgate-Event", event.type},
                     {"X-Scepgate-Delivery", std::to_string(event.id)}};
  if (!options_.secret.empty()) {
    auto signature = SignatureHeader(options_.secret, clock_.Now(), *body);
    if (!signature) return signature.error().message;
    headers.emplace_back("X-Scepgate-Signature", *signature);
  }
  for (const std::string& url : options_.urls) {
    auto reply = sender_.Post(url, *body, headers);
    if (!reply) return url + ": " + reply.error().message;
    if (reply->status < 200 || reply->status > 299)
      return url + ": HTTP " + std::to_string(reply->status);
  }
  return "";
}

Result<int> Notifier::DeliverDue() {
  if (options_.urls.empty()) return 0;
  SG_ASSIGN_OR_RETURN(auto due, store_.DueEvents(clock_.Now(), options_.batch));
  int delivered = 0;
  for (const store::OutboxEvent& event : due) {
    std::string error = Send(event);
    if (error.empty()) {
      SG_TRY_STATUS(store_.MarkEventDelivered(event.id, clock_.Now()));
      ++delivered;
      continue;
    }
    int attempts = event.attempts + 1;
    bool give_up = attempts >= options_.max_attempts;
    spdlog::warn("event={} type={} attempt={} delivery failed: {}{}", event.id, event.type,
                 attempts, error, give_up ? " (giving up)" : "");
    SG_TRY_STATUS(
        store_.MarkEventFailed(event.id, error, clock_.Now() + Backoff(attempts), give_up));
  }
  return delivered;
}

Result<int> Notifier::PruneExpired() {
  constexpr int kBatch = 1000;
  constexpr int kMaxBatches = 100;  // the rest waits for the next call
  constexpr int64_t kInterval = 60;
  int64_t now = clock_.Now();
  if (options_.retention_seconds <= 0 || now < next_prune_at_) return 0;
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
    : notifier_(notifier), interval_ms_(interval_ms), thread_([this] { Run(); }) {}

NotifierThread::~NotifierThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NotifierThread::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    auto delivered = notifier_.DeliverDue();
    if (!delivered) spdlog::error("outbox: {}", delivered.error().message);
    auto pruned = notifier_.PruneExpired();
    if (!pruned) spdlog::error("outbox: {}", pruned.error().message);
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; });
  }
}

}  // namespace scepgate::notify

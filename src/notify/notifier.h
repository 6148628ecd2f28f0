// The outbox worker: delivers due events to every configured webhook URL, signed, and retries
// failures with exponential backoff. Events live in the store, so a restart loses nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/periodic.h"
#include "notify/webhook.h"
#include "store/store.h"

namespace scepgate::notify {

struct NotifierOptions {
  std::vector<std::string> urls;  // every event goes to each; none: events stay queued
  std::string secret;             // HMAC key for X-Scepgate-Signature; empty: unsigned
  int max_attempts = 10;          // then the event is "dead"
  int backoff_seconds = 5;        // after the first failure; doubles each time
  int max_backoff_seconds = 3600;
  int batch = 50;  // events per pass
  // Events older than this are deleted, delivered or not; 0 keeps them all.
  int64_t retention_seconds = 0;
  // How long an event taken for delivery stays this worker's; longer than one delivery can take
  // (every URL timing out), or another worker may send it too once the lease runs out.
  int lease_seconds = 60;
  std::string owner = "worker";  // this worker's name in the leases; unique per process
  // Called after each delivery attempt with "delivered", "failed" (to be retried) or "dead"
  // (given up), for /metrics; may be empty. Called on the delivering thread.
  std::function<void(std::string_view result)> on_attempt = {};
};

// A worker name unique to this process: host, pid and start time. Thread-safe.
std::string WorkerName();

// Thread-safe as far as the store and sender are. Several notifiers (threads, processes, nodes)
// may deliver from one store at once: each event is leased to one of them at a time
// (Store::ClaimEvents), so none is sent twice unless a delivery outlives its lease.
class Notifier {
 public:
  Notifier(store::Store& store, WebhookSender& sender, const Clock& clock, NotifierOptions options)
      : store_(store), sender_(sender), clock_(clock), options_(std::move(options)) {}

  // One pass over the due events: takes each (a lease), POSTs it to every URL (a 2xx from all of
  // them delivers it; receivers deduplicate by the event id, as a retry re-sends to every URL).
  // Returns the number delivered; kDatabase when the store fails (an unreachable URL is not an
  // error here: the event is retried later).
  Result<int> DeliverDue();
  // Seconds to wait after the n-th failed attempt (n >= 1).
  int64_t Backoff(int attempts) const;
  // Deletes the events older than the retention, oldest first, in batches that each hold the
  // store only briefly; does nothing when the last call was under a minute ago or retention is
  // 0. Returns how many went; kDatabase when the store fails.
  Result<int> PruneExpired();

 private:
  // "" when every URL took it, else what went wrong at the first that did not.
  std::string Send(const store::OutboxEvent& event);

  store::Store& store_;
  WebhookSender& sender_;
  const Clock& clock_;
  NotifierOptions options_;
  int64_t next_prune_at_ = 0;  // used by PruneExpired only
};

// Runs Notifier::DeliverDue and Notifier::PruneExpired every `interval_ms` on its own thread until
// destroyed (a PeriodicThread). Thread-safe.
class NotifierThread {
 public:
  NotifierThread(Notifier& notifier, int interval_ms);

 private:
  PeriodicThread thread_;
};

}  // namespace scepgate::notify

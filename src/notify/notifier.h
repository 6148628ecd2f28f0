// The outbox worker: delivers the due events of one sink (the webhooks, Intune) and retries
// failures with exponential backoff. Events live in the store, so a restart loses nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/periodic.h"
#include "notify/sink.h"
#include "store/store.h"

namespace scepgate::notify {

struct NotifierOptions {
  int max_attempts = 10;    // then the event is "dead"
  int backoff_seconds = 5;  // after the first failure; doubles each time
  int max_backoff_seconds = 3600;
  int batch = 50;  // events per pass
  // Events older than this are deleted, delivered or not; 0 keeps them all.
  int64_t retention_seconds = 0;
  // How long an event taken for delivery stays this worker's; longer than one delivery can take
  // (every URL timing out), or another worker may send it too once the lease runs out.
  int lease_seconds = 60;
  std::string owner = "worker";  // this worker's name in the leases; unique per process
  // Whether PruneExpired deletes old events: one notifier per process is enough (the webhooks'),
  // as it prunes every type.
  bool prune = true;
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
  Notifier(store::Store& store, EventSink& sink, const Clock& clock, NotifierOptions options)
      : store_(store), sink_(sink), clock_(clock), options_(std::move(options)) {}

  // One pass over the sink's due events: takes each (a lease) and hands it to the sink; a
  // delivered certificate.issued moves its request from "issued" to "notified". Does nothing
  // when the sink is not enabled. Returns the number delivered; kDatabase when the store fails
  // (an unreachable receiver is not an error here: the event is retried later).
  Result<int> DeliverDue();
  // Seconds to wait after the n-th failed attempt (n >= 1).
  int64_t Backoff(int attempts) const;
  // Deletes the events older than the retention, oldest first, in batches that each hold the
  // store only briefly; does nothing when the last call was under a minute ago, retention is 0
  // or options.prune is false. Returns how many went; kDatabase when the store fails.
  Result<int> PruneExpired();

 private:
  store::Store& store_;
  EventSink& sink_;
  const Clock& clock_;
  NotifierOptions options_;
  int64_t next_prune_at_ = 0;  // used by PruneExpired only
};

// Runs Notifier::DeliverDue and Notifier::PruneExpired every `interval_ms` on its own thread until
// destroyed (a PeriodicThread). Thread-safe.
class NotifierThread {
 public:
  NotifierThread(Notifier& notifier, int interval_ms);
  // Delivers now rather than at the end of the interval (an event was just queued). Thread-safe.
  void Wake() { thread_.Wake(); }

 private:
  PeriodicThread thread_;
};

}  // namespace scepgate::notify

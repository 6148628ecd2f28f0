// The outbox: events queued with the writes they are about, delivered by leased workers.
// Part of the store (store.h): the events of certificate.issued, request.failed, ... and their
// delivery.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::store {

// A notification waiting in (or delivered from) the outbox. The row id is the event's id.
struct OutboxEvent {
  int64_t id = 0;          // assigned by the store
  std::string type;        // "certificate.issued", "request.failed", "certificate.revoked"
  std::string payload;     // JSON object: the event's data
  int64_t request_id = 0;  // the request it is about, when any; set by the store with the request
  int64_t created_at = 0;
  std::string state = "pending";  // "pending" | "delivered" | "dead" (gave up)
  int attempts = 0;
  int64_t next_attempt_at = 0;
  int64_t delivered_at = 0;
  std::string last_error;
};

struct EventFilter {
  std::optional<std::string> state;
  int limit = 0;           // 0 = no limit; newest first
  std::string type;        // only events of this type ("certificate.issued", ...); "" = any
  int64_t before_id = 0;   // only ids below this (the next page); 0 = no bound
  int64_t request_id = 0;  // only the events of this request; 0 = any
};

// Which events a worker takes, by the start of their type: the webhook notifier takes every type
// but "intune."'s, the Intune notifier only those.
struct EventScope {
  std::string type_prefix;  // "" = every type
  bool exclude = false;     // then the types that do NOT start with type_prefix
};

// A change of a request's state made together with another write: applied only when the record
// is in state `from`.
struct RequestTransition {
  std::string from;
  std::string to;
};

// Events waiting for delivery (store/memory_outbox.cc, sqlite/outbox.cc).
// Thread-safe: every implementation may be called from several threads at once.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Queues an event on its own. Returns its id; kDatabase.
  virtual Result<int64_t> EnqueueEvent(const OutboxEvent& event) = 0;

  // Pending events whose next attempt is due at `now`, oldest first, at most `limit`, whether
  // leased or not (a view; workers use ClaimEvents). kDatabase.
  virtual Result<std::vector<OutboxEvent>> DueEvents(int64_t now, int limit) = 0;

  // Leases up to `limit` due, unleased (or lease-expired) pending events of `scope` to `owner`
  // until now + lease_seconds, oldest first, and returns them. Atomic across threads and processes:
  // an event is leased to one owner at a time, so concurrent workers never deliver it at once; a
  // worker that dies leaves its events to be claimed again when the lease runs out. kDatabase.
  virtual Result<std::vector<OutboxEvent>> ClaimEvents(int64_t now, int limit, int lease_seconds,
                                                       std::string_view owner,
                                                       const EventScope& scope) = 0;

  // Marks an event leased to `owner` delivered and ends the lease; `then`, when set, moves the
  // event's request between states in the same transaction. kConflict when the event is no
  // longer leased to `owner` (the lease ran out and another worker took it, or it was already
  // delivered): nothing is changed; kDatabase.
  virtual Status MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                                    const std::optional<RequestTransition>& then) = 0;

  // Records a failed attempt of an event leased to `owner`: attempts + 1, the error, and either
  // the next attempt's time or, when `give_up`, the state "dead"; ends the lease. kConflict when
  // the event is no longer leased to `owner`; kDatabase.
  virtual Status MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                                 int64_t next_attempt_at, bool give_up) = 0;

  // Newest first. kDatabase.
  virtual Result<std::vector<OutboxEvent>> ListEvents(const EventFilter& filter) = 0;

  // How many events are in each state ("pending", "delivered", "dead"; a state with none is left
  // out): the backlog, and what was given up, for /metrics. kDatabase.
  virtual Result<std::map<std::string, int64_t>> CountEvents() = 0;

  // Deletes, whatever their state, the events created before `created_before` among the `limit`
  // oldest (by id; it stops at the first younger one). Returns how many went; kDatabase.
  virtual Result<int> PruneEvents(int64_t created_before, int limit) = 0;
};

}  // namespace scepgate::store

// MemoryStore's notification outbox.
#include <ranges>
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

int64_t MemoryStore::EnqueueLocked(OutboxEvent event, int64_t request_id) {
  event.id = next_event_id_++;
  event.request_id = request_id;
  event.state = "pending";
  event.attempts = 0;
  event.delivered_at = 0;
  event.last_error.clear();
  int64_t id = event.id;
  outbox_.emplace(id, std::move(event));
  return id;
}

Result<OutboxEvent*> MemoryStore::EndLeaseLocked(int64_t id, std::string_view owner) {
  auto it = outbox_.find(id);
  auto lease = leases_.find(id);
  if (it == outbox_.end() || it->second.state != "pending" || lease == leases_.end() ||
      lease->second.owner != owner)
    return Fail(
        Error::Conflict("event " + std::to_string(id) + " is not leased to " + std::string(owner)));
  leases_.erase(lease);
  return &it->second;
}

Result<int64_t> MemoryStore::EnqueueEvent(const OutboxEvent& event) {
  std::lock_guard lock(mu_);
  return EnqueueLocked(event, event.request_id);
}

Result<std::vector<OutboxEvent>> MemoryStore::DueEvents(int64_t now, int limit) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEvent> out;
  for (const OutboxEvent& e : outbox_ | std::views::values) {
    if (limit > 0 && out.size() >= static_cast<size_t>(limit)) break;
    if (e.state == "pending" && e.next_attempt_at <= now) out.push_back(e);
  }
  return out;
}

Result<std::vector<OutboxEvent>> MemoryStore::ClaimEvents(int64_t now, int limit, int lease_seconds,
                                                          std::string_view owner,
                                                          const EventScope& scope) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEvent> out;
  for (const OutboxEvent& e : outbox_ | std::views::values) {
    if (limit > 0 && out.size() >= static_cast<size_t>(limit)) break;
    if (e.state != "pending" || e.next_attempt_at > now) continue;
    if (!scope.type_prefix.empty() && e.type.starts_with(scope.type_prefix) == scope.exclude)
      continue;
    Lease& lease = leases_[e.id];
    if (lease.until > now) continue;
    lease = Lease{std::string(owner), now + lease_seconds};
    out.push_back(e);
  }
  return out;
}

Status MemoryStore::MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                                       const std::optional<RequestTransition>& then) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(OutboxEvent * leased, EndLeaseLocked(id, owner));
  OutboxEvent& e = *leased;
  e.state = "delivered";
  e.delivered_at = at;
  e.attempts++;
  e.last_error.clear();
  if (then && e.request_id > 0 && e.request_id <= static_cast<int64_t>(requests_.size())) {
    RequestRecord& r = requests_[static_cast<size_t>(e.request_id - 1)];
    if (r.state == then->from) r.state = then->to;
  }
  return {};
}

Status MemoryStore::MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                                    int64_t next_attempt_at, bool give_up) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(OutboxEvent * leased, EndLeaseLocked(id, owner));
  OutboxEvent& e = *leased;
  e.attempts++;
  e.last_error = std::string(error);
  e.next_attempt_at = next_attempt_at;
  if (give_up) e.state = "dead";
  return {};
}

Result<std::vector<OutboxEvent>> MemoryStore::ListEvents(const EventFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEvent> out;
  for (const OutboxEvent& e : outbox_ | std::views::values | std::views::reverse) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    if (filter.before_id != 0 && e.id >= filter.before_id) continue;
    if (filter.state && e.state != *filter.state) continue;
    if (!filter.type.empty() && e.type != filter.type) continue;
    if (filter.request_id != 0 && e.request_id != filter.request_id) continue;
    out.push_back(e);
  }
  return out;
}

Result<std::map<std::string, int64_t>> MemoryStore::CountEvents() {
  std::lock_guard lock(mu_);
  std::map<std::string, int64_t> out;
  for (const OutboxEvent& e : outbox_ | std::views::values) ++out[e.state];
  return out;
}

Result<int> MemoryStore::PruneEvents(int64_t created_before, int limit) {
  std::lock_guard lock(mu_);
  int pruned = 0;
  while (!outbox_.empty() && pruned < limit &&
         outbox_.begin()->second.created_at < created_before) {
    outbox_.erase(outbox_.begin());
    ++pruned;
  }
  return pruned;
}

}  // namespace scepgate::store

// MemoryStore's notification outbox.
#include <ranges>
#include <utility>

#include "store/memory_store.h"

namespace scepgate::store {

int64_t MemoryStore::EnqueueLocked(OutboxEvent event, int64_t request_id) {
  event.id = static_cast<int64_t>(outbox_.size()) + 1;
  event.request_id = request_id;
  event.state = "pending";
  event.attempts = 0;
  event.delivered_at = 0;
  event.last_error.clear();
  outbox_.push_back(std::move(event));
  return outbox_.back().id;
}

Result<int64_t> MemoryStore::EnqueueEvent(const OutboxEvent& event) {
  std::lock_guard lock(mu_);
  return EnqueueLocked(event, event.request_id);
}

Result<std::vector<OutboxEvent>> MemoryStore::DueEvents(int64_t now, int limit) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEvent> out;
  for (const OutboxEvent& e : outbox_) {
    if (limit > 0 && out.size() >= static_cast<size_t>(limit)) break;
    if (e.state == "pending" && e.next_attempt_at <= now) out.push_back(e);
  }
  return out;
}

Status MemoryStore::MarkEventDelivered(int64_t id, int64_t at) {
  std::lock_guard lock(mu_);
  if (id < 1 || id > static_cast<int64_t>(outbox_.size()))
    return Fail(Error::NotFound("event " + std::to_string(id) + " not found"));
  OutboxEvent& e = outbox_[static_cast<size_t>(id - 1)];
  e.state = "delivered";
  e.delivered_at = at;
  e.attempts++;
  e.last_error.clear();
  if (e.type == "certificate.issued" && e.request_id > 0 &&
      e.request_id <= static_cast<int64_t>(requests_.size())) {
    RequestRecord& r = requests_[static_cast<size_t>(e.request_id - 1)];
    if (r.state == "issued") r.state = "notified";
  }
  return {};
}

Status MemoryStore::MarkEventFailed(int64_t id, std::string_view error, int64_t next_attempt_at,
                                    bool give_up) {
  std::lock_guard lock(mu_);
  if (id < 1 || id > static_cast<int64_t>(outbox_.size()) ||
      outbox_[static_cast<size_t>(id - 1)].state != "pending")
    return Fail(Error::NotFound("pending event " + std::to_string(id) + " not found"));
  OutboxEvent& e = outbox_[static_cast<size_t>(id - 1)];
  e.attempts++;
  e.last_error = std::string(error);
  e.next_attempt_at = next_attempt_at;
  if (give_up) e.state = "dead";
  return {};
}

Result<std::vector<OutboxEvent>> MemoryStore::ListEvents(const EventFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<OutboxEvent> out;
  for (const OutboxEvent& e : outbox_ | std::views::reverse) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    if (!filter.state || e.state == *filter.state) out.push_back(e);
  }
  return out;
}

}  // namespace scepgate::store

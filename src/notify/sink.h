// Where a Notifier sends the events it takes from the outbox: the webhooks (webhook_sink.h) or
// Intune's notifications (intune_sink.h). The lease, retry and backoff are the Notifier's.
#pragma once

#include <string>

#include "store/outbox.h"

namespace scepgate::notify {

// What became of one delivery attempt.
struct DeliveryResult {
  enum class Kind {
    kDelivered,  // the receiver took it
    kRetry,      // it could not be delivered now: tried again after the backoff
    kRejected,   // the receiver refused it for good: given up at once
  };
  Kind kind = Kind::kDelivered;
  std::string error;  // why, unless delivered

  static DeliveryResult Delivered() { return {Kind::kDelivered, ""}; }
  static DeliveryResult Retry(std::string why) { return {Kind::kRetry, std::move(why)}; }
  static DeliveryResult Rejected(std::string why) { return {Kind::kRejected, std::move(why)}; }
};

// Implementations are thread-safe.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // The events this sink takes (by type). Thread-safe.
  virtual store::EventScope Scope() const = 0;
  // False when there is nowhere to send to: the events then stay queued. Thread-safe.
  virtual bool Enabled() const = 0;
  // Sends one event. Never fails otherwise: every error is a DeliveryResult.
  virtual DeliveryResult Deliver(const store::OutboxEvent& event) = 0;
};

}  // namespace scepgate::notify

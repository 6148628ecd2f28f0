// The webhooks as an EventSink: every event but Intune's, POSTed signed to each configured URL.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "notify/sink.h"
#include "notify/webhook.h"

namespace scepgate::notify {

// Thread-safe as far as the sender is.
class WebhookSink final : public EventSink {
 public:
  // `secret`: the HMAC key of X-Scepgate-Signature; "" sends events unsigned.
  WebhookSink(WebhookSender& sender, const Clock& clock, std::vector<std::string> urls,
              std::string secret)
      : sender_(sender), clock_(clock), urls_(std::move(urls)), secret_(std::move(secret)) {}

  // Every type but "intune."'s.
  store::EventScope Scope() const override;
  // True when at least one URL is configured.
  bool Enabled() const override { return !urls_.empty(); }
  // POSTs the event's envelope (EnvelopeJson) to every URL in turn: delivered when each answers
  // 2xx; otherwise kRetry naming the first URL that did not (receivers deduplicate by the event
  // id, as a retry sends to every URL again).
  DeliveryResult Deliver(const store::OutboxEvent& event) override;

 private:
  WebhookSender& sender_;
  const Clock& clock_;
  std::vector<std::string> urls_;
  std::string secret_;
};

}  // namespace scepgate::notify

#include "notify/webhook_sink.h"

#include "notify/events.h"

namespace scepgate::notify {

store::EventScope WebhookSink::Scope() const { return {kIntuneEventPrefix, /*exclude=*/true}; }

DeliveryResult WebhookSink::Deliver(const store::OutboxEvent& event) {
  auto body = EnvelopeJson(event);
  if (!body) return DeliveryResult::Retry(body.error().message);
  Headers headers = {{"X-Scepgate-Event", event.type},
                     {"X-Scepgate-Delivery", std::to_string(event.id)}};
  if (!secret_.empty()) {
    auto signature = SignatureHeader(secret_, clock_.Now(), *body);
    if (!signature) return DeliveryResult::Retry(signature.error().message);
    headers.emplace_back("X-Scepgate-Signature", *signature);
  }
  for (const std::string& url : urls_) {
    auto reply = sender_.Post(url, *body, headers);
    if (!reply) return DeliveryResult::Retry(url + ": " + reply.error().message);
    if (reply->status < 200 || reply->status > 299)
      return DeliveryResult::Retry(url + ": HTTP " + std::to_string(reply->status));
  }
  return DeliveryResult::Delivered();
}

}  // namespace scepgate::notify

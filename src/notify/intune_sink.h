// Intune's notifications as an EventSink (Intune mode, docs/intune.md): intune.success becomes a
// successNotification, intune.failure a failureNotification, through the outbox's lease and
// backoff like any webhook.
#pragma once

#include <nlohmann/json.hpp>

#include "intune/intune_api.h"
#include "notify/sink.h"
#include "store/certificates.h"

namespace scepgate::notify {

// Thread-safe as far as the store and the IntuneApi are.
class IntuneSink final : public EventSink {
 public:
  IntuneSink(store::CertificateStore& certs, intune::IntuneApi& api) : certs_(certs), api_(api) {}

  // The types starting with "intune.".
  store::EventScope Scope() const override;
  bool Enabled() const override { return true; }
  // Sends the notification the event stands for (the certificate of intune.success read from
  // the store). Delivered when Intune answers Success; kRetry when it cannot be reached, refuses
  // the app's token or the store fails; kRejected when Intune refuses the notification (another
  // code, or a 400), or the event cannot be read (bad payload, certificate gone).
  DeliveryResult Deliver(const store::OutboxEvent& event) override;

 private:
  DeliveryResult Success(const nlohmann::json& data);
  DeliveryResult Failure(const nlohmann::json& data);

  store::CertificateStore& certs_;
  intune::IntuneApi& api_;
};

}  // namespace scepgate::notify

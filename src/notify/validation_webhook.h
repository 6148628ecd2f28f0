// policy::Validator over HTTP: each request is POSTed as JSON to one endpoint, signed as the
// notification webhooks are, and the endpoint's answer allows or refuses it.
#pragma once

#include <string>

#include "common/clock.h"
#include "notify/webhook.h"
#include "policy/validation.h"

namespace scepgate::notify {

struct ValidationWebhookOptions {
  std::string url;
  std::string secret;  // HMAC-SHA256 key of X-Scepgate-Signature; empty: unsigned
};

// Thread-safe when its sender is (the curl one is).
class ValidationWebhook final : public policy::Validator {
 public:
  ValidationWebhook(WebhookSender& sender, const Clock& clock, ValidationWebhookOptions options)
      : sender_(sender), clock_(clock), options_(std::move(options)) {}

  // POSTs {"transaction_id", "csr", "challenge", "device_id", "user_upn", "profile", "renewal",
  // "subject", "sans"} with X-Scepgate-Event: request.validate. Allowed on HTTP 2xx with
  // {"allow": true}; ValidationDenied with the answer's "reason" on {"allow": false};
  // ValidationUnavailable on a timeout, an unreachable endpoint, another status or a body that
  // says neither.
  Status Validate(const policy::ValidationRequest& request) override;

 private:
  WebhookSender& sender_;
  const Clock& clock_;
  ValidationWebhookOptions options_;
};

}  // namespace scepgate::notify

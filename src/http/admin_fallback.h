// What the admin listener answers outside the REST API: /healthz, as the public listener does,
// /metrics (Prometheus text format, for a caller with the auditor role or above, by token or
// client certificate), and 404 for everything else (SCEP, CRLs and OCSP are the public
// listener's).
#pragma once

#include "http/api_handler.h"
#include "http/handler.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace scepgate::http {

// Thread-safe when `health` is.
class AdminFallback final : public Handler {
 public:
  // `health` answers /healthz (the gateway handler); `api` decides who may read /metrics, which
  // renders `registry` (null: 404).
  AdminFallback(Handler& health, ApiHandler& api, const metrics::Registry* registry)
      : health_(health), api_(api), registry_(registry) {}

  // No path here takes a body; /metrics is refused before anything else without a caller.
  Admission Admit(const Request& head, size_t /*fallback*/) override {
    if (head.path == "/metrics" && registry_ != nullptr)
      if (auto refused = api_.Refusal(head, mgmt::Role::kAuditor)) return {0, std::move(refused)};
    return {0, {}};
  }
  Response Handle(const Request& request) override {
    if (request.path == "/healthz") return health_.Handle(request);
    if (request.path == "/metrics" && registry_ != nullptr) {
      if (auto refused = api_.Refusal(request, mgmt::Role::kAuditor)) return std::move(*refused);
      return Response{200, std::string(metrics::kContentType), registry_->Render(), {}};
    }
    return Response{404,
                    "text/plain",
                    "not found: this listener serves the REST API under /api/v1 and /metrics\n",
                    {}};
  }

 private:
  Handler& health_;
  ApiHandler& api_;
  const metrics::Registry* registry_;
};

}  // namespace scepgate::http

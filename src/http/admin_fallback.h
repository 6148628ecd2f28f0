// What the admin listener answers outside the REST API: /healthz, as the public listener does,
// and 404 for everything else (SCEP, CRLs and OCSP are the public listener's).
#pragma once

#include "http/handler.h"

namespace scepgate::http {

// Thread-safe when `health` is.
class AdminFallback final : public Handler {
 public:
  // `health` answers /healthz (the gateway handler).
  explicit AdminFallback(Handler& health) : health_(health) {}

  Admission Admit(const Request& /*head*/, size_t /*fallback*/) override { return {0, {}}; }
  Response Handle(const Request& request) override {
    if (request.path == "/healthz") return health_.Handle(request);
    return Response{
        404, "text/plain", "not found: this listener serves the REST API under /api/v1\n", {}};
  }

 private:
  Handler& health_;
};

}  // namespace scepgate::http

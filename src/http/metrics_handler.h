// The [metrics] listener: GET /metrics answers the registry in Prometheus' text format without a
// token (the listener is for a monitoring network); every other request is 404.
#pragma once

#include "http/handler.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace scepgate::http {

// Thread-safe.
class MetricsHandler final : public Handler {
 public:
  // `registry` must outlive the handler.
  explicit MetricsHandler(const metrics::Registry& registry) : registry_(registry) {}

  Admission Admit(const Request& /*head*/, size_t /*fallback*/) override { return {0, {}}; }
  Response Handle(const Request& request) override {
    if (request.path != "/metrics") return Response{404, "text/plain", "not found\n", {}};
    if (request.method != "GET")
      return Response{405, "text/plain", "method not allowed\n", {{"Allow", "GET"}}};
    return Response{200, std::string(metrics::kContentType), registry_.Render(), {}};
  }

 private:
  const metrics::Registry& registry_;
};

}  // namespace scepgate::http

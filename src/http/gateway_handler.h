// Routes the gateway's URLs: the SCEP paths, the CRLs, the OCSP responder, and /healthz (200 when
// this node can reach its store and sign, 503 naming the failed part otherwise); logs one line per
// request.
#pragma once

#include <string>
#include <vector>

#include "common/random.h"
#include "http/handler.h"
#include "http/request_metrics.h"
#include "scep/crl_publisher.h"
#include "scep/health.h"
#include "scep/ocsp_responder.h"
#include "scep/service.h"

namespace scepgate::http {

struct GatewayRoutes {
  std::vector<std::string> scep_paths;  // matched case-insensitively, as IIS does
  std::string crl_path = "/crl";
  size_t max_scep_body = 128 * 1024;  // POST PKIOperation; every other request has no body
  std::string ocsp_path = "/ocsp";    // POST application/ocsp-request, or GET <path>/<base64>
  int ocsp_cache_seconds = 60;        // HTTP max-age of a cacheable answer
};

// Thread-safe (the service and publisher are).
class GatewayHandler final : public Handler {
 public:
  GatewayHandler(GatewayRoutes routes, scep::Service& service, scep::CrlPublisher& crls,
                 scep::OcspResponder& ocsp, const scep::CaState& cas, scep::HealthCheck& health,
                 Random& random, RequestMetrics* metrics = nullptr);
  // A POST to a SCEP path may carry up to max_scep_body, one to the OCSP path 16 KiB; any other
  // request no body at all.
  Admission Admit(const Request& head, size_t fallback) override;
  Response Handle(const Request& request) override;

 private:
  Response Scep(const Request& request, const std::string& correlation_id, scep::Reply& log);
  Response Crl(const Request& request, const std::string& name);
  Response Ocsp(const Request& request, std::string& outcome);
  bool IsScepPath(const std::string& path) const;

  GatewayRoutes routes_;
  scep::Service& service_;
  scep::CrlPublisher& crls_;
  scep::OcspResponder& ocsp_;
  const scep::CaState& cas_;
  scep::HealthCheck& health_;
  Random& random_;
  RequestMetrics* metrics_;  // null: nothing counted
};

}  // namespace scepgate::http

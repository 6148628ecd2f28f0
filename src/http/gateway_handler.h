// Routes the gateway's URLs: the SCEP paths, the CRLs, and /healthz (200 when this node can reach
// its store and sign, 503 naming the failed part otherwise); logs one line per request.
#pragma once

#include <string>
#include <vector>

#include "common/random.h"
#include "http/handler.h"
#include "scep/crl_publisher.h"
#include "scep/health.h"
#include "scep/service.h"

namespace scepgate::http {

struct GatewayRoutes {
  std::vector<std::string> scep_paths;  // matched case-insensitively, as IIS does
  std::string crl_path = "/crl";
  size_t max_scep_body = 128 * 1024;  // POST PKIOperation; every other request has no body
};

// Thread-safe (the service and publisher are).
class GatewayHandler final : public Handler {
 public:
  GatewayHandler(GatewayRoutes routes, scep::Service& service, scep::CrlPublisher& crls,
                 const scep::CaState& cas, scep::HealthCheck& health, Random& random);
  // A POST to a SCEP path may carry up to max_scep_body; any other request no body at all.
  Admission Admit(const Request& head, size_t fallback) override;
  Response Handle(const Request& request) override;

 private:
  Response Scep(const Request& request, const std::string& correlation_id, scep::Reply& log);
  Response Crl(const Request& request, const std::string& name);
  bool IsScepPath(const std::string& path) const;

  GatewayRoutes routes_;
  scep::Service& service_;
  scep::CrlPublisher& crls_;
  const scep::CaState& cas_;
  scep::HealthCheck& health_;
  Random& random_;
};

}  // namespace scepgate::http

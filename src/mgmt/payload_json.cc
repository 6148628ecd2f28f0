// The scepgate-agent payload: one JSON document with everything the agent needs to enroll, pin
// the CA, renew and fail over. Field names are the agent's contract (src/agent/payload.h).
#include <nlohmann/json.hpp>

#include "mgmt/payload.h"

namespace scepgate::mgmt {

Result<std::string> PayloadJson(const PayloadContent& c) {
  nlohmann::json rdns = nlohmann::json::array();
  for (const auto& rdn : c.subject_rdns) {
    nlohmann::json set = nlohmann::json::array();
    for (const auto& [type, value] : rdn) set.push_back({type, value});
    rdns.push_back(set);
  }
  nlohmann::json j = {
      {"type", "scepgate-agent-payload"},
      {"version", 1},
      {"profile", c.profile},
      {"cert_type", c.cert_type},
      {"device_id", c.device_id},
      {"platform", c.platform},
      {"mode", c.mode},
      {"urls", c.urls},
      {"challenge", c.challenge},
      {"challenge_expires_at", c.challenge_expires_at},
      {"subject", c.subject},
      {"subject_rdns", rdns},
      {"sans", c.sans},
      {"key_type", c.key_type},
      {"key_size", c.key_size},
      {"hash", c.hash},
      {"key_usage", c.key_usage},
      {"ekus", c.ekus},
      {"validity_days", c.validity_days},
      {"renewal_threshold", c.renewal_threshold},
      {"retry_count", c.retry_count},
      {"retry_delay_seconds", c.retry_delay_seconds},
      {"ca_thumbprint_sha256", c.ca_sha256},
      {"ca_thumbprint_sha1", c.ca_sha1},
      {"ca_cert", Base64Encode(c.ca_der)},
  };
  try {
    return j.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {  // a value that is not UTF-8
    return Fail(Error::InvalidArgument(std::string("payload: ") + e.what()));
  }
}

}  // namespace scepgate::mgmt

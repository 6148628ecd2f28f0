// The external validation step: a service outside the gateway (Intune's validateRequest,
// step-ca's challenge webhook) that sees each request the checks let through and may still refuse.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace scepgate::policy {

// What the validator is shown of one request.
struct ValidationRequest {
  std::string transaction_id;
  std::string csr_pem;
  std::string challenge;  // as presented; "" when none (a renewal)
  std::string device_id;  // "" when the request names no device (static challenge)
  std::string user_upn;
  std::string profile;
  bool renewal = false;
  std::string subject;            // RFC 4514 form
  std::vector<std::string> sans;  // san_text form
};

// Thread-safe: called from every worker thread at once.
class Validator {
 public:
  virtual ~Validator() = default;
  // Nothing when the request may go on. kPolicyDenied with "ValidationDenied: <reason>" when the
  // validator refuses it, or "ValidationUnavailable: <why>" when it cannot be asked or gives no
  // usable answer in time (a request is never let through unvalidated).
  virtual Status Validate(const ValidationRequest& request) = 0;
};

}  // namespace scepgate::policy

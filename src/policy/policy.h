// The policy boundary: one verdict on one enrollment request, as a chain of checks.
#pragma once

#include <string>

#include "common/ossl.h"

namespace scepgate::policy {

// What the gateway knows about a PKCSReq/RenewalReq once the envelope is open.
struct EnrollmentRequest {
  const X509_REQ& csr;
  const X509& signer;    // signer of the outer SignedData
  bool renewal = false;  // signer is a valid, unrevoked certificate this CA issued
  std::string transaction_id;
};

// Thread-safe: implementations are called from every worker thread at once.
class Policy {
 public:
  virtual ~Policy() = default;
  // Returns nothing when the request may be issued. Otherwise an error whose message starts with
  // a stable code ("ChallengeInvalid: ...") that goes into failInfoText and the request record:
  // kBadMessageCheck for a CSR whose signature does not verify, kPolicyDenied for a refusal.
  virtual Status Verify(const EnrollmentRequest& request) = 0;
};

}  // namespace scepgate::policy

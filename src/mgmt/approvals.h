// Deciding requests held for approval (profiles with require_approval): NDES's pending requests
// that a CA manager issues or denies. The device collects the outcome with CertPoll.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace scepgate::mgmt {

// Thread-safe as far as the store is: holds no state of its own.
class Approvals {
 public:
  Approvals(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Approves held request `request_id`: its next CertPoll (or resend) is issued the certificate,
  // after the device's eligibility is checked once more. kNotFound when no request with this id
  // was held, kFailedPrecondition when it was decided already; kDatabase.
  Status Approve(int64_t request_id);
  // Rejects it: the request fails at stage "approval" with "RequestRejected: <reason>", a
  // request.failed event is queued, and its next CertPoll gets a FAILURE. kInvalidArgument for an
  // empty reason; otherwise as Approve.
  Status Reject(int64_t request_id, std::string_view reason);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace scepgate::mgmt

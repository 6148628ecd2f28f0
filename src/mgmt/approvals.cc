#include "mgmt/approvals.h"

#include <string>

#include "notify/events.h"

namespace scepgate::mgmt {

Status Approvals::Approve(int64_t request_id) {
  return store_.DecidePending(request_id, "approved", "", clock_.Now(), std::nullopt);
}

Status Approvals::Reject(int64_t request_id, std::string_view reason) {
  if (reason.find_first_not_of(" \t") == std::string_view::npos)
    return Fail(Error::InvalidArgument("a rejection needs a reason (the device is told it)"));
  SG_ASSIGN_OR_RETURN(auto held, store_.FindPending(request_id));
  std::string what = "request " + std::to_string(request_id);
  if (!held) return Fail(Error::NotFound(what + " is not awaiting approval"));
  store::RequestFilter filter;
  filter.transaction_id = held->transaction_id;
  SG_ASSIGN_OR_RETURN(auto requests, store_.ListRequests(filter));
  store::RequestRecord record;
  for (const store::RequestRecord& r : requests)
    if (r.id == request_id) record = r;
  std::string why = "RequestRejected: " + std::string(reason);
  int64_t now = clock_.Now();
  record.state = "failed";
  record.fail_info = "badRequest";
  record.reason = why;
  record.stage = "approval";
  return store_.DecidePending(request_id, "rejected", why, now, notify::FailedEvent(record, now));
}

}  // namespace scepgate::mgmt

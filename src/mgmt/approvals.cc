#include "mgmt/approvals.h"

#include <string>

#include "notify/events.h"

namespace scepgate::mgmt {

Status Approvals::Approve(int64_t request_id) {
  store::Decision d;
  d.decision = "approved";
  d.at = clock_.Now();
  d.request_state = "verified";  // issued when the device next polls
  d.request_reason = "approved";
  return store_.DecidePending(request_id, d);
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
  store::Decision d;
  d.decision = "rejected";
  d.reason = why;
  d.at = now;
  d.request_state = record.state;
  d.request_reason = record.reason;
  d.request_stage = record.stage;
  d.request_fail_info = record.fail_info;
  d.event = notify::FailedEvent(record, now);
  return store_.DecidePending(request_id, d);
}

}  // namespace scepgate::mgmt

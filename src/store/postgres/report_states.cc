// PostgresStore's view of many devices for the status report: the ids travel as one JSON array,
// each looked up through the device_id indexes, the newest row per device kept by DISTINCT ON.
#include <map>

#include "store/json_lists.h"
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"

namespace scepgate::store {
namespace {

const pg::Prepared kNewestValidCertificates{
    "sg_report_certificates",
    "SELECT DISTINCT ON (c.device_id) c.device_id, c.serial, c.not_after"
    " FROM json_array_elements_text($1::json) AS d(id) JOIN certificates AS c ON c.device_id = d.id"
    " WHERE c.status = 'valid' AND c.not_after >= $3 AND lower(c.profile) = lower($2)"
    " ORDER BY c.device_id, c.created_at DESC, c.seq DESC"};
const pg::Prepared kNewestRequests{
    "sg_report_requests",
    "SELECT DISTINCT ON (r.device_id) r.device_id, r.id, r.created_at, r.state, r.reason"
    " FROM json_array_elements_text($1::json) AS d(id) JOIN requests AS r ON r.device_id = d.id"
    " WHERE lower(r.profile) = lower($2)"
    " ORDER BY r.device_id, r.created_at DESC, r.id DESC"};

}  // namespace

Result<std::vector<ProfileDeviceState>> PostgresStore::ProfileDeviceStates(
    std::string_view profile, std::span<const std::string> device_ids, int64_t now) {
  SG_ASSIGN_OR_RETURN(std::string ids,
                      ListToJson({device_ids.begin(), device_ids.end()}, "device ids"));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<ProfileDeviceState>> {
    std::map<std::string, ProfileDeviceState> states;
    SG_ASSIGN_OR_RETURN(pg::QueryResult certs,
                        pg::Run(c, kNewestValidCertificates, {ids, profile, now}));
    SG_ASSIGN_OR_RETURN(auto cert_rows, pg::ReadRows(certs, [](pg::RowReader& in) {
                          ProfileDeviceState s;
                          s.device_id = in.Text();
                          s.serial = in.Text();
                          s.cert_not_after = in.Int();
                          return s;
                        }));
    for (auto& s : cert_rows) states[s.device_id] = std::move(s);
    SG_ASSIGN_OR_RETURN(pg::QueryResult requests, pg::Run(c, kNewestRequests, {ids, profile}));
    SG_ASSIGN_OR_RETURN(auto request_rows, pg::ReadRows(requests, [](pg::RowReader& in) {
                          ProfileDeviceState s;
                          s.device_id = in.Text();
                          s.request_id = in.Int();
                          s.request_created_at = in.Int();
                          s.request_state = in.Text();
                          s.request_reason = in.Text();
                          return s;
                        }));
    for (auto& r : request_rows) {
      ProfileDeviceState& s = states[r.device_id];
      s.device_id = r.device_id;
      s.request_id = r.request_id;
      s.request_created_at = r.request_created_at;
      s.request_state = std::move(r.request_state);
      s.request_reason = std::move(r.request_reason);
    }
    std::vector<ProfileDeviceState> out;
    out.reserve(states.size());
    for (auto& [id, s] : states) out.push_back(std::move(s));
    return out;
  });
}

}  // namespace scepgate::store

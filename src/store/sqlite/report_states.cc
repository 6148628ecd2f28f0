// SqliteStore's view of many devices for the status report: each device id looked up through the
// device_id indexes of certificates and requests, newest first, one row kept per device.
#include <map>

#include "store/json_lists.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

// CROSS JOIN keeps json_each outside, so that each id is one lookup: its newest row of the
// profile, found in the covering device_id index (schema 16) newest first, only ties in
// created_at sorted, then that one row read by its key.
constexpr const char* kNewestValidCertificates =
    "SELECT c.device_id, c.serial, c.not_after FROM json_each(?1) AS d"
    " CROSS JOIN certificates AS c ON c.rowid = (SELECT n.rowid FROM certificates AS n"
    " WHERE n.device_id = d.value AND n.status = 'valid' AND n.not_after >= ?3"
    " AND lower(n.profile) = lower(?2) ORDER BY n.created_at DESC, n.rowid DESC LIMIT 1)";
constexpr const char* kNewestRequests =
    "SELECT r.device_id, r.id, r.created_at, r.state, r.reason FROM json_each(?1) AS d"
    " CROSS JOIN requests AS r ON r.id = (SELECT n.id FROM requests AS n"
    " WHERE n.device_id = d.value AND lower(n.profile) = lower(?2)"
    " ORDER BY n.created_at DESC, n.id DESC LIMIT 1)";

}  // namespace

Result<std::vector<ProfileDeviceState>> SqliteStore::ProfileDeviceStates(
    std::string_view profile, std::span<const std::string> device_ids, int64_t now) {
  SG_ASSIGN_OR_RETURN(std::string ids,
                      ListToJson({device_ids.begin(), device_ids.end()}, "device ids"));
  std::lock_guard lock(mu_);
  std::map<std::string, ProfileDeviceState> states;
  {
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(kNewestValidCertificates));
    Query q(*stmt, "report certificates");
    q.BindText(1, ids).BindText(2, profile).BindInt(3, now);
    while (true) {
      SG_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      ProfileDeviceState& s = states[q.Text(0)];
      s.device_id = q.Text(0);
      s.serial = q.Text(1);
      s.cert_not_after = q.Int(2);
    }
  }
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(kNewestRequests));
  Query q(*stmt, "report requests");
  q.BindText(1, ids).BindText(2, profile);
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ProfileDeviceState& s = states[q.Text(0)];
    s.device_id = q.Text(0);
    s.request_id = q.Int(1);
    s.request_created_at = q.Int(2);
    s.request_state = q.Text(3);
    s.request_reason = q.Text(4);
  }
  std::vector<ProfileDeviceState> out;
  out.reserve(states.size());
  for (auto& [id, s] : states) out.push_back(std::move(s));
  return out;
}

}  // namespace scepgate::store

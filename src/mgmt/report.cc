#include "mgmt/report.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>

#include "mgmt/targeting.h"

namespace scepgate::mgmt {
namespace {

// Devices per store query: the ids travel as one parameter.
constexpr size_t kDevicesPerQuery = 10'000;

// The precedence documented in report.h.
DeploymentStatus StatusOf(const std::optional<EffectiveCertificate>& cert,
                          const std::optional<LastRequest>& last) {
  if (cert) return DeploymentStatus::kSucceeded;
  if (last && last->state == "pending") return DeploymentStatus::kPending;
  if (last && last->state == "failed") return DeploymentStatus::kFailed;
  return DeploymentStatus::kNotAttempted;
}

}  // namespace

const char* DeploymentStatusName(DeploymentStatus status) {
  switch (status) {
    case DeploymentStatus::kSucceeded:
      return "Succeeded";
    case DeploymentStatus::kPending:
      return "Pending";
    case DeploymentStatus::kFailed:
      return "Failed";
    case DeploymentStatus::kNotAttempted:
      break;
  }
  return "Not attempted";
}

Result<std::vector<DeviceStatus>> Report::ForProfile(std::string_view profile) {
  SG_ASSIGN_OR_RETURN(ReportPage page, Page(profile, "", 0));
  return std::move(page.rows);
}

Result<ReportPage> Report::Page(std::string_view profile, std::string_view cursor, size_t limit) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindProfile(profile));
  if (!found) return Fail(Error::NotFound("no profile named " + std::string(profile)));
  // The targeted devices after the cursor, one more than the page to know whether another
  // follows: a page costs its own size, whatever the size of the fleet.
  store::DeviceFilter filter;
  filter.targeted_by = found->name;
  if (!cursor.empty()) {
    auto after = store::ParseSeqCursor(cursor);
    if (!after) {
      return Fail(
          Error::InvalidArgument("not a cursor of this report: '" + std::string(cursor) + "'"));
    }
    filter.after = *after;
  }
  constexpr size_t kMaxLimit = 1'000'000;
  if (limit > 0) filter.limit = static_cast<int>(std::min(limit, kMaxLimit) + 1);
  SG_ASSIGN_OR_RETURN(auto devices, store_.ListDevices(filter));
  ReportPage page;
  if (limit > 0 && devices.size() > limit) {
    devices.resize(limit);
    page.next_cursor = store::SeqCursorText(devices.back().created_at, devices.back().seq);
  }
  SG_ASSIGN_OR_RETURN(page.rows, Rows(devices, found->name));
  return page;
}

Result<std::vector<DeviceStatus>> Report::Rows(std::span<const store::DeviceRecord> devices,
                                               const std::string& profile) {
  const int64_t now = clock_.Now();
  std::unordered_map<std::string, store::ProfileDeviceState> states;
  for (size_t at = 0; at < devices.size(); at += kDevicesPerQuery) {
    std::vector<std::string> ids;
    for (const auto& d : devices.subspan(at, std::min(kDevicesPerQuery, devices.size() - at)))
      ids.push_back(d.id);
    SG_ASSIGN_OR_RETURN(auto found, store_.ProfileDeviceStates(profile, ids, now));
    for (auto& s : found) states.emplace(s.device_id, std::move(s));
  }
  std::vector<DeviceStatus> rows;
  rows.reserve(devices.size());
  for (const store::DeviceRecord& device : devices) {
    DeviceStatus row;
    row.device_id = device.id;
    row.name = device.name;
    row.platform = device.platform;
    row.owner = device.owner;
    if (auto it = states.find(device.id); it != states.end()) {
      const store::ProfileDeviceState& s = it->second;
      if (!s.serial.empty()) row.certificate = EffectiveCertificate{s.serial, s.cert_not_after};
      if (s.request_id != 0)
        row.last_request =
            LastRequest{s.request_id, s.request_created_at, s.request_state, s.request_reason};
    }
    row.status = StatusOf(row.certificate, row.last_request);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace scepgate::mgmt

#include "mgmt/report.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>

#include "mgmt/targeting.h"

namespace scepgate::mgmt {
namespace {

// Devices per store query: the ids travel as one parameter.
constexpr size_t kDevicesPerQuery = 10'000;

// "<created_at>.<device id>" of a device: where a page ends.
std::string CursorOf(const store::DeviceRecord& d) {
  return std::to_string(d.created_at) + "." + d.id;
}

// Where the page after `cursor` starts in `devices` (report order: created_at, then insertion):
// after the cursor's device, or, when that one is no longer there, at the first device created
// after it. kInvalidArgument for a malformed cursor.
Result<size_t> StartAfter(const std::vector<store::DeviceRecord>& devices,
                          std::string_view cursor) {
  if (cursor.empty()) return 0;
  const size_t dot = cursor.find('.');
  int64_t created_at = 0;
  const char* end = cursor.data() + (dot == std::string_view::npos ? 0 : dot);
  auto [stop, ec] = std::from_chars(cursor.data(), end, created_at);
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == cursor.size() || ec != std::errc() ||
      stop != end || created_at < 0)
    return Fail(
        Error::InvalidArgument("not a cursor of this report: '" + std::string(cursor) + "'"));
  const std::string_view id = cursor.substr(dot + 1);
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].id == id && devices[i].created_at == created_at) return i + 1;
  size_t i = 0;
  while (i < devices.size() && devices[i].created_at <= created_at) ++i;
  return i;
}

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
  SG_ASSIGN_OR_RETURN(auto devices, Targeting(store_).TargetedDevices(found->name));
  SG_ASSIGN_OR_RETURN(size_t start, StartAfter(devices, cursor));
  const size_t end = limit == 0
                         ? devices.size()
                         : std::min(devices.size(), start + std::min(limit, SIZE_MAX - start));
  ReportPage page;
  SG_ASSIGN_OR_RETURN(page.rows, Rows(std::span(devices).subspan(start, end - start), found->name));
  if (end < devices.size() && end > start) page.next_cursor = CursorOf(devices[end - 1]);
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

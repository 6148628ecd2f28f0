#include "mgmt/report.h"

#include <utility>

#include "common/text.h"
#include "mgmt/targeting.h"

namespace scepgate::mgmt {
namespace {

bool SameProfile(std::string_view a, std::string_view b) { return AsciiLower(a) == AsciiLower(b); }

// The newest certificate in `certs` (newest first) issued for the profile that is neither revoked
// nor expired at `now`; nullopt when none.
std::optional<EffectiveCertificate> ValidCertificate(
    const std::vector<store::CertificateRecord>& certs, const std::string& profile, int64_t now) {
  for (const store::CertificateRecord& c : certs) {
    if (!SameProfile(c.profile, profile)) continue;
    if (c.status != store::CertStatus::kValid || now > c.not_after) continue;
    return EffectiveCertificate{c.serial, c.not_after};
  }
  return std::nullopt;
}

// The newest request in `requests` (newest first) made for the profile; nullopt when none.
std::optional<LastRequest> NewestRequest(const std::vector<store::RequestRecord>& requests,
                                         const std::string& profile) {
  for (const store::RequestRecord& r : requests) {
    if (!SameProfile(r.profile, profile)) continue;
    return LastRequest{r.id, r.created_at, r.state, r.reason};
  }
  return std::nullopt;
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
  SG_ASSIGN_OR_RETURN(auto found, store_.FindProfile(profile));
  if (!found) return Fail(Error::NotFound("no profile named " + std::string(profile)));
  SG_ASSIGN_OR_RETURN(auto devices, Targeting(store_).TargetedDevices(found->name));
  std::vector<DeviceStatus> rows;
  rows.reserve(devices.size());
  for (const store::DeviceRecord& device : devices) {
    SG_ASSIGN_OR_RETURN(DeviceStatus row, ForDevice(device, found->name));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<DeviceStatus> Report::ForDevice(const store::DeviceRecord& device,
                                       const std::string& profile) {
  SG_ASSIGN_OR_RETURN(auto certs, store_.CertificatesOfDevice(device.id));
  store::RequestFilter filter;
  filter.device_id = device.id;
  SG_ASSIGN_OR_RETURN(auto requests, store_.ListRequests(filter));

  DeviceStatus row;
  row.device_id = device.id;
  row.name = device.name;
  row.platform = device.platform;
  row.owner = device.owner;
  row.certificate = ValidCertificate(certs, profile, clock_.Now());
  row.last_request = NewestRequest(requests, profile);
  row.status = StatusOf(row.certificate, row.last_request);
  return row;
}

}  // namespace scepgate::mgmt

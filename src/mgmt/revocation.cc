#include "mgmt/revocation.h"

#include <algorithm>

#include "common/text.h"

namespace scepgate::mgmt {

namespace {

// Adds the serials of the device's valid certificates (those issued for `profile` when given).
Status AddValidSerials(store::Store& store, std::string_view device_id,
                       std::optional<std::string_view> profile, std::vector<std::string>& out) {
  SG_ASSIGN_OR_RETURN(auto certs, store.CertificatesOfDevice(device_id));
  for (const store::CertificateRecord& cert : certs) {
    if (cert.status != store::CertStatus::kValid) continue;
    if (profile && AsciiLower(cert.profile) != AsciiLower(*profile)) continue;
    out.push_back(cert.serial);
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> RevokeDevicesCertificates(store::Store& store,
                                                           ca::Revoker& revoker,
                                                           std::span<const std::string> device_ids,
                                                           std::optional<std::string_view> profile,
                                                           ca::RevocationReason reason) {
  std::vector<std::string> serials;
  for (const std::string& id : device_ids)
    SG_TRY_STATUS(AddValidSerials(store, id, profile, serials));
  if (serials.empty()) return serials;
  SG_ASSIGN_OR_RETURN(ca::RevokeReport report, revoker.RevokeMany(serials, reason));
  return std::move(report.revoked);
}

Result<std::vector<std::string>> RevokeDeviceCertificates(store::Store& store, ca::Revoker& revoker,
                                                          std::string_view device_id,
                                                          std::optional<std::string_view> profile,
                                                          ca::RevocationReason reason) {
  const std::string id(device_id);
  return RevokeDevicesCertificates(store, revoker, {&id, 1}, profile, reason);
}

Result<std::vector<std::string>> RevokeNoLongerTargeted(
    store::Store& store, ca::Revoker& revoker, std::string_view profile,
    const std::vector<store::DeviceRecord>& before, const std::vector<store::DeviceRecord>& after) {
  std::vector<std::string> gone;
  for (const store::DeviceRecord& device : before) {
    bool still = std::ranges::any_of(after, [&](const auto& d) { return d.id == device.id; });
    if (!still) gone.push_back(device.id);
  }
  return RevokeDevicesCertificates(store, revoker, gone, profile,
                                   ca::RevocationReason::kCessationOfOperation);
}

}  // namespace scepgate::mgmt

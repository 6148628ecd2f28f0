#include "mgmt/revocation.h"

#include <algorithm>

#include "common/text.h"

namespace scepgate::mgmt {

Result<std::vector<std::string>> RevokeDeviceCertificates(store::Store& store, ca::Revoker& revoker,
                                                          std::string_view device_id,
                                                          std::optional<std::string_view> profile,
                                                          ca::RevocationReason reason) {
  SG_ASSIGN_OR_RETURN(auto certs, store.CertificatesOfDevice(device_id));
  std::vector<std::string> revoked;
  for (const store::CertificateRecord& cert : certs) {
    if (cert.status != store::CertStatus::kValid) continue;
    if (profile && AsciiLower(cert.profile) != AsciiLower(*profile)) continue;
    auto done = revoker.Revoke(cert.serial, reason);
    if (!done && done.error().code == ErrorCode::kAlreadyExists) continue;
    if (!done) return Fail(done.error().With("revoking " + cert.serial));
    revoked.push_back(cert.serial);
  }
  return revoked;
}

Result<std::vector<std::string>> RevokeNoLongerTargeted(
    store::Store& store, ca::Revoker& revoker, std::string_view profile,
    const std::vector<store::DeviceRecord>& before, const std::vector<store::DeviceRecord>& after) {
  std::vector<std::string> revoked;
  for (const store::DeviceRecord& device : before) {
    bool still = std::ranges::any_of(after, [&](const auto& d) { return d.id == device.id; });
    if (still) continue;
    SG_ASSIGN_OR_RETURN(auto serials,
                        RevokeDeviceCertificates(store, revoker, device.id, profile,
                                                 ca::RevocationReason::kCessationOfOperation));
    revoked.insert(revoked.end(), serials.begin(), serials.end());
  }
  return revoked;
}

}  // namespace scepgate::mgmt

// Revocation driven by the management plane: a retired device, or a device a profile no longer
// targets, loses its certificates (as Intune revokes through the certificate connector).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/revocation.h"
#include "store/store.h"

namespace scepgate::mgmt {

// Revokes every valid certificate linked to the devices (only those issued for `profile` when
// given) in one Revoker::RevokeMany call, so each CRL is re-signed once, and returns their
// serials. A certificate revoked meanwhile by someone else is skipped. Returns the first error of
// the store or the revoker; what was revoked before it stays so.
Result<std::vector<std::string>> RevokeDevicesCertificates(store::Store& store,
                                                           ca::Revoker& revoker,
                                                           std::span<const std::string> device_ids,
                                                           std::optional<std::string_view> profile,
                                                           ca::RevocationReason reason);

// RevokeDevicesCertificates for one device.
Result<std::vector<std::string>> RevokeDeviceCertificates(store::Store& store, ca::Revoker& revoker,
                                                          std::string_view device_id,
                                                          std::optional<std::string_view> profile,
                                                          ca::RevocationReason reason);

// Revokes the certificates, issued for `profile`, of each device in `before` that is not in
// `after` (devices the profile no longer targets), in one RevokeMany call. Returns the serials
// revoked.
Result<std::vector<std::string>> RevokeNoLongerTargeted(
    store::Store& store, ca::Revoker& revoker, std::string_view profile,
    const std::vector<store::DeviceRecord>& before, const std::vector<store::DeviceRecord>& after);

}  // namespace scepgate::mgmt

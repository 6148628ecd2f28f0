// What the per-profile status report (mgmt/report.h) needs of the certificates and requests of
// many devices at once: one query per table for a whole page of devices, instead of two per
// device. Part of the store (store.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::store {

// One device's standing for one profile.
struct ProfileDeviceState {
  std::string device_id;
  // The newest certificate issued to the device for the profile that is valid (not revoked,
  // not_after >= now); serial "" when none.
  std::string serial;
  int64_t cert_not_after = 0;
  // The newest request of the device for the profile; request_id 0 when none.
  int64_t request_id = 0;
  int64_t request_created_at = 0;
  std::string request_state;
  std::string request_reason;
};

// Thread-safe: every implementation may be called from several threads and processes at once.
class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // The state of each of `device_ids` that has a certificate or a request recorded for the
  // profile `profile` (names compared regardless of ASCII case), in no particular order;
  // "newest" is by created_at, then insertion order. Devices with neither are left out.
  // kDatabase.
  virtual Result<std::vector<ProfileDeviceState>> ProfileDeviceStates(
      std::string_view profile, std::span<const std::string> device_ids, int64_t now) = 0;
};

}  // namespace scepgate::store

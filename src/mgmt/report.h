// The status report: for one SCEP profile, where each device it targets stands, as Intune's
// per-profile "Device status" view shows it (Succeeded, Pending, Failed, Not attempted) with the
// last request and the certificate in effect.
//
// Precedence, first match wins, for a device the profile targets:
//   1. Succeeded      the device holds a valid certificate issued for this profile: not revoked
//                     and not expired (now <= not_after). It wins over any newer request, pending
//                     or failed: the certificate is deployed and works until it expires, which is
//                     what Intune's Succeeded means. A failed renewal does not undo it, but the
//                     row still shows that last request's state and reason, so the admin sees
//                     renewal trouble before the certificate runs out.
//   2. Pending        no valid certificate, and the newest request for this device and profile is
//                     in state "pending" (held, e.g. awaiting approval).
//   3. Failed         no valid certificate, and the newest request for this device and profile
//                     failed; its reason says why.
//   4. Not attempted  no valid certificate and no request since the device last had one: no
//                     request at all, or only a certificate that has since expired or been
//                     revoked (the device has yet to ask for the one it now needs). The last
//                     request columns still show what happened before.
// Requests and certificates count for the profile when their profile field names it (ASCII case
// folded, as profile names match); certificates and requests of other profiles never count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace scepgate::mgmt {

enum class DeploymentStatus { kSucceeded, kPending, kFailed, kNotAttempted };

// "Succeeded", "Pending", "Failed", "Not attempted".
const char* DeploymentStatusName(DeploymentStatus status);

// The newest request for the device and profile.
struct LastRequest {
  int64_t id = 0;
  int64_t created_at = 0;
  std::string state;   // "issued", "notified", "failed", "pending", "answered"
  std::string reason;  // the stable code and text of a failure; "" when none
};

// The certificate in effect: the newest valid one issued for the profile to the device.
struct EffectiveCertificate {
  std::string serial;
  int64_t not_after = 0;
};

// One row of the report.
struct DeviceStatus {
  std::string device_id;
  std::string name;
  std::string platform;
  std::string owner;  // UPN, "" when none
  DeploymentStatus status = DeploymentStatus::kNotAttempted;
  std::optional<LastRequest> last_request;          // nullopt when never attempted
  std::optional<EffectiveCertificate> certificate;  // set exactly when status is Succeeded
};

// One page of the report, and where the next one starts ("" after the last page).
struct ReportPage {
  std::vector<DeviceStatus> rows;
  std::string next_cursor;
};

// Thread-safe as far as the store is: holds no state of its own.
class Report {
 public:
  Report(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // One row per device the profile targets now (mgmt::Targeting), in its order (oldest device
  // first). Returns kNotFound for an unknown profile, kDatabase when the store fails.
  Result<std::vector<DeviceStatus>> ForProfile(std::string_view profile);

  // At most `limit` rows (0: all) of the report, from the device after `cursor` (a page's
  // next_cursor; "" for the first page). A cursor is a position in the devices' order (time
  // added, then insertion), so the next page starts after it whether or not its device is still
  // targeted; a page costs its own size. kInvalidArgument for a malformed cursor, and the errors
  // of ForProfile.
  Result<ReportPage> Page(std::string_view profile, std::string_view cursor, size_t limit);

 private:
  // The rows of `devices` for the profile (its canonical name), in their order. kDatabase.
  Result<std::vector<DeviceStatus>> Rows(std::span<const store::DeviceRecord> devices,
                                         const std::string& profile);

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace scepgate::mgmt

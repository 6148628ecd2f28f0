// Which devices a SCEP profile targets, and what their certificate must then look like.
// A DEVICE profile targets the devices that are members of a group it is assigned to; a USER
// profile targets the devices whose owner is a member of such a group. Retired devices are never
// targeted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "policy/policy.h"
#include "store/store.h"

namespace scepgate::mgmt {

// The subject and SANs a targeted device's certificate is expected to carry.
struct Resolved {
  std::string subject;            // RFC 4514 form; "" when the profile has no subject format
  std::vector<std::string> sans;  // "DNS:x", "email:x", "UPN:x", "URI:x"
  // The subject or a SAN carries an attribute of the device's owner (UPN, user name, e-mail,
  // SID, on-premises DN, or the strong-mapping SID URL): a logon identity (mgmt/tokens.h).
  bool carries_owner_identity = false;
};

// Escapes a value for use inside an RFC 4514 attribute value: ',', '+', '"', '\', '<', '>', ';'
// anywhere, '#' or ' ' at the start, ' ' at the end; NUL as "\00".
std::string EscapeRfc4514(std::string_view value);

// Thread-safe as far as the store is: holds no state of its own.
class Targeting final : public policy::TargetingView {
 public:
  explicit Targeting(store::Store& store) : store_(store) {}

  // True when the profile targets the device. kNotFound for an unknown profile or device.
  Result<bool> IsTargeted(std::string_view profile, std::string_view device_id) override;
  // Every device the profile targets, oldest first. kNotFound for an unknown profile.
  Result<std::vector<store::DeviceRecord>> TargetedDevices(std::string_view profile);
  // Substitutes the profile's variables for the device. kNotFound for an unknown profile or
  // device; kPolicyDenied "user profile targets a device with no owner", or
  // "ScepProfileNoLongerTargetedToTheClient" when the profile does not target the device, or
  // naming a variable whose value is empty.
  Result<Resolved> Resolve(std::string_view profile, std::string_view device_id);

 private:
  Result<store::ProfileRecord> FindProfile(std::string_view name);
  Result<store::DeviceRecord> FindDevice(std::string_view id);
  // Whether the profile (already found) targets the device (already found).
  Result<bool> Targets(const store::ProfileRecord& profile, const store::DeviceRecord& device);

  store::Store& store_;
};

}  // namespace scepgate::mgmt

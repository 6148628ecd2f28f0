// The checks a new device, user or group passes before it is stored, shared by Directory (one at
// a time) and the bulk import (mgmt/import.h) so that both refuse exactly the same input.
// Pure functions, thread-safe. None looks at the store: owners, uniqueness and references are
// the caller's to check.
#pragma once

#include <string_view>

#include "common/error.h"
#include "mgmt/directory.h"
#include "mgmt/tokens.h"
#include "store/directory.h"

namespace scepgate::mgmt {

// Returns the device as it would be stored (name and serial in NFC, platform lower-case; owner as
// given, id and created_at left empty). kInvalidArgument for a name or serial number that
// mgmt/names.h refuses or an unknown platform.
Result<store::DeviceRecord> CheckNewDevice(const NewDevice& device);

// Returns the user as it would be stored on behalf of `by` (created_at left 0). kPermissionDenied
// when `by` is below admin and a SID is given; kInvalidArgument for a malformed UPN, e-mail or SID,
// or a UPN, e-mail or DN that mgmt/names.h refuses.
Result<store::UserRecord> CheckNewUser(const NewUser& user, Role by);

// Returns the group as it would be stored (created_at left 0). kInvalidArgument for a name or
// description that mgmt/names.h refuses.
Result<store::GroupRecord> CheckNewGroup(std::string_view name, std::string_view description);

}  // namespace scepgate::mgmt

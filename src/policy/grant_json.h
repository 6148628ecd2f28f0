// A Grant as JSON, so that a request held for approval can be issued later, by any gateway, as
// the policy granted it when it was verified. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "policy/policy.h"

namespace scepgate::policy {

// Every field of the grant as one JSON object.
std::string GrantToJson(const Grant& grant);

// The grant GrantToJson wrote. kInternal when `json` is not such an object (a damaged row).
Result<Grant> GrantFromJson(std::string_view json);

}  // namespace scepgate::policy

// How a policy refusal is worded: a stable code, then why. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::policy {

// kPolicyDenied with the message "<code>: <why>"; the code goes into failInfoText and the record.
inline Error Denied(std::string_view code, std::string_view why) {
  return Error::PolicyDenied(std::string(code) + ": " + std::string(why));
}

// The items separated by ", ", or "none" when there are none: for a message.
inline std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

}  // namespace scepgate::policy

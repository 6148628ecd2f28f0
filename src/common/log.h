// Logging set-up. The logger itself is spdlog's default logger (thread-safe).
#pragma once

#include <string_view>

#include "common/error.h"

namespace scepgate {

// Sets the default logger's level ("trace".."off") and format (plain text or JSON lines) on stderr.
// Returns kInvalidArgument for an unknown level.
Status InitLogging(std::string_view level, bool json);

}  // namespace scepgate

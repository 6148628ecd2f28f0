// Logging set-up. The logger itself is spdlog's default logger (thread-safe).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// `message` as the inside of a JSON string (or of a TOML basic string, whose escapes are the same):
// quotes, backslashes and control characters escaped.
std::string EscapeLogJson(std::string_view message);

// Sets the default logger's level ("trace".."off") and format (plain text or JSON lines) on stderr.
// Every message is made safe first: control characters escaped (EscapeControls in plain text, JSON
// escapes in JSON lines, where the message is the "msg" field), so no input can forge a line.
// Returns kInvalidArgument for an unknown level.
Status InitLogging(std::string_view level, bool json);

}  // namespace scepgate

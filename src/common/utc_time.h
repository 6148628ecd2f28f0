// Points in time as administrators type them on a command line or in a query string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// Unix seconds from "2026-12-05", "2026-12-05T08:30:00Z" (UTC; a fraction of a second is not
// accepted) or plain unix seconds ("1796459400"). kInvalidArgument naming the accepted forms
// for anything else, an impossible date included. Thread-safe.
Result<int64_t> ParseUtcTime(std::string_view text);

// Unix seconds as ISO 8601 UTC to the second, "2026-12-05T10:00:00Z": the form every time
// scepgate writes (JSON views, events, Intune's notifications) takes. Never fails. Thread-safe.
std::string FormatUtcTime(int64_t seconds);

}  // namespace scepgate

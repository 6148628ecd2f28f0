// Durations as people type them on a command line, in a config or in an API body: a whole number
// and a unit, "90d", "12h", "30m", "3600s".
#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// The longest duration ParseDuration accepts: 100 years of 365 days, in seconds.
inline constexpr int64_t kMaxDurationSeconds = 100LL * 365 * 86400;

// How ParseDuration reads what is not "<number><unit>".
struct DurationSyntax {
  int64_t bare_unit = 0;    // seconds a number without a unit counts for; 0: a unit is required
  bool allow_zero = false;  // "0" (with or without a unit) is zero rather than an error
};

// Parses a whole number followed by s (seconds), m (minutes), h (hours) or d (days) into seconds.
// Returns kInvalidArgument, with a message that starts "bad duration '<text>'", for anything else:
// no number, a sign, a fraction, spaces, an unknown unit, no unit when `syntax.bare_unit` is 0,
// zero unless `syntax.allow_zero`, or more than kMaxDurationSeconds (an overflow included).
// Thread-safe.
Result<int64_t> ParseDuration(std::string_view text, DurationSyntax syntax = {});

}  // namespace scepgate

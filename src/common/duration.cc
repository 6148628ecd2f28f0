#include "common/duration.h"

#include <charconv>
#include <string>

namespace scepgate {
namespace {

// Seconds per unit; 0 for an unknown one.
int64_t UnitSeconds(std::string_view unit, int64_t bare_unit) {
  if (unit.empty()) return bare_unit;
  if (unit == "s") return 1;
  if (unit == "m") return 60;
  if (unit == "h") return 3600;
  if (unit == "d") return 86400;
  return 0;
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view text, DurationSyntax syntax) {
  const std::string quoted = "'" + std::string(text) + "'";
  auto bad = [&] {
    std::string hint = syntax.bare_unit == 0 ? "a whole number and a unit s, m, h or d"
                                             : "a whole number, optionally with a unit s, m, h "
                                               "or d";
    return Fail(Error::InvalidArgument("bad duration " + quoted + " (" + hint +
                                       ", e.g. 90d, 12h, 30m, 3600s)"));
  };
  auto too_long = [&] {
    return Fail(Error::InvalidArgument("bad duration " + quoted + ": longer than 100 years"));
  };
  // from_chars would take a '-': only digits may start the number.
  if (text.empty() || text.front() < '0' || text.front() > '9') return bad();
  uint64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  const int64_t scale = UnitSeconds(unit, syntax.bare_unit);
  if (scale == 0) return bad();
  if (ec == std::errc::result_out_of_range) return too_long();
  if (ec != std::errc()) return bad();
  if (count == 0 && !syntax.allow_zero)
    return Fail(Error::InvalidArgument("bad duration " + quoted + ": must be more than zero"));
  if (count > static_cast<uint64_t>(kMaxDurationSeconds / scale)) return too_long();
  return static_cast<int64_t>(count) * scale;
}

}  // namespace scepgate

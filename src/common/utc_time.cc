#include "common/utc_time.h"

#include <ctime>

#include <charconv>
#include <chrono>
#include <string>

namespace scepgate {

namespace {

// Reads `n` digits at `at`; false when they are not all digits.
bool Digits(std::string_view text, size_t at, size_t n, int& out) {
  if (at + n > text.size()) return false;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + n, out);
  return ec == std::errc() && end == text.data() + at + n;
}

}  // namespace

Result<int64_t> ParseUtcTime(std::string_view text) {
  auto bad = [&] {
    return Fail(Error::InvalidArgument("'" + std::string(text.substr(0, 64)) +
                                       "' is not a time (2026-12-05, 2026-12-05T08:30:00Z or "
                                       "unix seconds)"));
  };
  if (!text.empty() && text.size() <= 12 && text.find('-') == std::string_view::npos) {
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return bad();
    return seconds;
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!(text.size() == 10 || (text.size() == 20 && text[10] == 'T' && text[13] == ':' &&
                              text[16] == ':' && text[19] == 'Z')))
    return bad();
  if (text[4] != '-' || text[7] != '-' || !Digits(text, 0, 4, y) || !Digits(text, 5, 2, mo) ||
      !Digits(text, 8, 2, d))
    return bad();
  if (text.size() == 20 && (!Digits(text, 11, 2, h) || !Digits(text, 14, 2, mi) ||
                            !Digits(text, 17, 2, s) || h > 23 || mi > 59 || s > 59))
    return bad();
  std::chrono::year_month_day date{std::chrono::year(y),
                                   std::chrono::month(static_cast<unsigned>(mo)),
                                   std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok() || y < 1970) return bad();
  auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return int64_t{days} * 86400 + h * 3600 + mi * 60 + s;
}

std::string FormatUtcTime(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace scepgate

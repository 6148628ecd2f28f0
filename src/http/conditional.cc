#include "http/conditional.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "common/text.h"

namespace scepgate::http {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads a decimal number of exactly `digits` digits (1..n when `digits` is negative: at most n)
// at `at`; advances `at`. nullopt when there is none.
std::optional<int> Number(std::string_view s, size_t& at, int digits) {
  size_t max = static_cast<size_t>(digits < 0 ? -digits : digits);
  size_t end = at;
  while (end < s.size() && end - at < max && s[end] >= '0' && s[end] <= '9') ++end;
  if (end == at || (digits > 0 && end - at != max)) return std::nullopt;
  int value = 0;
  std::from_chars(s.data() + at, s.data() + end, value);
  at = end;
  return value;
}

bool Literal(std::string_view s, size_t& at, std::string_view word) {
  if (s.substr(at, word.size()) != word) return false;
  at += word.size();
  return true;
}

std::optional<int> Month(std::string_view s, size_t& at) {
  for (size_t m = 0; m < kMonths.size(); ++m)
    if (Literal(s, at, kMonths[m])) return static_cast<int>(m);
  return std::nullopt;
}

// "HH:MM:SS".
bool Clock(std::string_view s, size_t& at, std::tm& tm) {
  auto h = Number(s, at, 2);
  if (!h || !Literal(s, at, ":")) return false;
  auto m = Number(s, at, 2);
  if (!m || !Literal(s, at, ":")) return false;
  auto sec = Number(s, at, 2);
  if (!sec) return false;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *sec;
  return *h < 24 && *m < 60 && *sec < 61;
}

std::optional<int64_t> ToUnix(std::tm& tm) {
  if (tm.tm_mday < 1 || tm.tm_mday > 31) return std::nullopt;
  time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(t);
}

// Skips "Day, " (IMF-fixdate) or "Dayname, " (RFC 850); says which.
std::optional<bool> SkipWeekday(std::string_view s, size_t& at) {
  size_t comma = s.find(',');
  if (comma == std::string_view::npos || comma < 3) return std::nullopt;
  bool long_form = comma > 3;
  at = comma + 1;
  if (!Literal(s, at, " ")) return std::nullopt;
  return long_form;
}

// Every entity tag of an If-None-Match list compared weakly (W/ prefixes ignored) with `etag`.
bool ListNames(std::string_view list, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  std::string_view want = opaque(etag);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = TrimBlanks(list.substr(0, comma));
    if (item == "*" || (!item.empty() && opaque(item) == want)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string HttpDate(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[static_cast<size_t>(tm.tm_wday)].data(), tm.tm_mday,
                kMonths[static_cast<size_t>(tm.tm_mon)].data(), tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  std::tm tm{};
  size_t at = 0;
  if (s.size() >= 4 && s[3] == ' ') {  // asctime: "Sun Nov  6 08:49:37 1994"
    at = 4;
    auto mon = Month(s, at);
    if (!mon || !Literal(s, at, " ")) return std::nullopt;
    if (s.substr(at, 1) == " ") ++at;
    auto day = Number(s, at, -2);
    if (!day || !Literal(s, at, " ") || !Clock(s, at, tm) || !Literal(s, at, " "))
      return std::nullopt;
    auto year = Number(s, at, 4);
    if (!year || at != s.size()) return std::nullopt;
    tm.tm_mon = *mon;
    tm.tm_mday = *day;
    tm.tm_year = *year - 1900;
    return ToUnix(tm);
  }
  auto long_form = SkipWeekday(s, at);
  if (!long_form) return std::nullopt;
  const std::string_view sep = *long_form ? "-" : " ";
  auto day = Number(s, at, 2);
  if (!day || !Literal(s, at, sep)) return std::nullopt;
  auto mon = Month(s, at);
  if (!mon || !Literal(s, at, sep)) return std::nullopt;
  auto year = Number(s, at, *long_form ? 2 : 4);
  if (!year || !Literal(s, at, " ") || !Clock(s, at, tm) || !Literal(s, at, " GMT") ||
      at != s.size())
    return std::nullopt;
  // RFC 850's two-digit year: the one within 50 years of now, as RFC 9110 says; this century's
  // dates are what a client can send.
  int full = *long_form ? (*year < 70 ? 2000 + *year : 1900 + *year) : *year;
  tm.tm_mon = *mon;
  tm.tm_mday = *day;
  tm.tm_year = full - 1900;
  return ToUnix(tm);
}

bool NotModified(const Request& request, const Validators& validators) {
  bool has_inm = false;
  for (const auto& [name, value] : request.headers) {
    if (name != "if-none-match") continue;
    has_inm = true;
    if (ListNames(value, validators.etag)) return true;
  }
  if (has_inm) return false;
  std::string since = HeaderValue(request, "if-modified-since");
  if (since.empty()) return false;
  auto at = ParseHttpDate(TrimBlanks(since));
  return at && *at >= validators.last_modified;
}

void AddValidators(Response& response, const Validators& validators) {
  response.headers.emplace_back("ETag", validators.etag);
  response.headers.emplace_back("Last-Modified", HttpDate(validators.last_modified));
}

Response NotModifiedResponse(const Validators& validators, std::string_view cache_control) {
  Response r{304, "", "", {}};
  AddValidators(r, validators);
  if (!cache_control.empty()) r.headers.emplace_back("Cache-Control", std::string(cache_control));
  return r;
}

}  // namespace scepgate::http

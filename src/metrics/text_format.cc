#include "metrics/text_format.h"

#include <charconv>
#include <cmath>

#include "common/utf8.h"

namespace scepgate::metrics {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The length of the valid UTF-8 sequence of two to four bytes at the start of `s`; 0 if there is
// none there.
size_t Utf8SequenceLength(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s.front());
  size_t n = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  }
  if (n == 0 || n > s.size() || !IsValidUtf8(s.substr(0, n))) return 0;
  return n;
}

// Appends `s` with \\ and \n escaped, and \" too when `quote`; invalid UTF-8 as U+FFFD.
void AppendEscaped(std::string& out, std::string_view s, bool quote) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '"' && quote) {
        out += "\\\"";
      } else {
        out += c;
      }
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(s.substr(i));
    if (n == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out += s.substr(i, n);
      i += n;
    }
  }
}

}  // namespace

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return "0";  // and not "-0"
  char buf[64];
  // Plain decimals from a millionth up to 2^63 (whole numbers there have at most 19 digits);
  // beyond, the shortest form is an exponent one.
  constexpr double kPlainMin = 1e-6, kPlainLimit = 9223372036854775808.0;
  const double magnitude = std::fabs(value);
  const bool plain = magnitude >= kPlainMin && magnitude < kPlainLimit;
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "NaN";  // cannot happen: 64 bytes hold any double
  return std::string(buf, end);
}

std::string FormatCount(uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;  // 20 digits at most
  return std::string(buf, end);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendEscaped(out, value, /*quote=*/true);
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  AppendEscaped(out, help, /*quote=*/false);
  return out;
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscaped(out, help, /*quote=*/false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void AppendSample(std::string& out, std::string_view name, std::span<const std::string> label_names,
                  std::span<const std::string> label_values, std::string_view value,
                  std::string_view le) {
  out += name;
  if (!label_names.empty() || !le.empty()) {
    char separator = '{';
    for (size_t i = 0; i < label_names.size(); ++i) {
      out += separator;
      out += label_names[i];
      out += "=\"";
      AppendEscaped(out, label_values[i], /*quote=*/true);
      out += '"';
      separator = ',';
    }
    if (!le.empty()) {
      out += separator;
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace scepgate::metrics

// The pieces of the Prometheus text exposition format 0.0.4 that every family renders with: how a
// value is written, how label values and HELP text are escaped, and what one line looks like.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace scepgate::metrics {

// The Content-Type of a response whose body is Registry::Render().
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// `value` as Prometheus reads it back: "+Inf", "-Inf", "NaN"; otherwise the fewest digits that
// read back as the same double, in plain decimals for magnitudes from 1e-6 up to 2^63 ("1000000"
// and never "1e+06", "0.5", "0.0001"; -0 as "0") and with an exponent beyond ("1e-07", "1e+20").
std::string FormatValue(double value);

// `value` in decimal digits.
std::string FormatCount(uint64_t value);

// A label value as it goes between double quotes: backslash, double quote and newline escaped
// (\\, \", \n). The format is UTF-8 and Prometheus refuses a whole scrape over one bad label
// value, so each byte that does not start a valid UTF-8 sequence becomes U+FFFD.
std::string EscapeLabelValue(std::string_view value);

// HELP text as it goes after "# HELP name ": backslash and newline escaped (\\, \n); invalid
// UTF-8 replaced as in EscapeLabelValue.
std::string EscapeHelp(std::string_view help);

// Appends "# HELP <name> <escaped help>\n# TYPE <name> <type>\n".
void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type);

// Appends one sample line, `name{n1="v1",...} value\n`, the label values escaped; no braces
// without labels. `le`, when not empty, is a last label le="<le>" (a histogram bucket's bound).
// `label_names` and `label_values` have the same length (the caller's invariant).
void AppendSample(std::string& out, std::string_view name, std::span<const std::string> label_names,
                  std::span<const std::string> label_values, std::string_view value,
                  std::string_view le = {});

}  // namespace scepgate::metrics

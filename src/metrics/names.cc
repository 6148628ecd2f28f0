#include "metrics/names.h"

#include <algorithm>

namespace scepgate::metrics {
namespace {

bool IsLetterOrUnderscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Status CheckMetricName(std::string_view name) {
  auto first_ok = [](char c) { return IsLetterOrUnderscore(c) || c == ':'; };
  auto rest_ok = [&](char c) { return first_ok(c) || IsDigit(c); };
  if (name.empty() || !first_ok(name.front()) || !std::all_of(name.begin(), name.end(), rest_ok))
    return Fail(Error::InvalidArgument("bad metric name '" + std::string(name) +
                                       "': must match [a-zA-Z_:][a-zA-Z0-9_:]*"));
  return {};
}

Status CheckLabelName(std::string_view name) {
  auto rest_ok = [](char c) { return IsLetterOrUnderscore(c) || IsDigit(c); };
  if (name.empty() || !IsLetterOrUnderscore(name.front()) ||
      !std::all_of(name.begin(), name.end(), rest_ok))
    return Fail(Error::InvalidArgument("bad label name '" + std::string(name) +
                                       "': must match [a-zA-Z_][a-zA-Z0-9_]*"));
  if (name.starts_with("__"))
    return Fail(Error::InvalidArgument("bad label name '" + std::string(name) +
                                       "': names starting with __ are reserved"));
  return {};
}

Status CheckLabelNames(std::span<const std::string> names) {
  for (size_t i = 0; i < names.size(); ++i) {
    SG_TRY_STATUS(CheckLabelName(names[i]));
    for (size_t j = 0; j < i; ++j)
      if (names[j] == names[i])
        return Fail(Error::InvalidArgument("label name '" + names[i] + "' given twice"));
  }
  return {};
}

}  // namespace scepgate::metrics

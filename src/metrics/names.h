// The names the Prometheus text format allows for metrics and labels.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::metrics {

// OK when `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*; kInvalidArgument naming it otherwise.
// Thread-safe.
Status CheckMetricName(std::string_view name);

// OK when `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__" (reserved for
// Prometheus's own labels); kInvalidArgument naming it otherwise. Thread-safe.
Status CheckLabelName(std::string_view name);

// CheckLabelName on each name, and no name twice: the first failure, kInvalidArgument.
// Thread-safe.
Status CheckLabelNames(std::span<const std::string> names);

}  // namespace scepgate::metrics

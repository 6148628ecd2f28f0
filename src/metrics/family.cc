#include "metrics/family.h"

#include <cstdio>
#include <cstdlib>

namespace scepgate::metrics {

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void Misuse(std::string_view what) {
  std::fprintf(stderr, "scepgate metrics: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace scepgate::metrics

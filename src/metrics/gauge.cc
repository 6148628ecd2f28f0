#include "metrics/gauge.h"

#include <memory>
#include <utility>

#include "metrics/text_format.h"

namespace scepgate::metrics {

GaugeFamily::GaugeFamily(FamilySpec spec)
    : Family(std::move(spec)), children_(this->spec(), [] { return std::make_unique<Gauge>(); }) {}

void GaugeFamily::Render(std::string& out) const {
  bool first = true;
  children_.ForEach([&](std::span<const std::string> values, const Gauge& gauge) {
    if (std::exchange(first, false))
      AppendHeader(out, spec().name, spec().help, TypeName(MetricType::kGauge));
    AppendSample(out, spec().name, spec().label_names, values, FormatValue(gauge.Value()));
  });
}

}  // namespace scepgate::metrics

#include "metrics/counter.h"

#include <memory>
#include <utility>

#include "metrics/text_format.h"

namespace scepgate::metrics {

CounterFamily::CounterFamily(FamilySpec spec)
    : Family(std::move(spec)),
      children_(this->spec(), [] { return std::make_unique<Counter>(); }) {}

void CounterFamily::Render(std::string& out) const {
  bool first = true;
  children_.ForEach([&](std::span<const std::string> values, const Counter& counter) {
    if (std::exchange(first, false))
      AppendHeader(out, spec().name, spec().help, TypeName(MetricType::kCounter));
    AppendSample(out, spec().name, spec().label_names, values, FormatCount(counter.Value()));
  });
}

}  // namespace scepgate::metrics

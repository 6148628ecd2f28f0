#include "metrics/callback_gauge.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "metrics/text_format.h"

namespace scepgate::metrics {

CallbackGaugeFamily::CallbackGaugeFamily(FamilySpec spec, GaugeCollector collect)
    : Family(std::move(spec)), collect_(std::move(collect)) {}

Result<std::vector<GaugeSample>> CallbackGaugeFamily::Collect() const {
  try {
    return collect_();
  } catch (const std::exception& e) {
    return Fail(Error::Internal(e.what()));
  } catch (...) {
    return Fail(Error::Internal("unknown exception"));
  }
}

void CallbackGaugeFamily::Render(std::string& out) const {
  auto samples = Collect();
  if (!samples) {
    spdlog::warn("metrics: collecting {} failed: {}", spec().name, samples.error().message);
    return;
  }
  const size_t label_count = spec().label_names.size();
  const size_t dropped = std::erase_if(
      *samples, [&](const GaugeSample& s) { return s.label_values.size() != label_count; });
  if (dropped > 0)
    spdlog::warn("metrics: {} dropped {} sample(s) without exactly {} label values", spec().name,
                 dropped, label_count);
  auto by_labels = [](const GaugeSample& a, const GaugeSample& b) {
    return a.label_values < b.label_values;
  };
  auto same_labels = [](const GaugeSample& a, const GaugeSample& b) {
    return a.label_values == b.label_values;
  };
  std::stable_sort(samples->begin(), samples->end(), by_labels);
  samples->erase(std::unique(samples->begin(), samples->end(), same_labels), samples->end());
  if (samples->empty()) return;
  AppendHeader(out, spec().name, spec().help, TypeName(MetricType::kGauge));
  for (const GaugeSample& s : *samples)
    AppendSample(out, spec().name, spec().label_names, s.label_values, FormatValue(s.value));
}

}  // namespace scepgate::metrics

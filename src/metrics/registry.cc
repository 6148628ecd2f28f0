#include "metrics/registry.h"

#include <algorithm>
#include <utility>

#include "metrics/names.h"

namespace scepgate::metrics {
namespace {

// Aborts (Misuse) with the error of a failed check, prefixed with the family's name.
void Require(const Status& status, std::string_view family) {
  if (!status) Misuse("registering " + std::string(family) + ": " + status.error().message);
}

// The checked registration of a family; Misuse on a bad name, label name or bound.
FamilySpec MakeSpec(std::string_view name, std::string_view help, MetricType type,
                    std::vector<std::string> label_names, std::vector<double> bounds = {}) {
  Require(CheckMetricName(name), name);
  Require(CheckLabelNames(label_names), name);
  if (type == MetricType::kHistogram) {
    if (std::ranges::find(label_names, "le") != label_names.end())
      Misuse("registering " + std::string(name) + ": a histogram's label may not be named le");
    auto checked = CheckBucketBounds(std::move(bounds));
    if (!checked) Misuse("registering " + std::string(name) + ": " + checked.error().message);
    bounds = std::move(*checked);
  }
  return FamilySpec{std::string(name), std::string(help), type, std::move(label_names),
                    std::move(bounds)};
}

// The names of the samples a family of `spec` renders.
std::vector<std::string> SampleNames(const FamilySpec& spec) {
  if (spec.type != MetricType::kHistogram) return {spec.name};
  return {spec.name, spec.name + "_bucket", spec.name + "_sum", spec.name + "_count"};
}

// "counter foo (labels: a, b)", for messages about clashing registrations.
std::string Describe(const FamilySpec& spec) {
  std::string out = std::string(TypeName(spec.type)) + " " + spec.name + " (labels:";
  for (const auto& label : spec.label_names) out += " " + label;
  return out + ")";
}

}  // namespace

Registry::Registry() = default;
Registry::~Registry() = default;

template <class F, class Make>
F& Registry::Add(FamilySpec spec, bool reusable, Make make) {
  std::lock_guard lock(mu_);
  if (auto it = names_.find(spec.name); it != names_.end()) {
    auto* same = dynamic_cast<F*>(it->second);
    if (reusable && same != nullptr && same->spec() == spec) return *same;
    const FamilySpec& first = it->second->spec();
    if (first.name == spec.name)
      Misuse(spec.name + " registered twice, differently: as " + Describe(first) + " and as " +
             Describe(spec) +
             (reusable ? " (the same type and labels need the same help text and bounds too)"
                       : " (a collected gauge is registered once)"));
  }
  const std::vector<std::string> sample_names = SampleNames(spec);
  for (const std::string& name : sample_names)
    if (auto it = names_.find(name); it != names_.end())
      Misuse("registering " + Describe(spec) + ": " + name + " is a sample of " +
             Describe(it->second->spec()));
  auto family = make(std::move(spec));
  F& result = *family;
  families_.push_back(std::move(family));
  for (const std::string& name : sample_names) names_.emplace(name, &result);
  return result;
}

CounterFamily& Registry::AddCounter(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names) {
  return Add<CounterFamily>(
      MakeSpec(name, help, MetricType::kCounter, std::move(label_names)), /*reusable=*/true,
      [](FamilySpec spec) { return std::make_unique<CounterFamily>(std::move(spec)); });
}

GaugeFamily& Registry::AddGauge(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names) {
  return Add<GaugeFamily>(
      MakeSpec(name, help, MetricType::kGauge, std::move(label_names)), /*reusable=*/true,
      [](FamilySpec spec) { return std::make_unique<GaugeFamily>(std::move(spec)); });
}

HistogramFamily& Registry::AddHistogram(std::string_view name, std::string_view help,
                                        std::vector<double> bounds,
                                        std::vector<std::string> label_names) {
  return Add<HistogramFamily>(
      MakeSpec(name, help, MetricType::kHistogram, std::move(label_names), std::move(bounds)),
      /*reusable=*/true,
      [](FamilySpec spec) { return std::make_unique<HistogramFamily>(std::move(spec)); });
}

void Registry::AddCallbackGauge(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names, GaugeCollector collect) {
  Add<CallbackGaugeFamily>(MakeSpec(name, help, MetricType::kGauge, std::move(label_names)),
                           /*reusable=*/false, [&](FamilySpec spec) {
                             return std::make_unique<CallbackGaugeFamily>(std::move(spec),
                                                                          std::move(collect));
                           });
}

std::string Registry::Render() const {
  std::vector<const Family*> families;
  {
    std::lock_guard lock(mu_);
    families.reserve(families_.size());
    for (const auto& family : families_) families.push_back(family.get());
  }
  std::string out;
  for (const Family* family : families) family->Render(out);
  return out;
}

}  // namespace scepgate::metrics

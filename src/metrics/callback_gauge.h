// Gauges read at scrape time from elsewhere: seconds until each CA certificate expires, the
// outbox backlog. A collector function returns the samples each time the registry renders.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "metrics/family.h"

namespace scepgate::metrics {

// One sample a collector returns: a value for one list of label values.
struct GaugeSample {
  std::vector<std::string> label_values;  // one per label name, in the order registered
  double value = 0;
};

// Returns the samples of the moment, or an error when they cannot be read now (the store is
// down). Called once per Registry::Render, on the rendering thread and without the registry's
// lock held; renders on several threads call it concurrently, so it must be thread-safe.
using GaugeCollector = std::function<Result<std::vector<GaugeSample>>()>;

// A family whose samples come from a GaugeCollector, made by Registry::AddCallbackGauge.
// Thread-safe as far as its collector is.
class CallbackGaugeFamily final : public Family {
 public:
  CallbackGaugeFamily(FamilySpec spec, GaugeCollector collect);

  // Calls the collector and renders its samples sorted by label values. Drops, with a warning in
  // the log, each sample whose number of label values differs from the number of label names;
  // drops every sample but the first for the same label values. When the collector fails
  // (returns an error or throws), renders nothing and logs a warning naming the family.
  void Render(std::string& out) const override;

 private:
  // The collector's samples, or its error (an exception caught becomes kInternal).
  Result<std::vector<GaugeSample>> Collect() const;

  const GaugeCollector collect_;
};

}  // namespace scepgate::metrics

// A process's metric families and their rendering in the Prometheus text exposition format 0.0.4:
// the body of GET /metrics.
//
//   metrics::Registry registry;
//   auto& requests = registry.AddCounter("scepgate_requests_total", "SCEP requests answered.",
//                                        {"operation", "outcome", "fail_info"});
//   requests.Inc({"PKIOperation", "failure", "badMessageCheck"});
//   metrics::Counter& issued = requests.WithLabels({"PKIOperation", "success", ""});
//   issued.Inc();  // a held child: one atomic add, no lock
//   std::string body = registry.Render();
//
// Label values name a few fixed things (an operation, an outcome, a failInfo), never what a
// request carries: each distinct list of values makes a child that lives as long as the registry.
//
// Misuse is a programming error and aborts the process with a message on stderr: a bad metric or
// label name, a name registered twice in different ways, bad histogram bounds, the wrong number of
// label values. Names are constants in the code, so the first test that registers them finds it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/callback_gauge.h"
#include "metrics/counter.h"
#include "metrics/family.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"

namespace scepgate::metrics {

// Thread-safe: families may be added while others are updated and while Render runs.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers a counter family and returns it, valid as long as the Registry. Registering the
  // same name again with the same type, help and label names returns the family made first.
  // Aborts (Misuse) on a bad metric or label name, a label name given twice, or a name already
  // registered differently or taken by a histogram's <name>_bucket, _sum or _count samples.
  // Counter names end in _total by convention (promtool warns otherwise). Thread-safe.
  CounterFamily& AddCounter(std::string_view name, std::string_view help,
                            std::vector<std::string> label_names = {});

  // Registers a gauge family and returns it; otherwise as AddCounter. Thread-safe.
  GaugeFamily& AddGauge(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names = {});

  // Registers a histogram family with the bucket upper bounds `bounds` (ascending; +Inf is always
  // a bucket and may be left out) and returns it; otherwise as AddCounter, registering again
  // needing the same bounds too. Also aborts on bounds CheckBucketBounds refuses and on a label
  // named "le". Thread-safe.
  HistogramFamily& AddHistogram(std::string_view name, std::string_view help,
                                std::vector<double> bounds,
                                std::vector<std::string> label_names = {});

  // Registers a gauge family whose samples `collect` returns at each Render. Aborts as AddCounter
  // does, and when the name is registered already at all: a collector cannot be compared, so a
  // second registration is never the same. Thread-safe.
  void AddCallbackGauge(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names, GaugeCollector collect);

  // The text exposition of every family in registration order: HELP and TYPE once per family,
  // then its samples in the lexicographic order of their label values (a family without samples
  // is left out). Collectors run without the registry's lock held. Thread-safe, also while other
  // threads update and register; a family registered during a Render may be missing from it.
  std::string Render() const;

 private:
  // The family registered for `spec` when it is a `F` with an equal spec and `reusable`;
  // otherwise a new one from make(spec), or Misuse when `spec` clashes with a family.
  template <class F, class Make>
  F& Add(FamilySpec spec, bool reusable, Make make);

  mutable std::mutex mu_;                          // guards families_ and names_
  std::vector<std::unique_ptr<Family>> families_;  // in registration order
  // Each name a family's samples use (a histogram's name, _bucket, _sum, _count) -> the family.
  std::map<std::string, Family*, std::less<>> names_;
};

}  // namespace scepgate::metrics

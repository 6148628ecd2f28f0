// Gauges: values that go up and down (connections open, the time of the last CRL).
#pragma once

#include <atomic>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "metrics/children.h"
#include "metrics/family.h"

namespace scepgate::metrics {

// One gauge: the child of a GaugeFamily for one list of label values. Thread-safe and lock-free
// (Inc and Dec are compare-and-swap loops on the double).
class alignas(64) Gauge {
 public:
  // Sets the value. Thread-safe.
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  // Adds `delta` (which may be negative). Thread-safe.
  void Inc(double delta = 1) { value_.fetch_add(delta, std::memory_order_relaxed); }
  // Subtracts `delta`. Thread-safe.
  void Dec(double delta = 1) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  // The value now. Thread-safe.
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A gauge family, made by Registry::AddGauge. Thread-safe.
class GaugeFamily final : public Family {
 public:
  explicit GaugeFamily(FamilySpec spec);

  // The gauge for `label_values`, made at 0 on first use; valid as long as the Registry. Aborts
  // (Misuse) when the number of values differs from the number of label names. Thread-safe;
  // takes a shared lock.
  Gauge& WithLabels(std::initializer_list<std::string_view> label_values = {}) {
    return WithLabels(std::span(label_values.begin(), label_values.size()));
  }
  Gauge& WithLabels(std::span<const std::string_view> label_values) {
    return children_.Get(label_values);
  }

  // WithLabels(label_values).Set(value). Thread-safe.
  void Set(std::initializer_list<std::string_view> label_values, double value) {
    WithLabels(label_values).Set(value);
  }

  void Render(std::string& out) const override;

 private:
  Children<Gauge> children_;
};

}  // namespace scepgate::metrics

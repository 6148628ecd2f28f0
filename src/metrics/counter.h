// Counters: counts that only go up (requests served, failures by failInfo).
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "metrics/children.h"
#include "metrics/family.h"

namespace scepgate::metrics {

// One counter: the child of a CounterFamily for one list of label values. Thread-safe and
// lock-free. Aligned to a cache line so that counters updated by different threads do not share
// one.
class alignas(64) Counter {
 public:
  // Adds `n`. Wraps around at 2^64 (years away at any real rate). Thread-safe, lock-free.
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  // The count now. Thread-safe.
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A counter family, made by Registry::AddCounter. Thread-safe.
class CounterFamily final : public Family {
 public:
  explicit CounterFamily(FamilySpec spec);

  // The counter for `label_values` (one per label name, in the order registered), made at 0 on
  // first use. The reference is valid as long as the Registry: hold it, and each Inc is a single
  // atomic add. Aborts (Misuse) when the number of values differs from the number of label
  // names. Thread-safe; takes a shared lock.
  Counter& WithLabels(std::initializer_list<std::string_view> label_values = {}) {
    return WithLabels(std::span(label_values.begin(), label_values.size()));
  }
  Counter& WithLabels(std::span<const std::string_view> label_values) {
    return children_.Get(label_values);
  }

  // WithLabels(label_values).Inc(n): for a counter updated rarely. Thread-safe.
  void Inc(std::initializer_list<std::string_view> label_values, uint64_t n = 1) {
    WithLabels(label_values).Inc(n);
  }

  void Render(std::string& out) const override;

 private:
  Children<Counter> children_;
};

}  // namespace scepgate::metrics

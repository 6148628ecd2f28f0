// Histograms: how observations (request durations, in seconds) fall into buckets with fixed upper
// bounds, rendered as cumulative <name>_bucket{le="..."} counts, <name>_sum and <name>_count.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "metrics/children.h"
#include "metrics/family.h"

namespace scepgate::metrics {

// Bucket bounds for durations in seconds, from 1 ms to 10 s.
inline std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// `bounds` without a last +Inf (every histogram has that bucket anyway). kInvalidArgument when a
// bound is NaN or infinite (but for a last +Inf) or the bounds do not strictly ascend.
// Thread-safe.
Result<std::vector<double>> CheckBucketBounds(std::vector<double> bounds);

// One histogram: the child of a HistogramFamily for one list of label values. Thread-safe and
// lock-free.
class Histogram {
 public:
  // `bounds`: ascending and finite (CheckBucketBounds); they must outlive this object.
  explicit Histogram(std::span<const double> bounds);

  // Counts `value` in the first bucket whose bound is >= it (the +Inf bucket for larger values
  // and for NaN) and adds it to the sum. Thread-safe: one atomic add and a compare-and-swap loop.
  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // observations <= each bound, then in all (+Inf)
    double sum = 0;
    uint64_t count = 0;  // equals cumulative.back()
  };
  // The counts and sum now. Even while other threads observe, the cumulative counts never
  // decrease along the buckets and count equals the +Inf bucket; only the sum may hold an
  // observation the counts do not yet have, or miss one they have. Thread-safe.
  Snapshot Read() const;

 private:
  const std::span<const double> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket, not cumulative; +Inf last
  std::atomic<double> sum_{0};
};

// A histogram family, made by Registry::AddHistogram. Thread-safe.
class HistogramFamily final : public Family {
 public:
  // `spec.bounds` as CheckBucketBounds returns them.
  explicit HistogramFamily(FamilySpec spec);

  // The histogram for `label_values`, made empty on first use; valid as long as the Registry.
  // Aborts (Misuse) when the number of values differs from the number of label names.
  // Thread-safe; takes a shared lock.
  Histogram& WithLabels(std::initializer_list<std::string_view> label_values = {}) {
    return WithLabels(std::span(label_values.begin(), label_values.size()));
  }
  Histogram& WithLabels(std::span<const std::string_view> label_values) {
    return children_.Get(label_values);
  }

  // WithLabels(label_values).Observe(value). Thread-safe.
  void Observe(std::initializer_list<std::string_view> label_values, double value) {
    WithLabels(label_values).Observe(value);
  }

  void Render(std::string& out) const override;

 private:
  const std::vector<std::string> le_;  // each bound as its le label value, then "+Inf"
  const std::string bucket_name_, sum_name_, count_name_;
  Children<Histogram> children_;
};

}  // namespace scepgate::metrics

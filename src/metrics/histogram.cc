#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "metrics/text_format.h"

namespace scepgate::metrics {
namespace {

std::vector<std::string> LeValues(std::span<const double> bounds) {
  std::vector<std::string> le;
  for (double b : bounds) le.push_back(FormatValue(b));
  le.push_back("+Inf");
  return le;
}

}  // namespace

Result<std::vector<double>> CheckBucketBounds(std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == INFINITY) bounds.pop_back();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]))
      return Fail(Error::InvalidArgument("bucket bound " + FormatValue(bounds[i]) +
                                         " is not a finite number"));
    if (i > 0 && bounds[i] <= bounds[i - 1])
      return Fail(Error::InvalidArgument("bucket bounds must ascend: " + FormatValue(bounds[i]) +
                                         " follows " + FormatValue(bounds[i - 1])));
  }
  return bounds;
}

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::Observe(double value) {
  // The first bound >= value; NaN compares false with every bound and lands past the end (+Inf).
  const auto bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.reserve(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

HistogramFamily::HistogramFamily(FamilySpec spec)
    : Family(std::move(spec)),
      le_(LeValues(this->spec().bounds)),
      bucket_name_(this->spec().name + "_bucket"),
      sum_name_(this->spec().name + "_sum"),
      count_name_(this->spec().name + "_count"),
      children_(this->spec(), [this] { return std::make_unique<Histogram>(this->spec().bounds); }) {
}

void HistogramFamily::Render(std::string& out) const {
  const auto& labels = spec().label_names;
  bool first = true;
  children_.ForEach([&](std::span<const std::string> values, const Histogram& histogram) {
    if (std::exchange(first, false))
      AppendHeader(out, spec().name, spec().help, TypeName(MetricType::kHistogram));
    const Histogram::Snapshot s = histogram.Read();
    for (size_t i = 0; i < s.cumulative.size(); ++i)
      AppendSample(out, bucket_name_, labels, values, FormatCount(s.cumulative[i]), le_[i]);
    AppendSample(out, sum_name_, labels, values, FormatValue(s.sum));
    AppendSample(out, count_name_, labels, values, FormatCount(s.count));
  });
}

}  // namespace scepgate::metrics

#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "metrics/registry.h"

namespace scepgate::metrics {
namespace {

TEST(HistogramTest, EachObservationCountsInTheFirstBucketWhoseBoundIsNotBelowIt) {
  const std::vector<double> bounds = {0.001, 0.1, 1, 10};
  Histogram h(bounds);
  // At a bound counts in that bound's bucket (le is "less than or equal").
  for (double v : {0.0, 0.001, 0.0010001, 0.1, 0.5, 1.0, 9.99, 10.0, 10.5, 1e9, -3.0}) h.Observe(v);
  const Histogram::Snapshot s = h.Read();
  // Per bucket: {0, 0.001, -3} {0.0010001, 0.1} {0.5, 1} {9.99, 10} {10.5, 1e9}.
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{3, 5, 7, 9, 11}));
  EXPECT_EQ(s.count, 11u);
  EXPECT_DOUBLE_EQ(s.sum, 0.001 + 0.0010001 + 0.1 + 0.5 + 1 + 9.99 + 10 + 10.5 + 1e9 - 3);
}

TEST(HistogramTest, StartsEmpty) {
  const std::vector<double> bounds = {1, 2};
  const Histogram::Snapshot s = Histogram(bounds).Read();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{0, 0, 0}));
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.sum, 0);
}

TEST(HistogramTest, NanAndInfinityGoToTheInfBucket) {
  const std::vector<double> bounds = {1};
  Histogram h(bounds);
  h.Observe(std::numeric_limits<double>::quiet_NaN());
  h.Observe(INFINITY);
  h.Observe(-INFINITY);  // below every bound
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(std::isnan(s.sum));
}

TEST(HistogramTest, WithoutBoundsThereIsOnlyTheInfBucket) {
  Histogram h(std::span<const double>{});
  h.Observe(5);
  h.Observe(7);
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2}));
  EXPECT_EQ(s.sum, 12);
}

TEST(CheckBucketBoundsTest, KeepsAscendingFiniteBoundsAndDropsALastInf) {
  EXPECT_EQ(*CheckBucketBounds({0.5, 1, 2}), (std::vector<double>{0.5, 1, 2}));
  EXPECT_EQ(*CheckBucketBounds({0.5, 1, INFINITY}), (std::vector<double>{0.5, 1}));
  EXPECT_EQ(*CheckBucketBounds({-1, 0, 1}), (std::vector<double>{-1, 0, 1}));
  EXPECT_TRUE(CheckBucketBounds({})->empty());
  EXPECT_TRUE(CheckBucketBounds({INFINITY})->empty());
  EXPECT_EQ(*CheckBucketBounds(LatencyBuckets()), LatencyBuckets());
}

TEST(CheckBucketBoundsTest, RefusesBoundsOutOfOrderRepeatedOrNotFinite) {
  for (const std::vector<double>& bad :
       std::vector<std::vector<double>>{{1, 0.5},
                                        {1, 1},
                                        {std::numeric_limits<double>::quiet_NaN()},
                                        {0.5, std::numeric_limits<double>::quiet_NaN(), 2},
                                        {-INFINITY, 1},
                                        {1, INFINITY, INFINITY}}) {
    auto checked = CheckBucketBounds(bad);
    ASSERT_FALSE(checked) << bad.size();
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(HistogramFamilyTest, RendersCumulativeBucketsSumAndCountPerLabelValues) {
  Registry registry;
  auto& h = registry.AddHistogram("h_seconds", "Durations.", {0.25, 0.5, INFINITY}, {"op"});
  h.Observe({"b"}, 0.5);
  h.Observe({"a"}, 0.125);
  h.Observe({"a"}, 0.75);
  h.Observe({"a"}, 0.25);
  EXPECT_EQ(registry.Render(),
            "# HELP h_seconds Durations.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{op=\"a\",le=\"0.25\"} 2\n"
            "h_seconds_bucket{op=\"a\",le=\"0.5\"} 2\n"
            "h_seconds_bucket{op=\"a\",le=\"+Inf\"} 3\n"
            "h_seconds_sum{op=\"a\"} 1.125\n"
            "h_seconds_count{op=\"a\"} 3\n"
            "h_seconds_bucket{op=\"b\",le=\"0.25\"} 0\n"
            "h_seconds_bucket{op=\"b\",le=\"0.5\"} 1\n"
            "h_seconds_bucket{op=\"b\",le=\"+Inf\"} 1\n"
            "h_seconds_sum{op=\"b\"} 0.5\n"
            "h_seconds_count{op=\"b\"} 1\n");
}

TEST(HistogramFamilyTest, AnUnlabelledHistogramRendersEmptyBucketsFromTheStart) {
  Registry registry;
  registry.AddHistogram("h_seconds", "Durations.", {1});
  EXPECT_EQ(registry.Render(),
            "# HELP h_seconds Durations.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\n"
            "h_seconds_bucket{le=\"+Inf\"} 0\n"
            "h_seconds_sum 0\n"
            "h_seconds_count 0\n");
}

}  // namespace
}  // namespace scepgate::metrics

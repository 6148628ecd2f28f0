// Eight threads update shared counters, a gauge and a histogram (through held children, through
// label lookups, and by making new children) while another thread renders in a loop: every render
// is consistent and the totals are exact. scripts/tsan.sh runs this under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "metrics/registry.h"

namespace scepgate::metrics {
namespace {

constexpr int kThreads = 8;
constexpr int kIterations = 100'000;

// The value of the sample line that starts with `prefix` (name and labels), or -1.
double SampleValue(std::string_view text, std::string_view prefix) {
  const std::string needle = "\n" + std::string(prefix) + " ";
  const size_t at = text.find(needle);
  if (at == std::string_view::npos) return -1;
  const size_t start = at + needle.size();
  double value = 0;
  std::from_chars(text.data() + start, text.data() + text.find('\n', start), value);
  return value;
}

// Checks what promtool would: the histogram's buckets never decrease and the +Inf one is _count.
void ExpectHistogramConsistent(std::string_view text) {
  double previous = 0;
  for (const char* le : {"0.25", "0.5", "0.75", "+Inf"}) {
    const double bucket = SampleValue(text, "work_seconds_bucket{le=\"" + std::string(le) + "\"}");
    ASSERT_GE(bucket, previous) << le;
    previous = bucket;
  }
  ASSERT_EQ(previous, SampleValue(text, "work_seconds_count"));
}

TEST(ConcurrencyTest, TotalsAreExactWhileAnotherThreadRenders) {
  Registry registry;
  auto& requests = registry.AddCounter("requests_total", "Requests.", {"path"});
  auto& made = registry.AddCounter("made_total", "One child per thread.", {"thread"});
  auto& in_flight = registry.AddGauge("in_flight", "In flight.");
  auto& work = registry.AddHistogram("work_seconds", "Work.", {0.25, 0.5, 0.75});
  std::atomic<int> collected{0};
  registry.AddCallbackGauge("collected", "Collector calls.", {}, [&collected] {
    return std::vector<GaugeSample>{{{}, static_cast<double>(++collected)}};
  });

  std::atomic<bool> done{false};
  int renders = 0;
  std::thread renderer([&] {
    while (!done.load()) {
      const std::string text = registry.Render();
      ExpectHistogramConsistent(text);
      ++renders;
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      Counter& held = requests.WithLabels({"/held"});
      Histogram& histogram = work.WithLabels();
      Gauge& gauge = in_flight.WithLabels();
      const std::string mine = std::to_string(t);
      for (int i = 0; i < kIterations; ++i) {
        gauge.Inc();
        held.Inc();
        requests.Inc({"/looked-up"}, 2);
        made.Inc({mine});
        // 0.125, 0.375, 0.625, 0.875 in turn: one per bucket below +Inf, exact in binary.
        histogram.Observe(0.125 + 0.25 * (i % 4));
        gauge.Dec(0.5);
      }
    });
  }
  for (auto& w : workers) w.join();
  done = true;
  renderer.join();

  EXPECT_GT(renders, 0);
  constexpr uint64_t kTotal = uint64_t{kThreads} * kIterations;
  EXPECT_EQ(requests.WithLabels({"/held"}).Value(), kTotal);
  EXPECT_EQ(requests.WithLabels({"/looked-up"}).Value(), 2 * kTotal);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(made.WithLabels({std::to_string(t)}).Value(), uint64_t{kIterations});
  EXPECT_EQ(in_flight.WithLabels().Value(), kTotal / 2.0);
  const Histogram::Snapshot s = work.WithLabels().Read();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{kTotal / 4, kTotal / 2, 3 * kTotal / 4, kTotal}));
  EXPECT_EQ(s.count, kTotal);
  EXPECT_EQ(s.sum, kTotal / 2.0);  // 0.5 on average

  const std::string text = registry.Render();
  ExpectHistogramConsistent(text);
  EXPECT_EQ(SampleValue(text, "requests_total{path=\"/held\"}"), kTotal);
  EXPECT_EQ(SampleValue(text, "requests_total{path=\"/looked-up\"}"), 2 * kTotal);
  EXPECT_EQ(SampleValue(text, "work_seconds_count"), kTotal);
  EXPECT_EQ(SampleValue(text, "work_seconds_sum"), kTotal / 2.0);
  EXPECT_EQ(SampleValue(text, "collected"), renders + 1);
}

TEST(ConcurrencyTest, ThreadsRegisteringTheSameFamiliesGetOneEach) {
  Registry registry;
  std::vector<CounterFamily*> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        auto& family = registry.AddCounter("shared_total", "Shared.", {"k"});
        registry.AddGauge("g" + std::to_string(t) + "_" + std::to_string(i), "G.");
        family.Inc({std::to_string(i % 10)});
        seen[t] = &family;
        if (i % 10 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (CounterFamily* f : seen) EXPECT_EQ(f, seen[0]);
  uint64_t total = 0;
  for (int k = 0; k < 10; ++k) total += seen[0]->WithLabels({std::to_string(k)}).Value();
  EXPECT_EQ(total, uint64_t{kThreads} * 100);
}

}  // namespace
}  // namespace scepgate::metrics

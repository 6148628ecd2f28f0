#include "common/periodic.h"

#include <gtest/gtest.h>

#include <atomic>

namespace scepgate {
namespace {

using std::chrono::milliseconds;

TEST(PeriodicThreadTest, RunsAtOnceAndAgainAfterTheInterval) {
  std::atomic<int> ticks{0};
  {
    PeriodicThread thread(milliseconds(5), [&] { ++ticks; });
    for (int i = 0; i < 2000 && ticks < 3; ++i) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_GE(ticks.load(), 3);
}

TEST(PeriodicThreadTest, DestructionDoesNotWaitForTheInterval) {
  std::atomic<int> ticks{0};
  auto start = std::chrono::steady_clock::now();
  {
    PeriodicThread thread(std::chrono::hours(1), [&] { ++ticks; });
    for (int i = 0; i < 2000 && ticks < 1; ++i) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(ticks.load(), 1);
  // An hour's interval: stopping must have woken the thread rather than waited it out.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::minutes(5));
}

}  // namespace
}  // namespace scepgate

// InOrder and SpareThread: what runs where, and that Both() returns only after both steps.
#include "common/overlap.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace scepgate {
namespace {

using std::chrono::seconds;

TEST(InOrderTest, RunsTheSideStepFirstOnTheCallersThread) {
  InOrder in_order;
  std::vector<std::string> steps;
  std::thread::id side_thread;
  in_order.Both(
      [&] {
        steps.push_back("side");
        side_thread = std::this_thread::get_id();
      },
      [&] { steps.push_back("main"); });
  EXPECT_EQ(steps, (std::vector<std::string>{"side", "main"}));
  EXPECT_EQ(side_thread, std::this_thread::get_id());
}

TEST(SpareThreadTest, RunsBothStepsAtTheSameTimeOnTwoThreads) {
  SpareThread spare;
  if (!spare.overlaps()) GTEST_SKIP() << "one core: nothing is handed off";
  // Each step waits for the other to have started: run one after the other, they would time out.
  std::promise<void> side_started;
  std::promise<void> main_started;
  bool side_saw_main = false;
  bool main_saw_side = false;
  std::thread::id side_thread;
  spare.Both(
      [&] {
        side_thread = std::this_thread::get_id();
        side_started.set_value();
        side_saw_main =
            main_started.get_future().wait_for(seconds(10)) == std::future_status::ready;
      },
      [&] {
        main_started.set_value();
        main_saw_side =
            side_started.get_future().wait_for(seconds(10)) == std::future_status::ready;
      });
  EXPECT_TRUE(side_saw_main);
  EXPECT_TRUE(main_saw_side);
  EXPECT_NE(side_thread, std::this_thread::get_id());
  EXPECT_EQ(spare.handed_off(), 1u);
}

TEST(SpareThreadTest, ReturnsOnlyOnceTheSideStepHasFinished) {
  SpareThread spare;
  if (!spare.overlaps()) GTEST_SKIP() << "one core: nothing is handed off";
  for (int i = 0; i < 200; ++i) {
    std::atomic<bool> side_done = false;
    spare.Both(
        [&] {
          std::this_thread::sleep_for(std::chrono::microseconds(i % 7 == 0 ? 500 : 0));
          side_done = true;
        },
        [] {});
    ASSERT_TRUE(side_done) << "call " << i;
  }
  EXPECT_EQ(spare.handed_off(), 200u);
}

TEST(SpareThreadTest, ABusySpareThreadLeavesBothStepsToTheCaller) {
  SpareThread spare;
  if (!spare.overlaps()) GTEST_SKIP() << "one core: nothing is handed off";
  std::promise<void> first_holds_it;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::thread first([&] {
    spare.Both(
        [&] {
          first_holds_it.set_value();
          released.wait();
        },
        [] {});
  });
  first_holds_it.get_future().wait();
  std::thread::id side_thread;
  std::vector<std::string> steps;
  spare.Both(
      [&] {
        side_thread = std::this_thread::get_id();
        steps.push_back("side");
      },
      [&] { steps.push_back("main"); });
  EXPECT_EQ(side_thread, std::this_thread::get_id()) << "ran on the caller, not queued";
  EXPECT_EQ(steps, (std::vector<std::string>{"side", "main"}));
  release_first.set_value();
  first.join();
  EXPECT_EQ(spare.handed_off(), 1u);
}

TEST(SpareThreadTest, AnExceptionFromEitherStepReachesTheCallerAndTheThreadGoesOn) {
  SpareThread spare;
  if (!spare.overlaps()) GTEST_SKIP() << "one core: nothing is handed off";
  bool main_ran = false;
  EXPECT_THROW(spare.Both([] { throw std::runtime_error("side"); }, [&] { main_ran = true; }),
               std::runtime_error);
  EXPECT_TRUE(main_ran);
  bool side_ran = false;
  EXPECT_THROW(spare.Both([&] { side_ran = true; }, [] { throw std::logic_error("main"); }),
               std::logic_error);
  EXPECT_TRUE(side_ran);
  int ok = 0;
  spare.Both([&] { ++ok; }, [&] { ++ok; });
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(spare.handed_off(), 3u);
}

TEST(SpareThreadTest, OnOneCoreTheCallerRunsBothSteps) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  {
    SpareThread spare;  // created while this thread may use one core only
    EXPECT_FALSE(spare.overlaps());
    std::thread::id side_thread;
    spare.Both([&] { side_thread = std::this_thread::get_id(); }, [] {});
    EXPECT_EQ(side_thread, std::this_thread::get_id());
    EXPECT_EQ(spare.handed_off(), 0u);
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
}

TEST(SpareThreadTest, ManyCallersAtOnceEachGetBothStepsRunOnce) {
  SpareThread spare;
  std::atomic<int> sides = 0;
  std::atomic<int> mains = 0;
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t)
    callers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) spare.Both([&] { ++sides; }, [&] { ++mains; });
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(sides.load(), 2000);
  EXPECT_EQ(mains.load(), 2000);
  if (spare.overlaps()) {
    EXPECT_GT(spare.handed_off(), 0u);
  }
  EXPECT_LE(spare.handed_off(), 2000u);
}

}  // namespace
}  // namespace scepgate

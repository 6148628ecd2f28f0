// ReloadableHandler: requests follow the current target; a replaced one lives until its last
// request is answered, and is then destroyed by the reaper.
#include "http/reloadable.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

namespace scepgate::http {
namespace {

using namespace std::chrono_literals;

// Answers with its name; when `gate` is set, each request waits for it to open first.
class Named final : public Handler {
 public:
  Named(std::string name, std::atomic<bool>& destroyed, std::shared_future<void> gate = {})
      : name_(std::move(name)), destroyed_(destroyed), gate_(std::move(gate)) {}
  ~Named() override { destroyed_ = true; }
  Response Handle(const Request&) override {
    ++started;
    if (gate_.valid()) gate_.wait();
    Response r;
    r.body = name_;
    return r;
  }
  std::atomic<int> started{0};

 private:
  std::string name_;
  std::atomic<bool>& destroyed_;
  std::shared_future<void> gate_;
};

// Waits up to 5 s for `flag`.
bool Eventually(const std::atomic<bool>& flag) {
  for (int i = 0; i < 500 && !flag; ++i) std::this_thread::sleep_for(10ms);
  return flag;
}

TEST(ReloadableHandlerTest, NewRequestsGoToTheReplacement) {
  std::atomic<bool> first_gone = false, second_gone = false;
  ReloadableHandler handler(std::make_shared<Named>("first", first_gone));
  EXPECT_EQ(handler.Handle({}).body, "first");
  handler.Replace(std::make_shared<Named>("second", second_gone));
  EXPECT_EQ(handler.Handle({}).body, "second");
  EXPECT_TRUE(Eventually(first_gone));
  EXPECT_FALSE(second_gone);
  EXPECT_EQ(handler.retiring(), 0u);
}

TEST(ReloadableHandlerTest, AReplacedTargetLivesUntilItsRequestIsAnswered) {
  std::atomic<bool> old_gone = false, new_gone = false;
  std::promise<void> open;
  auto old = std::make_shared<Named>("old", old_gone, open.get_future().share());
  Named* old_raw = old.get();
  ReloadableHandler handler(std::move(old));
  auto in_flight = std::async(std::launch::async, [&] { return handler.Handle({}).body; });
  while (old_raw->started == 0) std::this_thread::sleep_for(1ms);
  handler.Replace(std::make_shared<Named>("new", new_gone));
  EXPECT_EQ(handler.Handle({}).body, "new");  // not held up by the old target's request
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(old_gone) << "destroyed under a request";
  EXPECT_EQ(handler.retiring(), 1u);
  open.set_value();
  EXPECT_EQ(in_flight.get(), "old");
  EXPECT_TRUE(Eventually(old_gone));
  EXPECT_FALSE(new_gone);
}

TEST(ReloadableHandlerTest, DestructionTakesEveryTargetWithIt) {
  std::atomic<bool> a_gone = false, b_gone = false, c_gone = false;
  {
    ReloadableHandler handler(std::make_shared<Named>("a", a_gone));
    handler.Replace(std::make_shared<Named>("b", b_gone));
    handler.Replace(std::make_shared<Named>("c", c_gone));
    EXPECT_EQ(handler.Handle({}).body, "c");
  }
  EXPECT_TRUE(a_gone);
  EXPECT_TRUE(b_gone);
  EXPECT_TRUE(c_gone);
}

}  // namespace
}  // namespace scepgate::http

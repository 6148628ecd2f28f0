// Waiting as an interface, so unit tests run retry and polling loops without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

namespace scepgate::agent {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `seconds`. Returns false when a stop was asked for before or during the wait.
  virtual bool Sleep(int64_t seconds) = 0;
};

// Sleeps for real in short steps, ending early once `stop` becomes true (set from a signal
// handler). Thread-safe.
class RealSleeper final : public Sleeper {
 public:
  explicit RealSleeper(const std::atomic<bool>& stop) : stop_(stop) {}
  bool Sleep(int64_t seconds) override {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!stop_.load()) {
      auto now = std::chrono::steady_clock::now();
      if (now >= until) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - now, std::chrono::milliseconds(50)));
    }
    return false;
  }

 private:
  const std::atomic<bool>& stop_;
};

// Records what it was asked to wait and returns at once. Not thread-safe.
class FakeSleeper final : public Sleeper {
 public:
  bool Sleep(int64_t seconds) override {
    waits.push_back(seconds);
    return !stop_after || waits.size() < *stop_after;
  }
  std::vector<int64_t> waits;
  std::optional<size_t> stop_after;  // report a stop on this many-th wait
};

}  // namespace scepgate::agent

// A background thread that runs one task at once and then at a fixed interval until destroyed:
// the CRL refresher, the issuer registry watch of `scepgate serve`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace scepgate {

class PeriodicThread {
 public:
  // Starts the thread; `tick` runs on it first at once, then `interval` after each run ends.
  // `tick` must not throw. Thread-safe.
  PeriodicThread(std::chrono::milliseconds interval, std::function<void()> tick);
  // Stops the thread; waits for a running tick to return.
  ~PeriodicThread();
  // Runs the next tick now rather than at the end of the interval (once the running one, if
  // any, returns). Thread-safe.
  void Wake();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  void Loop();

  const std::chrono::milliseconds interval_;
  const std::function<void()> tick_;
  std::mutex mu_;  // guards stop_ and woken_
  std::condition_variable cv_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace scepgate

// Two independent steps of one request at the same time, when a core is spare. An enrollment
// signs its reply while its record is written; with one request in flight the second core would
// otherwise sit idle for both. Under load every core is busy anyway and the steps run in turn.
#pragma once

#include <sched.h>

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace scepgate {

class Overlap {
 public:
  virtual ~Overlap() = default;
  // Runs `side` and `main` and returns once both have returned. `main` runs on the caller's
  // thread; `side` may run on another one at the same time, so the two must share nothing that
  // is not thread-safe. An exception from `side` is rethrown here after `main` has finished.
  virtual void Both(const std::function<void()>& side, const std::function<void()>& main) = 0;
};

// Runs `side`, then `main`, on the caller's thread (unit tests; the default).
class InOrder final : public Overlap {
 public:
  void Both(const std::function<void()>& side, const std::function<void()>& main) override {
    side();
    main();
  }
};

// One spare thread. Both() hands `side` to it when it is idle; when another request is using
// it, or the process may run on one core only, the caller runs both steps itself, so a busy
// server never queues behind the spare thread.
class SpareThread final : public Overlap {
 public:
  SpareThread();
  // Joins the thread; a step it is running finishes first.
  ~SpareThread() override;
  SpareThread(const SpareThread&) = delete;
  SpareThread& operator=(const SpareThread&) = delete;

  void Both(const std::function<void()>& side, const std::function<void()>& main) override;

  // How many Both() calls ran `side` on the spare thread (for tests and the bench).
  uint64_t handed_off() const;
  // False when the process may run on one core only: every Both() then runs on the caller.
  bool overlaps() const { return !one_core_; }

 private:
  void Loop();
  // Keeps the spare thread off the caller's core. Woken from a core, Linux tends to run the
  // woken thread on that same core (wake-affine), where the two steps would take turns.
  void AvoidCoreLocked(int cpu);

  cpu_set_t allowed_{};    // the cores this process may run on; set by the constructor
  bool one_core_ = false;  // set by the constructor: nothing to overlap on
  mutable std::mutex mu_;  // guards every member below but thread_
  int avoided_cpu_ = -1;   // the core the spare thread is kept off now
  std::condition_variable wake_;
  std::condition_variable finished_;
  const std::function<void()>* task_ = nullptr;  // set while a caller owns the thread
  bool done_ = false;                            // the task has returned
  std::exception_ptr error_;
  bool stop_ = false;
  uint64_t handed_off_ = 0;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace scepgate

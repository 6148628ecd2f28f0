#include "common/overlap.h"

namespace scepgate {
namespace {

// Runs `step`; returns what it threw, null when nothing.
std::exception_ptr Capture(const std::function<void()>& step) {
  try {
    step();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

}  // namespace

SpareThread::SpareThread() : thread_([this] { Loop(); }) {
  if (sched_getaffinity(0, sizeof allowed_, &allowed_) != 0) CPU_ZERO(&allowed_);
  one_core_ = CPU_COUNT(&allowed_) == 1;
}

void SpareThread::AvoidCoreLocked(int cpu) {
  if (cpu < 0 || cpu == avoided_cpu_ || !CPU_ISSET(cpu, &allowed_)) return;
  cpu_set_t others = allowed_;
  CPU_CLR(cpu, &others);
  if (CPU_COUNT(&others) == 0) return;  // one core: nothing to gain
  // A failure only loses the hint; the step still runs.
  if (pthread_setaffinity_np(thread_.native_handle(), sizeof others, &others) == 0)
    avoided_cpu_ = cpu;
}

SpareThread::~SpareThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SpareThread::Both(const std::function<void()>& side, const std::function<void()>& main) {
  {
    std::unique_lock lock(mu_);
    if (task_ != nullptr || stop_ || one_core_) {
      lock.unlock();
      side();
      main();
      return;
    }
    AvoidCoreLocked(sched_getcpu());
    task_ = &side;
    done_ = false;
    error_ = nullptr;
    ++handed_off_;
  }
  wake_.notify_one();
  std::exception_ptr main_error = Capture(main);
  std::unique_lock lock(mu_);
  finished_.wait(lock, [this] { return done_; });
  task_ = nullptr;  // the thread is free for the next caller
  std::exception_ptr side_error = std::exchange(error_, nullptr);
  lock.unlock();
  if (main_error) std::rethrow_exception(main_error);
  if (side_error) std::rethrow_exception(side_error);
}

uint64_t SpareThread::handed_off() const {
  std::lock_guard lock(mu_);
  return handed_off_;
}

void SpareThread::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || (task_ != nullptr && !done_); });
    if (stop_) return;
    const std::function<void()>& task = *task_;
    lock.unlock();
    std::exception_ptr error = Capture(task);
    lock.lock();
    error_ = error;
    done_ = true;
    finished_.notify_all();
  }
}

}  // namespace scepgate

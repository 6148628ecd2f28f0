#include "common/periodic.h"

namespace scepgate {

PeriodicThread::PeriodicThread(std::chrono::milliseconds interval, std::function<void()> tick)
    : interval_(interval), tick_(std::move(tick)), thread_([this] { Loop(); }) {}

PeriodicThread::~PeriodicThread() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PeriodicThread::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PeriodicThread::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    woken_ = false;
    lock.unlock();
    tick_();
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_ || woken_; });
  }
}

}  // namespace scepgate

#include "http/reloadable.h"

#include <chrono>
#include <utility>

namespace scepgate::http {

ReloadableHandler::ReloadableHandler(std::shared_ptr<Handler> target)
    : target_(std::move(target)), reaper_([this] { Reap(); }) {}

ReloadableHandler::~ReloadableHandler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  reaper_.join();
}

std::shared_ptr<Handler> ReloadableHandler::Current() const {
  std::lock_guard lock(mu_);
  return target_;
}

Admission ReloadableHandler::Admit(const Request& head, size_t fallback) {
  return Current()->Admit(head, fallback);
}

Response ReloadableHandler::Handle(const Request& request) { return Current()->Handle(request); }

void ReloadableHandler::Replace(std::shared_ptr<Handler> next) {
  {
    std::lock_guard lock(mu_);
    retired_.push_back(std::exchange(target_, std::move(next)));
  }
  cv_.notify_all();
}

size_t ReloadableHandler::retiring() const {
  std::lock_guard lock(mu_);
  return retired_.size();
}

void ReloadableHandler::Reap() {
  using namespace std::chrono_literals;
  std::unique_lock lock(mu_);
  while (!stop_) {
    // A retired target held only here has no request left: no new one can reach it.
    std::vector<std::shared_ptr<Handler>> idle;
    std::vector<std::shared_ptr<Handler>> busy;
    for (std::shared_ptr<Handler>& t : retired_)
      (t.use_count() == 1 ? idle : busy).push_back(std::move(t));
    retired_ = std::move(busy);
    if (!idle.empty()) {
      lock.unlock();
      idle.clear();  // destroyed outside the lock: a target may take a while to stop its threads
      lock.lock();
      continue;
    }
    if (retired_.empty())
      cv_.wait(lock, [this] { return stop_ || !retired_.empty(); });
    else
      cv_.wait_for(lock, 20ms, [this] { return stop_; });
  }
}

}  // namespace scepgate::http

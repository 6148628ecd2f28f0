// A handler whose target is replaced while requests are served (`scepgate serve` on SIGHUP): a
// request runs to its end on the target that was current when it arrived; a replaced target is
// destroyed on a thread of its own once its last request is answered.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/handler.h"

namespace scepgate::http {

// Thread-safe.
class ReloadableHandler final : public Handler {
 public:
  explicit ReloadableHandler(std::shared_ptr<Handler> target);
  // Destroys every target, waiting for none: stop the server first.
  ~ReloadableHandler() override;
  ReloadableHandler(const ReloadableHandler&) = delete;
  ReloadableHandler& operator=(const ReloadableHandler&) = delete;

  Admission Admit(const Request& head, size_t fallback) override;
  Response Handle(const Request& request) override;

  // Sends the requests that arrive from now on to `next`. The previous target is destroyed once
  // the requests it is answering are done.
  void Replace(std::shared_ptr<Handler> next);
  // Replaced targets not destroyed yet.
  size_t retiring() const;

 private:
  void Reap();
  std::shared_ptr<Handler> Current() const;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Handler> target_;                // guarded by mu_
  std::vector<std::shared_ptr<Handler>> retired_;  // guarded by mu_
  bool stop_ = false;                              // guarded by mu_
  std::thread reaper_;
};

}  // namespace scepgate::http

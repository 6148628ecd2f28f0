// Sends the requests under one path prefix to one handler and every other request to another:
// how `scepgate serve` puts the REST API (/api/v1/...) beside the gateway's own URLs.
#pragma once

#include <string>
#include <utility>

#include "http/handler.h"

namespace scepgate::http {

// Thread-safe when both handlers are.
class PrefixMux final : public Handler {
 public:
  // `prefix` without a trailing slash ("/api/v1"): it and every path under it go to `matched`.
  PrefixMux(std::string prefix, Handler& matched, Handler& fallback)
      : prefix_(std::move(prefix)), matched_(matched), fallback_(fallback) {}

  Admission Admit(const Request& head, size_t fallback) override {
    return Under(head.path) ? matched_.Admit(head, fallback) : fallback_.Admit(head, fallback);
  }
  Response Handle(const Request& request) override {
    return Under(request.path) ? matched_.Handle(request) : fallback_.Handle(request);
  }

 private:
  bool Under(const std::string& p) const {
    return p.starts_with(prefix_) && (p.size() == prefix_.size() || p[prefix_.size()] == '/');
  }

  std::string prefix_;
  Handler& matched_;
  Handler& fallback_;
};

}  // namespace scepgate::http

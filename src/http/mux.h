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

  Response Handle(const Request& request) override {
    const std::string& p = request.path;
    bool under = p.starts_with(prefix_) && (p.size() == prefix_.size() || p[prefix_.size()] == '/');
    return under ? matched_.Handle(request) : fallback_.Handle(request);
  }

 private:
  std::string prefix_;
  Handler& matched_;
  Handler& fallback_;
};

}  // namespace scepgate::http

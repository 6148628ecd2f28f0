// An HTTP/1.1 server on Boost.Beast with explicit limits: request lines longer than
// max_request_line get 414, bodies larger than max_body get 413; replies carry Content-Length.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/error.h"
#include "http/handler.h"

namespace scepgate::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  int threads = 1;
  size_t max_request_line = 65536;
  size_t max_body = 2 * 1024 * 1024;
  int read_timeout_seconds = 30;
};

// Thread-safe: Run() blocks on `threads` workers; Stop() may be called from any thread.
class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns kIo when the address cannot be bound.
  Status Listen();
  // The bound port (after Listen).
  uint16_t port() const;
  // Serves until Stop() (or SIGINT/SIGTERM when handle_signals is true). With handle_signals,
  // each SIGHUP calls `on_hangup` (when set) on one of the worker threads.
  void Run(bool handle_signals, std::function<void()> on_hangup = {});
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace scepgate::http

// An HTTP/1.1 server on Boost.Beast, built to face the internet: the head of each request is read
// and checked (http/request_head.h) before any body, the handler admits it and sets the body limit
// per route, connections are capped in total and per address, running out of file descriptors
// slows accepting instead of spinning, and an exception from a handler costs only its connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/ip_networks.h"
#include "http/handler.h"
#include "http/tls_options.h"

namespace scepgate::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  int threads = 1;
  size_t max_request_line = 65536;           // longer: 414
  size_t max_header_bytes = 16384;           // header fields together: 431
  size_t max_body = 1024 * 1024;             // the body limit a handler's Admit starts from
  size_t max_connections = 1024;             // open at once; 0: only the file-descriptor limit
  size_t max_connections_per_address = 128;  // from one remote address; 0: no cap
  int read_timeout_seconds = 30;             // to receive one whole request (and between requests)
  // Peers whose X-Forwarded-For names the client (http/forwarded.h); exempt from the per-address
  // cap, since every connection through a proxy comes from the proxy.
  IpNetworks trusted_proxies;
  // Set: the listener speaks TLS only (http/tls_context.h); requests carry the client certificate
  // the handshake verified, if any (Request::client_cert).
  std::optional<TlsOptions> tls;
};

// Thread-safe: Run() blocks on `threads` workers; Stop() may be called from any thread.
class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns kIo when the address cannot be bound, and what
  // MakeServerTlsContext returns for TLS files that cannot be used.
  Status Listen();
  // Reads the TLS files again (a renewed certificate): connections accepted from now on use
  // them, open ones keep theirs. Returns what MakeServerTlsContext returns, the old files staying
  // in use; kFailedPrecondition when the listener has no TLS.
  Status ReloadTls();
  // The bound port (after Listen).
  uint16_t port() const;
  // The connection cap in force: max_connections, lowered to fit the process's file-descriptor
  // limit (after Listen).
  size_t connection_cap() const;
  // Serves until Stop() (or SIGINT/SIGTERM when handle_signals is true). With handle_signals,
  // each SIGHUP calls `on_hangup` (when set) on one of the worker threads. An exception that
  // escapes a completion handler is logged and the worker goes on serving.
  void Run(bool handle_signals, std::function<void()> on_hangup = {});
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raises the soft limit on open files to the hard limit, so the connection cap can be as large as
// the system allows. Returns the soft limit in force afterwards.
uint64_t RaiseFileLimit();

}  // namespace scepgate::http

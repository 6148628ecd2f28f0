#include "http/server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "http/connection_limits.h"
#include "http/forwarded.h"
#include "http/request_head.h"
#include "http/tls_context.h"

namespace scepgate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Every X-Forwarded-For field of the request, joined with "," (RFC 9110 5.3).
std::string ForwardedFor(const Request& request) {
  std::string joined;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  return joined;
}

constexpr size_t kFdReserve = 64;  // descriptors kept for the store, CA files and logs
constexpr size_t kMinConnectionCap = 16;

// Logs a warning at most once per interval, saying how many were held back meanwhile.
// Thread-safe.
class Throttled {
 public:
  explicit Throttled(std::chrono::seconds interval) : interval_(interval) {}
  void Warn(const std::string& what) {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (logged_once_ && now - last_ < interval_) {
      ++held_;
      return;
    }
    if (held_ > 0)
      spdlog::warn("{} ({} more like it since the last such line)", what, held_);
    else
      spdlog::warn("{}", what);
    held_ = 0;
    last_ = now;
    logged_once_ = true;
  }

 private:
  std::mutex mu_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point last_;  // guarded by mu_
  bool logged_once_ = false;                    // guarded by mu_
  size_t held_ = 0;                             // guarded by mu_
};

// The response text an exception in a handler turns into.
Response InternalError() { return Response{500, "text/plain", "internal error\n", {}}; }

// One connection: (on TLS, a handshake, then) read a request's head, admit it, read its body,
// answer, repeat while keep-alive. Every callback runs on the connection's strand. `Stream` is
// beast::tcp_stream or TlsStream.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... TlsContext>
  Session(tcp::socket socket, ConnectionSlot slot, std::string remote, const ServerOptions& options,
          Handler& handler, TlsContext&... tls)
      : stream_(std::move(socket), tls...),
        slot_(std::move(slot)),
        remote_(std::move(remote)),
        options_(options),
        handler_(handler),
        limits_{options.max_request_line, options.max_header_bytes} {}

  // `tls` (TLS only) is kept alive with the connection: ReloadTls may replace the listener's.
  void Start(std::shared_ptr<asio::ssl::context> tls = nullptr) {
    tls_ = std::move(tls);
    if constexpr (kTls) {
      Tcp().expires_after(std::chrono::seconds(options_.read_timeout_seconds));
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return self->HandshakeFailed(ec);
            self->client_cert_ = VerifiedPeerCertificate(self->stream_.native_handle());
            self->ReadNext();
          });
    } else {
      ReadNext();
    }
  }

 private:
  // More than any head HeadTooLarge lets through, so a read always has room.
  size_t HeadCap() const { return limits_.max_request_line + limits_.max_header_bytes + 8; }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void HandshakeFailed(const beast::error_code& ec) {
    spdlog::debug("remote={} TLS handshake failed: {}", remote_, ec.message());
    ShutdownSocket();
  }

  void ReadNext() {
    scanned_ = 0;
    Tcp().expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    ReadHead();
  }

  // Reads until the head is complete or too large; what follows the head stays in buffer_.
  void ReadHead() {
    std::string_view data(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
    if (auto end = FindHeadEnd(data.substr(from))) return OnHead(from + *end);
    scanned_ = data.size();
    if (auto too_large = HeadTooLarge(data, limits_))
      return Reject(too_large->status, too_large->reason);
    size_t room = std::min<size_t>(16384, HeadCap() - data.size());
    stream_.async_read_some(buffer_.prepare(room),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->Close();  // EOF, reset or timeout mid-head
                              self->ReadHead();
                            });
  }

  void OnHead(size_t head_size) {
    parser_.emplace();
    std::string_view raw(static_cast<const char*>(buffer_.data().data()), head_size);
    auto head = ParseHead(*parser_, raw, limits_);
    buffer_.consume(head_size);
    if (!head) return Reject(head.error().status, head.error().reason);
    head_ = std::move(*head);
    head_.request.remote_addr =
        ClientAddress(options_.trusted_proxies, remote_, ForwardedFor(head_.request));
    head_.request.client_cert = client_cert_;

    Admission admission;
    try {
      admission = handler_.Admit(head_.request, options_.max_body);
    } catch (...) {
      LogException("admitting a request");
      return Write(InternalError(), false);
    }
    if (admission.refusal) {
      spdlog::info("remote={} method={} path={} http_status={} reason=\"refused before the body\"",
                   remote_, head_.request.method, head_.request.path, admission.refusal->status);
      return Write(std::move(*admission.refusal), false);
    }
    if (head_.content_length && *head_.content_length > admission.max_body)
      return Reject(413, "request body too large");
    parser_->body_limit(admission.max_body);
    if (parser_->is_done()) return OnRequest();
    if (Expects100Continue()) return SendContinue();
    ReadBody();
  }

  bool Expects100Continue() const {
    if (head_.request.method == "GET") return false;
    std::string expect = HeaderValue(head_.request, "expect");
    return expect.size() == 12 && strncasecmp(expect.c_str(), "100-continue", 12) == 0;
  }

  void SendContinue() {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->Close();
                        self->ReadBody();
                      });
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec == bhttp::error::body_limit)
                          return self->Reject(413, "request body too large");
                        if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
                            ec == bhttp::error::partial_message || ec == asio::error::eof ||
                            ec == asio::error::connection_reset ||
                            ec == asio::ssl::error::stream_truncated)
                          return self->Close();
                        if (ec) return self->Reject(400, "malformed body: " + ec.message());
                        self->OnRequest();
                      });
  }

  void OnRequest() {
    Request r = std::move(head_.request);
    r.body = std::move(parser_->get().body());
    bool keep_alive = head_.keep_alive;
    parser_.reset();
    Response resp;
    try {
      resp = handler_.Handle(r);
    } catch (...) {
      LogException("answering " + r.method + " " + r.path.substr(0, 256));
      resp = InternalError();
      keep_alive = false;
    }
    Write(std::move(resp), keep_alive);
  }

  static void LogException(const std::string& what) {
    try {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("handler threw while {}: {}", what, e.what());
    } catch (...) {
      spdlog::error("handler threw while {}: an exception of unknown type", what);
    }
  }

  void Reject(int status, const std::string& reason) {
    spdlog::info("remote={} http_status={} reason=\"{}\"", remote_, status, reason);
    Write(Response{status, "text/plain", reason + "\n", {}}, false);
  }

  void Write(Response resp, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(resp.status));
    res->set(bhttp::field::server, "scepgate");
    if (!resp.content_type.empty()) res->set(bhttp::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res->set(k, v);
    res->body() = std::move(resp.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    bhttp::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          if (!keep_alive) return self->Linger();
          self->ReadNext();
        });
  }

  // Ends the connection: on TLS with a close_notify first (waiting a little for the peer's).
  void Close() {
    if constexpr (kTls) {
      if (closing_) return;
      closing_ = true;
      Tcp().expires_after(std::chrono::seconds(kLingerSeconds));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->ShutdownSocket(); });
    } else {
      ShutdownSocket();
    }
  }

  void ShutdownSocket() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Closes after a final answer the client may still be sending to (a 413 read from the headers
  // alone): half-closes, then reads and drops what arrives until the client closes, a cap or a
  // short timeout. Closing with unread data makes the kernel send a reset, which can discard the
  // answer before the client reads it.
  // On TLS too the TCP half-close comes without a close_notify first: the peer, still sending,
  // must not be answered with a reset, and what it sends is decrypted and dropped.
  void Linger() {
    ShutdownSocket();
    lingered_ = 0;
    Tcp().expires_after(std::chrono::seconds(kLingerSeconds));
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerMaxBytes)
                                return;  // the socket closes with us
                              self->DrainSome();
                            });
  }

  static constexpr int kLingerSeconds = 5;
  static constexpr std::size_t kLingerMaxBytes = 16 * 1024 * 1024;

  Stream stream_;
  ConnectionSlot slot_;  // the connection's place under the caps, given back with the session
  std::string remote_;
  const ServerOptions& options_;
  Handler& handler_;
  HeadLimits limits_;
  beast::flat_buffer buffer_;
  size_t scanned_ = 0;  // bytes of buffer_ already searched for the end of the head
  std::optional<RequestParser> parser_;
  Head head_;
  std::array<char, 16384> drain_{};  // what Linger reads and drops
  std::size_t lingered_ = 0;
  std::shared_ptr<asio::ssl::context> tls_;  // the context stream_ was made with (TLS only)
  std::string client_cert_;  // DER of the client certificate the handshake verified, or ""
  bool closing_ = false;     // TLS: the close_notify exchange has begun
};

// True for accept errors that mean the process or system is out of descriptors or memory.
bool OutOfResources(const beast::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory || ec.value() == ENFILE;
}

}  // namespace

uint64_t RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? UINT64_MAX : lim.rlim_cur;
}

struct Server::Impl {
  Impl(ServerOptions o, Handler& h)
      : options(std::move(o)),
        handler(h),
        limits(std::make_unique<ConnectionLimits>(0, 0)),
        accept_strand(asio::make_strand(io)),
        acceptor(accept_strand),
        pause(accept_strand) {}
  ~Impl() {
    if (spare_fd >= 0) ::close(spare_fd);
  }

  // The cap that fits the file-descriptor limit.
  void SetCap() {
    rlimit lim{};
    size_t by_fds = SIZE_MAX;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
      by_fds = std::max(kMinConnectionCap,
                        lim.rlim_cur > kFdReserve ? lim.rlim_cur - kFdReserve : size_t{0});
    cap = options.max_connections == 0 ? by_fds : std::min(options.max_connections, by_fds);
    limits = std::make_unique<ConnectionLimits>(cap, options.max_connections_per_address);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) return OnAcceptError(ec);
      OnAccepted(std::move(socket));
      Accept();
    });
  }

  void OnAccepted(tcp::socket socket) {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return;  // the peer is gone already
    std::string remote = ep.address().to_string();
    // Answers go out at once: with Nagle's algorithm, the second TLS record of an answer waits
    // for the client's delayed ACK of the first (40 ms).
    socket.set_option(tcp::no_delay(true), ec);
    auto slot = limits->Admit(remote, !options.trusted_proxies.Contains(remote));
    if (!slot) {
      busy.Warn("connection limit reached (" + std::to_string(limits->open()) + " open, " +
                std::to_string(limits->open_from(remote)) + " from " + remote +
                "): refusing new connections");
      TurnAway(socket, /*answer=*/TlsContext() == nullptr);
      return;
    }
    if (auto ctx = TlsContext()) {
      std::make_shared<Session<TlsStream>>(std::move(socket), std::move(*slot), std::move(remote),
                                           options, handler, *ctx)
          ->Start(ctx);
      return;
    }
    std::make_shared<Session<beast::tcp_stream>>(std::move(socket), std::move(*slot),
                                                 std::move(remote), options, handler)
        ->Start();
  }

  std::shared_ptr<asio::ssl::context> TlsContext() {
    std::lock_guard lock(tls_mu);
    return tls;
  }

  // A best-effort 503 to a connection over the caps (when `answer`: plain HTTP, where it can be
  // read without a handshake), then close. Never blocks.
  static void TurnAway(tcp::socket& socket, bool answer) {
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
        "Connection: close\r\n\r\n";
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (!ec && answer) socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  // Out of descriptors: drop the connection at the head of the queue with the descriptor kept
  // spare for this (so it does not wait there until it times out), then wait before accepting
  // again instead of retrying at once. Other errors concern one connection: accept the next.
  void OnAcceptError(const beast::error_code& ec) {
    accept_errors.Warn("accept failed: " + ec.message());
    if (!OutOfResources(ec)) return Accept();
    ShedOne();
    pause.expires_after(std::chrono::milliseconds(100));
    pause.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      Accept();
    });
  }

  void ShedOne() {
    if (spare_fd >= 0) {
      ::close(spare_fd);
      spare_fd = -1;
    }
    int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) ::close(fd);
    spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  }

  // Runs the io_context on this thread until it stops; an exception that escapes a completion
  // handler is logged (its connection is gone with the handler) and serving goes on.
  void RunWorker() {
    for (;;) {
      try {
        io.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("a connection ended on an exception: {}", e.what());
      } catch (...) {
        spdlog::error("a connection ended on an exception of unknown type");
      }
    }
  }

  ServerOptions options;
  Handler& handler;
  // Before io: the sessions that io destroys with their pending handlers give their slots back.
  std::unique_ptr<ConnectionLimits> limits;
  asio::io_context io;
  // The acceptor, its pause timer and their handlers run on one strand: an accept completing on
  // one worker thread never touches the acceptor while Stop() closes it on another.
  asio::strand<asio::io_context::executor_type> accept_strand;
  tcp::acceptor acceptor;
  asio::steady_timer pause;  // between accepts while out of descriptors
  size_t cap = 0;
  int spare_fd = -1;  // closed to make room to shed a connection when out of descriptors
  std::mutex tls_mu;
  std::shared_ptr<asio::ssl::context> tls;  // guarded by tls_mu; null: plain HTTP
  Throttled accept_errors{std::chrono::seconds(10)};
  Throttled busy{std::chrono::seconds(10)};
};

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() = default;

Status Server::Listen() {
  if (impl_->options.tls) {
    SG_ASSIGN_OR_RETURN(auto ctx, MakeServerTlsContext(*impl_->options.tls));
    std::lock_guard lock(impl_->tls_mu);
    impl_->tls = std::move(ctx);
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Fail(Error::InvalidArgument("bad listen address '" + impl_->options.host + "'"));
  tcp::endpoint ep(addr, impl_->options.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Fail(Error::Io("cannot listen on " + impl_->options.host + ":" +
                          std::to_string(impl_->options.port) + ": " + ec.message()));
  impl_->SetCap();
  impl_->spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return {};
}

Status Server::ReloadTls() {
  if (!impl_->options.tls)
    return Fail(Error::FailedPrecondition("this listener does not speak TLS"));
  SG_ASSIGN_OR_RETURN(auto ctx, MakeServerTlsContext(*impl_->options.tls));
  std::lock_guard lock(impl_->tls_mu);
  impl_->tls = std::move(ctx);
  return {};
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t Server::connection_cap() const { return impl_->cap; }

void Server::Run(bool handle_signals, std::function<void()> on_hangup) {
  std::optional<asio::signal_set> signals;
  std::optional<asio::signal_set> hangups;
  std::function<void()> wait_hangup;
  if (handle_signals) {
    signals.emplace(impl_->io, SIGINT, SIGTERM);
    signals->async_wait([this](beast::error_code, int sig) {
      spdlog::info("signal {} received, stopping", sig);
      Stop();
    });
  }
  if (handle_signals && on_hangup) {
    hangups.emplace(impl_->io, SIGHUP);
    wait_hangup = [&] {
      hangups->async_wait([&](beast::error_code ec, int) {
        if (ec) return;  // cancelled: the server is stopping
        on_hangup();
        wait_hangup();
      });
    };
    wait_hangup();
  }
  impl_->Accept();
  int n = std::max(1, impl_->options.threads);
  std::vector<std::thread> workers;
  for (int i = 1; i < n; ++i) workers.emplace_back([this] { impl_->RunWorker(); });
  impl_->RunWorker();
  for (auto& t : workers) t.join();
}

void Server::Stop() {
  asio::post(impl_->accept_strand, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->pause.cancel();
    impl_->io.stop();
  });
}

}  // namespace scepgate::http

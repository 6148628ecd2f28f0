#include "http/server.h"

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <cctype>
#include <optional>
#include <thread>
#include <vector>

namespace scepgate::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerOptions& options, Handler& handler)
      : stream_(std::move(socket)), options_(options), handler_(handler) {}

  void Start() {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
    ReadNext();
  }

 private:
  void ReadNext() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_request_line + 8192));
    parser_->body_limit(options_.max_body);
    stream_.expires_after(std::chrono::seconds(options_.read_timeout_seconds));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) return Reject(414, "request line or headers too long\n");
    if (ec == bhttp::error::body_limit) return Reject(413, "request body too large\n");
    if (ec) return Close();  // EOF, timeout, malformed HTTP: nothing useful to answer
    auto& req = parser_->get();
    if (req.target().size() > options_.max_request_line)
      return Reject(414, "request line too long\n");
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    std::tie(r.path, r.query) = SplitTarget(r.target);
    r.body = std::move(req.body());
    r.remote_addr = remote_;
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    Response resp;
    try {
      resp = handler_.Handle(r);
    } catch (const std::exception& e) {
      spdlog::error("handler threw: {}", e.what());
      resp = Response{500, "text/plain", "internal error\n", {}};
    }
    Write(std::move(resp), req.keep_alive());
  }

  void Reject(int status, std::string text) {
    spdlog::info("remote={} http_status={} reason=\"{}\"", remote_, status,
                 text.substr(0, text.size() - 1));
    Write(Response{status, "text/plain", std::move(text), {}}, false);
  }

  void Write(Response resp, bool keep_alive) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(resp.status));
    res->set(bhttp::field::server, "scepgate");
    res->set(bhttp::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) res->set(k, v);
    res->body() = std::move(resp.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    bhttp::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          if (!keep_alive) return self->Linger();
          self->ReadNext();
        });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // Closes after a final answer the client may still be sending to (a 413 read from the headers
  // alone): half-closes, then reads and drops what arrives until the client closes, a cap or a
  // short timeout. Closing with unread data makes the kernel send a reset, which can discard the
  // answer before the client reads it.
  void Linger() {
    Close();
    lingered_ = 0;
    stream_.expires_after(std::chrono::seconds(kLingerSeconds));
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerMaxBytes)
                                return;  // the socket closes with us
                              self->DrainSome();
                            });
  }

  static constexpr int kLingerSeconds = 5;
  static constexpr std::size_t kLingerMaxBytes = 64 * 1024 * 1024;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  const ServerOptions& options_;
  Handler& handler_;
  std::string remote_;
  std::array<char, 16384> drain_{};  // what Linger reads and drops
  std::size_t lingered_ = 0;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Handler& h) : options(std::move(o)), handler(h), acceptor(io) {}

  void Accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted) return;
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        std::make_shared<Session>(std::move(socket), options, handler)->Start();
      }
      Accept();
    });
  }

  ServerOptions options;
  Handler& handler;
  asio::io_context io;
  tcp::acceptor acceptor;
};

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() = default;

Status Server::Listen() {
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
  return {};
}

uint16_t Server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

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
  for (int i = 1; i < n; ++i) workers.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : workers) t.join();
}

void Server::Stop() {
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->io.stop();
  });
}

}  // namespace scepgate::http

#include "client/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <optional>

namespace scepgate::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

Result<Url> ParseUrl(std::string_view text) {
  Url u;
  if (text.starts_with("https://")) {
    u.tls = true;
    u.port = 443;
    text.remove_prefix(8);
  } else if (text.starts_with("http://")) {
    text.remove_prefix(7);
  } else {
    return Fail(Error::InvalidArgument("URL must start with http:// or https://"));
  }
  size_t slash = text.find('/');
  std::string_view hostport = text.substr(0, slash);
  u.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
  if (auto q = u.path.find('?'); q != std::string::npos) u.path.resize(q);
  std::string_view port_text;
  bool has_port = false;
  if (hostport.starts_with('[')) {  // [v6]:port
    size_t close = hostport.find(']');
    if (close == std::string_view::npos)
      return Fail(Error::InvalidArgument("bad IPv6 host in URL"));
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return Fail(Error::InvalidArgument("bad host in URL"));
    if (!rest.empty()) port_text = rest.substr(1), has_port = true;
    hostport = hostport.substr(1, close - 1);
  } else if (size_t colon = hostport.rfind(':'); colon != std::string_view::npos) {
    port_text = hostport.substr(colon + 1);
    has_port = true;
    hostport = hostport.substr(0, colon);
  }
  if (has_port) {
    int port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port <= 0 || port > 65535)
      return Fail(Error::InvalidArgument("bad port in URL"));
    u.port = static_cast<uint16_t>(port);
  }
  if (hostport.empty()) return Fail(Error::InvalidArgument("URL has no host"));
  u.host = std::string(hostport);
  return u;
}

namespace {

class BeastHttpClient final : public HttpClient {
 public:
  explicit BeastHttpClient(int timeout) : timeout_(timeout) {}

  Result<HttpReply> Get(const Url& url, const std::string& target) override {
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    return Send(url, req);
  }

  Result<HttpReply> Post(const Url& url, const std::string& target, const std::string& body,
                         const std::string& content_type) override {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    return Send(url, req);
  }

  Result<HttpReply> Send(const Url& url, const HttpRequest& request) override {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.method_string(request.method);
    req.target(request.target);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.content_type.empty()) req.set(bhttp::field::content_type, request.content_type);
    req.body() = request.body;
    req.prepare_payload();
    return Send(url, req);
  }

 private:
  Result<HttpReply> Send(const Url& url, bhttp::request<bhttp::string_body>& req) {
    if (url.tls)
      return Fail(Error::InvalidArgument("https://" + url.host +
                                         ": this client speaks plain HTTP only (use the TLS one)"));
    req.set(bhttp::field::host, url.host + ":" + std::to_string(url.port));
    req.set(bhttp::field::user_agent, "scepgate-client");
    req.keep_alive(true);
    // A kept-alive connection may have been closed by the server: retry once on a fresh one.
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused =
          stream_.has_value() && connected_to_ == url.host + ":" + std::to_string(url.port);
      if (!reused) {
        if (auto st = Connect(url); !st) return Fail(st.error());
      }
      auto reply = Exchange(req);
      if (reply) return reply;
      stream_.reset();
      if (!reused) return reply;
    }
    return Fail(Error::Io("connection failed"));
  }

  Status Connect(const Url& url) {
    stream_.reset();
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) return Fail(Error::Io("cannot resolve " + url.host + ": " + ec.message()));
    stream_.emplace(io_);
    stream_->expires_after(std::chrono::seconds(timeout_));
    stream_->connect(results, ec);
    if (ec) {
      stream_.reset();
      return Fail(Error::Io("cannot connect to " + url.host + ":" + std::to_string(url.port) +
                            ": " + ec.message()));
    }
    connected_to_ = url.host + ":" + std::to_string(url.port);
    return {};
  }

  Result<HttpReply> Exchange(bhttp::request<bhttp::string_body>& req) {
    beast::error_code ec;
    stream_->expires_after(std::chrono::seconds(timeout_));
    bhttp::write(*stream_, req, ec);
    if (ec) return Fail(Error::Io("write failed: " + ec.message()));
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(*stream_, buffer_, parser, ec);
    if (ec) return Fail(Error::Io("read failed: " + ec.message()));
    auto& res = parser.get();
    HttpReply out;
    out.status = static_cast<int>(res.result_int());
    out.content_type = std::string(res[bhttp::field::content_type]);
    out.body = std::move(res.body());
    for (const auto& field : res)
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (!res.keep_alive()) stream_.reset();
    return out;
  }

  int timeout_;
  asio::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string connected_to_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeHttpClient(int timeout_seconds) {
  return std::make_unique<BeastHttpClient>(timeout_seconds);
}

}  // namespace scepgate::client

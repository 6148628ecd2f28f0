#include "webhook_receiver.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <cctype>

namespace scepgate::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

WebhookReceiver::WebhookReceiver()
    : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      thread_([this] { Serve(); }) {}

WebhookReceiver::~WebhookReceiver() {
  // Closing a socket does not wake a thread blocked in accept(); shutting it down does.
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  thread_.join();
  boost::system::error_code ec;
  acceptor_.close(ec);
}

std::string WebhookReceiver::Url() const {
  return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hook";
}

void WebhookReceiver::SetStatus(int status) {
  std::lock_guard lock(mu_);
  status_ = status;
}

void WebhookReceiver::SetReply(int status, std::string body, std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  status_ = status;
  body_ = std::move(body);
  delay_ = delay;
}

std::vector<ReceivedHook> WebhookReceiver::Received() {
  std::lock_guard lock(mu_);
  return received_;
}

bool WebhookReceiver::WaitFor(const std::function<bool(const std::vector<ReceivedHook>&)>& done,
                              std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return done(received_); });
}

void WebhookReceiver::Serve() {
  while (true) {
    boost::system::error_code ec;
    tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec) return;  // closed
    Handle(std::move(socket));
  }
}

void WebhookReceiver::Handle(tcp::socket socket) {
  boost::beast::flat_buffer buffer;
  boost::system::error_code ec;
  while (true) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    ReceivedHook hook;
    hook.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      hook.headers[name] = std::string(field.value());
    }
    hook.body = req.body();
    int status = 0;
    std::string body;
    std::chrono::milliseconds delay{0};
    {
      std::lock_guard lock(mu_);
      status = status_;
      body = body_;
      delay = delay_;
      received_.push_back(std::move(hook));
    }
    cv_.notify_all();
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    http::response<http::string_body> res(static_cast<http::status>(status), req.version());
    res.body() = std::move(body);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !req.keep_alive()) return;
  }
}

}  // namespace scepgate::testing

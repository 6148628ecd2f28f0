// A real HTTP endpoint on 127.0.0.1 for webhook tests: records every request it gets and answers
// with the status the test sets. One thread accepting connections; stopped when destroyed.
#pragma once

#include <utility>  // before Asio: its awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace scepgate::testing {

struct ReceivedHook {
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Thread-safe: the records and the status are guarded by mu_.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string Url() const;
  void SetStatus(int status);
  // Answers with `status` and `body`, after `delay` (to outlast a client's timeout).
  void SetReply(int status, std::string body,
                std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  std::vector<ReceivedHook> Received();
  // Waits (at most `timeout`) until `done(received)` holds; returns whether it did.
  bool WaitFor(const std::function<bool(const std::vector<ReceivedHook>&)>& done,
               std::chrono::milliseconds timeout);

 private:
  void Serve();
  void Handle(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedHook> received_;  // guarded by mu_
  int status_ = 200;                    // guarded by mu_
  std::string body_ = "ok";             // guarded by mu_
  std::chrono::milliseconds delay_{0};  // guarded by mu_
  std::thread thread_;
};

}  // namespace scepgate::testing

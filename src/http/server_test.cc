// The server against hostile bytes over real sockets: each attack gets its status (or is turned
// away) and the server answers a normal request afterwards.
#include "http/server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/test_socket.h"

namespace scepgate::http {
namespace {

using testing::StatusOf;
using testing::TestSocket;

// Echoes the body's size; throws for /throw and /throw-other; admits bodies up to `limit` and
// refuses /locked before its body.
class TestHandler final : public Handler {
 public:
  Admission Admit(const Request& head, size_t fallback) override {
    if (head.path == "/admit-throws") throw std::runtime_error("admit failed");
    if (head.path == "/locked") return {0, Response{401, "text/plain", "locked\n", {}}};
    return {limit == 0 ? fallback : limit, {}};
  }
  Response Handle(const Request& request) override {
    ++handled;
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/throw-other") throw 42;  // NOLINT: what a careless library might do
    return Response{200, "text/plain", "got " + std::to_string(request.body.size()) + "\n", {}};
  }
  size_t limit = 0;
  std::atomic<int> handled{0};
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<Server>(options, handler_);
    ASSERT_TRUE(server_->Listen());
    thread_ = std::thread([this] { server_->Run(false); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // Sends `bytes` on a new connection and returns the whole answer (the server closes).
  std::string Exchange(std::string_view bytes) {
    TestSocket s(server_->port());
    EXPECT_TRUE(s.ok());
    s.Send(bytes);
    return s.ReadAll();
  }
  // A normal request still gets its 200.
  void ExpectServing() {
    std::string r = Exchange("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusOf(r), 200) << r;
  }

  TestHandler handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, AHeaderValueOf64KiBGets431AndTheServerLives) {
  Start();
  std::string r =
      Exchange("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(65536, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 431) << r.substr(0, 200);
  ExpectServing();
}

TEST_F(ServerTest, AHugeHeadThatNeverEndsGets431) {
  Start();
  TestSocket s(server_->port());
  s.Send("GET /ok HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i < 64; ++i)
    if (!s.Send("X-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n")) break;
  EXPECT_EQ(StatusOf(s.ReadHead()), 431);
  ExpectServing();
}

TEST_F(ServerTest, TooManyFieldsGet431) {
  Start();
  std::string head = "GET /ok HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 150; ++i) head += "A" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(StatusOf(Exchange(head + "\r\n")), 431);
}

TEST_F(ServerTest, ALongRequestLineGets414) {
  ServerOptions o;
  o.max_request_line = 4096;
  Start(o);
  EXPECT_EQ(StatusOf(Exchange("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n\r\n")), 414);
  // One that never ends is cut off at the limit too.
  TestSocket s(server_->port());
  s.Send("GET /" + std::string(30000, 'a'));
  EXPECT_EQ(StatusOf(s.ReadHead()), 414);
  ExpectServing();
}

TEST_F(ServerTest, FramingThatAProxyMightReadOtherwiseIsRefused) {
  Start();
  const std::string body = "0123456789";
  struct Case {
    std::string head;
    int want;
  };
  std::vector<Case> cases = {
      {"POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: 10\r\n\r\n",
       400},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n", 501},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST /ok HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n", 400},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nContent-Length: 10\r\n\r\n", 400},
      {"POST /ok HTTP/1.1\r\nHost: x\nContent-Length: 10\r\n\r\n", 400},
      {"POST /ok HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\nContent-Length: 10\r\n\r\n", 400},
      {"POST /ok HTTP/2.0\r\nHost: x\r\nContent-Length: 10\r\n\r\n", 505},
  };
  cases[8].head = std::string("POST /ok HTTP/1.1\r\nHost: x\r\nX-Nul: a") + '\0' +
                  "b\r\nContent-Length: 10\r\n\r\n";
  for (const auto& c : cases) {
    std::string r = Exchange(c.head + body);
    EXPECT_EQ(StatusOf(r), c.want) << c.head << "\n=> " << r;
  }
  EXPECT_EQ(handler_.handled, 0);
  ExpectServing();
}

TEST_F(ServerTest, ChunkedBodiesAreReadAndCappedByTheRoute) {
  handler_.limit = 16;
  Start();
  std::string ok = Exchange(
      "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(ok), 200) << ok;
  EXPECT_NE(ok.find("got 10"), std::string::npos);
  std::string big = Exchange(
      "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(big), 413) << big;
  std::string declared = Exchange("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n");
  EXPECT_EQ(StatusOf(declared), 413);
  ExpectServing();
}

TEST_F(ServerTest, ARefusedHeadIsAnsweredWithoutWaitingForItsBody) {
  Start();
  TestSocket s(server_->port());
  // Announces 100 MiB and sends none of it: the answer must come from the head alone.
  s.Send("POST /locked HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n");
  std::string r = s.ReadHead(std::chrono::seconds(2));
  EXPECT_EQ(StatusOf(r), 401) << r;
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, ExpectContinueIsAnsweredOnceAdmitted) {
  Start();
  TestSocket s(server_->port());
  s.Send(
      "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(s.ReadHead()), 100);
  s.Send("abcd");
  std::string r = s.ReadAll();
  EXPECT_NE(r.find("got 4"), std::string::npos) << r;
}

TEST_F(ServerTest, AnExceptionFromAHandlerIs500AndTheServerKeepsServing) {
  Start();
  for (const char* path : {"/throw", "/throw-other", "/admit-throws"}) {
    std::string r = Exchange(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(r), 500) << path << " => " << r;
  }
  ExpectServing();
}

// A connection from `source` that the server has admitted: it answered a request on it and
// keeps it open.
std::unique_ptr<TestSocket> Admitted(uint16_t port, const char* source) {
  auto s = std::make_unique<TestSocket>(port, source);
  EXPECT_TRUE(s->ok());
  s->Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string r = s->ReadHead();
  EXPECT_EQ(StatusOf(r), 200) << r;
  return s;
}

// True when the server closes a new connection from `source` without serving it.
bool TurnedAway(uint16_t port, const char* source) {
  TestSocket s(port, source);
  s.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  std::string r = s.ReadAll(std::chrono::seconds(3), &closed);
  return closed && (r.empty() || StatusOf(r) == 503);
}

TEST_F(ServerTest, ConnectionsAreCappedPerAddressAndInTotal) {
  ServerOptions o;
  o.max_connections = 6;
  o.max_connections_per_address = 3;
  Start(o);
  std::vector<std::unique_ptr<TestSocket>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Admitted(server_->port(), "127.0.0.2"));
  EXPECT_TRUE(TurnedAway(server_->port(), "127.0.0.2"));
  ExpectServing();  // another address is not held back

  for (int i = 0; i < 3; ++i) held.push_back(Admitted(server_->port(), "127.0.0.3"));
  EXPECT_TRUE(TurnedAway(server_->port(), "127.0.0.4"));  // a 7th: over the total
  held.clear();                                           // their places come back
  for (int i = 0; i < 50; ++i) {
    TestSocket s(server_->port(), "127.0.0.4");
    s.Send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    if (StatusOf(s.ReadAll()) == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "the server did not serve again once the connections closed";
}

// Captures what the server logs, for the length of a test.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  size_t Count(std::string_view needle) {
    spdlog::default_logger()->flush();
    std::string all = text_.str();
    size_t n = 0;
    for (size_t at = all.find(needle); at != std::string::npos; at = all.find(needle, at + 1)) ++n;
    return n;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream text_;
};

TEST_F(ServerTest, OutOfDescriptorsTheServerShedsConnectionsInsteadOfSpinning) {
  LogCapture log;
  ServerOptions o;
  o.max_connections = 0;  // the descriptor limit alone, as the server sees it now
  Start(o);
  ExpectServing();
  // Let that connection's session end, so no descriptor frees up under the test.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // The clients' sockets first: connecting them takes no descriptor, so once the process is out
  // of them only the server's accept needs one.
  constexpr int kClients = 10;
  std::vector<std::unique_ptr<TestSocket>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(std::make_unique<TestSocket>(server_->port(), "127.0.0.1", false));
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  int probe = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(probe, 0);
  ::close(probe);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(probe + 64);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) fillers.push_back(fd);
  ASSERT_EQ(errno, EMFILE);

  int turned_away = 0;
  for (auto& c : clients) ASSERT_TRUE(c->ok() && c->Connect());
  for (auto& c : clients) {
    bool closed = false;
    c->ReadAll(std::chrono::seconds(5), &closed);
    turned_away += closed ? 1 : 0;
  }
  size_t warnings = log.Count("accept failed");

  clients.clear();
  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);

  EXPECT_EQ(turned_away, kClients) << "each client is closed at once, not left to time out";
  EXPECT_GE(warnings, 1u);
  EXPECT_LE(warnings, 2u) << "accept errors are logged at most once per interval";
  ExpectServing();
}

}  // namespace
}  // namespace scepgate::http

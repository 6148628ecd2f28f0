// The denial-of-service findings against a real `scepgate serve`, over real sockets: each attack
// gets its HTTP answer (or is turned away), nothing bloats the database or the log, and the
// gateway still enrolls afterwards.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "codec/pki_message.h"
#include "gateway_fixture.h"
#include "http/test_socket.h"

namespace scepgate::testing {
namespace {

namespace fs = std::filesystem;
using http::testing::StatusOf;
using http::testing::TestSocket;

constexpr char kChallenge[] = "right-challenge";

// Lines of `text` that contain `needle`.
size_t CountLines(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Opens `n` connections to `port`, from the `sources` in turn, waits for the server to take them,
// and returns how many it closed at once (turned away); the rest stay open in `held`.
int Flood(uint16_t port, int n, const std::vector<const char*>& sources,
          std::vector<std::unique_ptr<TestSocket>>& held) {
  for (int i = 0; i < n; ++i)
    held.push_back(std::make_unique<TestSocket>(port, sources[i % sources.size()]));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int turned_away = 0;
  for (auto& s : held) {
    bool closed = false;
    s->ReadAll(std::chrono::milliseconds(20), &closed);
    turned_away += closed ? 1 : 0;
  }
  return turned_away;
}

// Bytes the data dir's database takes (with its WAL).
uintmax_t DatabaseBytes(const fs::path& dir) {
  uintmax_t total = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with("scepgate.db")) total += e.file_size();
  return total;
}

class HardeningHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // The admin listener in plain HTTP, so that raw bytes reach the REST API as they reach SCEP.
    auto s = ServerProcess::Start(
        {{"--challenge", kChallenge},
         {{"server.max_connections_per_address", "16"}, {"admin.tls", "false"}}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  static void TearDownTestSuite() { server_.reset(); }
  void TearDown() override { ExpectEnrolls(server_->Url(), kChallenge); }

  // Sends `bytes` on a new connection from `source` and returns the answer.
  static std::string Exchange(std::string_view bytes, const char* source = "127.0.0.1") {
    return ExchangeWith(server_->port(), bytes, source);
  }
  // The same with the admin listener.
  static std::string AdminExchange(std::string_view bytes) {
    return ExchangeWith(server_->admin_port(), bytes, "127.0.0.1");
  }
  static std::string ExchangeWith(uint16_t port, std::string_view bytes, const char* source) {
    TestSocket s(port, source);
    EXPECT_TRUE(s.ok());
    s.Send(bytes);
    return s.ReadHead(std::chrono::seconds(5));
  }

  // A PKCSReq for a fresh identity with the given transactionID.
  static std::string MessageWithTransactionId(GatewayClient& gw, const std::string& tid) {
    Identity id = NewIdentity();
    client::CsrOptions csr;
    csr.challenge = kChallenge;
    auto req = client::MakeCsr(*id.key, csr);
    client::MessageOptions m;
    m.transaction_id = tid;
    auto msg = client::BuildMessage(gw.ca(), *CsrToDer(**req), *id.signer, *id.key, m);
    EXPECT_TRUE(msg) << msg.error().message;
    return msg ? AsString(msg->der) : std::string();
  }

  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<ServerProcess> HardeningHttpTest::server_;

TEST_F(HardeningHttpTest, AHeaderValueOf64KiBGets431InsteadOfKillingTheProcess) {
  std::string r = Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(65536, 'a') +
                           "\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 431) << r.substr(0, 200);
}

TEST_F(HardeningHttpTest, SmugglingShapedFramingIsRefused) {
  EXPECT_EQ(StatusOf(Exchange("POST /scep HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n"
                              "Content-Length: 4\r\n\r\nabcd")),
            400);
  EXPECT_EQ(
      StatusOf(Exchange("POST /scep HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")),
      400);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n")),
            400);
}

TEST_F(HardeningHttpTest, BodiesAreRefusedFromTheHeadBeforeTheyAreRead) {
  // 2 MiB announced, none sent: the answers come from the heads alone.
  EXPECT_EQ(
      StatusOf(AdminExchange("POST /api/v1/devices HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n")),
      401);
  EXPECT_EQ(StatusOf(Exchange("POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: x\r\n"
                              "Content-Length: 2097152\r\n\r\n")),
            413);
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")),
            413);
}

TEST_F(HardeningHttpTest, AJsonBodyNestedAHundredThousandDeepGets400) {
  std::string out;
  ASSERT_EQ(server_->Cli({"token", "create", "--role", "operator", "--name", "deep"}, &out), 0);
  std::string token = out.substr(0, out.find('\n'));
  std::string body = R"({"id":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::string r = AdminExchange(
      "POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_EQ(StatusOf(r), 400) << r;
}

TEST_F(HardeningHttpTest, ALongTransactionIdIsRefusedAndBloatsNeitherDatabaseNorLog) {
  GatewayClient gw(server_->Url());
  const fs::path& dir = server_->dir();
  uintmax_t db_before = DatabaseBytes(dir);
  size_t log_before = server_->Log().size();
  const std::string tid(100 * 1024, 'A');
  for (int i = 0; i < 5; ++i) {
    std::string reply;
    EXPECT_EQ(gw.PostRaw(MessageWithTransactionId(gw, tid), &reply), 400);
    EXPECT_NE(reply.find("transactionID"), std::string::npos) << reply;
  }
  // 500 KB of transactionIDs sent: what stays is five short records and log lines (the store
  // grows by whole pages, a few per record).
  EXPECT_LT(DatabaseBytes(dir) - db_before, 400u * 1024);
  EXPECT_LT(server_->Log().size() - log_before, 8u * 1024);
  std::string out;
  ASSERT_EQ(server_->Cli({"requests", "list", "--json", "--state", "failed", "--limit", "5"}, &out),
            0);
  auto records = nlohmann::json::parse(out);
  ASSERT_EQ(records.size(), 5u);
  for (const auto& r : records) {
    EXPECT_LE(r["transaction_id"].get<std::string>().size(), 200u);
    EXPECT_TRUE(r["reason"].get<std::string>().starts_with("TransactionIdTooLong")) << r.dump();
  }
}

TEST_F(HardeningHttpTest, ANewlineInATransactionIdCannotForgeALogLine) {
  GatewayClient gw(server_->Url());
  const std::string forged = "abc\n2026-12-01T00:00:00.000Z info FORGED-LINE";
  EXPECT_EQ(gw.PostRaw(MessageWithTransactionId(gw, forged)), 400);
  std::string log = server_->Log();
  EXPECT_EQ(log.find("\n2026-12-01T00:00:00.000Z info FORGED-LINE"), std::string::npos);
  EXPECT_NE(log.find("abc\\x0a2026-12-01"), std::string::npos);
}

TEST_F(HardeningHttpTest, AConnectionFloodFromOneAddressLeavesOthersServed) {
  size_t log_before = server_->Log().size();
  std::vector<std::unique_ptr<TestSocket>> flood;
  EXPECT_GE(Flood(server_->port(), 100, {"127.0.0.2"}, flood), 84)
      << "at most 16 held from one address";
  EXPECT_EQ(StatusOf(Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")), 200);
  flood.clear();
  std::string log = server_->Log().substr(log_before);
  EXPECT_LE(CountLines(log, "connection limit reached"), 2u) << log.substr(0, 2000);
}

TEST(HardeningFdTest, WithFewFileDescriptorsTheServerCapsConnectionsAndRecovers) {
  auto s = ServerProcess::Start({{"--challenge", kChallenge},
                                 {{"server.max_connections_per_address", "0"}},
                                 /*max_open_files=*/256});
  ASSERT_TRUE(s) << s.error().message;
  ServerProcess& server = **s;
  std::vector<std::unique_ptr<TestSocket>> flood;
  EXPECT_GE(Flood(server.port(), 300, {"127.0.0.2", "127.0.0.3", "127.0.0.4"}, flood), 300 - 192)
      << "the cap is the descriptor limit less a reserve";
  flood.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ExpectEnrolls(server.Url(), kChallenge);
  std::string log = server.Log();
  EXPECT_EQ(CountLines(log, "accept failed"), 0u) << "the cap keeps accept from running out";
  EXPECT_LE(CountLines(log, "connection limit reached"), 2u);
  EXPECT_LT(log.size(), 16u * 1024);
}

// Behind a reverse proxy: the proxy's X-Forwarded-For names the client in the request records,
// and only when the proxy is trusted; the per-address cap does not choke the proxy.
TEST(TrustedProxyTest, AForwardedClientIsRecordedOnlyFromATrustedProxyWhichIsNotCapped) {
  auto s = ServerProcess::Start({{"--challenge", kChallenge},
                                 {{"server.trusted_proxies", "[\"127.0.0.2\"]"},
                                  {"server.max_connections_per_address", "4"}}});
  ASSERT_TRUE(s) << s.error().message;
  ServerProcess& server = **s;
  GatewayClient gw(server.Url());
  auto post = [&](const char* source, const std::string& forwarded, const std::string& tid) {
    Identity id = NewIdentity();
    client::CsrOptions csr;
    csr.challenge = kChallenge;
    client::MessageOptions m;
    m.transaction_id = tid;
    auto msg = client::BuildMessage(gw.ca(), *CsrToDer(**client::MakeCsr(*id.key, csr)), *id.signer,
                                    *id.key, m);
    std::string body = AsString(msg->der);
    TestSocket sock(server.port(), source);
    sock.Send(
        "POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        "Content-Type: application/x-pki-message\r\nX-Forwarded-For: " +
        forwarded + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    return StatusOf(sock.ReadHead(std::chrono::seconds(10)));
  };
  // The client wrote 192.0.2.99 itself; the trusted proxy appended the address it saw.
  EXPECT_EQ(post("127.0.0.2", "192.0.2.99, 198.51.100.7", "via-proxy"), 200);
  // The same header straight from a client is its own word, and ignored.
  EXPECT_EQ(post("127.0.0.3", "198.51.100.8", "direct"), 200);
  std::string out, err;
  ASSERT_EQ(server.Cli({"requests", "list", "--json"}, &out, &err), 0) << err;
  std::map<std::string, std::string> addr;
  for (const auto& r : nlohmann::json::parse(out))
    addr[r["transaction_id"].get<std::string>()] = r["remote_addr"].get<std::string>();
  EXPECT_EQ(addr["via-proxy"], "198.51.100.7");
  EXPECT_EQ(addr["direct"], "127.0.0.3");

  std::vector<std::unique_ptr<TestSocket>> proxy, client;
  EXPECT_EQ(Flood(server.port(), 10, {"127.0.0.2"}, proxy), 0) << "the trusted proxy was capped";
  EXPECT_EQ(Flood(server.port(), 10, {"127.0.0.3"}, client), 6);
}

}  // namespace
}  // namespace scepgate::testing

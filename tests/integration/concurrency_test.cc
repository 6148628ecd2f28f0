// 500 enrollments over 16 concurrent connections: every one succeeds, every serial is unique.
#include <nlohmann/json.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "codec/pki_message.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

TEST(ConcurrencyTest, FiveHundredEnrollmentsOnSixteenConnections) {
  constexpr int kTotal = 500, kThreads = 16;
  auto server = ServerProcess::Start({{"--challenge", "busy"}, {}});
  ASSERT_TRUE(server) << server.error().message;
  std::atomic<int> next{0}, ok{0};
  std::mutex mu;  // guards serials and failures
  std::set<std::string> serials;
  std::vector<std::string> failures;
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      GatewayClient gw((*server)->Url());  // one kept-alive connection per worker
      Identity id = NewIdentity();
      for (int i = next++; i < kTotal; i = next++) {
        EnrollOptions o;
        o.csr.subject = "/CN=load-" + std::to_string(i);
        o.csr.challenge = "busy";
        o.msg.transaction_id = "load-" + std::to_string(t) + "-" + std::to_string(i);
        auto rep = gw.Enroll(id, o);
        std::lock_guard lock(mu);
        if (!rep || rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty()) {
          failures.push_back(rep ? rep->fail_info_text : rep.error().message);
          continue;
        }
        serials.insert(SerialHex(*X509_get0_serialNumber(rep->content.certs.front().get())));
        ++ok;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  EXPECT_EQ(ok.load(), kTotal);
  EXPECT_EQ(serials.size(), static_cast<size_t>(kTotal));
  std::string out;
  ASSERT_EQ((*server)->Cli({"cert", "list", "--json"}, &out), 0);
  EXPECT_EQ(nlohmann::json::parse(out).size(), static_cast<size_t>(kTotal));
}

}  // namespace
}  // namespace scepgate::testing

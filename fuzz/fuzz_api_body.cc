// The REST API's JSON bodies on untrusted bytes: the first byte picks a write route, the rest is
// the body, sent with an admin token to an ApiHandler over an in-memory store (made anew every
// 1000 inputs so it stays small). Parsing, the field readers and every route's checks run.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "http/api_handler.h"
#include "mgmt/tokens.h"
#include "store/memory_store.h"

namespace {

using namespace scepgate;

struct Api {
  store::MemoryStore store;
  FakeClock clock{1700000000};
  SystemRandom random;
  http::ApiHandler handler{http::ApiDeps{store, clock, random, nullptr, false, {}, 3600, ""}};
  std::string token;
  Api() {
    token = mgmt::Tokens(store, clock, random).Create("admin", "fuzz")->token;
    // Something for the routes that name a thing to work on.
    Call("POST", "/groups", R"({"name":"g"})");
    Call("POST", "/users", R"({"upn":"u@example.com"})");
    Call("POST", "/devices", R"({"name":"d1","owner":"u@example.com"})");
    Call("POST", "/profiles", R"({"name":"p","purpose":"general"})");
  }
  http::Response Call(const std::string& method, const std::string& path, std::string body) {
    http::Request r;
    r.method = method;
    r.path = "/api/v1" + path;
    r.target = r.path;
    r.body = std::move(body);
    r.remote_addr = "127.0.0.1";
    r.headers.emplace_back("authorization", "Bearer " + token);
    return handler.Handle(r);
  }
};

const std::vector<std::pair<std::string, std::string>> kRoutes = {
    {"POST", "/devices"},
    {"POST", "/devices/d1/retire"},
    {"POST", "/users"},
    {"POST", "/users/u@example.com/disable"},
    {"POST", "/groups"},
    {"POST", "/groups/g/members"},
    {"POST", "/profiles"},
    {"PATCH", "/profiles/p"},
    {"POST", "/profiles/p/assignments"},
    {"POST", "/challenges"},
    {"POST", "/certificates/01/revoke"},
    {"POST", "/requests/1/approve"},
    {"POST", "/requests/1/reject"},
    {"POST", "/tokens"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<Api> api;
  static int used = 0;
  if (!api || ++used % 1000 == 0) api = std::make_unique<Api>();
  if (size == 0) return 0;
  const auto& [method, path] = kRoutes[data[0] % kRoutes.size()];
  api->Call(method, path, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  return 0;
}

// The router's matching, and the OpenAPI document against the routes the router knows.
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/random.h"
#include "http/api_handler.h"
#include "http/api_routes.h"
#include "store/memory_store.h"

namespace scepgate::http {
namespace {

Route Named(std::string method, std::string pattern) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.fn = [](ApiCall&) -> Result<ApiReply> { return ApiReply{}; };
  return r;
}

TEST(RouterTest, MatchesLiteralsAndDecodesParameters) {
  Router router;
  router.Add(Named("GET", "/api/v1/groups"));
  router.Add(Named("GET", "/api/v1/groups/{name}"));
  router.Add(Named("DELETE", "/api/v1/groups/{name}/members/{kind}/{member}"));
  auto m = router.Match("GET", "/api/v1/groups/Wi-Fi%20devices");
  ASSERT_TRUE(m);
  ASSERT_NE(m->route, nullptr);
  EXPECT_EQ(m->route->pattern, "/api/v1/groups/{name}");
  ASSERT_EQ(m->params.size(), 1u);
  EXPECT_EQ(m->params[0].first, "name");
  EXPECT_EQ(m->params[0].second, "Wi-Fi devices");

  // An encoded slash stays inside its parameter.
  m = router.Match("DELETE", "/api/v1/groups/a%2Fb/members/user/alice%40example.com");
  ASSERT_TRUE(m && m->route);
  EXPECT_EQ(m->params[0].second, "a/b");
  EXPECT_EQ(m->params[1].second, "user");
  EXPECT_EQ(m->params[2].second, "alice@example.com");

  m = router.Match("GET", "/api/v1/groups");
  ASSERT_TRUE(m && m->route);
  EXPECT_TRUE(m->params.empty());
}

TEST(RouterTest, UnknownPathsAndOtherMethodsAreTold) {
  Router router;
  router.Add(Named("GET", "/api/v1/devices"));
  router.Add(Named("POST", "/api/v1/devices"));
  auto m = router.Match("PUT", "/api/v1/devices");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, nullptr);
  EXPECT_EQ(m->allowed, (std::vector<std::string>{"GET", "POST"}));
  m = router.Match("GET", "/api/v1/nothing");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route, nullptr);
  EXPECT_TRUE(m->allowed.empty());
  m = router.Match("GET", "/api/v1/devices/");  // an empty parameter or segment is no match
  EXPECT_TRUE(m && m->route == nullptr);
  m = router.Match("GET", "/api/v1/devices%zz");  // literals are not decoded
  EXPECT_TRUE(m && m->route == nullptr);
}

TEST(RouterTest, AMalformedEscapeInAParameterIsAnError) {
  Router router;
  router.Add(Named("GET", "/api/v1/users/{upn}"));
  auto m = router.Match("GET", "/api/v1/users/%zz");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
}

TEST(OpenApiTest, EveryRouteTheRouterKnowsIsDocumentedAndNothingElse) {
  store::MemoryStore store;
  FakeClock clock(1000);
  FakeRandom random;
  ApiHandler api(ApiDeps{store, clock, random, nullptr, false, {}, 3600, ""});
  const nlohmann::json& doc = OpenApiDocument();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  size_t documented = 0;
  for (const auto& [path, ops] : doc["paths"].items()) documented += ops.size();
  EXPECT_EQ(documented, api.router().routes().size());
  for (const Route& r : api.router().routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(r.pattern)) << r.pattern;
    ASSERT_TRUE(doc["paths"][r.pattern].contains(method)) << r.method << " " << r.pattern;
    const nlohmann::json& op = doc["paths"][r.pattern][method];
    if (!r.open) {
      EXPECT_EQ(op["x-scepgate-role"], mgmt::RoleName(r.role)) << r.pattern;
    }
    // Every schema referenced exists.
    std::string text = op.dump();
    for (size_t at = text.find("#/components/schemas/"); at != std::string::npos;
         at = text.find("#/components/schemas/", at + 1)) {
      size_t start = at + 21;
      std::string name = text.substr(start, text.find('"', start) - start);
      EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
    }
  }
}

}  // namespace
}  // namespace scepgate::http

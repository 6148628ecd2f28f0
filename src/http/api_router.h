// The REST API's routes: a method and a path pattern ("/api/v1/devices/{id}") lead to the least
// role allowed, the audit action of a change, and the function that answers.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "http/handler.h"
#include "mgmt/tokens.h"

namespace scepgate::http {

inline constexpr std::string_view kApiPrefix = "/api/v1";

// What a route answers on success; errors are Result errors, mapped to statuses by ApiHandler.
struct ApiReply;

// Names where the next page of a paged list starts, when `cursor` is not empty: X-Next-Cursor, and
// a Link rel="next" to `path` with the request's `query` but its cursor replaced. Thread-safe.
void LinkNextPage(ApiReply& reply, std::string_view path, std::string_view query,
                  const std::string& cursor);

struct ApiReply {
  int status = 200;
  nlohmann::json body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra response headers
};

// One call of a route. Not thread-safe; lives for one request.
struct ApiCall {
  explicit ApiCall(const Request& r) : request(r) {}

  const Request& request;
  std::vector<std::pair<std::string, std::string>> params;  // path parameters, percent-decoded
  nlohmann::json body = nlohmann::json::object();           // the request body: an object
  // For the audit log of a change: what it acted on (default: the first path parameter) and its
  // arguments (default: the body). Never a secret.
  std::string target;
  nlohmann::json args = nlohmann::json::object();
  // The caller's role (its token's), for the rules of mgmt that depend on who asks.
  mgmt::Role role = mgmt::Role::kAuditor;

  // The path parameter `name` ("" when the pattern has none).
  const std::string& Param(std::string_view name) const;
  // The query parameter `key`, percent-decoded; "" when absent. kInvalidArgument on a malformed
  // escape.
  Result<std::string> Query(std::string_view key) const;
  // The query parameter `key` as a whole number >= 0; `fallback` when absent. kInvalidArgument
  // otherwise.
  Result<int> QueryCount(std::string_view key, int fallback) const;
  // ?limit of a paged list: 1 to kMaxPage, kDefaultPage when absent. kInvalidArgument otherwise.
  Result<int> PageLimit() const;

  static constexpr int kDefaultPage = 100;
  static constexpr int kMaxPage = 1000;
};

using RouteFn = std::function<Result<ApiReply>(ApiCall&)>;

struct Route {
  std::string method;   // GET, POST, PATCH, DELETE
  std::string pattern;  // "/api/v1/devices/{id}": literal segments and {parameters}
  mgmt::Role role = mgmt::Role::kAdmin;  // the least role allowed
  std::string action;                    // audit action of a change ("device.add"); "" for reads
  RouteFn fn;
  bool open = false;  // served without a token (the OpenAPI document)
  // The body is not JSON: the route reads request.body itself (the bulk import's CSV).
  bool raw_body = false;
  // The largest body this route takes; 0: the API's max_body. Over it: 413 before the body is
  // read, telling the limit.
  size_t max_body = 0;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method (see `allowed`)
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::string> allowed;  // when the path exists with other methods only
};

// Not thread-safe while routes are added; Match() may then be called from any thread.
class Router {
 public:
  void Add(Route route);
  // The route for the method and path, with its parameters percent-decoded. A path that matches
  // no pattern gives a null route and no allowed methods. kInvalidArgument for a malformed escape.
  Result<RouteMatch> Match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace scepgate::http

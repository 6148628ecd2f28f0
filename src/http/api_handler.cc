#include "http/api_handler.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <chrono>

#include "http/api_body.h"
#include "http/api_routes.h"
#include "mgmt/audit.h"
#include "mgmt/tokens.h"

namespace scepgate::http {
namespace {

constexpr size_t kMaxAuditArgs = 4096;

// JSON text of a value, with any invalid UTF-8 (from a client or the store) replaced, not thrown.
std::string Dump(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The token of an "Authorization: Bearer <token>" header; "" when there is none.
std::string BearerToken(const Request& request) {
  std::string value = HeaderValue(request, "authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || strncasecmp(value.c_str(), "bearer ", kScheme.size()) != 0)
    return "";
  std::string token = value.substr(kScheme.size());
  size_t start = token.find_first_not_of(' ');
  size_t end = token.find_last_not_of(' ');
  return start == std::string::npos ? "" : token.substr(start, end - start + 1);
}

Response Unauthenticated(std::string_view message, bool invalid_token) {
  Response r = ApiError(401, "unauthenticated", message);
  r.headers.emplace_back("WWW-Authenticate",
                         invalid_token ? R"(Bearer realm="scepgate", error="invalid_token")"
                                       : R"(Bearer realm="scepgate")");
  return r;
}

Response FromError(const Error& e) {
  int status = HttpStatusFor(e.code);
  if (status == 500) {
    spdlog::error("api: {}: {}", ErrorCodeName(e.code), e.message);
    return ApiError(500, ErrorCodeName(e.code), "internal error (see the server log)");
  }
  return ApiError(status, ErrorCodeName(e.code), e.message);
}

std::string AuditArgs(const nlohmann::json& args) {
  std::string text = Dump(args);
  if (text.size() <= kMaxAuditArgs) return text;
  return R"({"truncated":true})";
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPolicyDenied:
      return 422;
    case ErrorCode::kPermissionDenied:
      return 403;
    default:
      return 500;
  }
}

Response ApiError(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return Response{status, "application/json", Dump(body) + "\n", {}};
}

ApiHandler::ApiHandler(ApiDeps deps) : deps_(std::move(deps)) {
  AddDirectoryRoutes(router_, deps_);
  AddProfileRoutes(router_, deps_);
  AddRecordRoutes(router_, deps_);
  AddOpenApiRoute(router_);
}

Response ApiHandler::Handle(const Request& request) {
  auto started = std::chrono::steady_clock::now();
  std::string actor = "-";
  Response resp = Serve(request, actor);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  spdlog::info(
      "remote={} method={} path={} operation=api actor=\"{}\" http_status={} duration_ms={:.2f}",
      request.remote_addr, request.method, request.path, actor, resp.status, ms);
  return resp;
}

std::expected<store::TokenRecord, Response> ApiHandler::Authenticate(const Request& request) {
  std::string presented = BearerToken(request);
  if (presented.empty())
    return std::unexpected(
        Unauthenticated("a bearer token is required (scepgate token create)", false));
  auto who = mgmt::Tokens(deps_.store, deps_.clock, deps_.random).Authenticate(presented);
  if (who) return std::move(*who);
  if (who.error().code == ErrorCode::kNotFound ||
      who.error().code == ErrorCode::kFailedPrecondition)
    return std::unexpected(Unauthenticated("the token is unknown, revoked or expired", true));
  return std::unexpected(FromError(who.error()));
}

Admission ApiHandler::Admit(const Request& head, size_t /*fallback*/) {
  auto match = router_.Match(head.method, head.path);
  bool open = match && match->route != nullptr && match->route->open;
  if (open) return {deps_.max_body, {}};
  auto token = Authenticate(head);
  if (!token) return {0, std::move(token.error())};
  return {deps_.max_body, {}};
}

Response ApiHandler::Serve(const Request& request, std::string& actor) {
  auto match = router_.Match(request.method, request.path);
  bool open = match && match->route != nullptr && match->route->open;
  std::optional<store::TokenRecord> token;
  if (!open) {
    // Who asks comes first: an unauthenticated client learns nothing of the routes.
    auto who = Authenticate(request);
    if (!who) return std::move(who.error());
    token = std::move(*who);
    actor = mgmt::TokenActor(*token);
  }
  if (!match) return FromError(match.error());
  if (match->route == nullptr) {
    if (match->allowed.empty()) return ApiError(404, "notFound", "no such API path");
    std::string allow;
    for (const auto& m : match->allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = ApiError(405, "methodNotAllowed", request.method + " is not allowed here");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  const Route& route = *match->route;
  ApiCall call(request);
  if (token) {
    auto role = mgmt::ParseRole(token->role);
    if (!role || !mgmt::RoleAllows(*role, route.role))
      return ApiError(403, "forbidden",
                      "role " + token->role + " may not " + route.method + " " + route.pattern +
                          " (needs " + mgmt::RoleName(route.role) + ")");
    call.role = *role;
  }
  call.params = std::move(match->params);
  if (route.method != "GET") {
    auto body = ParseBody(request.body, deps_.max_json_depth);
    if (!body) return FromError(body.error());
    call.body = std::move(*body);
  }
  return Run(route, call, token ? &*token : nullptr);
}

Response ApiHandler::Run(const Route& route, ApiCall& call, const store::TokenRecord* token) {
  call.args = call.body;
  if (!call.params.empty()) call.target = call.params.front().second;
  Result<ApiReply> reply = [&]() -> Result<ApiReply> {
    try {
      return route.fn(call);
    } catch (const std::exception& e) {  // a library's exception ends here
      return Fail(Error::Internal(std::string("api route threw: ") + e.what()));
    }
  }();
  if (!route.action.empty() && token != nullptr) {
    mgmt::AuditEntry entry{mgmt::TokenActor(*token), route.action, call.target,
                           AuditArgs(call.args)};
    if (auto st = mgmt::AuditLog(deps_.store, deps_.clock).Record(entry, reply); !st)
      spdlog::error("cannot write the audit log: {}", st.error().message);
  }
  if (!reply) return FromError(reply.error());
  return Response{reply->status, "application/json", Dump(reply->body, 2) + "\n", {}};
}

}  // namespace scepgate::http

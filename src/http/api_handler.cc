#include "http/api_handler.h"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
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
  if (deps_.metrics != nullptr) deps_.metrics->Api(resp.status, ms / 1000);
  spdlog::info(
      "remote={} method={} path={} operation=api actor=\"{}\" http_status={} duration_ms={:.2f}",
      request.remote_addr, request.method, request.path, actor, resp.status, ms);
  return resp;
}

std::optional<Response> ApiHandler::Refusal(const Request& request, mgmt::Role needed) {
  auto who = Authenticate(request);
  if (!who) return std::move(who.error());
  auto role = mgmt::ParseRole(who->role);
  if (!role || !mgmt::RoleAllows(*role, needed))
    return ApiError(403, "forbidden",
                    "role " + who->role + " may not " + request.method + " " + request.path +
                        " (needs " + mgmt::RoleName(needed) + ")");
  return std::nullopt;
}

Result<std::vector<std::pair<mgmt::Role, std::string>>> ParseClientRoles(
    const std::vector<std::string>& entries) {
  std::vector<std::pair<mgmt::Role, std::string>> out;
  for (const std::string& entry : entries) {
    auto colon = entry.find(':');
    auto role = colon == std::string::npos ? Result<mgmt::Role>(Fail(Error::InvalidArgument("")))
                                           : mgmt::ParseRole(entry.substr(0, colon));
    if (!role || colon + 1 >= entry.size())
      return Fail(Error::InvalidArgument("client role '" + entry +
                                         "' is not ROLE:SUBJECT (admin, operator or auditor, "
                                         "then a subject such as CN=alice,O=Example)"));
    out.emplace_back(*role, entry.substr(colon + 1));
  }
  return out;
}

std::expected<ApiHandler::Caller, Response> ApiHandler::AuthenticateCertificate(
    const std::string& der) {
  auto cert = CertFromDer(ByteView(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
  if (!cert) return std::unexpected(FromError(cert.error()));
  std::string subject = NameToString(*X509_get_subject_name(cert->get()));
  auto mapped =
      std::ranges::find(deps_.client_roles, subject, &std::pair<mgmt::Role, std::string>::second);
  if (mapped == deps_.client_roles.end())
    return std::unexpected(Unauthenticated(
        "the client certificate " + subject + " has no role ([admin] client_roles)", true));
  // A certificate of ours that has been revoked no longer speaks for anyone.
  auto record = deps_.store.FindCertificate(SerialHex(*X509_get0_serialNumber(cert->get())));
  if (!record) return std::unexpected(FromError(record.error()));
  auto sha256 =
      Digest("SHA256", ByteView(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
  if (!sha256) return std::unexpected(FromError(sha256.error()));
  std::string thumbprint = HexEncode(*sha256);
  if (*record && (*record)->sha256 == thumbprint &&
      (*record)->status == store::CertStatus::kRevoked)
    return std::unexpected(Unauthenticated("the client certificate is revoked", true));
  return Caller{"cert:" + thumbprint.substr(0, 12) + " (" + subject + ")",
                std::string(mgmt::RoleName(mapped->first))};
}

std::expected<ApiHandler::Caller, Response> ApiHandler::Authenticate(const Request& request) {
  std::string presented = BearerToken(request);
  if (presented.empty() && !request.client_cert.empty() && !deps_.client_roles.empty())
    return AuthenticateCertificate(request.client_cert);
  if (presented.empty())
    return std::unexpected(
        Unauthenticated("a bearer token is required (scepgate token create)", false));
  auto who = mgmt::Tokens(deps_.store, deps_.clock, deps_.random).Authenticate(presented);
  if (who) return Caller{mgmt::TokenActor(*who), who->role};
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
  if (match && match->route != nullptr && match->route->max_body > 0) {
    size_t limit = match->route->max_body;
    std::string length = HeaderValue(head, "content-length");
    bool digits = !length.empty() && length.size() < 20 &&
                  std::ranges::all_of(length, [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (digits && std::stoull(length) > limit)
      return {0, ApiError(413, "payloadTooLarge",
                          "the body is " + length + " bytes; this route takes at most " +
                              std::to_string(limit) + ": split the file and send each part")};
    return {limit, {}};
  }
  return {deps_.max_body, {}};
}

Response ApiHandler::Serve(const Request& request, std::string& actor) {
  auto match = router_.Match(request.method, request.path);
  bool open = match && match->route != nullptr && match->route->open;
  std::optional<Caller> caller;
  if (!open) {
    // Who asks comes first: an unauthenticated client learns nothing of the routes.
    auto who = Authenticate(request);
    if (!who) return std::move(who.error());
    caller = std::move(*who);
    actor = caller->actor;
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
  if (caller) {
    auto role = mgmt::ParseRole(caller->role);
    if (!role || !mgmt::RoleAllows(*role, route.role))
      return ApiError(403, "forbidden",
                      "role " + caller->role + " may not " + route.method + " " + route.pattern +
                          " (needs " + mgmt::RoleName(route.role) + ")");
    call.role = *role;
  }
  call.params = std::move(match->params);
  if (route.method != "GET" && !route.raw_body) {
    auto body = ParseBody(request.body, deps_.max_json_depth);
    if (!body) return FromError(body.error());
    call.body = std::move(*body);
  }
  return Run(route, call, caller ? &*caller : nullptr);
}

Response ApiHandler::Run(const Route& route, ApiCall& call, const Caller* caller) {
  call.args = call.body;
  if (!call.params.empty()) call.target = call.params.front().second;
  Result<ApiReply> reply = [&]() -> Result<ApiReply> {
    try {
      return route.fn(call);
    } catch (const std::exception& e) {  // a library's exception ends here
      return Fail(Error::Internal(std::string("api route threw: ") + e.what()));
    }
  }();
  if (!route.action.empty() && caller != nullptr) {
    mgmt::AuditEntry entry{caller->actor, route.action, call.target, AuditArgs(call.args)};
    if (auto st = mgmt::AuditLog(deps_.store, deps_.clock).Record(entry, reply); !st)
      spdlog::error("cannot write the audit log: {}", st.error().message);
  }
  if (!reply) return FromError(reply.error());
  return Response{reply->status, "application/json", Dump(reply->body, 2) + "\n",
                  std::move(reply->headers)};
}

}  // namespace scepgate::http

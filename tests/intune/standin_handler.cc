#include "intune/standin_handler.h"

#include <openssl/crypto.h>

#include <ctime>
#include <map>
#include <utility>
#include <vector>

#include "common/percent.h"
#include "intune/standin_assertion.h"
#include "intune/standin_checks.h"
#include "intune/standin_validate.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Microsoft identity platform errors: {"error": ..., "error_description": ...}.
http::Response OAuthError(int status, std::string_view error, std::string_view description) {
  return JsonResponse(status, {{"error", error}, {"error_description", description}});
}

// Graph / Intune (OData) errors: {"error": {"code": ..., "message": ...}}.
http::Response ODataError(int status, std::string_view code, std::string_view message) {
  http::Response response =
      JsonResponse(status, {{"error", {{"code", code}, {"message", message}}}});
  if (status == 401)
    response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return response;
}

// application/x-www-form-urlencoded into name -> value; nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> ParseForm(std::string_view body) {
  std::map<std::string, std::string> form;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    for (auto* s : {&name, &value})
      for (char& c : *s)
        if (c == '+') c = ' ';
    auto n = PercentDecode(name);
    auto v = PercentDecode(value);
    if (!n || !v) return std::nullopt;
    form[*n] = *v;
  }
  return form;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Each endpoint's path suffix under /intune/<service>/.
struct ServiceRoute {
  Endpoint endpoint;
  std::string_view service;
  std::string_view suffix;
};
constexpr ServiceRoute kServiceRoutes[] = {
    {Endpoint::kValidate, kScepService, "ScepActions/validateRequest"},
    {Endpoint::kSuccess, kScepService, "ScepActions/successNotification"},
    {Endpoint::kFailure, kScepService, "ScepActions/failureNotification"},
    {Endpoint::kDownload, kPkiService, "CertificateAuthorityRequests/downloadRevocationRequests"},
    {Endpoint::kUpload, kPkiService, "CertificateAuthorityRequests/uploadRevocationResults"},
};

}  // namespace

http::Response JsonResponse(int status, const json& body) {
  return http::Response{status, "application/json", body.dump(), {}};
}

http::Response StandInHandler::Handle(const http::Request& request) {
  if (request.path.starts_with(kControlPrefix)) return Control(request);
  std::optional<Endpoint> endpoint = Classify(request);
  if (!endpoint) return ODataError(404, "NotFound", "no such resource: " + request.path);
  RecordedCall call{*endpoint,
                    request.method,
                    request.path,
                    request.headers,
                    request.body,
                    http::HeaderValue(request, "client-request-id"),
                    0,
                    ""};
  http::Response response = [&] {
    if (auto faulted = ApplyFault(*endpoint, request)) return *std::move(faulted);
    return Dispatch(*endpoint, request, call);
  }();
  call.status = response.status;
  state_.Record(std::move(call));
  return response;
}

std::optional<Endpoint> StandInHandler::Classify(const http::Request& request) const {
  const std::string& path = request.path;
  if (path.starts_with(kLoginPrefix) && path.ends_with("/oauth2/v2.0/token"))
    return Endpoint::kToken;
  if (path.starts_with(std::string(kGraphPrefix) + "v1.0/servicePrincipals/appId=") &&
      path.ends_with("/endpoints"))
    return Endpoint::kDiscovery;
  std::string prefix = state_.ServicePrefix();
  for (const auto& route : kServiceRoutes)
    if (path == prefix + std::string(route.service) + "/" + std::string(route.suffix))
      return route.endpoint;
  return std::nullopt;
}

std::optional<http::Response> StandInHandler::ApplyFault(Endpoint endpoint,
                                                         const http::Request& request) {
  std::optional<Fault> fault = state_.TakeFault(endpoint);
  if (!fault) return std::nullopt;
  switch (fault->kind) {
    case FaultKind::kDelay:
      state_.SleepUnlessStopped(fault->delay_ms);
      return std::nullopt;
    case FaultKind::kUnauthorized: {
      std::string auth = http::HeaderValue(request, "authorization");
      if (auth.starts_with("Bearer ")) state_.RevokeToken(auth.substr(7));
      if (endpoint == Endpoint::kToken)
        return OAuthError(401, "invalid_client", "AADSTS7000215: injected failure");
      return ODataError(401, "InvalidAuthenticationToken", "Access token has expired.");
    }
    case FaultKind::kServerError:
      return ODataError(fault->status, "ServiceUnavailable", "injected failure");
  }
  return std::nullopt;
}

http::Response StandInHandler::Dispatch(Endpoint endpoint, const http::Request& request,
                                        RecordedCall& call) {
  if (endpoint == Endpoint::kToken) return Token(request);
  if (endpoint == Endpoint::kDiscovery) return Discovery(request);
  json body;
  if (auto refusal = CheckServiceCall(endpoint, request, body)) return *std::move(refusal);
  switch (endpoint) {
    case Endpoint::kValidate:
      return Validate(body, call);
    case Endpoint::kSuccess:
    case Endpoint::kFailure:
      return Notify(endpoint, body, call);
    case Endpoint::kDownload:
      return Download(body);
    case Endpoint::kUpload:
      return Upload(body);
    default:
      return ODataError(404, "NotFound", "no such resource");
  }
}

http::Response StandInHandler::Token(const http::Request& request) {
  if (request.method != "POST") return OAuthError(405, "invalid_request", "POST only");
  std::string tenant = request.path.substr(kLoginPrefix.size());
  tenant = tenant.substr(0, tenant.find('/'));
  if (tenant != options_.tenant)
    return OAuthError(400, "invalid_request", "AADSTS90002: Tenant '" + tenant + "' not found.");
  if (!http::HeaderValue(request, "content-type").starts_with("application/x-www-form-urlencoded"))
    return OAuthError(400, "invalid_request", "the body must be form-urlencoded");
  auto form = ParseForm(request.body);
  if (!form) return OAuthError(400, "invalid_request", "malformed form body");
  if ((*form)["grant_type"] != "client_credentials")
    return OAuthError(400, "unsupported_grant_type", "only client_credentials is supported");
  if ((*form)["client_id"] != options_.client_id)
    return OAuthError(400, "unauthorized_client", "AADSTS700016: application not found");
  if (form->contains("client_assertion")) {
    if ((*form)["client_assertion_type"] !=
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return OAuthError(400, "invalid_request", "AADSTS50027: wrong client_assertion_type");
    auto cert = CertFromPem(options_.client_certificate_pem);
    if (options_.client_certificate_pem.empty() || !cert)
      return OAuthError(401, "invalid_client", "AADSTS700027: the app has no certificate");
    if (auto problem = AssertionProblem((*form)["client_assertion"], **cert, options_.client_id,
                                        base_url_ + request.path, Now()))
      return OAuthError(401, "invalid_client", *problem);
  } else if (!SameSecret((*form)["client_secret"], options_.client_secret)) {
    return OAuthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
  }
  const std::string& scope = (*form)["scope"];
  std::optional<Audience> audience;
  if (scope == options_.graph_scope) audience = Audience::kGraph;
  if (scope == options_.intune_scope) audience = Audience::kIntune;
  if (!audience)
    return OAuthError(400, "invalid_scope", "AADSTS70011: scope '" + scope + "' is not valid");
  auto token = state_.IssueToken(*audience, Now());
  if (!token) return OAuthError(500, "server_error", token.error().message);
  return JsonResponse(200, {{"token_type", "Bearer"},
                            {"expires_in", state_.token_lifetime()},
                            {"ext_expires_in", state_.token_lifetime()},
                            {"access_token", *token}});
}

http::Response StandInHandler::Discovery(const http::Request& request) {
  if (request.method != "GET") return ODataError(405, "BadRequest", "GET only");
  std::string auth = http::HeaderValue(request, "authorization");
  if (!auth.starts_with("Bearer ") || !state_.TokenValid(auth.substr(7), Audience::kGraph, Now()))
    return ODataError(401, "InvalidAuthenticationToken", "no valid Graph token");
  if (http::HeaderValue(request, "client-request-id").empty())
    return ODataError(400, "BadRequest", "client-request-id is missing");
  std::string want = std::string(kGraphPrefix) +
                     "v1.0/servicePrincipals/appId=" + options_.intune_app_id + "/endpoints";
  if (request.path != want)
    return ODataError(404, "Request_ResourceNotFound", "no service principal with that appId");
  json value = json::array();
  std::string prefix = state_.ServicePrefix();
  for (std::string_view name :
       {std::string_view("StatelessAppMetadataFEService"), kScepService, kPkiService}) {
    value.push_back({{"id", std::string(name) + "-id"},
                     {"capability", std::string(name)},
                     {"providerId", nullptr},
                     {"providerName", name},
                     {"providerResourceId", nullptr},
                     {"uri", base_url_ + prefix + std::string(name)}});
  }
  return JsonResponse(200, {{"@odata.context", "$metadata#endpoints"}, {"value", value}});
}

std::optional<http::Response> StandInHandler::CheckServiceCall(Endpoint endpoint,
                                                               const http::Request& request,
                                                               json& body) {
  if (request.method != "POST") return ODataError(405, "BadRequest", "POST only");
  std::string auth = http::HeaderValue(request, "authorization");
  if (!auth.starts_with("Bearer ") || !state_.TokenValid(auth.substr(7), Audience::kIntune, Now()))
    return ODataError(401, "InvalidAuthenticationToken", "no valid Intune token");
  if (!IsGuid(http::HeaderValue(request, "client-request-id")))
    return ODataError(400, "BadRequest", "client-request-id must be a GUID");
  bool pki = endpoint == Endpoint::kDownload || endpoint == Endpoint::kUpload;
  const std::string& version = pki ? options_.pki_api_version : options_.scep_api_version;
  std::string got = http::HeaderValue(request, "api-version");
  if (got != version)
    return ODataError(400, "BadRequest", "api-version '" + got + "' is not " + version);
  if (!http::HeaderValue(request, "content-type").starts_with("application/json"))
    return ODataError(400, "BadRequest", "Content-Type must be application/json");
  body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return ODataError(400, "BadRequest", "the body is not a JSON object");
  if (std::string problem = CheckBodyShape(endpoint, body); !problem.empty())
    return ODataError(400, "BadRequest", problem);
  return std::nullopt;
}

http::Response StandInHandler::Validate(const json& body, RecordedCall& call) {
  Verdict verdict;
  if (auto forced = state_.TakeForcedCode(Endpoint::kValidate))
    verdict = Verdict{*forced, "forced by the test"};
  else
    verdict = ValidateCsr(body["request"]["certificateRequest"].get<std::string>(), state_, Now());
  call.code = verdict.code;
  return JsonResponse(200, {{"code", verdict.code}, {"errorDescription", verdict.description}});
}

http::Response StandInHandler::Notify(Endpoint endpoint, const json& body, RecordedCall& call) {
  std::string code = "Success";
  std::string description;
  if (auto forced = state_.TakeForcedCode(endpoint)) {
    code = *forced;
    description = "forced by the test";
  } else {
    state_.AddNotification(endpoint, body["notification"]);
  }
  call.code = code;
  return JsonResponse(200, {{"code", code}, {"errorDescription", description}});
}

http::Response StandInHandler::Download(const json& body) {
  const json& params = body["downloadParameters"];
  std::optional<std::string> issuer;
  if (params.contains("issuerName") && params["issuerName"].is_string())
    issuer = params["issuerName"].get<std::string>();
  json value = json::array();
  for (const auto& r : state_.HandOut(params["maxRequests"].get<size_t>(), issuer)) {
    value.push_back(
        {{"requestContext", r.request_context},
         {"serialNumber", r.serial_number},
         {"issuerName", r.issuer_name.empty() ? json() : json(r.issuer_name)},
         {"caConfiguration", r.ca_configuration.empty() ? json() : json(r.ca_configuration)}});
  }
  return JsonResponse(200, {{"value", value}});
}

http::Response StandInHandler::Upload(const json& body) {
  for (const auto& result : body["results"]) state_.AddResult(result);
  return JsonResponse(200, {{"value", true}});
}

}  // namespace scepgate::testing

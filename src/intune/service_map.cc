#include "intune/service_map.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace scepgate::intune {
namespace {

using nlohmann::json;

// The providerName -> uri pairs of a Graph answer; the first of a duplicate name wins (Java).
Result<std::map<std::string, std::string, std::less<>>> ParseEndpoints(const std::string& body) {
  json answer = json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("value") || !answer["value"].is_array())
    return Fail(Error::Unavailable("Graph's endpoints answer has no \"value\" list"));
  std::map<std::string, std::string, std::less<>> map;
  for (const json& e : answer["value"]) {
    if (!e.is_object()) continue;
    auto name = e.find("providerName");
    if (name == e.end() || !name->is_string()) name = e.find("serviceName");  // AAD Graph's name
    auto uri = e.find("uri");
    if (name == e.end() || !name->is_string() || uri == e.end() || !uri->is_string()) continue;
    map.emplace(AsciiLower(name->get<std::string>()), uri->get<std::string>());
  }
  return map;
}

}  // namespace

ServiceMap::ServiceMap(const IntuneSettings& settings, HttpPool& http, TokenSource& tokens,
                       Random& random, CallMetrics& metrics)
    : settings_(settings), http_(http), tokens_(tokens), random_(random), metrics_(metrics) {}

Result<std::string> ServiceMap::Find(std::string_view service) {
  std::string key = AsciiLower(service);
  auto look_up = [&]() -> std::optional<Result<std::string>> {
    std::lock_guard lock(mu_);
    if (map_.empty()) return std::nullopt;
    auto it = map_.find(key);
    if (it == map_.end())
      return Fail(Error::NotFound("Intune's service discovery lists no " + std::string(service)));
    return it->second;
  };
  if (auto found = look_up()) return *found;
  std::lock_guard discovering(discover_mu_);
  if (auto found = look_up()) return *found;  // another caller discovered meanwhile
  SG_TRY_STATUS(Discover());
  if (auto found = look_up()) return *found;
  return Fail(Error::NotFound("Intune's service discovery lists no services, so no " +
                              std::string(service)));
}

void ServiceMap::Clear() {
  std::lock_guard lock(mu_);
  map_.clear();
}

Status ServiceMap::Discover() {
  std::string url = settings_.graph_base_url + settings_.graph_version +
                    "/servicePrincipals/appId=" + settings_.intune_app_id + "/endpoints";
  SG_ASSIGN_OR_RETURN(std::string token, tokens_.Get(settings_.graph_scope));
  SG_ASSIGN_OR_RETURN(client::HttpReply reply, Get(url, token));
  if (reply.status == 401) {  // a revoked or expired token: one more try with a new one
    tokens_.Invalidate(settings_.graph_scope, token);
    SG_ASSIGN_OR_RETURN(token, tokens_.Get(settings_.graph_scope));
    SG_ASSIGN_OR_RETURN(reply, Get(url, token));
  }
  std::string what =
      "Intune service discovery (GET " + url + ") answered HTTP " + std::to_string(reply.status);
  if (reply.status == 401 || reply.status == 403) return Fail(Error::PermissionDenied(what));
  if (reply.status >= 500 || reply.status == 404 || reply.status == 429)
    return Fail(Error::Unavailable(what));
  if (reply.status < 200 || reply.status >= 300)
    return Fail(Error::Internal(what + ": " + Shortened(reply.body, 300)));
  SG_ASSIGN_OR_RETURN(auto map, ParseEndpoints(reply.body));
  std::lock_guard lock(mu_);
  map_ = std::move(map);
  return {};
}

Result<client::HttpReply> ServiceMap::Get(const std::string& url, const std::string& token) {
  SG_ASSIGN_OR_RETURN(auto split, SplitUrl(url));
  SG_ASSIGN_OR_RETURN(std::string request_id, NewUuid(random_));
  client::HttpRequest request;
  request.target = split.second;
  request.headers = {{"Authorization", "Bearer " + token}, {"client-request-id", request_id}};
  auto start = std::chrono::steady_clock::now();
  Result<client::HttpReply> reply = http_.Send(split.first, request);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!reply) {
    metrics_.Record("discovery", kOutcomeUnreachable, seconds);
    spdlog::warn("intune discovery: GET {} client_request_id={} failed after {:.0f} ms: {}", url,
                 request_id, seconds * 1000, reply.error().message);
    return Fail(
        Error::Unavailable("Intune service discovery (GET " + url + "): " + reply.error().message));
  }
  metrics_.Record("discovery", OutcomeOfStatus(reply->status), seconds);
  spdlog::info("intune discovery: GET {} client_request_id={} status={} latency_ms={:.0f}", url,
               request_id, reply->status, seconds * 1000);
  return reply;
}

}  // namespace scepgate::intune

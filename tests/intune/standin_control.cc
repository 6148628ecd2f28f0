// The control interface over HTTP, for shell tests: the same operations as IntuneStandIn's C++
// API, under /standin/, for a caller presenting "Authorization: Bearer <control token>".
#include <openssl/crypto.h>

#include <ctime>
#include <string>

#include "intune/standin_handler.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;

http::Response Refuse(int status, std::string_view message) {
  return JsonResponse(status, {{"error", message}});
}

http::Response NoContent() { return http::Response{204, "text/plain", "", {}}; }

// The query parameter `name` (not decoded: the stand-in's own names need no escapes).
std::string QueryParam(const std::string& query, std::string_view name) {
  std::string key = std::string(name) + "=";
  for (size_t at = 0; at < query.size();) {
    size_t amp = query.find('&', at);
    std::string_view part(query.data() + at, (amp == std::string::npos ? query.size() : amp) - at);
    if (part.starts_with(key)) return std::string(part.substr(key.size()));
    if (amp == std::string::npos) break;
    at = amp + 1;
  }
  return "";
}

json CallJson(const RecordedCall& call) {
  json headers = json::object();
  for (const auto& [name, value] : call.headers) headers[name] = value;
  return {{"endpoint", EndpointName(call.endpoint)},
          {"method", call.method},
          {"path", call.path},
          {"headers", headers},
          {"body", call.body},
          {"clientRequestId", call.client_request_id},
          {"status", call.status},
          {"code", call.code}};
}

std::optional<Fault> FaultFromJson(const json& j) {
  std::string kind = j.value("kind", "");
  Fault fault;
  if (kind == "unauthorized")
    fault.kind = FaultKind::kUnauthorized;
  else if (kind == "server_error")
    fault.kind = FaultKind::kServerError;
  else if (kind == "delay")
    fault.kind = FaultKind::kDelay;
  else
    return std::nullopt;
  fault.count = j.value("count", 1);
  fault.status = j.value("status", 503);
  fault.delay_ms = j.value("delay_ms", 0);
  return fault;
}

RevocationRequest RevocationFromJson(const json& j) {
  return RevocationRequest{j.value("requestContext", ""), j.value("serialNumber", ""),
                           j.value("issuerName", ""), j.value("caConfiguration", "")};
}

}  // namespace

http::Response StandInHandler::Control(const http::Request& request) {
  std::string want = "Bearer " + options_.control_token;
  std::string got = http::HeaderValue(request, "authorization");
  if (got.size() != want.size() || CRYPTO_memcmp(got.data(), want.data(), got.size()) != 0)
    return Refuse(401, "the control token is missing or wrong");
  std::string op = request.path.substr(kControlPrefix.size());
  json body = request.body.empty() ? json::object() : json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Refuse(400, "the body is not JSON");
  std::optional<Endpoint> endpoint = EndpointFromName(body.value("endpoint", ""));
  if (request.method == "POST") {
    if (op == "challenges") {
      ChallengeSpec spec{body.value("subject", ""), body.value("sans", std::vector<std::string>{}),
                         body.value("ttl_seconds", int64_t{3600})};
      auto challenge = state_.MintChallenge(spec, static_cast<int64_t>(std::time(nullptr)));
      if (!challenge) return Refuse(500, challenge.error().message);
      return JsonResponse(200, {{"challenge", *challenge}});
    }
    if (op == "faults") {
      auto fault = FaultFromJson(body);
      if (!endpoint || !fault) return Refuse(400, "need endpoint and kind");
      state_.InjectFault(*endpoint, *fault);
      return NoContent();
    }
    if (op == "codes") {
      if (!endpoint || !body.contains("code")) return Refuse(400, "need endpoint and code");
      state_.ForceCode(*endpoint, body.value("code", ""), body.value("count", 1));
      return NoContent();
    }
    if (op == "relocate") {
      state_.Relocate();
      return NoContent();
    }
    if (op == "expire-tokens") {
      state_.ExpireTokens();
      return NoContent();
    }
    if (op == "revocations") {
      if (body.contains("requests") && body["requests"].is_array()) {
        for (const auto& r : body["requests"]) state_.QueueRevocation(RevocationFromJson(r));
      } else {
        state_.QueueRevocation(RevocationFromJson(body));
      }
      return NoContent();
    }
  }
  if (request.method == "GET") {
    if (op == "calls") {
      auto filter = EndpointFromName(QueryParam(request.query, "endpoint"));
      json out = json::array();
      for (const auto& call : state_.Calls(filter)) out.push_back(CallJson(call));
      return JsonResponse(200, out);
    }
    if (op == "notifications") {
      auto which = EndpointFromName(QueryParam(request.query, "endpoint"));
      if (!which) return Refuse(400, "endpoint=success|failure");
      return JsonResponse(200, json(state_.Notifications(*which)));
    }
    if (op == "results") return JsonResponse(200, json(state_.Results()));
    if (op == "revocations") {
      json out = json::array();
      for (const auto& r : state_.Revocations())
        out.push_back({{"requestContext", r.request.request_context},
                       {"serialNumber", r.request.serial_number},
                       {"issuerName", r.request.issuer_name},
                       {"handedOut", r.handed_out},
                       {"answered", r.answered},
                       {"result", r.result}});
      return JsonResponse(200, out);
    }
  }
  return Refuse(404, "no such control operation: " + request.method + " " + request.path);
}

}  // namespace scepgate::testing

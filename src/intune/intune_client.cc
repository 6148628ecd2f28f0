// IntuneClient's transport: one POST to a discovered service, retried once after a 401.
#include "intune/intune_client.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/text.h"

namespace scepgate::intune {

using nlohmann::json;

Result<std::unique_ptr<IntuneClient>> IntuneClient::Make(IntuneSettings settings, IntuneDeps deps) {
  SG_TRY_STATUS(CheckSettings(settings));
  if (!deps.http) deps.http = TlsClientFactory(settings);
  return std::make_unique<IntuneClient>(std::move(settings), std::move(deps));
}

IntuneClient::IntuneClient(IntuneSettings settings, IntuneDeps deps)
    : settings_(std::move(settings)),
      clock_(deps.clock != nullptr ? *deps.clock : system_clock_),
      random_(deps.random != nullptr ? *deps.random : system_random_),
      metrics_(deps.metrics),
      http_(deps.http ? std::move(deps.http) : TlsClientFactory(settings_)),
      tokens_(settings_, http_, clock_, random_, metrics_),
      services_(settings_, http_, tokens_, random_, metrics_) {}

Result<json> IntuneClient::Post(const Call& call, const json& body) {
  SG_ASSIGN_OR_RETURN(std::string uri, services_.Find(call.service));
  std::string url = uri + "/" + std::string(call.suffix);
  std::string scope = settings_.IntuneScope();
  std::string text = body.dump();
  SG_ASSIGN_OR_RETURN(std::string token, tokens_.Get(scope));
  SG_ASSIGN_OR_RETURN(client::HttpReply reply, Send(call, url, token, text));
  if (reply.status == 401) {  // revoked or expired: once more with a new token
    tokens_.Invalidate(scope, token);
    SG_ASSIGN_OR_RETURN(token, tokens_.Get(scope));
    SG_ASSIGN_OR_RETURN(reply, Send(call, url, token, text));
  }
  std::string what = "Intune " + std::string(call.name) + " (POST " + url + ")";
  if (reply.status < 200 || reply.status >= 300) {
    services_.Clear();  // as Microsoft's C# library: rediscover after any failed call
    what += " answered HTTP " + std::to_string(reply.status);
    if (reply.status == 401 || reply.status == 403) return Fail(Error::PermissionDenied(what));
    if (reply.status >= 500 || reply.status == 404 || reply.status == 408 || reply.status == 429)
      return Fail(Error::Unavailable(what));
    return Fail(Error::Internal(what + ": " + Shortened(reply.body, 300)));
  }
  json answer = json::parse(reply.body, nullptr, false);
  if (!answer.is_object())
    return Fail(Error::Unavailable(what + " answered something other than a JSON object"));
  return answer;
}

Result<client::HttpReply> IntuneClient::Send(const Call& call, const std::string& url,
                                             const std::string& token, const std::string& body) {
  SG_ASSIGN_OR_RETURN(auto split, SplitUrl(url));
  SG_ASSIGN_OR_RETURN(std::string request_id, NewUuid(random_));
  client::HttpRequest request;
  request.method = "POST";
  request.target = split.second;
  request.body = body;
  request.content_type = "application/json";
  request.headers = {{"Authorization", "Bearer " + token},
                     {"client-request-id", request_id},
                     {"api-version", call.api_version},
                     {"UserAgent", settings_.provider_name_and_version}};
  auto start = std::chrono::steady_clock::now();
  Result<client::HttpReply> reply = http_.Send(split.first, request);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!reply) {
    services_.Clear();
    metrics_.Record(call.name, kOutcomeUnreachable, seconds);
    spdlog::warn(
        "intune {}: POST {} client_request_id={} transaction_id={} failed after {:.0f} ms: {}",
        call.name, url, request_id, call.transaction_id, seconds * 1000, reply.error().message);
    return Fail(Error::Unavailable("Intune " + std::string(call.name) + " (POST " + url +
                                   "): " + reply.error().message));
  }
  metrics_.Record(call.name, OutcomeOfStatus(reply->status), seconds);  // a refusal is "ok"
  spdlog::info(
      "intune {}: POST {} client_request_id={} transaction_id={} status={} latency_ms={:.0f}",
      call.name, url, request_id, call.transaction_id, reply->status, seconds * 1000);
  return reply;
}

}  // namespace scepgate::intune

#include "intune/token_source.h"

#include "intune/client_assertion.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include <nlohmann/json.hpp>

#include "common/percent.h"
#include "common/random.h"
#include "common/text.h"

namespace scepgate::intune {
namespace {

using nlohmann::json;

// `text` with every occurrence of `secret` replaced, so that no answer can echo it into a log.
std::string Scrubbed(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "***");
  return text;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TokenSource::TokenSource(const IntuneSettings& settings, HttpPool& http, const Clock& clock,
                         Random& random, CallMetrics& metrics)
    : settings_(settings), http_(http), clock_(clock), random_(random), metrics_(metrics) {}

Result<std::string> TokenSource::Get(const std::string& scope) {
  std::unique_lock lock(mu_);
  for (;;) {
    Entry& entry = cache_[scope];
    if (!entry.token.empty() && clock_.Now() < entry.refresh_at) return entry.token;
    if (!entry.fetching) break;
    fetched_.wait(lock);  // another caller is fetching this scope; see what it got
  }
  cache_[scope].fetching = true;
  lock.unlock();
  Result<Fetched> fetched = Fetch(scope);
  lock.lock();
  Entry& entry = cache_[scope];
  entry.fetching = false;
  fetched_.notify_all();
  if (!fetched) return Fail(std::move(fetched).error());
  entry.token = fetched->token;
  int64_t margin = settings_.token_refresh_margin.count();
  // A lifetime shorter than the margin is still used for the call at hand, never cached.
  entry.refresh_at = clock_.Now() + fetched->expires_in - margin;
  return fetched->token;
}

void TokenSource::Invalidate(const std::string& scope, std::string_view stale) {
  std::lock_guard lock(mu_);
  auto it = cache_.find(scope);
  if (it == cache_.end()) return;
  if (!stale.empty() && it->second.token != stale) return;
  it->second.token.clear();
  it->second.refresh_at = 0;
}

Result<TokenSource::Fetched> TokenSource::Fetch(const std::string& scope) {
  std::string url = settings_.login_base_url + settings_.tenant + "/oauth2/v2.0/token";
  SG_ASSIGN_OR_RETURN(auto split, SplitUrl(url));
  client::HttpRequest request;
  request.method = "POST";
  request.target = split.second;
  request.content_type = "application/x-www-form-urlencoded";
  SG_ASSIGN_OR_RETURN(std::string credential, Credential(url));
  request.body = "grant_type=client_credentials&client_id=" + PercentEncode(settings_.client_id) +
                 credential + "&scope=" + PercentEncode(scope);
  auto start = std::chrono::steady_clock::now();
  Result<client::HttpReply> reply = http_.Send(split.first, request);
  double seconds = SecondsSince(start);
  if (!reply) {
    metrics_.Record("token", kOutcomeUnreachable, seconds);
    spdlog::warn("intune token: POST {} scope={} failed after {:.0f} ms: {}", url, scope,
                 seconds * 1000, reply.error().message);
    return Fail(Error::Unavailable("Intune token endpoint " + url + ": " + reply.error().message));
  }
  spdlog::info("intune token: POST {} scope={} status={} latency_ms={:.0f}", url, scope,
               reply->status, seconds * 1000);
  if (reply->status != 200) {
    metrics_.Record("token", OutcomeOfStatus(reply->status), seconds);
    return Fail(Refused(reply->status, reply->body));
  }
  json answer = json::parse(reply->body, nullptr, false);
  const json* token =
      answer.is_object() && answer.contains("access_token") ? &answer["access_token"] : nullptr;
  const json* expires =
      answer.is_object() && answer.contains("expires_in") ? &answer["expires_in"] : nullptr;
  Fetched out;
  if (token != nullptr && token->is_string()) out.token = token->get<std::string>();
  if (expires != nullptr && expires->is_number_integer()) out.expires_in = expires->get<int64_t>();
  // v1-style answers give expires_in as a string of digits.
  if (expires != nullptr && expires->is_string()) {
    const std::string& text = expires->get_ref<const std::string&>();
    if (!text.empty() && text.size() < 10 && text.find_first_not_of("0123456789") == text.npos)
      out.expires_in = std::stoll(text);
  }
  if (out.token.empty() || out.expires_in <= 0) {
    metrics_.Record("token", kOutcomeMalformed, seconds);
    return Fail(Error::Unavailable("Intune token endpoint " + url +
                                   " answered without access_token or expires_in"));
  }
  metrics_.Record("token", kOutcomeOk, seconds);
  return out;
}

Result<std::string> TokenSource::Credential(const std::string& token_url) {
  if (settings_.client_certificate_pem.empty())
    return "&client_secret=" + PercentEncode(settings_.client_secret);
  SG_ASSIGN_OR_RETURN(X509Ptr cert, CertFromPem(settings_.client_certificate_pem));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, KeyFromPem(settings_.client_key_pem));
  SG_ASSIGN_OR_RETURN(std::string jti, NewUuid(random_));
  SG_ASSIGN_OR_RETURN(std::string assertion, ClientAssertion(*cert, *key, settings_.client_id,
                                                             token_url, clock_.Now(), jti));
  return "&client_assertion_type=" + PercentEncode(kJwtBearerAssertionType) +
         "&client_assertion=" + assertion;  // base64url and dots: nothing to escape
}

Error TokenSource::Refused(int status, const std::string& body) const {
  std::string what = "Intune token endpoint answered HTTP " + std::to_string(status);
  json answer = json::parse(body, nullptr, false);
  if (answer.is_object()) {
    if (auto e = answer.find("error"); e != answer.end() && e->is_string())
      what += ": " + Shortened(e->get<std::string>(), 64);
    if (auto d = answer.find("error_description"); d != answer.end() && d->is_string())
      what += ": " + Shortened(Scrubbed(d->get<std::string>(), settings_.client_secret), 300);
  }
  if (status >= 500 || status == 429) return Error::Unavailable(what);
  return Error::PermissionDenied(what + " (tenant " + settings_.tenant + ", client id " +
                                 settings_.client_id + ")");
}

}  // namespace scepgate::intune

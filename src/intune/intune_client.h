// IntuneApi over HTTPS: tokens from the identity platform, service URIs from Graph, the five
// POSTs to Intune's services (docs/intune-protocol.md §2-§4), with the choices of §6: one retry
// with a new token after a 401, no other retry (the caller's outbox backs off), the service map
// cleared after any failed call so the next one rediscovers.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/random.h"
#include "intune/call_metrics.h"
#include "intune/http_pool.h"
#include "intune/intune_api.h"
#include "intune/service_map.h"
#include "intune/settings.h"
#include "intune/token_source.h"
#include "metrics/registry.h"

namespace scepgate::intune {

// What IntuneClient uses besides its settings; each may be left default.
struct IntuneDeps {
  HttpClientFactory http;                // default: TlsClientFactory(settings)
  const Clock* clock = nullptr;          // default: the system clock
  Random* random = nullptr;              // default: OpenSSL's (client-request-id GUIDs)
  metrics::Registry* metrics = nullptr;  // null: nothing counted
};

// Thread-safe: TokenSource, ServiceMap and HttpPool guard their own state.
class IntuneClient final : public IntuneApi {
 public:
  // kInvalidArgument as CheckSettings.
  static Result<std::unique_ptr<IntuneClient>> Make(IntuneSettings settings, IntuneDeps deps = {});

  Result<ValidationAnswer> Validate(std::string_view transaction_id, ByteView csr_der) override;
  Result<ValidationAnswer> NotifySuccess(const SuccessNotification& notification) override;
  Result<ValidationAnswer> NotifyFailure(const FailureNotification& notification) override;
  Result<std::vector<RevocationRequest>> DownloadRevocations(
      int max, std::optional<std::string> issuer_name) override;
  Status UploadRevocationResults(const std::vector<RevocationResult>& results) override;

  const IntuneSettings& settings() const { return settings_; }

  IntuneClient(IntuneSettings settings, IntuneDeps deps);  // use Make

 private:
  // Which service, suffix and call name ("validate", ...) a POST goes to.
  struct Call {
    const std::string& service;
    const std::string& api_version;
    std::string_view suffix;
    std::string_view name;
    std::string_view transaction_id;  // "" for the revocation calls (only logged)
  };
  // POSTs `body` and returns the parsed JSON answer of a 2xx, with the errors IntuneApi names.
  Result<nlohmann::json> Post(const Call& call, const nlohmann::json& body);
  // One exchange with `token`; kUnavailable when unreachable (the map is then cleared).
  Result<client::HttpReply> Send(const Call& call, const std::string& url, const std::string& token,
                                 const std::string& body);
  Result<ValidationAnswer> AnswerOf(const Call& call, const nlohmann::json& answer);

  IntuneSettings settings_;
  SystemClock system_clock_;
  SystemRandom system_random_;
  const Clock& clock_;
  Random& random_;
  CallMetrics metrics_;
  HttpPool http_;
  TokenSource tokens_;
  ServiceMap services_;
};

// `hex` upper-cased with separators (':', ' ', '-') removed. Thread-safe.
std::string UpperHex(std::string_view hex);
// `text` cut to at most `max` characters (UTF-8 code points, never splitting one). Thread-safe.
std::string CutToCharacters(std::string_view text, size_t max);

}  // namespace scepgate::intune

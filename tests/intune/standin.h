// A local stand-in for Microsoft Intune's third-party CA interface (docs/intune-protocol.md), for
// scepgate's tests: the token endpoint, Graph's service discovery, the SCEP validation service and
// the PKI connector service, under one HTTPS origin on 127.0.0.1 with a throw-away CA. It mints
// and checks its own challenges, records every call, injects faults, and hands out revocation
// requests. Test code, never shipped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace scepgate::testing {

// The stand-in's endpoints, as faults and records name them.
enum class Endpoint { kToken, kDiscovery, kValidate, kSuccess, kFailure, kDownload, kUpload };

// "token", "discovery", "validate", "success", "failure", "download", "upload".
std::string_view EndpointName(Endpoint endpoint);
// The endpoint of a name above; nullopt for anything else.
std::optional<Endpoint> EndpointFromName(std::string_view name);

struct StandInOptions {
  std::filesystem::path state_dir;  // ca.pem, tls.crt and tls.key are written here (must exist)
  std::string tenant = "contoso.onmicrosoft.com";
  std::string client_id = "5e4c1ad0-3f1b-4c6a-9d2e-7a8b9c0d1e2f";
  std::string client_secret;  // "": a random one (client_secret() says which)
  // PEM of a certificate the app registration also has: a client assertion signed with its key
  // is taken instead of the secret. "": assertions are refused.
  std::string client_certificate_pem;
  std::string control_token;  // "": a random one, for the HTTP control interface
  int token_lifetime_seconds = 3599;
  // The scopes a client must ask for, as Microsoft's library builds them.
  std::string graph_scope = "https://graph.microsoft.com/.default";
  std::string intune_scope = "https://api.manage.microsoft.com//.default";
  std::string intune_app_id = "0000000a-0000-0000-c000-000000000000";
  std::string scep_api_version = "2018-02-20";
  std::string pki_api_version = "5019-05-05";
  int threads = 4;
};

// What a minted challenge expects of the CSR that carries it. Empty subject / SANs: not checked.
struct ChallengeSpec {
  std::string subject;            // RFC 4514, e.g. "CN=device-1,O=Example"
  std::vector<std::string> sans;  // san_text form: "DNS:x", "email:x", "UPN:x", "URI:x", "IP:x"
  int64_t ttl_seconds = 3600;     // negative: already expired
};

enum class FaultKind {
  kUnauthorized,  // 401, and the token presented stops being valid (the client needs a new one)
  kServerError,   // `status` (5xx) with an error body
  kDelay,         // wait `delay_ms`, then answer as usual
};

struct Fault {
  FaultKind kind = FaultKind::kServerError;
  int count = 1;  // how many of the next calls to the endpoint it hits
  int status = 503;
  int delay_ms = 0;
};

// One request as received, with the status it got.
struct RecordedCall {
  Endpoint endpoint = Endpoint::kToken;
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_request_id;
  int status = 0;
  std::string code;  // the "code" answered by validate/success/failure, "" otherwise
};

struct RevocationRequest {
  std::string request_context;
  std::string serial_number;
  std::string issuer_name;       // "": none (sent as null)
  std::string ca_configuration;  // "": none (sent as null)
};

// A queued revocation request and what became of it.
struct RevocationRecord {
  RevocationRequest request;
  int handed_out = 0;     // downloads that carried it (an unanswered one is handed out again)
  bool answered = false;  // a result for its requestContext was uploaded
  nlohmann::json result;  // the last result uploaded for it
};

class StandInState;
class StandInHandler;

// Thread-safe. Start() listens at once; the destructor stops it.
class IntuneStandIn {
 public:
  // Makes the CA and the TLS files in options.state_dir and listens on 127.0.0.1 (a free port).
  // kIo when it cannot listen or write the files, kCrypto when the CA cannot be made.
  static Result<std::unique_ptr<IntuneStandIn>> Start(StandInOptions options);
  ~IntuneStandIn();
  IntuneStandIn(const IntuneStandIn&) = delete;
  IntuneStandIn& operator=(const IntuneStandIn&) = delete;

  // Stops serving (idempotent); waiting calls (delays) end at once.
  void Stop();

  uint16_t port() const;
  std::string base_url() const;        // "https://127.0.0.1:<port>"
  std::string login_base_url() const;  // base_url() + "/login/": the authority, tenant appended
  std::string graph_base_url() const;  // base_url() + "/graph/"
  // The URI discovery gives for a service ("ScepRequestValidationFEService", ...).
  std::string service_uri(std::string_view service) const;
  const std::filesystem::path& ca_file() const { return ca_file_; }
  const StandInOptions& options() const { return options_; }
  const std::string& client_secret() const { return options_.client_secret; }
  const std::string& control_token() const { return options_.control_token; }

  // A new opaque challenge bound to `spec`. kCrypto when no randomness is available.
  Result<std::string> MintChallenge(const ChallengeSpec& spec);
  // The next `fault.count` calls to `endpoint` get `fault` (queued after earlier faults).
  void InjectFault(Endpoint endpoint, Fault fault);
  // The next `count` calls to validate/success/failure answer `code` whatever they carry.
  void ForceCode(Endpoint endpoint, std::string code, int count = 1);
  // Every token issued so far stops being valid (as if they had expired).
  void ExpireTokens();
  // Moves both Intune services to new paths: discovery gives the new URIs, the old ones answer
  // 404 (what a client that caches the service map must recover from by discovering again).
  void RelocateServices();
  void QueueRevocation(RevocationRequest request);
  std::vector<RevocationRecord> Revocations() const;
  // The calls received, oldest first; only those to `endpoint` when given.
  std::vector<RecordedCall> Calls(std::optional<Endpoint> endpoint = std::nullopt) const;
  // The "notification" objects of the success (kSuccess) or failure (kFailure) notifications
  // accepted, oldest first.
  std::vector<nlohmann::json> Notifications(Endpoint endpoint) const;
  // Every result uploaded, oldest first.
  std::vector<nlohmann::json> RevocationResults() const;

 private:
  // Only Start() makes one (through make_unique, hence a public constructor taking this).
  struct Passkey {
    explicit Passkey() = default;
  };

 public:
  IntuneStandIn(Passkey, StandInOptions options, std::filesystem::path ca_file);

 private:
  StandInOptions options_;
  std::filesystem::path ca_file_;
  std::unique_ptr<StandInState> state_;
  std::unique_ptr<StandInHandler> handler_;
  struct Serving;
  std::unique_ptr<Serving> serving_;
};

}  // namespace scepgate::testing

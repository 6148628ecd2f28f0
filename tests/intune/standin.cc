#include "intune/standin.h"

#include <ctime>
#include <thread>
#include <utility>

#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"
#include "common/files.h"
#include "common/random.h"
#include "common/san_text.h"
#include "http/server.h"
#include "intune/standin_handler.h"
#include "intune/standin_state.h"

namespace scepgate::testing {
namespace {

constexpr std::pair<Endpoint, std::string_view> kEndpointNames[] = {
    {Endpoint::kToken, "token"},       {Endpoint::kDiscovery, "discovery"},
    {Endpoint::kValidate, "validate"}, {Endpoint::kSuccess, "success"},
    {Endpoint::kFailure, "failure"},   {Endpoint::kDownload, "download"},
    {Endpoint::kUpload, "upload"},
};

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

Result<std::string> RandomText(size_t bytes) {
  SystemRandom random;
  SG_ASSIGN_OR_RETURN(Bytes raw, random.Generate(bytes));
  return Base64UrlEncode(raw);
}

// A throw-away root CA (ca.pem) and a serverAuth certificate for 127.0.0.1 and localhost under it
// (tls.crt, tls.key) in `dir`. Returns the TLS options naming them.
Result<http::TlsOptions> MakeTlsFiles(const std::filesystem::path& dir) {
  SG_ASSIGN_OR_RETURN(ca::KeySpec spec, ca::ParseKeySpec("ec:p256"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr ca_key, ca::GenerateKey(spec));
  SystemRandom random;
  SG_ASSIGN_OR_RETURN(X509Ptr root,
                      ca::MakeRootCa(*ca_key, "Intune stand-in test CA", 30, Now(), random));
  SG_ASSIGN_OR_RETURN(std::string root_pem, CertToPem(*root));
  ca::Issuer issuer(std::move(root), std::move(ca_key), ca::IssuerOptions{});
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, ca::GenerateKey(spec));
  SG_ASSIGN_OR_RETURN(GeneralNamesPtr sans, SansFromText({"IP:127.0.0.1", "DNS:localhost"}));
  SG_ASSIGN_OR_RETURN(Bytes serial, random.Generate(16));
  serial[0] &= 0x7f;
  SG_ASSIGN_OR_RETURN(X509Ptr cert,
                      issuer.IssueTlsServer(*key, "127.0.0.1", *sans, serial, Now(), 30));
  SG_ASSIGN_OR_RETURN(std::string cert_pem, CertToPem(*cert));
  SG_ASSIGN_OR_RETURN(std::string key_pem, KeyToPem(*key));
  SG_TRY_STATUS(WriteFile(dir / "ca.pem", root_pem));
  SG_TRY_STATUS(WriteFile(dir / "tls.crt", cert_pem));
  SG_TRY_STATUS(WritePrivateFile(dir / "tls.key", key_pem));
  return http::TlsOptions{(dir / "tls.crt").string(), (dir / "tls.key").string(), "", false};
}

}  // namespace

std::string_view EndpointName(Endpoint endpoint) {
  for (const auto& [e, name] : kEndpointNames)
    if (e == endpoint) return name;
  return "";
}

std::optional<Endpoint> EndpointFromName(std::string_view name) {
  for (const auto& [e, n] : kEndpointNames)
    if (n == name) return e;
  return std::nullopt;
}

struct IntuneStandIn::Serving {
  std::unique_ptr<http::Server> server;
  std::thread thread;
};

IntuneStandIn::IntuneStandIn(Passkey, StandInOptions options, std::filesystem::path ca_file)
    : options_(std::move(options)),
      ca_file_(std::move(ca_file)),
      state_(std::make_unique<StandInState>(options_.token_lifetime_seconds)),
      handler_(std::make_unique<StandInHandler>(options_, *state_)),
      serving_(std::make_unique<Serving>()) {}

IntuneStandIn::~IntuneStandIn() { Stop(); }

Result<std::unique_ptr<IntuneStandIn>> IntuneStandIn::Start(StandInOptions options) {
  if (options.client_secret.empty()) {
    SG_ASSIGN_OR_RETURN(options.client_secret, RandomText(24));
  }
  if (options.control_token.empty()) {
    SG_ASSIGN_OR_RETURN(options.control_token, RandomText(24));
  }
  SG_ASSIGN_OR_RETURN(http::TlsOptions tls, MakeTlsFiles(options.state_dir));
  std::filesystem::path ca_file = options.state_dir / "ca.pem";
  auto standin = std::make_unique<IntuneStandIn>(Passkey{}, std::move(options), ca_file);
  http::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = 0;
  server_options.threads = standin->options_.threads;
  server_options.tls = std::move(tls);
  standin->serving_->server = std::make_unique<http::Server>(server_options, *standin->handler_);
  SG_TRY_STATUS(standin->serving_->server->Listen());
  standin->handler_->set_base_url("https://127.0.0.1:" + std::to_string(standin->port()));
  http::Server* server = standin->serving_->server.get();
  standin->serving_->thread = std::thread([server] { server->Run(false); });
  return standin;
}

void IntuneStandIn::Stop() {
  state_->StopSleeping();
  if (serving_->server) serving_->server->Stop();
  if (serving_->thread.joinable()) serving_->thread.join();
}

uint16_t IntuneStandIn::port() const { return serving_->server->port(); }
std::string IntuneStandIn::base_url() const { return handler_->base_url(); }
std::string IntuneStandIn::login_base_url() const { return base_url() + std::string(kLoginPrefix); }
std::string IntuneStandIn::graph_base_url() const { return base_url() + std::string(kGraphPrefix); }
std::string IntuneStandIn::service_uri(std::string_view service) const {
  return base_url() + state_->ServicePrefix() + std::string(service);
}

Result<std::string> IntuneStandIn::MintChallenge(const ChallengeSpec& spec) {
  return state_->MintChallenge(spec, Now());
}
void IntuneStandIn::InjectFault(Endpoint endpoint, Fault fault) {
  state_->InjectFault(endpoint, fault);
}
void IntuneStandIn::ForceCode(Endpoint endpoint, std::string code, int count) {
  state_->ForceCode(endpoint, std::move(code), count);
}
void IntuneStandIn::ExpireTokens() { state_->ExpireTokens(); }
void IntuneStandIn::RelocateServices() { state_->Relocate(); }
void IntuneStandIn::QueueRevocation(RevocationRequest request) {
  state_->QueueRevocation(std::move(request));
}
std::vector<RevocationRecord> IntuneStandIn::Revocations() const { return state_->Revocations(); }
std::vector<RecordedCall> IntuneStandIn::Calls(std::optional<Endpoint> endpoint) const {
  return state_->Calls(endpoint);
}
std::vector<nlohmann::json> IntuneStandIn::Notifications(Endpoint endpoint) const {
  return state_->Notifications(endpoint);
}
std::vector<nlohmann::json> IntuneStandIn::RevocationResults() const { return state_->Results(); }

}  // namespace scepgate::testing

#include "intune_mode.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include "common/files.h"

namespace scepgate::app {
namespace {

notify::NotifierOptions IntuneNotifierOptions(const Config& c) {
  notify::NotifierOptions o;
  o.max_attempts = c.intune_notify_max_attempts;
  o.backoff_seconds = c.webhook_backoff_seconds;
  o.max_backoff_seconds = c.webhook_max_backoff_seconds;
  o.lease_seconds = c.intune_timeout_seconds * 2 + 30;  // a call, its retry after a 401, margin
  o.owner = notify::WorkerName();
  o.prune = false;  // the webhooks' notifier prunes every type
  return o;
}

notify::IntuneRevocationOptions RevocationOptions(const Config& c, ca::RevocationReason reason) {
  notify::IntuneRevocationOptions o;
  o.reason = reason;
  // One name per poller: a reload builds the next one while the last still runs, and the last
  // one gives up only its own lease.
  static std::atomic<int> pollers = 0;
  o.owner = notify::WorkerName() + ":intune-" + std::to_string(++pollers);
  // Twice the poll, and longer than a batch (renewed after each): a node that dies hands over
  // when it runs out; one that stops gives it up (~IntuneMode).
  o.lease_seconds = std::max(2 * c.intune_revocation_poll_seconds, 3 * c.intune_timeout_seconds);
  return o;
}

}  // namespace

Result<intune::IntuneSettings> IntuneSettingsOf(const std::filesystem::path& dir, const Config& c) {
  intune::IntuneSettings s;
  s.tenant = c.intune_tenant;
  s.client_id = c.intune_client_id;
  auto in_dir = [&](const std::string& file) {
    std::filesystem::path path = file;
    return path.is_relative() ? dir / path : path;
  };
  if (!c.intune_client_certificate_file.empty()) {
    auto cert = ReadFile(in_dir(c.intune_client_certificate_file));
    if (!cert) return Fail(cert.error().With("[intune] client_certificate_file"));
    auto key = ReadPrivateFile(in_dir(c.intune_client_key_file));
    if (!key) return Fail(key.error().With("[intune] client_key_file"));
    s.client_certificate_pem = std::move(*cert);
    s.client_key_pem = std::move(*key);
  } else {
    auto loaded = intune::LoadClientSecret(in_dir(c.intune_client_secret_file));
    if (!loaded) return Fail(loaded.error().With("[intune] client_secret_file"));
    s.client_secret = std::move(*loaded);
  }
  s.login_base_url = c.intune_login_url;
  s.graph_base_url = c.intune_graph_url;
  s.intune_resource = c.intune_resource;
  s.provider_name_and_version = c.intune_provider + "/" + SCEPGATE_VERSION;
  s.timeout = std::chrono::seconds(c.intune_timeout_seconds);
  if (!c.intune_ca_file.empty()) s.ca_file = in_dir(c.intune_ca_file);
  if (auto checked = intune::CheckSettings(s); !checked)
    return Fail(checked.error().With("[intune]"));
  return s;
}

IntuneMode::IntuneMode(std::unique_ptr<intune::IntuneClient> client, const Config& config,
                       store::Store& store, ca::Revoker& revoker, const Clock& clock,
                       ca::RevocationReason reason)
    : client_(std::move(client)),
      challenges_(*client_),
      sink_(store, *client_),
      notifier_(store, sink_, clock, IntuneNotifierOptions(config)),
      revocations_(store, revoker, *client_, clock, RevocationOptions(config, reason)),
      notifier_thread_(notifier_, config.webhook_poll_ms) {
  if (config.intune_revocation_poll_seconds <= 0) return;
  revocation_thread_.emplace(std::chrono::seconds(config.intune_revocation_poll_seconds), [this] {
    auto poll = revocations_.PollOnce();
    if (!poll) spdlog::error("intune: revocation poll: {}", poll.error().message);
  });
}

IntuneMode::~IntuneMode() {
  if (!revocation_thread_) return;
  revocation_thread_.reset();
  if (auto released = revocations_.Release(); !released)
    spdlog::warn("intune: revocation lease not given up: {}", released.error().message);
}

Result<std::unique_ptr<IntuneMode>> IntuneMode::Open(const std::filesystem::path& dir,
                                                     const Config& config, store::Store& store,
                                                     ca::Revoker& revoker, const Clock& clock,
                                                     metrics::Registry* registry) {
  SG_ASSIGN_OR_RETURN(intune::IntuneSettings settings, IntuneSettingsOf(dir, config));
  auto reason = ca::ParseRevocationReason(config.intune_revocation_reason);
  if (!reason) return Fail(reason.error().With("[intune] revocation_reason"));
  if (!config.intune_profile.empty()) {
    SG_ASSIGN_OR_RETURN(auto profile, store.FindProfile(config.intune_profile));
    if (!profile)
      return Fail(Error::InvalidArgument("[intune] profile: no profile '" + config.intune_profile +
                                         "' (scepgate profile create)"));
  }
  intune::IntuneDeps deps;
  deps.clock = &clock;
  deps.metrics = registry;
  SG_ASSIGN_OR_RETURN(auto client, intune::IntuneClient::Make(std::move(settings), deps));
  spdlog::info("intune: mode on for tenant {} (app {})", config.intune_tenant,
               config.intune_client_id);
  return std::make_unique<IntuneMode>(std::move(client), config, store, revoker, clock, *reason);
}

}  // namespace scepgate::app

#include "serve_stack.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <memory>

#include "ca/cert_template.h"
#include "common/overlap.h"
#include "common/periodic.h"
#include "http/admin_fallback.h"
#include "http/api_handler.h"
#include "http/gateway_handler.h"
#include "http/mux.h"
#include "intune_mode.h"
#include "mgmt/targeting.h"
#include "notify/notifier.h"
#include "notify/validation_webhook.h"
#include "notify/webhook_sink.h"
#include "policy/pipeline.h"
#include "scep/expiry.h"
#include "scep/service.h"

namespace scepgate::app {
namespace {

Result<ca::CertTemplate> ToTemplate(const TemplateConfig& t, std::string name) {
  ca::CertTemplate out;
  out.name = std::move(name);
  SG_ASSIGN_OR_RETURN(out.purpose, ca::ParsePurpose(t.purpose));
  out.ekus = t.ekus;
  out.validity_days = t.validity_days;
  return out;
}

// Every `poll_seconds` publishes the CRLs other nodes asked this one for (of issuing CAs whose
// key this node holds and they do not); once a minute re-signs stale CRLs.
std::function<void()> CrlRefresh(scep::CrlPublisher& crls) {
  auto next_refresh = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&crls, next_refresh] {
    if (auto st = crls.PublishWanted(); !st)
      spdlog::error("publishing the CRLs other nodes asked for failed: {}", st.error().message);
    if (std::chrono::steady_clock::now() < *next_refresh) return;
    if (auto st = crls.RefreshAll(); !st)
      spdlog::error("CRL refresh failed: {}", st.error().message);
    *next_refresh = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  };
}

policy::PipelineOptions PolicyOptions(const DataDir& data) {
  const Config& c = data.config;
  policy::PipelineOptions o;
  o.static_options.challenge = c.challenge;
  o.static_options.open_enrollment = c.open_enrollment;
  o.static_options.renewal_requires_challenge = c.renewal_requires_challenge;
  o.static_options.min_rsa_bits = c.min_rsa_bits;
  o.static_options.min_ec_bits = c.min_ec_bits;
  o.static_options.max_rsa_bits = c.max_rsa_bits;
  o.static_options.rsa_min_exponent = c.rsa_min_exponent;
  o.static_options.ec_curves = c.ec_curves;
  o.static_options.names.allow_wildcard_dns = c.allow_wildcard_dns;
  o.static_options.names.max_sans = c.max_sans;
  o.revoke_superseded = c.revoke_superseded;
  o.seal_keys = data.seal_keys;
  o.intune_profile = c.intune_profile;
  return o;
}

// [admin] client_roles, checked by LoadConfig already.
std::vector<std::pair<mgmt::Role, std::string>> ClientRolesOf(const Config& c) {
  auto roles = http::ParseClientRoles(c.admin_client_roles);
  return roles ? std::move(*roles) : std::vector<std::pair<mgmt::Role, std::string>>{};
}

}  // namespace

notify::NotifierOptions NotifierOptionsOf(const Config& c) {
  notify::NotifierOptions o;
  o.max_attempts = c.webhook_max_attempts;
  o.backoff_seconds = c.webhook_backoff_seconds;
  o.max_backoff_seconds = c.webhook_max_backoff_seconds;
  o.retention_seconds = int64_t{c.event_retention_days} * 86400;
  o.lease_seconds = c.webhook_lease_seconds > 0
                        ? c.webhook_lease_seconds
                        : c.webhook_timeout_seconds * static_cast<int>(c.webhook_urls.size()) + 30;
  o.owner = notify::WorkerName();
  return o;
}

struct ServeStack::Parts {
  Parts(DataDir& d, const Clock& clock, Random& random, scep::ServiceOptions service_options,
        ServeMetrics metrics, std::unique_ptr<IntuneMode> intune_mode)
      : intune(std::move(intune_mode)),
        validation_sender(notify::MakeCurlSender(d.config.validation_timeout_seconds)),
        validation(MakeValidation(d, clock)),
        targeting(*d.store),
        policy(WithValidator(PolicyOptions(d)), *d.store, targeting, clock),
        service(*d.cas, *d.store, policy, *d.crls, clock, random,
                WithSpare(std::move(service_options))),
        health(*d.store, *d.cas, clock, int64_t{d.config.expiry_warning_days} * 86400),
        ocsp(*d.cas, *d.store, clock, random,
             scep::OcspOptions{d.config.ocsp_validity_minutes, d.config.ocsp_responder_hours,
                               d.config.ocsp_sign_with_ca, 100000, d.token.get()},
             d.store.get()),
        gateway({d.config.scep_paths, d.config.crl_path, d.config.max_scep_body, "/ocsp",
                 d.config.ocsp_cache_seconds},
                service, *d.crls, ocsp, *d.cas, health, random, metrics.requests),
        api({*d.store, clock, random, d.crls.get(), d.config.revoke_on_unassign,
             ChallengeSettingsOf(d), int64_t{d.config.challenge_ttl_minutes} * 60,
             DefaultTrustedCa(*d.cas), d.config.max_body, d.config.max_json_depth,
             d.config.token_default_expiry_days, ClientRolesOf(d.config), metrics.requests}),
        admin_other(gateway, api, metrics.registry),
        admin(std::string(http::kApiPrefix), api, admin_other),
        refresher(std::chrono::seconds(d.config.issuer_poll_seconds), CrlRefresh(*d.crls)),
        expiry(*d.cas, *d.store, clock, int64_t{d.config.expiry_warning_days} * 86400),
        expiry_thread(std::chrono::hours(1),
                      [this] {
                        if (auto checked = expiry.Check(); !checked)
                          spdlog::error("expiry watch: {}", checked.error().message);
                      }),
        webhook_sender(notify::MakeCurlSender(d.config.webhook_timeout_seconds)),
        webhooks(*webhook_sender, clock, d.config.webhook_urls, d.config.webhook_secret),
        notifier(*d.store, webhooks, clock, WithCounts(NotifierOptionsOf(d.config), metrics)),
        notifier_thread(notifier, d.config.webhook_poll_ms) {}

  static notify::NotifierOptions WithCounts(notify::NotifierOptions o, ServeMetrics metrics) {
    if (metrics.requests != nullptr)
      o.on_attempt = [requests = metrics.requests](std::string_view r) { requests->Webhook(r); };
    return o;
  }
  std::optional<notify::ValidationWebhook> MakeValidation(const DataDir& d, const Clock& clock) {
    if (d.config.validation_url.empty()) return std::nullopt;
    return std::make_optional<notify::ValidationWebhook>(
        *validation_sender, clock,
        notify::ValidationWebhookOptions{d.config.validation_url, d.config.validation_secret});
  }
  policy::PipelineOptions WithValidator(policy::PipelineOptions o) {
    if (validation) o.validator = &*validation;
    if (intune) o.intune = &intune->challenges();
    return o;
  }
  scep::ServiceOptions WithSpare(scep::ServiceOptions o) {
    o.overlap = &spare;  // the record is written there while the reply is signed
    return o;
  }

  std::unique_ptr<IntuneMode> intune;  // null unless [intune] enabled
  std::unique_ptr<notify::WebhookSender> validation_sender;
  std::optional<notify::ValidationWebhook> validation;
  mgmt::Targeting targeting;
  policy::Pipeline policy;
  SpareThread spare;
  scep::Service service;
  scep::HealthCheck health;
  scep::OcspResponder ocsp;
  http::GatewayHandler gateway;
  http::ApiHandler api;             // the REST API under /api/v1, on the admin listener
  http::AdminFallback admin_other;  // the admin listener's other paths
  http::PrefixMux admin;
  PeriodicThread refresher;  // CrlRefresh
  scep::ExpiryWatch expiry;
  PeriodicThread expiry_thread;  // expiry.Check() hourly
  std::unique_ptr<notify::WebhookSender> webhook_sender;
  notify::WebhookSink webhooks;
  notify::Notifier notifier;
  notify::NotifierThread notifier_thread;
};

Result<std::shared_ptr<ServeStack>> ServeStack::Open(const std::filesystem::path& dir,
                                                     const Clock& clock, Random& random,
                                                     ServeMetrics metrics) {
  store::SqliteOptions store_options;
  store_options.background_checkpoints = true;
  SG_ASSIGN_OR_RETURN(auto data, OpenDataDir(dir, clock, store_options));
  SG_TRY_STATUS(RegisterOwnIssuers(*data->store, *data->cas, clock.Now()));
  const Config& c = data->config;
  scep::ServiceOptions service_options;
  SG_ASSIGN_OR_RETURN(service_options.signature_template,
                      ToTemplate(c.signature_template, "signature"));
  SG_ASSIGN_OR_RETURN(service_options.encryption_template,
                      ToTemplate(c.encryption_template, "encryption"));
  SG_ASSIGN_OR_RETURN(service_options.general_template, ToTemplate(c.general_template, "general"));
  service_options.max_transaction_id = c.max_transaction_id;
  service_options.signer_clock_skew_seconds = c.signer_clock_skew_seconds;
  std::unique_ptr<IntuneMode> intune;
  if (c.intune_enabled) {
    SG_ASSIGN_OR_RETURN(
        intune, IntuneMode::Open(dir, c, *data->store, *data->crls, clock, metrics.registry));
    if (c.intune_wait_for_success_notification)
      service_options.intune_wait = std::chrono::seconds(c.intune_notification_wait_seconds);
    service_options.wake_intune_notifier = [mode = intune.get()] { mode->WakeNotifier(); };
  }
  auto parts = std::make_unique<Parts>(*data, clock, random, std::move(service_options), metrics,
                                       std::move(intune));
  return std::shared_ptr<ServeStack>(new ServeStack(std::move(data), std::move(parts)));
}

ServeStack::ServeStack(std::unique_ptr<DataDir> data, std::unique_ptr<Parts> parts)
    : data_(std::move(data)), parts_(std::move(parts)) {}

ServeStack::~ServeStack() = default;

scep::HealthReport ServeStack::Health() { return parts_->health.Check(); }

std::vector<std::pair<std::string, int64_t>> ServeStack::ResponderCertificates() {
  return parts_->ocsp.ResponderCertificates();
}

http::Handler& ServeStack::public_handler() { return parts_->gateway; }

http::Handler& ServeStack::admin_handler() { return parts_->admin; }

}  // namespace scepgate::app

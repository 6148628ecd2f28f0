// `scepgate init` and `scepgate serve`.
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <iostream>
#include <optional>
#include <thread>

#include "ca/cert_template.h"
#include "commands.h"
#include "common/log.h"
#include "data_dir.h"
#include "http/api_handler.h"
#include "http/gateway_handler.h"
#include "http/mux.h"
#include "http/server.h"
#include "mgmt/targeting.h"
#include "notify/notifier.h"
#include "notify/validation_webhook.h"
#include "policy/pipeline.h"
#include "scep/service.h"

namespace scepgate::app {

void AddDirOption(CLI::App& cmd, std::string& dir) {
  cmd.add_option("--dir", dir, "data directory")->envname("SCEPGATE_DIR")->default_val("data");
}

void Die(const Error& error) {
  std::cerr << "scepgate: " << error.message << "\n";
  throw CLI::RuntimeError(1);
}

void AddInitCommand(CLI::App& app) {
  auto opts = std::make_shared<InitOptions>();
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("init", "create a CA hierarchy, RA, database and config in a data dir");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--name", opts->name, "name used in the CA and RA subjects")
      ->default_val("scepgate");
  cmd->add_option("--key", opts->key, "CA key: rsa:2048|rsa:3072|rsa:4096|ec:p256|ec:p384")
      ->default_val("rsa:2048");
  cmd->add_option("--challenge", opts->challenge,
                  "static challenge password written into the config");
  cmd->add_option("--import-ca", opts->import_cert,
                  "PEM of an existing issuing CA (and its chain) to use");
  cmd->add_option("--import-key", opts->import_key, "PEM private key of the imported issuing CA");
  cmd->add_flag("--force", opts->force, "replace an existing data dir");
  cmd->callback([opts, dir] {
    opts->dir = *dir;
    SystemClock clock;
    SystemRandom random;
    OrDie(InitDataDir(*opts, clock, random));
    std::cout << "initialised " << *dir << " (config: " << ConfigPath(*dir).string() << ")\n";
  });
}

namespace {

ca::CertTemplate ToTemplate(const TemplateConfig& t, std::string name) {
  ca::CertTemplate out;
  out.name = std::move(name);
  out.purpose = OrDie(ca::ParsePurpose(t.purpose));
  out.ekus = t.ekus;
  out.validity_days = t.validity_days;
  return out;
}

// Re-signs stale CRLs once a minute until stopped. Thread-safe start/stop.
class CrlRefresher {
 public:
  explicit CrlRefresher(scep::CrlPublisher& crls) : thread_([this, &crls] { Loop(crls); }) {}
  ~CrlRefresher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Loop(scep::CrlPublisher& crls) {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      if (auto st = crls.RefreshAll(); !st)
        spdlog::error("CRL refresh failed: {}", st.error().message);
      lock.lock();
      cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; });
    }
  }
  std::mutex mu_;  // guards stop_
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

void Serve(const std::string& dir, const std::string& listen) {
  SystemClock clock;
  SystemRandom random;
  store::SqliteOptions store_options;
  store_options.background_checkpoints = true;
  auto data = OrDie(OpenDataDir(dir, clock, store_options));
  const Config& c = data->config;
  OrDie(InitLogging(c.log_level, c.log_json));

  http::ServerOptions so;
  std::string where = listen.empty() ? c.listen : listen;
  auto colon = where.rfind(':');
  if (colon == std::string::npos) Die(Error::InvalidArgument("listen address must be HOST:PORT"));
  so.host = where.substr(0, colon);
  if (so.host.size() > 2 && so.host.front() == '[') so.host = so.host.substr(1, so.host.size() - 2);
  try {
    int port = std::stoi(where.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    so.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    Die(Error::InvalidArgument("bad port in listen address '" + where + "'"));
  }
  so.threads = c.threads > 0 ? c.threads
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.max_request_line = c.max_request_line;
  so.max_body = c.max_body;

  policy::PipelineOptions popts;
  popts.static_options = {c.challenge, c.open_enrollment, c.renewal_requires_challenge,
                          c.min_rsa_bits, c.min_ec_bits};
  popts.revoke_superseded = c.revoke_superseded;
  popts.seal_keys = data->seal_keys;
  auto validation_sender = notify::MakeCurlSender(c.validation_timeout_seconds);
  std::optional<notify::ValidationWebhook> validation;
  if (!c.validation_url.empty()) {
    validation.emplace(*validation_sender, clock,
                       notify::ValidationWebhookOptions{c.validation_url, c.validation_secret});
    popts.validator = &*validation;
  }
  mgmt::Targeting targeting(*data->store);
  policy::Pipeline policy(std::move(popts), *data->store, targeting, clock);
  scep::ServiceOptions sopts{ToTemplate(c.signature_template, "signature"),
                             ToTemplate(c.encryption_template, "encryption"),
                             ToTemplate(c.general_template, "general")};
  SpareThread spare;  // the record is written there while the reply is signed
  sopts.overlap = &spare;
  scep::Service service(*data->cas, *data->store, policy, *data->crls, clock, random, sopts);
  http::GatewayHandler gateway({c.scep_paths, c.crl_path}, service, *data->crls, *data->cas,
                               random);
  // The REST API under /api/v1 (bearer tokens); every other path is the gateway's, unchanged.
  http::ApiHandler api({*data->store, clock, random, data->crls.get(), c.revoke_on_unassign,
                        ChallengeSettingsOf(*data), int64_t{c.challenge_ttl_minutes} * 60,
                        DefaultTrustedCa(*data->cas)});
  http::PrefixMux handler(std::string(http::kApiPrefix), api, gateway);
  http::Server server(so, handler);
  OrDie(server.Listen());
  CrlRefresher refresher(*data->crls);
  auto sender = notify::MakeCurlSender(c.webhook_timeout_seconds);
  notify::Notifier notifier(
      *data->store, *sender, clock,
      {c.webhook_urls, c.webhook_secret, c.webhook_max_attempts, c.webhook_backoff_seconds,
       c.webhook_max_backoff_seconds, 50, int64_t{c.event_retention_days} * 86400});
  notify::NotifierThread notifier_thread(notifier, c.webhook_poll_ms);
  if (c.open_enrollment)
    spdlog::warn("open_enrollment is on: anyone who reaches this gateway can enroll");
  spdlog::info(
      "scepgate serving SCEP on http://{}:{}{} and the REST API on {} ({} threads, data dir {})",
      so.host, server.port(), c.scep_paths.front(), http::kApiPrefix, so.threads, dir);
  server.Run(/*handle_signals=*/true);
  spdlog::info("scepgate stopped");
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto listen = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "serve SCEP, CRLs, /healthz and the REST API (/api/v1) over HTTP");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--listen", *listen,
                  "HOST:PORT to listen on (default: the config's server.listen)");
  cmd->callback([dir, listen] { Serve(*dir, *listen); });
}

}  // namespace scepgate::app

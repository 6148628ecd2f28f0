// `scepgate init` and `scepgate serve`.
#include <spdlog/spdlog.h>

#include <signal.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "commands.h"
#include "common/asn1_text.h"
#include "common/files.h"
#include "common/log.h"
#include "common/periodic.h"
#include "data_dir.h"
#include "http/api_handler.h"
#include "http/metrics_handler.h"
#include "http/reloadable.h"
#include "http/server.h"
#include "http/tls_options.h"
#include "join_node.h"
#include "metrics/registry.h"
#include "scep/expiry.h"
#include "serve_stack.h"
#include "server_pid.h"

namespace scepgate::app {

void AddDirOption(CLI::App& cmd, std::string& dir) {
  // The environment is read when this command is the one run, not through CLI11's envname: this
  // CLI11 fills an option from the environment in every subcommand of a group, including those
  // not run, and the subcommands of a group share one `dir` string, so SCEPGATE_DIR would
  // overwrite a --dir given to the command that runs.
  cmd.add_option("--dir", dir, "data directory (default: $SCEPGATE_DIR, else ./data)");
  cmd.preparse_callback([&dir](size_t) {
    const char* env = std::getenv("SCEPGATE_DIR");
    dir = env != nullptr && *env != '\0' ? env : "data";
  });
}

void Die(const Error& error) {
  std::cerr << "scepgate: " << error.message << "\n";
  throw CLI::RuntimeError(1);
}

namespace {

// The static challenge of `init --challenge-file`: the first line of the file (which must be
// mode 0600, ReadPrivateFile) or of standard input ("-"), without its line ending.
// kInvalidArgument when it is empty; the errors of ReadPrivateFile.
Result<std::string> ReadChallengeFile(const std::string& path) {
  std::string text;
  if (path == "-") {
    std::getline(std::cin, text);
  } else {
    SG_ASSIGN_OR_RETURN(text, ReadPrivateFile(path));
    text = text.substr(0, text.find('\n'));
  }
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) return Fail(Error::InvalidArgument("--challenge-file: the challenge is empty"));
  return text;
}

}  // namespace

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
  CLI::Option* challenge_opt = cmd->add_option(
      "--challenge", opts->challenge,
      "static challenge password written into the config (visible to other users in the "
      "process list while init runs: prefer --challenge-file)");
  auto challenge_file = std::make_shared<std::string>();
  cmd->add_option("--challenge-file", *challenge_file,
                  "read the static challenge from this file (mode 0600; its first line) or, "
                  "with '-', from standard input")
      ->excludes(challenge_opt);
  cmd->add_option("--import-ca", opts->import_cert,
                  "PEM of an existing issuing CA (and its chain) to use");
  cmd->add_option("--import-key", opts->import_key, "PEM private key of the imported issuing CA");
  cmd->add_option("--offline-root", opts->offline_root,
                  "write the new root CA's private key to this new file (0600, outside the data "
                  "dir) and keep it nowhere else; `ca rollover` then needs it as --root-key");
  cmd->add_option("--crl-base-url", opts->crl_base_url,
                  "where relying parties fetch CRLs (e.g. http://pki.example.com/crl): set as [ca] "
                  "crl_base_url, and the issuing CA names the root's CRL there");
  cmd->add_option("--pkcs11", opts->pkcs11_uri,
                  "make the CA keys (root, issuing CA, RA) inside this PKCS#11 token, e.g. "
                  "'pkcs11:token=scepgate;object=scepgate' (object=: label prefix); the PIN comes "
                  "from --pkcs11-pin-file or SCEPGATE_PKCS11_PIN, never the command line");
  cmd->add_option("--pkcs11-module", opts->pkcs11_module,
                  "with --pkcs11: the PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so), "
                  "unless the URI has module-path");
  cmd->add_option("--pkcs11-pin-file", opts->pkcs11_pin_file,
                  "with --pkcs11: a file (mode 0600) holding the token's user PIN, named in "
                  "[pkcs11] pin_file");
  cmd->add_option("--admin-name", opts->admin_names,
                  "a host name or IP address of the admin listener's TLS certificate (repeat "
                  "it; default: localhost, 127.0.0.1, ::1 and this host's name)");
  cmd->add_flag("--force", opts->force, "replace an existing data dir");
  auto join = std::make_shared<JoinOptions>();
  CLI::Option* join_opt =
      cmd->add_option("--join", join->dsn,
                      "make DIR a new node of the deployment on this PostgreSQL database (a DSN "
                      "without the password), from the node in --from");
  CLI::Option* from_opt = cmd->add_option(
      "--from", join->from, "with --join: an existing node's data dir (or a copy of it)");
  CLI::Option* password_opt = cmd->add_option(
      "--password-file", join->password_file,
      "with --join: a file (mode 0600) holding the database password, copied into DIR");
  CLI::Option* issuer_opt = cmd->add_option(
      "--issuer", join->issuer,
      "with --join: sign with the issuing CA that `ca add-issuer --out` wrote to this directory "
      "(default: the one of --from)");
  join_opt->needs(from_opt);
  from_opt->needs(join_opt);
  password_opt->needs(join_opt);
  issuer_opt->needs(join_opt);
  cmd->get_option("--pkcs11-module")->needs(cmd->get_option("--pkcs11"));
  cmd->get_option("--pkcs11-pin-file")->needs(cmd->get_option("--pkcs11"));
  for (const char* other : {"--challenge", "--challenge-file", "--import-ca", "--import-key",
                            "--offline-root", "--force", "--pkcs11"})
    join_opt->excludes(cmd->get_option(other));
  cmd->callback([opts, dir, join, challenge_file] {
    if (!join->dsn.empty()) {
      join->dir = *dir;
      join->admin_names = opts->admin_names;
      auto files = OrDie(JoinNode(*join));
      std::cout << "joined " << *dir << " to the deployment of " << join->from.string()
                << "; files written (mode):\n";
      for (const auto& f : files)
        std::cout << "  " << f.path.string() << " (" << std::oct << f.mode << std::dec << ")\n";
      std::cout << "start it with `scepgate serve --dir " << *dir << "`\n";
      return;
    }
    opts->dir = *dir;
    if (!challenge_file->empty()) opts->challenge = OrDie(ReadChallengeFile(*challenge_file));
    SystemClock clock;
    SystemRandom random;
    OrDie(InitDataDir(*opts, clock, random));
    std::cout << "initialised " << *dir << " (config: " << ConfigPath(*dir).string() << ")\n";
    if (!opts->pkcs11_uri.empty())
      std::cout << "CA keys made in the PKCS#11 token " << opts->pkcs11_uri
                << "; the data dir names them in ca/*.p11\n";
    if (!opts->offline_root.empty())
      std::cout << "root CA key written to " << opts->offline_root.string()
                << " and kept nowhere else: move it offline; `scepgate ca rollover` needs it as "
                   "--root-key\n";
  });
}

namespace {

// HOST:PORT into the server options. Dies on a malformed address.
void ParseListen(const std::string& where, http::ServerOptions& so) {
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
}

// What `serve` serves from now. Thread-safe.
class Serving {
 public:
  Serving(std::string dir, const Clock& clock, Random& random, std::shared_ptr<ServeStack> first,
          ServeMetrics metrics)
      : dir_(std::move(dir)),
        clock_(clock),
        random_(random),
        metrics_(metrics),
        stack_(first),
        public_(PublicOf(first)),
        admin_(AdminOf(first)),
        started_with_(stack_->data().config) {}

  // The stack serving now.
  std::shared_ptr<ServeStack> stack() {
    std::lock_guard lock(mu_);
    return stack_;
  }
  http::ReloadableHandler& public_handler() { return public_; }
  http::ReloadableHandler& admin_handler() { return admin_; }
  const Config& started_with() const { return started_with_; }

  // Opens the data dir again and serves new requests from it (SIGHUP, or the issuer registry
  // changed); a failure keeps the running stack. What the listening socket and the log were set
  // up with needs a restart.
  void Reload(std::string_view why) {
    std::lock_guard reloading(reload_mu_);
    spdlog::info("{}: reloading {}", why, dir_);
    auto next = ServeStack::Open(dir_, clock_, random_, metrics_);
    if (!next) {
      spdlog::error("reload failed, still serving as before: {}", next.error().message);
      return;
    }
    WarnAboutRestart((*next)->data().config);
    const std::string issuing = (*next)->data().cas->current().id;
    {
      std::lock_guard lock(mu_);
      stack_ = *next;
    }
    public_.Replace(PublicOf(*next));
    admin_.Replace(AdminOf(*next));
    spdlog::info("reloaded: issuing CA {}", issuing);
  }

  // Reloads when issuing CAs were added or retired on other nodes since the stack was opened.
  void CheckIssuerRegistry() {
    std::shared_ptr<ServeStack> stack;
    {
      std::lock_guard lock(mu_);
      stack = stack_;
    }
    const DataDir& data = stack->data();
    auto registry = data.store->ListIssuers();
    if (!registry) {
      spdlog::warn("cannot read the issuer registry: {}", registry.error().message);
      return;
    }
    if (data.cas->ForeignIssuers(*registry) != data.cas->foreign_issuers())
      Reload("issuing CAs were added or retired");
  }

  // One round of the RA certificate's renewal (scep/ra_renewal.h); reloads when the data dir
  // now holds a renewal to load or to serve.
  void CheckRaRenewal() {
    std::shared_ptr<ServeStack> stack = this->stack();
    const DataDir& data = stack->data();
    scep::RaRenewal renewal(data.dir, *data.store, clock_, random_, RaRenewalOptionsOf(data));
    auto round = renewal.Check(*data.cas);
    if (!round) {
      spdlog::error("RA certificate renewal: {}", round.error().message);
      return;
    }
    if (round->changed) Reload("the RA certificate was renewed");
  }

 private:
  // The stack's handlers, each keeping the whole stack alive while a request uses it.
  static std::shared_ptr<http::Handler> PublicOf(const std::shared_ptr<ServeStack>& stack) {
    return {stack, &stack->public_handler()};
  }
  static std::shared_ptr<http::Handler> AdminOf(const std::shared_ptr<ServeStack>& stack) {
    return {stack, &stack->admin_handler()};
  }

  void WarnAboutRestart(const Config& c) const {
    const Config& s = started_with_;
    if (c.listen != s.listen || c.admin_listen != s.admin_listen || c.admin_tls != s.admin_tls ||
        c.admin_client_ca != s.admin_client_ca || c.tls_cert != s.tls_cert ||
        c.admin_tls_cert != s.admin_tls_cert ||
        c.admin_client_cert_required != s.admin_client_cert_required ||
        c.metrics_listen != s.metrics_listen || c.threads != s.threads ||
        c.max_request_line != s.max_request_line || c.max_header_bytes != s.max_header_bytes ||
        c.max_connections != s.max_connections ||
        c.max_connections_per_address != s.max_connections_per_address ||
        c.read_timeout_seconds != s.read_timeout_seconds ||
        c.trusted_proxies != s.trusted_proxies || c.log_level != s.log_level ||
        c.log_json != s.log_json || c.issuer_poll_seconds != s.issuer_poll_seconds)
      spdlog::warn(
          "[server], [admin], [metrics] and [log] settings, and [ca] issuer_poll_seconds, take "
          "effect at "
          "the next restart (a reload reads the TLS certificate files again)");
    if (s.legacy_algorithms && !c.legacy_algorithms)
      spdlog::warn("single DES stays accepted until the next restart");
  }

  const std::string dir_;
  const Clock& clock_;
  Random& random_;
  const ServeMetrics metrics_;
  std::mutex reload_mu_;  // one reload at a time
  std::mutex mu_;         // guards stack_
  std::shared_ptr<ServeStack> stack_;
  http::ReloadableHandler public_;  // the public listener's: the gateway
  http::ReloadableHandler admin_;   // the admin listener's: the REST API
  const Config started_with_;
};

// The options both listeners share, from [server].
http::ServerOptions ListenerOptions(const Config& c) {
  http::ServerOptions so;
  so.threads = WorkerThreads(c);
  so.max_request_line = c.max_request_line;
  so.max_header_bytes = c.max_header_bytes;
  so.max_body = c.max_body;
  so.max_connections = c.max_connections;
  so.max_connections_per_address = c.max_connections_per_address;
  so.read_timeout_seconds = c.read_timeout_seconds;
  so.trusted_proxies = OrDie(IpNetworks::Parse(c.trusted_proxies));
  return so;
}

// scepgate_certificate_expiry_seconds: the seconds left to each certificate enrollment rests on
// (scep/expiry.h) and to the admin listener's, read at each scrape.
void AddExpiryGauge(metrics::Registry& registry, Serving& serving, const Clock& clock,
                    const std::string& dir) {
  registry.AddCallbackGauge(
      "scepgate_certificate_expiry_seconds",
      "Seconds until each CA, RA and listener certificate of this node expires (negative once "
      "expired).",
      {"role", "subject"}, [&serving, &clock, dir]() -> Result<std::vector<metrics::GaugeSample>> {
        std::shared_ptr<ServeStack> stack = serving.stack();
        const DataDir& d = stack->data();
        const int64_t now = clock.Now();
        std::vector<metrics::GaugeSample> out;
        for (const scep::ExpiryItem& item : scep::ExpiryOf(*d.cas, now, 0))
          out.push_back({{item.role, item.subject}, static_cast<double>(item.seconds_left)});
        for (const auto& [subject, not_after] : stack->ResponderCertificates())
          out.push_back({{"ocsp-responder", subject}, static_cast<double>(not_after - now)});
        if (d.config.admin_tls && !d.config.admin_listen.empty()) {
          auto pem = ReadFile(std::filesystem::path(dir) / d.config.admin_tls_cert);
          auto cert = pem ? CertFromPem(*pem) : Result<X509Ptr>(Fail(pem.error()));
          auto not_after = cert ? AsnTimeToUnix(*X509_get0_notAfter(cert->get()))
                                : Result<int64_t>(Fail(cert.error()));
          if (not_after)
            out.push_back({{"admin-tls", NameToString(*X509_get_subject_name(cert->get()))},
                           static_cast<double>(*not_after - now)});
        }
        return out;
      });
}

// scepgate_outbox_events{state}: the events waiting for delivery (pending), delivered, and
// given up (dead), read from the store at each scrape; the same on every node of a deployment.
void AddOutboxGauge(metrics::Registry& registry, Serving& serving) {
  registry.AddCallbackGauge(
      "scepgate_outbox_events",
      "Webhook events in the outbox by state: pending (the backlog), delivered, dead (given up).",
      {"state"}, [&serving]() -> Result<std::vector<metrics::GaugeSample>> {
        SG_ASSIGN_OR_RETURN(auto counts, serving.stack()->data().store->CountEvents());
        std::vector<metrics::GaugeSample> out;
        for (const char* state : {"pending", "delivered", "dead"})
          out.push_back({{state}, static_cast<double>(counts[state])});
        return out;
      });
}

// scepgate_up{part}: 1 when this node reaches its database (part="database") and signs with the
// keys an enrollment needs (part="signing"), as /healthz says; 0 otherwise.
void AddHealthGauge(metrics::Registry& registry, Serving& serving) {
  registry.AddCallbackGauge(
      "scepgate_up", "1 when this node reaches its database, and signs with its keys; else 0.",
      {"part"}, [&serving]() -> Result<std::vector<metrics::GaugeSample>> {
        scep::HealthReport h = serving.stack()->Health();
        return std::vector<metrics::GaugeSample>{{{"database"}, h.database == "ok" ? 1.0 : 0.0},
                                                 {{"signing"}, h.signing == "ok" ? 1.0 : 0.0}};
      });
}

// scepgate_challenges{state}: one-time challenges minted, by state (used, unused, expired), read
// from the store at each scrape.
void AddChallengeGauge(metrics::Registry& registry, Serving& serving, const Clock& clock) {
  registry.AddCallbackGauge(
      "scepgate_challenges",
      "One-time challenges in the store by state: used, unused (still valid), expired (unused).",
      {"state"}, [&serving, &clock]() -> Result<std::vector<metrics::GaugeSample>> {
        SG_ASSIGN_OR_RETURN(store::ChallengeCounts n,
                            serving.stack()->data().store->CountChallenges(clock.Now()));
        return std::vector<metrics::GaugeSample>{{{"used"}, static_cast<double>(n.used)},
                                                 {{"unused"}, static_cast<double>(n.unused)},
                                                 {{"expired"}, static_cast<double>(n.expired)}};
      });
}

// The PEM of the data dir's issuing CAs (every one the registry knows) and the CAs between them
// and the root: what builds a client certificate's chain up to [admin] client_ca.
std::string IssuerChainPem(const scep::CaState& cas) {
  std::string pem;
  for (const auto& ca : cas.all())
    if (auto text = CertToPem(ca->issuer->cert())) pem += *text;
  for (const X509Ptr& between : cas.intermediates())
    if (auto text = CertToPem(*between)) pem += *text;
  return pem;
}

// The admin listener's options, or nullopt when there is none ("" or "off").
std::optional<http::ServerOptions> AdminOptions(const std::string& dir, const Config& c,
                                                const std::string& admin_listen,
                                                const scep::CaState& cas) {
  std::string where = admin_listen.empty() ? c.admin_listen : admin_listen;
  if (where.empty() || where == "off") return std::nullopt;
  http::ServerOptions so = ListenerOptions(c);
  ParseListen(where, so);
  so.threads = std::min(so.threads, 2);  // administration, not enrollment traffic
  so.trusted_proxies = {};
  if (c.admin_tls) {
    const std::filesystem::path d(dir);
    http::TlsOptions tls{(d / c.admin_tls_cert).string(), (d / c.admin_tls_key).string(),
                         c.admin_client_ca.empty() ? "" : (d / c.admin_client_ca).string(),
                         c.admin_client_cert_required,
                         c.admin_client_ca.empty() ? "" : IssuerChainPem(cas)};
    so.tls = tls;
  }
  return so;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

void Serve(const std::string& dir, const std::string& listen, const std::string& admin_listen) {
  SystemClock clock;
  SystemRandom random;
  // Logging first: the stack starts threads (CRL refresher, notifier) that log.
  if (auto config = LoadConfig(ConfigPath(dir)))
    OrDie(InitLogging(config->log_level, config->log_json));
  // The metrics outlive every stack: a reload keeps the counts.
  metrics::Registry registry;
  http::RequestMetrics requests(registry);
  const ServeMetrics metrics{&registry, &requests};
  Serving serving(dir, clock, random, OrDie(ServeStack::Open(dir, clock, random, metrics)),
                  metrics);
  const Config& c = serving.started_with();
  AddExpiryGauge(registry, serving, clock, dir);
  AddOutboxGauge(registry, serving);
  AddChallengeGauge(registry, serving, clock);
  AddHealthGauge(registry, serving);

  http::ServerOptions so = ListenerOptions(c);
  ParseListen(listen.empty() ? c.listen : listen, so);
  if (!c.tls_cert.empty())
    so.tls = http::TlsOptions{(std::filesystem::path(dir) / c.tls_cert).string(),
                              (std::filesystem::path(dir) / c.tls_key).string(), "", false, ""};
  std::optional<http::ServerOptions> admin_so =
      AdminOptions(dir, c, admin_listen, *serving.stack()->data().cas);
  uint64_t fd_limit = http::RaiseFileLimit();

  http::Server server(so, serving.public_handler());
  OrDie(server.Listen());
  std::optional<http::Server> admin;
  if (admin_so) {
    admin.emplace(*admin_so, serving.admin_handler());
    if (auto listening = admin->Listen(); !listening) Die(listening.error().With("[admin] listen"));
    if (!admin_so->tls && !IsLoopback(admin_so->host))
      spdlog::warn(
          "the admin listener on {} speaks plain HTTP: bearer tokens cross the network in clear",
          admin_so->host);
  }
  ServerPidFile pid_file = OrDie(ServerPidFile::Create(dir));  // for `scepgate reload`
  if (c.open_enrollment)
    spdlog::warn("open_enrollment is on: anyone who reaches this gateway can enroll");
  if (!c.challenge.empty() && !IsPrintableString(c.challenge))
    spdlog::warn(
        "[scep] challenge holds characters outside PrintableString (A-Z a-z 0-9 space "
        "'()+,-./:=?): "
        "Windows devices cannot send it");
  spdlog::info(
      "scepgate serving SCEP on {}://{}:{}{} ({} threads, at most {} connections with {} open "
      "files allowed, data dir {})",
      so.tls ? "https" : "http", so.host, server.port(), c.scep_paths.front(), so.threads,
      server.connection_cap(), fd_limit, dir);
  if (admin)
    spdlog::info("scepgate serving the REST API on {}://{}:{}{}{}",
                 admin_so->tls ? "https" : "http", admin_so->host, admin->port(), http::kApiPrefix,
                 admin_so->tls && !admin_so->tls->client_ca_file.empty()
                     ? " (client certificates accepted)"
                     : "");
  else
    spdlog::info("no admin listener ([admin] listen is empty): the REST API is not served");
  // [metrics] listen: /metrics alone, plain HTTP, no token.
  http::MetricsHandler metrics_handler(registry);
  std::optional<http::Server> metrics_server;
  if (!c.metrics_listen.empty()) {
    http::ServerOptions mo = ListenerOptions(c);
    ParseListen(c.metrics_listen, mo);
    mo.threads = 1;
    mo.trusted_proxies = {};
    metrics_server.emplace(mo, metrics_handler);
    if (auto listening = metrics_server->Listen(); !listening)
      Die(listening.error().With("[metrics] listen"));
    spdlog::info("scepgate serving /metrics on http://{}:{}/metrics", mo.host,
                 metrics_server->port());
  }
  std::thread admin_thread;
  if (admin) admin_thread = std::thread([&] { admin->Run(/*handle_signals=*/false); });
  std::thread metrics_thread;
  if (metrics_server)
    metrics_thread = std::thread([&] { metrics_server->Run(/*handle_signals=*/false); });
  PeriodicThread issuer_watch(std::chrono::seconds(c.issuer_poll_seconds), [&serving] {
    serving.CheckIssuerRegistry();
    serving.CheckRaRenewal();
  });
  server.Run(/*handle_signals=*/true, [&] {
    serving.Reload("SIGHUP");
    for (http::Server* s : {&server, admin ? &*admin : nullptr}) {
      if (s == nullptr || (s == &server ? !so.tls : !admin_so->tls)) continue;
      if (auto reloaded = s->ReloadTls(); !reloaded)
        spdlog::error("TLS certificate not reloaded, still using the old one: {}",
                      reloaded.error().message);
    }
  });
  if (admin) {
    admin->Stop();
    admin_thread.join();
  }
  if (metrics_server) {
    metrics_server->Stop();
    metrics_thread.join();
  }
  spdlog::info("scepgate stopped");
}

}  // namespace

void AddReloadCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "reload",
      "have the `scepgate serve` of a data dir read it again (SIGHUP), e.g. after an "
      "edit of scepgate.toml");
  AddDirOption(*cmd, *dir);
  cmd->callback([dir] {
    std::optional<pid_t> pid = RunningServer(*dir);
    if (!pid) Die(Error::NotFound("no `scepgate serve` runs on " + *dir));
    if (::kill(*pid, SIGHUP) != 0)
      Die(Error::Io("cannot signal pid " + std::to_string(*pid) + ": " + std::strerror(errno)));
    std::cout << "sent SIGHUP to `scepgate serve` (pid " << *pid << "); its log says how it went\n";
  });
}

void AddServeCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto listen = std::make_shared<std::string>();
  auto admin_listen = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "serve SCEP, CRLs, OCSP and /healthz on the public listener, and the REST API (/api/v1) "
      "on the admin listener (TLS)");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--listen", *listen,
                  "HOST:PORT of the public listener (default: the config's server.listen)");
  cmd->add_option("--admin-listen", *admin_listen,
                  "HOST:PORT of the admin listener, or `off` (default: the config's "
                  "admin.listen); port 0 picks a free one, named in the log");
  cmd->callback([dir, listen, admin_listen] { Serve(*dir, *listen, *admin_listen); });
}

}  // namespace scepgate::app

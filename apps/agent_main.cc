// scepgate-agent: the device side. enroll from a payload, renew when due, or run the renewal loop
// until SIGINT/SIGTERM. Events go to stdout as JSON lines; a failure ends with
// "scepgate-agent: <why>" on stderr and exit code 1 (2 for a usage error). Only wiring lives here.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "agent/agent.h"
#include "cli_parse.h"
#include "common/files.h"

namespace {

namespace agent = scepgate::agent;

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

struct Flags {
  std::string payload;
  std::string dir;
  std::optional<std::string> p12;
  bool force = false;
  bool reuse_key = false;
  int64_t interval = 3600;
  int poll_interval = 5;
  int poll_limit = 60;
  int http_timeout = 30;
  std::string tls_ca;  // PEM file the gateways' TLS certificates chain to; "" = system store
};

int Report(const scepgate::Error& e) {
  std::cerr << "scepgate-agent: " << e.message << "\n";
  return 1;
}

agent::AgentOptions Options(const Flags& f) {
  agent::AgentOptions o;
  o.poll_interval_seconds = f.poll_interval;
  o.poll_limit = f.poll_limit;
  o.p12_password = f.p12;
  o.reuse_key = f.reuse_key;
  return o;
}

struct Wiring {
  std::unique_ptr<scepgate::client::HttpClient> http;
  agent::RealSleeper sleeper{g_stop};
  agent::JsonLineEvents events{std::cout};
  scepgate::SystemRandom random;
  scepgate::SystemClock clock;
  agent::Agent agent;
  explicit Wiring(const Flags& f)
      : http(scepgate::client::MakeTlsHttpClient(f.http_timeout, f.tls_ca)),
        agent(*http, sleeper, events, random, clock) {}
};

int Enroll(const Flags& f) {
  auto text = scepgate::ReadFile(f.payload);
  if (!text) return Report(text.error());
  auto payload = agent::ParsePayload(*text);
  if (!payload) return Report(payload.error());
  Wiring w(f);
  auto r = w.agent.Enroll(*payload, f.dir, Options(f));
  if (!r) return Report(r.error().With("enrollment failed"));
  return 0;
}

int Renew(const Flags& f) {
  Wiring w(f);
  auto r = w.agent.Renew(f.dir, f.force, Options(f));
  if (!r) return Report(r.error().With("renewal failed"));
  return 0;
}

int Run(const Flags& f) {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Wiring w(f);
  auto r = w.agent.Run(f.dir, f.interval, Options(f));
  if (!r) return Report(r.error());
  return 0;
}

void AddHttpFlags(CLI::App& cmd, Flags& f) {
  cmd.add_option("--poll-interval", f.poll_interval, "seconds between CertPolls while PENDING (5)");
  cmd.add_option("--poll-limit", f.poll_limit, "CertPolls before giving up (60)");
  cmd.add_option("--http-timeout", f.http_timeout, "seconds per HTTP exchange (30)");
  cmd.add_option("--tls-ca", f.tls_ca,
                 "PEM file of the CA(s) an https gateway's certificate must chain to "
                 "(default: the system trust store)");
  cmd.add_option("--p12", f.p12, "also write cert.p12 protected by this password");
}

}  // namespace

int main(int argc, char** argv) {
  int rc = 0;
  try {
    CLI::App app{"scepgate-agent: enrolls and renews this device's certificate over SCEP"};
    app.require_subcommand(1);
    Flags f;
    CLI::App* enroll =
        app.add_subcommand("enroll", "enroll with a payload from `scepgate payload`");
    enroll->add_option("--payload", f.payload, "payload JSON file")->required();
    enroll->add_option("--out", f.dir, "directory for key.pem, cert.pem, chain.pem, state.json")
        ->required();
    AddHttpFlags(*enroll, f);
    enroll->callback([&] { rc = Enroll(f); });

    CLI::App* renew = app.add_subcommand("renew", "renew the certificate in DIR when it is due");
    renew->add_option("--dir", f.dir, "directory written by enroll")->required();
    renew->add_flag("--force", f.force, "renew even when not due");
    renew->add_flag("--reuse-key", f.reuse_key, "keep the current key (default: a new one)");
    AddHttpFlags(*renew, f);
    renew->callback([&] { rc = Renew(f); });

    CLI::App* run = app.add_subcommand("run", "check and renew every --interval until stopped");
    run->add_option("--dir", f.dir, "directory written by enroll")->required();
    run->add_option("--interval", f.interval, "seconds between checks (3600)");
    run->add_flag("--reuse-key", f.reuse_key, "keep the current key (default: a new one)");
    AddHttpFlags(*run, f);
    run->callback([&] { rc = Run(f); });
    if (int parsed = scepgate::app::ParseAndRun(app, argc, argv, "scepgate-agent"); parsed != 0)
      return parsed;
  } catch (const std::exception& e) {
    std::cerr << "scepgate-agent: " << e.what() << "\n";
    return 1;
  }
  return rc;
}

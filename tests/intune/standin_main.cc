// scepgate-intune-standin: the Intune stand-in as a process, for shell tests. Prints one JSON line
// (base URL, login and Graph base URLs, CA file, tenant, client id and secret, control token) once
// it listens, and serves until SIGINT/SIGTERM or, unless --no-stdin, until stdin closes.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "intune/standin.h"

namespace {

// Blocks SIGINT and SIGTERM in this thread and every thread started after, for sigwait.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  using scepgate::testing::IntuneStandIn;
  scepgate::testing::StandInOptions options;
  bool no_stdin = false;
  CLI::App app{"A local stand-in for Intune's third-party CA interface (test tool)"};
  std::string state_dir;
  app.add_option("--state-dir", state_dir, "directory for ca.pem, tls.crt, tls.key, standin.json")
      ->required();
  app.add_option("--tenant", options.tenant, "tenant the token endpoint accepts");
  app.add_option("--client-id", options.client_id, "client id the token endpoint accepts");
  app.add_option("--client-secret", options.client_secret, "client secret (default: random)");
  app.add_option("--control-token", options.control_token, "control token (default: random)");
  app.add_option("--token-lifetime", options.token_lifetime_seconds, "expires_in of tokens");
  std::string client_certificate;
  app.add_option("--client-certificate", client_certificate,
                 "PEM file of a certificate the app also has (client assertions signed with its "
                 "key are taken)");
  app.add_flag("--no-stdin", no_stdin, "do not stop when stdin closes");
  CLI11_PARSE(app, argc, argv);
  options.state_dir = state_dir;
  if (!client_certificate.empty()) {
    auto pem = scepgate::ReadFile(client_certificate);
    if (!pem) {
      std::cerr << "scepgate-intune-standin: " << pem.error().message << "\n";
      return 1;
    }
    options.client_certificate_pem = std::move(*pem);
  }

  sigset_t stop_signals = BlockStopSignals();
  auto standin = IntuneStandIn::Start(options);
  if (!standin) {
    std::cerr << "scepgate-intune-standin: " << standin.error().message << "\n";
    return 1;
  }
  IntuneStandIn& s = **standin;
  nlohmann::json line = {{"base_url", s.base_url()},
                         {"login_base_url", s.login_base_url()},
                         {"graph_base_url", s.graph_base_url()},
                         {"ca_file", s.ca_file().string()},
                         {"tenant", s.options().tenant},
                         {"client_id", s.options().client_id},
                         {"client_secret", s.client_secret()},
                         {"control_token", s.control_token()}};
  auto written = scepgate::WritePrivateFile(options.state_dir / "standin.json", line.dump() + "\n");
  if (!written) std::cerr << "scepgate-intune-standin: " << written.error().message << "\n";
  std::cout << line.dump() << std::endl;

  if (!no_stdin) {
    std::thread([] {
      char buffer[256];
      while (::read(STDIN_FILENO, buffer, sizeof buffer) > 0) {
      }
      ::kill(::getpid(), SIGTERM);
    }).detach();
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  s.Stop();
  return 0;
}

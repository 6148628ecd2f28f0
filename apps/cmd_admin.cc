// `scepgate admin-cert`: issue the admin listener's TLS certificate again (new names, or before
// the one of `init` expires).
#include <iostream>

#include "admin_cert.h"
#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"

namespace scepgate::app {

void AddAdminCertCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "admin-cert",
      "issue the admin listener's TLS certificate ([admin] tls_cert/tls_key) again from the "
      "current issuing CA; `scepgate reload` makes a running serve use it");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--name", *names,
                  "a host name or IP address clients reach the admin listener by (repeat it; "
                  "default: localhost, 127.0.0.1, ::1 and this host's name)");
  cmd->callback([dir, names] {
    OrDie(CheckAdminNames(*names));
    SystemClock clock;
    SystemRandom random;
    auto data = OrDie(OpenDataDir(*dir, clock));
    const std::vector<std::string> chosen = names->empty() ? DefaultAdminNames() : *names;
    X509Ptr cert =
        Audited(*data->store, "admin.cert", "admin-tls", nlohmann::json{{"names", chosen}},
                IssueAdminCert(data->dir, data->config, *data->cas, chosen, clock.Now(), random));
    std::cout << "issued the admin certificate (serial "
              << SerialHex(*X509_get0_serialNumber(cert.get())) << ") for";
    for (const std::string& n : chosen) std::cout << " " << n;
    std::cout << "\nwritten to " << (data->dir / data->config.admin_tls_cert).string() << " and "
              << (data->dir / data->config.admin_tls_key).string()
              << "; `scepgate reload` makes a running serve use it\n";
  });
}

}  // namespace scepgate::app

// Runs the real scepgate binary for integration tests: `init` into a fresh temp data dir, then
// `serve` on free 127.0.0.1 ports (public and admin), stopped (SIGTERM) when the object goes away.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::testing {

struct ServerOptions {
  std::vector<std::string> init_args;  // extra `scepgate init` flags (e.g. --challenge X)
  // Lines "section.key = value" applied to scepgate.toml after init (replacing the default).
  std::vector<std::pair<std::string, std::string>> config;
  // When set, `serve` runs with this limit on open files (RLIMIT_NOFILE, soft and hard).
  uint64_t max_open_files = 0;
  // When set, the data dir is a new node joined to this one's database (`scepgate init --join
  // DSN --from DIR`, the DSN read from DIR's config). init_args are then unused.
  std::filesystem::path join_from = {};
  // With join_from: the new node signs with the issuing CA `ca add-issuer --out` wrote here.
  std::filesystem::path join_issuer = {};
};

// Not thread-safe; one per test fixture.
class ServerProcess {
 public:
  static Result<std::unique_ptr<ServerProcess>> Start(const ServerOptions& options);
  ~ServerProcess();

  // http://127.0.0.1:PORT + path
  std::string Url(const std::string& path = "/scep") const;
  // The CRL the gateway serves at /crl/<issuer>.crl (the issuing CA's id, or "current"). kIo when
  // it cannot be fetched, kBadRequest when the answer is not HTTP 200 with a CRL.
  Result<X509CrlPtr> ServedCrl(const std::string& issuer = "current") const;
  uint16_t port() const { return port_; }
  // The admin listener's port (the REST API; TLS unless the config says admin.tls = false, with
  // the certificate init issued for 127.0.0.1, under DIR/ca/root.crt).
  uint16_t admin_port() const { return admin_port_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Runs `scepgate ARGS... --dir DIR`; returns the exit code, fills stdout (and stderr) text.
  int Cli(const std::vector<std::string>& args, std::string* out = nullptr,
          std::string* err = nullptr) const;
  // Stops and starts `serve` again on the same port and data dir. kInternal when it does not come
  // up.
  Status Restart();
  // Applies "section.key = value" lines to scepgate.toml (as ServerOptions::config does).
  // kIo / kNotFound when the file cannot be rewritten.
  Status Configure(const std::vector<std::pair<std::string, std::string>>& lines) const;
  // Sends SIGHUP and waits for the server to say it reloaded. kInternal with its message when it
  // kept the running stack, or when it said nothing within 10 s.
  Status Reload();
  // How many reloads the server has logged, done or failed.
  size_t ReloadCount() const;
  // Waits for the server's log to show a reload after `before` (a ReloadCount()); same errors as
  // Reload().
  Status AwaitReload(size_t before) const;
  void Stop();
  // The process id of `serve` (-1 when stopped).
  pid_t pid() const { return pid_; }
  // What `serve` has logged so far.
  std::string Log() const;

 private:
  ServerProcess() = default;
  Status Spawn();

  std::filesystem::path dir_;
  uint64_t max_open_files_ = 0;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  pid_t pid_ = -1;
};

// Path of the scepgate binary under test (from the SCEPGATE_BIN environment variable).
std::string ScepgateBinary();
// A port on 127.0.0.1 that was free a moment ago.
uint16_t FreePort();
// Runs a command (argv), returns its exit code; captures stdout/stderr when asked.
int RunCommand(const std::vector<std::string>& argv, std::string* out, std::string* err);

}  // namespace scepgate::testing

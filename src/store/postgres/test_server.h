// A real PostgreSQL server for tests: initdb in a fresh temporary directory, a postmaster that
// listens only on 127.0.0.1 at a port chosen here (unix socket inside the directory), trust
// authentication for user "postgres", fsync off. Test-only (library sg_pg_test_server).
//
// Under root the directory is given to the "postgres" system user and initdb and postgres run as
// that user (PostgreSQL refuses to run as root); otherwise they run as the current user.
// The server binaries are the highest version in /usr/lib/postgresql/<ver>/bin, or
// $SCEPGATE_PG_BINDIR, or `pg_config --bindir`.
//
// Thread-safety: Dsn(), port() and CreateDatabase() are thread-safe; Stop() and Restart() must
// not run concurrently with anything else on the same object. Start and Restart from a thread
// that outlives the server (the main thread): the postmaster is told to shut down when the
// thread that spawned it ends, so that a crashed test leaves no server running.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "store/postgres/test_process.h"

namespace scepgate::store::pg {

class PostgresTestServer {
 public:
  // Creates the cluster and starts the server, waiting (at most 30 s) until it accepts
  // connections. Returns kNotFound when no server binaries or (under root) no postgres user
  // exist, kIo when initdb or the server fails (the message ends with the log's last lines).
  static Result<std::unique_ptr<PostgresTestServer>> Start();

  // Stops the server (fast shutdown) and removes the directory.
  ~PostgresTestServer();
  PostgresTestServer(const PostgresTestServer&) = delete;
  PostgresTestServer& operator=(const PostgresTestServer&) = delete;

  // "postgresql://postgres@127.0.0.1:PORT/<database>" (the name percent-encoded).
  std::string Dsn(std::string_view database) const;

  // Creates an empty database with a name unique in this server ("sg_test_<n>") and returns the
  // name. Returns the connection's error (kIo when the server is down, kDatabase otherwise).
  Result<std::string> CreateDatabase();

  // Fast shutdown (SIGINT; SIGQUIT after 30 s, SIGKILL after 5 s more), keeping the data.
  // Stopping a stopped server does nothing. Returns kIo when it had to be killed.
  Status Stop();

  // Stops (if running) and starts again on the same port and data: existing connections break.
  // Returns kIo when the server does not come back within 30 s.
  Status Restart();

  bool running() const { return postmaster_.has_value(); }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The server's log file (appended across restarts).
  std::filesystem::path log_path() const { return dir_ / "postgres.log"; }

 private:
  PostgresTestServer(std::filesystem::path dir, std::optional<UserIds> user)
      : dir_(std::move(dir)), user_(user) {}
  // Runs initdb into dir_/data.
  Status InitDb();
  // Spawns the postmaster on port_ and waits until it answers.
  Status Launch();

  const std::filesystem::path dir_;
  std::filesystem::path bindir_;  // set once by Start()
  const std::optional<UserIds> user_;
  int port_ = 0;
  std::optional<ChildProcess> postmaster_;
  std::atomic<int> next_database_{0};
};

// One server for the whole test binary, started on first use and stopped at exit. Returns
// Start()'s error, the same one on every call, when it could not start. Thread-safe. Tests that
// Stop() or Restart() should start their own server instead.
Result<PostgresTestServer*> SharedPostgres();

// A new empty database on SharedPostgres(): its DSN. Returns SharedPostgres()'s or
// CreateDatabase()'s error. Thread-safe.
Result<std::string> NewSharedDatabase();

}  // namespace scepgate::store::pg

#include "store/postgres/test_server.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>
#include <vector>

#include "store/postgres/connection.h"

namespace scepgate::store::pg {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kReadyTimeout = seconds(30);

bool HasServer(const fs::path& bindir) {
  std::error_code ec;
  return fs::is_regular_file(bindir / "initdb", ec) && fs::is_regular_file(bindir / "postgres", ec);
}

// "15" -> {15}, "9.6" -> {9, 6}; non-numeric names sort first.
std::vector<int> VersionKey(const std::string& name) {
  std::vector<int> key;
  for (size_t at = 0; at < name.size();) {
    size_t end = name.find('.', at);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(at, end - at);
    if (part.empty() || !std::all_of(part.begin(), part.end(), ::isdigit)) return {};
    key.push_back(std::stoi(part));
    at = end + 1;
  }
  return key;
}

std::string LastLines(const fs::path& file, size_t count) {
  std::ifstream in(file);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > count) lines.pop_front();
  }
  std::string text;
  for (const std::string& line : lines) text += "\n  " + line;
  return text;
}

// `pg_config --bindir`, run from PATH, or empty.
fs::path PgConfigBindir(const fs::path& scratch) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (size_t at = 0; at <= dirs.size();) {
    size_t end = std::min(dirs.find(':', at), dirs.size());
    fs::path candidate = fs::path(dirs.substr(at, end - at)) / "pg_config";
    at = end + 1;
    if (access(candidate.c_str(), X_OK) != 0) continue;
    ProcessSpec spec{.argv = {candidate.string(), "--bindir"},
                     .user = std::nullopt,
                     .workdir = scratch,
                     .output = scratch / "pg_config.out",
                     .parent_death_signal = SIGKILL};
    Result<int> code = RunToCompletion(spec, seconds(10));
    std::ifstream in(spec.output);
    std::string line;
    if (code && *code == 0 && std::getline(in, line)) return line;
    return {};
  }
  return {};
}

Result<fs::path> FindBindir(const fs::path& scratch) {
  if (const char* env = std::getenv("SCEPGATE_PG_BINDIR")) {
    if (HasServer(env)) return fs::path(env);
    return Fail(
        Error::NotFound(std::string("SCEPGATE_PG_BINDIR=") + env + " has no initdb and postgres"));
  }
  std::optional<std::pair<std::vector<int>, fs::path>> best;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    std::vector<int> key = VersionKey(entry.path().filename().string());
    if (key.empty() || !HasServer(entry.path() / "bin")) continue;
    if (!best || key > best->first) best.emplace(key, entry.path() / "bin");
  }
  if (best) return best->second;
  fs::path from_pg_config = PgConfigBindir(scratch);
  if (!from_pg_config.empty() && HasServer(from_pg_config)) return from_pg_config;
  return Fail(Error::NotFound(
      "no PostgreSQL server binaries (initdb, postgres): install the Debian package postgresql "
      "(scripts/setup.sh) or set SCEPGATE_PG_BINDIR"));
}

// Under root: the postgres system user. Otherwise nullopt (run as ourselves).
Result<std::optional<UserIds>> ServerUser() {
  if (geteuid() != 0) return std::nullopt;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r("postgres", &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return Fail(Error::NotFound(
        "running as root, PostgreSQL needs the system user postgres (Debian package postgresql)"));
  }
  return UserIds{.uid = entry.pw_uid, .gid = entry.pw_gid};
}

// A port on 127.0.0.1 that was free a moment ago: bind to port 0, read it, close.
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(Error::Io(std::string("socket: ") + std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  int saved = errno;
  close(fd);
  if (!ok) return Fail(Error::Io(std::string("bind 127.0.0.1:0: ") + std::strerror(saved)));
  return static_cast<int>(ntohs(addr.sin_port));
}

// Removes the directories of test binaries that died without running the destructor (a crash,
// Ctrl-C); their servers went down with them (parent_death_signal). A directory is stale when the
// process named in its owner.pid no longer exists.
void RemoveStaleDirs(const fs::path& parent) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
    if (!entry.path().filename().string().starts_with("sg_pg_")) continue;
    std::ifstream in(entry.path() / "owner.pid");
    pid_t owner = 0;
    if (!(in >> owner) || owner <= 0) continue;  // being created, or not ours
    if (kill(owner, 0) == 0 || errno != ESRCH) continue;
    fs::remove_all(entry.path(), ec);
  }
}

Result<fs::path> MakeTempDir(const std::optional<UserIds>& user) {
  RemoveStaleDirs(fs::temp_directory_path());
  std::string pattern = (fs::temp_directory_path() / "sg_pg_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Fail(Error::Io("mkdtemp " + pattern + ": " + std::strerror(errno)));
  }
  std::ofstream(fs::path(pattern) / "owner.pid") << getpid() << "\n";
  if (user && chown(pattern.c_str(), user->uid, user->gid) != 0) {
    int saved = errno;
    std::error_code ignored;
    fs::remove_all(pattern, ignored);
    return Fail(Error::Io("chown " + pattern + ": " + std::strerror(saved)));
  }
  return fs::path(pattern);
}

}  // namespace

Result<std::unique_ptr<PostgresTestServer>> PostgresTestServer::Start() {
  SG_ASSIGN_OR_RETURN(std::optional<UserIds> user, ServerUser());
  SG_ASSIGN_OR_RETURN(fs::path dir, MakeTempDir(user));
  // From here the destructor removes the directory.
  std::unique_ptr<PostgresTestServer> server(new PostgresTestServer(dir, user));
  SG_ASSIGN_OR_RETURN(server->bindir_, FindBindir(dir));
  SG_TRY_STATUS(server->InitDb());
  // The port may be taken between FreePort() and the postmaster's bind: try a few.
  for (int attempt = 1;; ++attempt) {
    SG_ASSIGN_OR_RETURN(server->port_, FreePort());
    Status launched = server->Launch();
    if (launched) return server;
    bool port_taken = launched.error().message.find("could not bind") != std::string::npos;
    if (!port_taken || attempt == 3) return Fail(launched.error());
  }
}

PostgresTestServer::~PostgresTestServer() {
  (void)Stop();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

Status PostgresTestServer::InitDb() {
  ProcessSpec spec{.argv = {(bindir_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U",
                            "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"},
                   .user = user_,
                   .workdir = dir_,
                   .output = dir_ / "initdb.log",
                   .parent_death_signal = SIGKILL};
  SG_ASSIGN_OR_RETURN(int code, RunToCompletion(spec, seconds(120)));
  if (code != 0) {
    return Fail(
        Error::Io("initdb exited with " + std::to_string(code) + ":" + LastLines(spec.output, 20)));
  }
  return {};
}

Status PostgresTestServer::Launch() {
  ProcessSpec spec{.argv = {(bindir_ / "postgres").string(), "-D", (dir_ / "data").string(), "-p",
                            std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c",
                            "unix_socket_directories=" + dir_.string(), "-c", "fsync=off", "-c",
                            "synchronous_commit=off", "-c", "full_page_writes=off", "-c",
                            "shared_buffers=16MB", "-c", "max_connections=100"},
                   .user = user_,
                   .workdir = dir_,
                   .output = log_path(),
                   .parent_death_signal = SIGINT};
  SG_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(spec));
  postmaster_.emplace(std::move(child));
  std::string dsn = Dsn("postgres");
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (PQping(dsn.c_str()) != PQPING_OK) {
    if (std::optional<int> code = postmaster_->Poll()) {
      postmaster_.reset();
      return Fail(Error::Io("postgres exited with " + std::to_string(*code) + ":" +
                            LastLines(log_path(), 20)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      (void)Stop();
      return Fail(Error::Io("postgres not ready within 30 s:" + LastLines(log_path(), 20)));
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return {};
}

Status PostgresTestServer::Stop() {
  if (!postmaster_) return {};
  Status status;
  (void)postmaster_->Signal(SIGINT);  // fast shutdown: abort sessions, checkpoint, exit
  if (!postmaster_->Wait(seconds(30))) {
    (void)postmaster_->Signal(SIGQUIT);  // immediate shutdown
    if (!postmaster_->Wait(seconds(5))) {
      status = Fail(Error::Io("postgres did not stop; killed" + LastLines(log_path(), 5)));
    }
  }
  postmaster_.reset();  // SIGKILLs it if it is somehow still there
  return status;
}

Status PostgresTestServer::Restart() {
  SG_TRY_STATUS(Stop());
  return Launch();
}

std::string PostgresTestServer::Dsn(std::string_view database) const {
  std::string encoded;
  for (unsigned char c : database) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
      encoded += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      encoded += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + encoded;
}

Result<std::string> PostgresTestServer::CreateDatabase() {
  std::string name = "sg_test_" + std::to_string(next_database_++);
  SG_ASSIGN_OR_RETURN(Connection admin, Connection::Connect(Dsn("postgres")));
  SG_TRY_STATUS(admin.Exec("CREATE DATABASE " + name));
  return name;
}

Result<PostgresTestServer*> SharedPostgres() {
  static const Result<std::unique_ptr<PostgresTestServer>> server = PostgresTestServer::Start();
  if (!server) return Fail(server.error());
  return server->get();
}

Result<std::string> NewSharedDatabase() {
  SG_ASSIGN_OR_RETURN(PostgresTestServer * pg, SharedPostgres());
  SG_ASSIGN_OR_RETURN(std::string db, pg->CreateDatabase());
  return pg->Dsn(db);
}

}  // namespace scepgate::store::pg

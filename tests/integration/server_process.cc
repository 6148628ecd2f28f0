#include "server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/http_client.h"
#include "common/config.h"
#include "common/config_edit.h"
#include "common/files.h"

namespace scepgate::testing {

namespace fs = std::filesystem;

std::string ScepgateBinary() {
  const char* bin = std::getenv("SCEPGATE_BIN");
  return bin ? bin : "scepgate";
}

uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

int RunCommand(const std::vector<std::string>& argv, std::string* out, std::string* err) {
  // Safe from several threads at once: unique file names, and nothing but system calls between
  // fork and exec (another thread may hold the allocator's lock at the fork).
  static std::atomic<uint64_t> next{0};
  fs::path tmp = fs::temp_directory_path() /
                 ("sg_cmd_" + std::to_string(::getpid()) + "_" + std::to_string(next++));
  fs::path out_file = tmp.string() + ".out", err_file = tmp.string() + ".err";
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (out) *out = ReadFile(out_file).value_or("");
  if (err) *err = ReadFile(err_file).value_or("");
  fs::remove(out_file);
  fs::remove(err_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(const ServerOptions& options) {
  std::unique_ptr<ServerProcess> s(new ServerProcess());
  char tmpl[] = "/tmp/scepgate-it-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Fail(Error::Io("mkdtemp failed"));
  s->dir_ = fs::path(tmpl) / "data";
  if (!options.join_from.empty()) {
    auto source = LoadConfig(options.join_from / "scepgate.toml");
    if (!source) return Fail(source.error());
    std::string err;
    std::vector<std::string> join = {ScepgateBinary(), "init",
                                     "--dir",          s->dir_.string(),
                                     "--join",         source->store_dsn,
                                     "--from",         options.join_from.string()};
    if (!options.join_issuer.empty()) {
      join.push_back("--issuer");
      join.push_back(options.join_issuer.string());
    }
    if (RunCommand(join, nullptr, &err) != 0)
      return Fail(Error::Internal("scepgate init --join failed: " + err));
  } else {
    std::vector<std::string> init = {ScepgateBinary(), "init", "--dir", s->dir_.string()};
    init.insert(init.end(), options.init_args.begin(), options.init_args.end());
    std::string err;
    if (RunCommand(init, nullptr, &err) != 0)
      return Fail(Error::Internal("scepgate init failed: " + err));
  }
  SG_TRY_STATUS(s->Configure(options.config));
  s->port_ = FreePort();
  s->admin_port_ = FreePort();
  s->max_open_files_ = options.max_open_files;
  SG_TRY_STATUS(s->Spawn());
  return s;
}

Status ServerProcess::Spawn() {
  std::string log = (dir_.parent_path() / "serve.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (max_open_files_ != 0) {
      rlimit lim{max_open_files_, max_open_files_};
      ::setrlimit(RLIMIT_NOFILE, &lim);
    }
    std::string listen = "127.0.0.1:" + std::to_string(port_);
    std::string admin_listen = "127.0.0.1:" + std::to_string(admin_port_);
    std::string bin = ScepgateBinary();
    ::execl(bin.c_str(), bin.c_str(), "serve", "--dir", dir_.c_str(), "--listen", listen.c_str(),
            "--admin-listen", admin_listen.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto http = client::MakeHttpClient(2);
  client::Url url{"127.0.0.1", port_, "/healthz"};
  for (int i = 0; i < 200; ++i) {
    auto r = http->Get(url, "/healthz");
    if (r && r->status == 200) return {};
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Fail(Error::Internal("scepgate serve exited: " + ReadFile(log).value_or("")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Fail(
      Error::Internal("scepgate serve did not become healthy: " + ReadFile(log).value_or("")));
}

std::string ServerProcess::Log() const {
  return ReadFile(dir_.parent_path() / "serve.log").value_or("");
}

void ServerProcess::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

Status ServerProcess::Restart() {
  Stop();
  return Spawn();
}

Status ServerProcess::Configure(
    const std::vector<std::pair<std::string, std::string>>& lines) const {
  if (lines.empty()) return {};
  fs::path cfg = dir_ / "scepgate.toml";
  SG_ASSIGN_OR_RETURN(std::string text, ReadFile(cfg));
  for (const auto& [k, v] : lines) {
    size_t dot = k.rfind('.');
    text = SetConfigValue(text, k.substr(0, dot), k.substr(dot + 1), v);
  }
  return WritePrivateFile(cfg, text);
}

namespace {

size_t Occurrences(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

size_t ServerProcess::ReloadCount() const {
  std::string log = ReadFile(dir_.parent_path() / "serve.log").value_or("");
  return Occurrences(log, "reloaded: ") + Occurrences(log, "reload failed");
}

Status ServerProcess::AwaitReload(size_t before) const {
  const fs::path log = dir_.parent_path() / "serve.log";
  for (int i = 0; i < 200; ++i) {
    if (ReloadCount() > before) {
      std::string text = ReadFile(log).value_or("");
      size_t ok = text.rfind("reloaded: "), bad = text.rfind("reload failed");
      if (bad != std::string::npos && (ok == std::string::npos || bad > ok))
        return Fail(Error::Internal("reload failed: " + text));
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Fail(Error::Internal("no reload within 10 s: " + ReadFile(log).value_or("")));
}

Status ServerProcess::Reload() {
  const size_t before = ReloadCount();
  if (pid_ <= 0 || ::kill(pid_, SIGHUP) != 0) return Fail(Error::Internal("no server to signal"));
  return AwaitReload(before);
}

ServerProcess::~ServerProcess() {
  Stop();
  std::error_code ec;
  if (std::getenv("SCEPGATE_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_.parent_path(), ec);
}

std::string ServerProcess::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

Result<X509CrlPtr> ServerProcess::ServedCrl(const std::string& issuer) const {
  const std::string path = "/crl/" + issuer + ".crl";
  auto served = client::MakeHttpClient(10)->Get(client::Url{"127.0.0.1", port_, "/"}, path);
  if (!served) return Fail(served.error());
  if (served->status != 200)
    return Fail(Error::BadRequest("GET " + path + ": HTTP " + std::to_string(served->status)));
  return CrlFromDer(AsView(served->body));
}

int ServerProcess::Cli(const std::vector<std::string>& args, std::string* out,
                       std::string* err) const {
  std::vector<std::string> argv = {ScepgateBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--dir");
  argv.push_back(dir_.string());
  return RunCommand(argv, out, err);
}

}  // namespace scepgate::testing

#include "server_pid.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "common/files.h"

namespace scepgate::app {
namespace {

std::filesystem::path PidPath(const std::filesystem::path& dir) { return dir / "serve.pid"; }

std::optional<pid_t> ReadPid(const std::filesystem::path& path) {
  auto text = ReadFile(path);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    long pid = std::stol(*text, &used);
    if (pid <= 1 || (used < text->size() && (*text)[used] != '\n')) return std::nullopt;
    return static_cast<pid_t>(pid);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// The process's argv, from /proc; empty when it is gone.
std::vector<std::string> CommandLine(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::vector<std::string> args;
  std::string arg;
  while (std::getline(in, arg, '\0')) args.push_back(arg);
  return args;
}

}  // namespace

Result<ServerPidFile> ServerPidFile::Create(const std::filesystem::path& dir) {
  std::filesystem::path path = PidPath(dir);
  SG_TRY_STATUS(WriteFile(path, std::to_string(::getpid()) + "\n", 0644));
  return ServerPidFile(std::move(path));
}

ServerPidFile::~ServerPidFile() {
  if (path_.empty()) return;
  if (ReadPid(path_) == ::getpid()) {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
}

std::optional<pid_t> RunningServer(const std::filesystem::path& dir) {
  std::optional<pid_t> pid = ReadPid(PidPath(dir));
  if (!pid) return std::nullopt;
  std::vector<std::string> args = CommandLine(*pid);
  if (args.size() < 2) return std::nullopt;
  bool is_scepgate = std::filesystem::path(args[0]).filename().string().starts_with("scepgate");
  bool serves = false;
  for (size_t i = 1; i < args.size(); ++i) serves = serves || args[i] == "serve";
  if (!is_scepgate || !serves) return std::nullopt;
  return pid;
}

std::string ReloadRunningServer(const std::filesystem::path& dir, const std::string& what) {
  std::optional<pid_t> pid = RunningServer(dir);
  if (pid && ::kill(*pid, SIGHUP) == 0)
    return "sent SIGHUP to `scepgate serve` (pid " + std::to_string(*pid) + ") " + what;
  return "no `scepgate serve` runs on " + dir.string() + "; start it (or send SIGHUP to the one " +
         "that serves this data dir) " + what;
}

}  // namespace scepgate::app

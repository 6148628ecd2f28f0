// DIR/serve.pid: which `scepgate serve` runs on a data dir, so that the commands that change what
// it serves (ca rollover, ca activate, challenge rotate-key, reload) can have it reload at once.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "common/error.h"

namespace scepgate::app {

// Written by `serve` once it listens; removed when it stops (only if it still names this
// process, so a second server's file is left alone).
class ServerPidFile {
 public:
  // Returns kIo when the file cannot be written.
  static Result<ServerPidFile> Create(const std::filesystem::path& dir);
  ServerPidFile(ServerPidFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ServerPidFile& operator=(ServerPidFile&&) = delete;
  ServerPidFile(const ServerPidFile&) = delete;
  ~ServerPidFile();

 private:
  explicit ServerPidFile(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;  // empty once moved from
};

// The pid of the `scepgate serve` named by DIR/serve.pid, when that process still runs and is
// one; nullopt for no file, a stale one, or another program under that pid.
std::optional<pid_t> RunningServer(const std::filesystem::path& dir);

// Sends SIGHUP to the server of DIR and returns a line saying so, or, when none runs there, a
// line saying what to do instead (`what` names the change, e.g. "to use the new CA").
std::string ReloadRunningServer(const std::filesystem::path& dir, const std::string& what);

}  // namespace scepgate::app

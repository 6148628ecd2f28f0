// Child processes for test harnesses: fork + execv with an argv array (no shell), optionally as
// another user, output to a file. Test-only.
// Thread-compatible: one ChildProcess is used by one thread at a time. See `parent_death_signal`
// for the one thread-related caveat.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace scepgate::store::pg {

// A user the child becomes before exec (the caller must be root to use another one).
struct UserIds {
  uid_t uid;
  gid_t gid;
};

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the program's absolute path
  std::optional<UserIds> user;    // when set: setgroups, setgid, setuid before exec
  std::filesystem::path workdir;  // the child's working directory (must exist)
  std::filesystem::path output;   // stdout and stderr are appended here
  // Sent to the child when the thread that spawned it ends (Linux PR_SET_PDEATHSIG), so that a
  // crashed test leaves no server behind. 0 for none. It follows the spawning *thread*, so spawn
  // long-lived processes from a thread that outlives them (the main thread, in tests).
  int parent_death_signal = 0;
};

class ChildProcess {
 public:
  // Forks and execs. The environment is PATH and TZ from ours plus LC_ALL=C and nothing else
  // (no PG* variables leak in). Returns kIo when fork or the output file fails; a failing exec
  // shows as exit status 127 with the reason in the output file.
  static Result<ChildProcess> Spawn(const ProcessSpec& spec);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // The exit code (128 + signal when killed) once the child has ended; nullopt while it runs.
  std::optional<int> Poll();
  // Waits up to `timeout` for the child to end. Returns its exit code as Poll(), or kIo on
  // timeout (the child keeps running).
  Result<int> Wait(std::chrono::milliseconds timeout);
  // Sends `signal` unless the child has already ended. Returns kIo when kill() fails.
  Status Signal(int signal);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_;                     // -1 once moved from
  std::optional<int> exit_code_;  // set once reaped
};

// Spawns, waits up to `timeout`, and returns the exit code. On timeout the child is killed and
// kIo returned.
Result<int> RunToCompletion(const ProcessSpec& spec, std::chrono::milliseconds timeout);

}  // namespace scepgate::store::pg

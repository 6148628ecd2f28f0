// Test-only: races forked processes against one database, as nodes and CLI commands do. The
// parent must hold no libpq connection when it forks (children must never touch a connection
// they inherited); each child opens its own, and ends with _exit so that it runs none of the
// parent's destructors (the shared test server's among them).
#pragma once

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <vector>

namespace scepgate::store::pg {

// Calling it says "ready" and blocks until the parent releases every child at once.
using StartSignal = std::function<void()>;

// Forks `count` children; child i runs `child(i, start)` and exits with what it returns. The
// parent releases them together (a pipe closed) once every child said it is ready (or after
// 20 s, when one failed before saying so), and returns their exit codes in order (-1 for a child
// that did not exit normally).
inline std::vector<int> ForkRace(int count,
                                 const std::function<int(int, const StartSignal&)>& child) {
  std::array<int, 2> start{};
  std::array<int, 2> ready{};
  if (::pipe(start.data()) != 0 || ::pipe(ready.data()) != 0) {
    return std::vector<int>(static_cast<size_t>(count), -1);
  }
  std::vector<pid_t> pids;
  for (int i = 0; i < count; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(start[1]);
      ::close(ready[0]);
      StartSignal signal = [&] {
        char byte = 1;
        (void)::write(ready[1], &byte, 1);
        (void)::read(start[0], &byte, 1);  // returns at EOF: the parent closed its end
      };
      ::_exit(child(i, signal));
    }
    pids.push_back(pid);
  }
  ::close(start[0]);
  ::close(ready[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int said = 0; said < count;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{ready[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) break;
    char byte = 0;
    if (::read(ready[0], &byte, 1) != 1) break;
    ++said;
  }
  ::close(ready[0]);
  ::close(start[1]);
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) {
      codes.push_back(-1);
      continue;
    }
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return codes;
}

inline int CountOf(const std::vector<int>& codes, int code) {
  return static_cast<int>(std::count(codes.begin(), codes.end(), code));
}

}  // namespace scepgate::store::pg
